"""Softmax and log-softmax along one dim, stable for any finite logits (and -inf masks)."""

from __future__ import annotations

from typedtorch import _oprules
from typedtorch._backend import Array
from typedtorch._errors import ShapeError

from ._apply import UnaryOp


class Softmax(UnaryOp):
    __slots__ = ("dim", "out")
    name = "softmax"
    saves_inputs = False
    saves_output = True

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, x: Array) -> Array:
        xp = self.xp
        d = _check(self.name, x, self.dim)
        m = xp.max(x, axis=d, keepdims=True)
        # A row that is all -inf (fully masked) would be nan from -inf - -inf; PyTorch
        # gives nan there too, so only finite maxima are subtracted.
        m = xp.where(xp.isfinite(m), m, xp.zeros_like(m))
        e = xp.exp(x - m)
        self.out = e / xp.sum(e, axis=d, keepdims=True)
        return self.out

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        out = self.out
        return (out * (g - self.xp.sum(g * out, axis=self.dim, keepdims=True)),)


class LogSoftmax(UnaryOp):
    __slots__ = ("dim", "out")
    name = "log_softmax"
    saves_inputs = False
    saves_output = True

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, x: Array) -> Array:
        xp = self.xp
        d = _check(self.name, x, self.dim)
        m = xp.max(x, axis=d, keepdims=True)
        m = xp.where(xp.isfinite(m), m, xp.zeros_like(m))
        shifted = x - m
        self.out = shifted - xp.log(xp.sum(xp.exp(shifted), axis=d, keepdims=True))
        return self.out

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        xp = self.xp
        return (g - xp.exp(self.out) * xp.sum(g, axis=self.dim, keepdims=True),)


def _check(op: str, x: Array, dim: int) -> int:
    if x.ndim == 0:
        raise ShapeError(f"{op}: needs at least one dim, got a Scalar (shape ())")
    d = _oprules.norm_dim(dim, x.ndim)
    if d is None:
        raise IndexError(_oprules.reduce(op, tuple(x.shape), dim, False, _oprules.RUNTIME).message)  # type: ignore[union-attr]
    if x.shape[d] == 0:
        raise ShapeError(f"{op}: dim {dim} of shape {tuple(x.shape)} is empty")
    return d
