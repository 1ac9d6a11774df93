"""Matrix products: ``@`` in all its forms (``typedtorch._oprules.matmul`` is its rule)."""

from __future__ import annotations

from typedtorch import _oprules
from typedtorch._backend import Array
from typedtorch._engine import unbroadcast
from typedtorch._errors import ShapeError

from ._apply import BinaryOp, _sh


class MatMul(BinaryOp):
    __slots__ = ("a", "b")
    name, symbol = "matmul", "@"
    promotes = False  # PyTorch refuses mixed dtypes in a matrix product; so do we
    broadcasts = False  # its own rule, below

    def forward(self, a: Array, b: Array) -> Array:
        sa, sb = _sh(a), _sh(b)
        verdict = _oprules.matmul(sa, sb, _oprules.RUNTIME)
        if isinstance(verdict, _oprules.Bad):
            raise ShapeError(verdict.message)
        if a.dtype != b.dtype:
            na, nb = (str(v.dtype).rsplit(".", 1)[-1] for v in (a, b))
            raise TypeError(f"matmul: both operands need one dtype, got {na} @ {nb}; convert one (e.g. .float())")
        self.a, self.b = a, b
        return a @ b

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        xp, a, b = self.xp, self.a, self.b
        if a.ndim == 2 and b.ndim == 2:  # the hot path: no reshapes, transposes are views
            return (g @ b.mT if self.needs[0] else None, a.mT @ g if self.needs[1] else None)
        # Vectors act as a 1-row / 1-column matrix; restore their rank at the end.
        a2 = a if a.ndim > 1 else xp.reshape(a, (1, a.shape[0]))
        b2 = b if b.ndim > 1 else xp.reshape(b, (b.shape[0], 1))
        g2 = xp.reshape(g, (*g.shape, 1)) if b.ndim == 1 else g
        if a.ndim == 1:
            g2 = xp.reshape(g2, (*g2.shape[:-1], 1, g2.shape[-1]))
        ga = gb = None
        if self.needs[0]:
            ga = xp.reshape(unbroadcast(xp, g2 @ b2.mT, a2.shape), a.shape)
        if self.needs[1]:
            gb = xp.reshape(unbroadcast(xp, a2.mT @ g2, b2.shape), b.shape)
        return ga, gb
