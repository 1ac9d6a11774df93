"""Reductions over one dim or all: ``sum``, ``mean``, ``max``."""

from __future__ import annotations

import math
from typing import Any

from typedtorch._backend import Array

from ._apply import UnaryOp, _axis


class Sum(UnaryOp):
    __slots__ = ("dim", "keepdim", "shape")

    def __init__(self, dim: int | None, keepdim: bool) -> None:
        self.dim, self.keepdim = dim, keepdim

    def forward(self, x: Array) -> Array:
        self.shape = x.shape
        self.dim = _axis(x.ndim, self.dim, "sum")
        return self.xp.sum(x, axis=self.dim, keepdims=self.keepdim)

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        return (_spread(self.xp, g, self.dim, self.keepdim, self.shape),)


class Mean(Sum):
    __slots__ = ("n",)

    def forward(self, x: Array) -> Array:
        self.shape = x.shape
        self.dim = _axis(x.ndim, self.dim, "mean")
        self.n = x.shape[self.dim] if self.dim is not None else math.prod(x.shape)
        # sum / n: numpy's mean spends twice as long in Python on small arrays.
        return self.xp.sum(x, axis=self.dim, keepdims=self.keepdim) / self.n

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        return (_spread(self.xp, g / self.n, self.dim, self.keepdim, self.shape),)


class Max(UnaryOp):
    __slots__ = ("dim", "keepdim", "x", "out")

    def __init__(self, dim: int | None, keepdim: bool) -> None:
        self.dim, self.keepdim = dim, keepdim

    def forward(self, x: Array) -> Array:
        self.dim = _axis(x.ndim, self.dim, "max")
        self.x = x
        self.out = self.xp.max(x, axis=self.dim, keepdims=self.keepdim)
        return self.out

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        # Ties share the gradient evenly (torch.amax's rule); a subgradient either way.
        xp, x = self.xp, self.x
        out = _spread(xp, self.out, self.dim, self.keepdim, x.shape)
        mask = xp.astype(x == out, x.dtype)
        count = xp.sum(mask, axis=self.dim, keepdims=True)
        return (_spread(xp, g, self.dim, self.keepdim, x.shape) * mask / count,)


def _spread(xp: Any, g: Array, dim: int | None, keepdim: bool, shape: tuple[int, ...]) -> Array:
    """Broadcast a reduction's gradient back over the reduced dims."""
    if dim is not None and not keepdim:
        g = xp.expand_dims(g, axis=dim)
    return xp.broadcast_to(g, shape)
