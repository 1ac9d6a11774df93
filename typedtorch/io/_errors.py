"""The error ``typedtorch.io`` raises for files it cannot use."""

from __future__ import annotations


class CheckpointError(ValueError):
    """A checkpoint file is unreadable: not safetensors, truncated, corrupted, or from an unknown format version.

    A mismatch between a valid checkpoint and the module it is loaded into (a missing
    or unexpected parameter, a different shape or dtype) is a :class:`typedtorch.ShapeError`
    instead: the file is fine, the model is not the one it was saved from.

    >>> from typedtorch import io
    >>> issubclass(io.CheckpointError, ValueError)
    True
    """
