"""Softmax and log-softmax along one dim."""

from __future__ import annotations

from typedtorch._backend import Array

from ._apply import UnaryOp


class Softmax(UnaryOp):
    __slots__ = ("dim", "out")

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, x: Array) -> Array:
        xp, d = self.xp, self.dim
        e = xp.exp(x - xp.max(x, axis=d, keepdims=True))
        self.out = e / xp.sum(e, axis=d, keepdims=True)
        return self.out

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        out = self.out
        return (out * (g - self.xp.sum(g * out, axis=self.dim, keepdims=True)),)


class LogSoftmax(UnaryOp):
    __slots__ = ("dim", "out")

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, x: Array) -> Array:
        xp, d = self.xp, self.dim
        shifted = x - xp.max(x, axis=d, keepdims=True)
        self.out = shifted - xp.log(xp.sum(xp.exp(shifted), axis=d, keepdims=True))
        return self.out

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        xp = self.xp
        return (g - xp.exp(self.out) * xp.sum(g, axis=self.dim, keepdims=True),)
