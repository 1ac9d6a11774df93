"""The exceptions users catch. Kept apart so every module can raise them without cycles."""

from __future__ import annotations


class ShapeError(TypeError):
    """A tensor had the wrong shape; the message names the shapes involved.

    A ``TypeError`` because a shape is part of a tensor's type: code that already
    catches type errors from bad arguments catches these too.

    >>> import typedtorch as tt
    >>> tt.zeros(4, 2) @ tt.zeros(3, 5)  # doctest: +SKIP
    ShapeError: matmul: inner dimensions differ: (4, 2) @ (3, 5) (2 != 3)
    """


class DeviceError(RuntimeError):
    """An operation mixed tensors that live on different devices."""


# Tracebacks name the public path (`typedtorch.ShapeError`), not the private module.
ShapeError.__module__ = DeviceError.__module__ = "typedtorch"
