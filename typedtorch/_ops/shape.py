"""Shape ops: reshape, transpose, cat, stack."""

from __future__ import annotations

import math

from typedtorch._backend import Array
from typedtorch._errors import ShapeError

from ._apply import ManyOp, UnaryOp, _axis


class Reshape(UnaryOp):
    __slots__ = ("shape", "src")

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape

    def forward(self, x: Array) -> Array:
        self.src = x.shape
        try:
            return self.xp.reshape(x, self.shape)
        except ValueError as e:
            raise ShapeError(
                f"reshape: cannot reshape {tuple(x.shape)} ({math.prod(x.shape)} elements) to {self.shape}"
            ) from e

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        return (self.xp.reshape(g, self.src),)


class Transpose(UnaryOp):
    __slots__ = ()

    def forward(self, x: Array) -> Array:
        if x.ndim != 2:
            raise ShapeError(f".T needs a matrix (rank 2), got shape {tuple(x.shape)}")
        return x.mT

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        return (g.mT,)


class Cat(ManyOp):
    __slots__ = ()
    name = "cat"

    def forward(self, arrays: list[Array]) -> Array:
        self.dim = _axis(arrays[0].ndim, self.dim, "cat") or 0
        self.sizes = [a.shape[self.dim] for a in arrays]
        return self.xp.concat(arrays, axis=self.dim)

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        out: list[Array | None] = []
        start = 0
        lead = (slice(None),) * self.dim
        for size, need in zip(self.sizes, self.needs, strict=True):
            out.append(g[(*lead, slice(start, start + size), ...)] if need else None)
            start += size
        return tuple(out)


class Stack(ManyOp):
    __slots__ = ()
    name = "stack"

    def forward(self, arrays: list[Array]) -> Array:
        self.dim = _axis(arrays[0].ndim + 1, self.dim, "stack") or 0
        return self.xp.stack(arrays, axis=self.dim)

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        lead = (slice(None),) * self.dim
        return tuple(g[(*lead, i, ...)] if need else None for i, need in enumerate(self.needs))
