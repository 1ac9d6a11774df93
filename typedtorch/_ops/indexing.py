"""Indexing: basic slicing and integer gathers."""

from __future__ import annotations

import math
from typing import Any

from typedtorch._backend import Array

from ._apply import UnaryOp


class GetItem(UnaryOp):
    """Basic indexing (ints and slices); backward writes into zeros."""

    __slots__ = ("key", "shape", "dtype", "device")

    def __init__(self, key: Any) -> None:
        self.key = key

    def forward(self, x: Array) -> Array:
        self.shape, self.dtype, self.device = x.shape, x.dtype, x.device
        return x[self.key]

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        out = self.xp.zeros(self.shape, dtype=self.dtype, device=self.device)
        out[self.key] = g
        return (out,)


class Take(UnaryOp):
    """Rows picked by an integer index tensor: ``x[idx]`` along the first dim."""

    __slots__ = ("idx", "n", "device")

    def __init__(self, idx: Array) -> None:
        self.idx = idx

    def forward(self, x: Array) -> Array:
        self.n, self.device = x.shape[0], x.device
        return self.xp.take(x, self.idx, axis=0)

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        # The array API has no scatter-add, so repeated rows are summed through a
        # one-hot matmul; x[idx] with idx of K rows costs one (n, K) @ (K, rest).
        xp = self.xp
        # Negative indices count from the end (the forward take has range-checked them).
        idx = xp.where(self.idx < 0, self.idx + self.n, self.idx)
        onehot = xp.astype(
            xp.reshape(xp.arange(self.n, device=self.device), (self.n, 1)) == xp.reshape(idx, (1, -1)),
            g.dtype,
        )
        rest = g.shape[1:]
        flat = xp.reshape(g, (g.shape[0], math.prod(rest)))
        return (xp.reshape(onehot @ flat, (self.n, *rest)),)
