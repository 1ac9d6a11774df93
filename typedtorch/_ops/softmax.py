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
        if d is None:  # a Scalar is one row of one element, as in PyTorch
            self.out = xp.ones_like(x)
            return self.out
        m = xp.max(x, axis=d, keepdims=True)
        # A row that is all -inf (fully masked) would be nan from -inf - -inf; PyTorch
        # gives nan there too, so only finite maxima are subtracted.
        m = xp.where(xp.isfinite(m), m, xp.zeros_like(m))
        e = xp.exp(x - m)
        self.out = e / xp.sum(e, axis=d, keepdims=True)
        return self.out

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        out = self.out
        if out.ndim == 0:
            return (self.xp.zeros_like(g),)
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
        if d is None:
            self.out = xp.zeros_like(x)
            return self.out
        m = xp.max(x, axis=d, keepdims=True)
        m = xp.where(xp.isfinite(m), m, xp.zeros_like(m))
        shifted = x - m
        self.out = shifted - xp.log(xp.sum(xp.exp(shifted), axis=d, keepdims=True))
        return self.out

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        xp = self.xp
        if g.ndim == 0:
            return (xp.zeros_like(g),)
        return (g - xp.exp(self.out) * xp.sum(g, axis=self.dim, keepdims=True),)


def _check(op: str, x: Array, dim: int) -> int | None:
    """The axis, or None for a Scalar (whose only dims are 0 and -1, as in PyTorch)."""
    if not isinstance(dim, int) or isinstance(dim, bool):
        raise TypeError(f"{op}: dim must be an int, got {type(dim).__name__}")
    kind = str(x.dtype).rsplit(".", 1)[-1]
    if not kind.startswith("float"):
        # PyTorch refuses too (numpy would compute it in float64, array-api-strict fails)
        raise TypeError(f"{op}: expected a floating-point tensor, got dtype {kind} (convert with .float())")
    if x.ndim == 0:
        if dim not in (0, -1):
            raise IndexError(f"{op}: dim {dim} is out of range for a Scalar (dims -1 and 0)")
        return None
    d = _oprules.norm_dim(dim, x.ndim)
    if d is None:
        raise IndexError(_oprules.reduce(op, tuple(x.shape), dim, False, _oprules.RUNTIME).message)  # type: ignore[union-attr]
    if x.shape[d] == 0:
        raise ShapeError(f"{op}: dim {dim} of shape {tuple(x.shape)} is empty")
    return d
