"""Elementwise activation layers: ``ReLU``, ``Sigmoid``, ``Tanh``, ``Softmax``, ``LogSoftmax``.

Each is a non-generic class with a generic ``__call__(x: Tensor[*S]) -> Tensor[*S]``,
so the same instance types correctly on any shape and composes with ``>>``.
"""

from __future__ import annotations

from typedtorch._dims import S
from typedtorch._ops import check_tensor
from typedtorch._tensor import Tensor

from ._compose import ShapePreserving


class ReLU(ShapePreserving):
    """``max(x, 0)`` elementwise.

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> nn.ReLU()(tt.tensor([-1.0, 2.0])).tolist()
    [0.0, 2.0]
    """

    def __call__(self, x: Tensor[*S]) -> Tensor[*S]:
        check_tensor(x, "ReLU")
        return x.relu()


class Sigmoid(ShapePreserving):
    """``1 / (1 + exp(-x))`` elementwise: ``nn.Sigmoid()(tt.zeros(3))`` is ``[0.5, 0.5, 0.5]``."""

    def __call__(self, x: Tensor[*S]) -> Tensor[*S]:
        check_tensor(x, "Sigmoid")
        return x.sigmoid()


class Tanh(ShapePreserving):
    """Hyperbolic tangent elementwise: ``nn.Tanh()(tt.zeros(2))`` is ``[0, 0]``."""

    def __call__(self, x: Tensor[*S]) -> Tensor[*S]:
        check_tensor(x, "Tanh")
        return x.tanh()


class Softmax(ShapePreserving):
    """Softmax along ``dim`` (the last by default); each slice sums to 1.

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> nn.Softmax()(tt.zeros(2, 4)).tolist()[0]
    [0.25, 0.25, 0.25, 0.25]
    """

    def __init__(self, dim: int = -1) -> None:
        self.dim = dim

    def __call__(self, x: Tensor[*S]) -> Tensor[*S]:
        check_tensor(x, "Softmax")
        return x.softmax(self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(ShapePreserving):
    """``log(softmax(x))`` along ``dim``, computed stably in one op: ``nn.LogSoftmax(dim=1)``."""

    def __init__(self, dim: int = -1) -> None:
        self.dim = dim

    def __call__(self, x: Tensor[*S]) -> Tensor[*S]:
        check_tensor(x, "LogSoftmax")
        return x.log_softmax(self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"
