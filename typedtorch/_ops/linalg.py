"""Matrix products: ``@`` in all its forms."""

from __future__ import annotations

from typing import Any

from typedtorch._backend import Array
from typedtorch._engine import unbroadcast
from typedtorch._errors import ShapeError

from ._apply import BinaryOp, _shape


class MatMul(BinaryOp):
    __slots__ = ("a", "b")
    name = "matmul"

    def forward(self, a: Array, b: Array) -> Array:
        if not hasattr(a, "ndim") or not hasattr(b, "ndim") or a.ndim == 0 or b.ndim == 0:
            raise ShapeError(f"matmul: both operands need at least one dim, got {_shape(a)} @ {_shape(b)}")
        self.a, self.b = a, b
        return a @ b

    def shape_message(self, a: Any, b: Any) -> str:
        if isinstance(a, tuple) and isinstance(b, tuple) and a and b:
            k_a = a[-1]
            k_b = b[-2] if len(b) >= 2 else b[-1]
            if k_a != k_b:
                return f"matmul: inner dimensions differ: {a} @ {b} ({k_a} != {k_b})"
            return f"matmul: batch dimensions do not broadcast: {a} @ {b}"
        return f"matmul: cannot multiply {a} @ {b}"

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
