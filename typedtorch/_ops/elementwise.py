"""Elementwise ops: ``+ - * /``, ``maximum``, ``where``, and one-input maths."""

from __future__ import annotations

from typing import Any

from typedtorch._backend import Array
from typedtorch._engine import Function, grad_mode, next_seq, unbroadcast
from typedtorch._errors import DeviceError, ShapeError
from typedtorch._tensor import Tensor, make

from ._apply import _SCALAR_TYPES, BinaryOp, Operand, UnaryOp, _number, _sh, _shape


class Add(BinaryOp):
    __slots__ = ("ashape", "bshape")
    name = "add"

    def forward(self, a: Array, b: Array) -> Array:
        self.ashape, self.bshape = _sh(a), _sh(b)
        return a + b

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        xp = self.xp
        return (
            unbroadcast(xp, g, self.ashape) if self.needs[0] else None,
            unbroadcast(xp, g, self.bshape) if self.needs[1] else None,
        )


class Sub(BinaryOp):
    __slots__ = ("ashape", "bshape")
    name = "sub"

    def forward(self, a: Array, b: Array) -> Array:
        self.ashape, self.bshape = _sh(a), _sh(b)
        return a - b

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        xp = self.xp
        return (
            unbroadcast(xp, g, self.ashape) if self.needs[0] else None,
            unbroadcast(xp, -g, self.bshape) if self.needs[1] else None,
        )


class Mul(BinaryOp):
    __slots__ = ("a", "b")
    name = "mul"

    def forward(self, a: Array, b: Array) -> Array:
        self.a, self.b = a, b
        return a * b

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        xp, a, b = self.xp, self.a, self.b
        return (
            unbroadcast(xp, g * b, a.shape) if self.needs[0] else None,
            unbroadcast(xp, g * a, b.shape) if self.needs[1] else None,
        )


class Div(BinaryOp):
    __slots__ = ("a", "b")
    name = "div"

    def forward(self, a: Array, b: Array) -> Array:
        self.a, self.b = a, b
        return a / b

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        xp, a, b = self.xp, self.a, self.b
        ga = g / b
        return (
            unbroadcast(xp, ga, a.shape) if self.needs[0] else None,
            unbroadcast(xp, -ga * a / b, b.shape) if self.needs[1] else None,
        )


class Maximum(BinaryOp):
    __slots__ = ("a", "b")
    name = "maximum"

    def forward(self, a: Array, b: Array) -> Array:
        self.a, self.b = a, b
        return self.xp.maximum(a, b)

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        # Ties split the gradient evenly, as torch.maximum does.
        xp, a, b = self.xp, self.a, self.b
        zero = xp.zeros_like(g)
        half = g * 0.5
        ga = xp.where(a > b, g, xp.where(a == b, half, zero))
        gb = g - ga
        return (
            unbroadcast(xp, ga, _sh(a)) if self.needs[0] else None,
            unbroadcast(xp, gb, _sh(b)) if self.needs[1] else None,
        )


class Where(Function):
    """``where(cond, a, b)``; ``cond`` is a boolean array, never differentiated."""

    __slots__ = ("xp", "cond", "ashape", "bshape")
    xp: Any
    cond: Array
    ashape: tuple[int, ...]
    bshape: tuple[int, ...]

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        xp, cond = self.xp, self.cond
        zero = xp.zeros_like(g)
        return (
            None,
            unbroadcast(xp, xp.where(cond, g, zero), self.ashape) if self.needs[1] else None,
            unbroadcast(xp, xp.where(cond, zero, g), self.bshape) if self.needs[2] else None,
        )


def where(cond: Tensor[*tuple[Any, ...]], a: Operand, b: Operand) -> Tensor[*tuple[Any, ...]]:
    if not isinstance(cond, Tensor):
        raise TypeError(f"where: condition must be a tensor, got {type(cond).__name__}")
    backend = cond._backend
    parts = []
    for t in (a, b):
        if isinstance(t, Tensor):
            if t._backend is not backend:
                raise DeviceError(f"where: tensors on different devices: {backend.device} and {t._backend.device}")
            parts.append(t._data)
        elif isinstance(t, _SCALAR_TYPES):
            parts.append(_number(t))
        else:
            raise TypeError(f"where: unsupported operand type {type(t).__name__}")
    xp = backend.xp
    c = cond._data
    if c.dtype != xp.bool:
        raise TypeError(f"where: condition must be boolean, got dtype {c.dtype}")
    try:
        out = xp.where(c, parts[0], parts[1])
    except ValueError as e:
        raise ShapeError(
            f"where: shapes {_shape(c)}, {_shape(parts[0])} and {_shape(parts[1])} do not broadcast"
        ) from e
    needs = (False, isinstance(a, Tensor) and a.requires_grad, isinstance(b, Tensor) and b.requires_grad)
    if (needs[1] or needs[2]) and grad_mode.enabled:
        fn = Where()
        fn.xp, fn.cond = xp, c
        fn.ashape, fn.bshape = _sh(parts[0]), _sh(parts[1])
        fn.parents = (cond, a if isinstance(a, Tensor) else None, b if isinstance(b, Tensor) else None)
        fn.needs = needs
        fn.seq = next_seq()
        return make(out, backend, fn)
    return make(out, backend, None)


class Neg(UnaryOp):
    __slots__ = ()

    def forward(self, x: Array) -> Array:
        return -x

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        return (-g,)


class Pow(UnaryOp):
    """``x ** p`` for a Python number ``p``."""

    __slots__ = ("p", "x")

    def __init__(self, p: float) -> None:
        self.p = p

    def forward(self, x: Array) -> Array:
        self.x = x
        return x**self.p

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        p = self.p
        if p == 2:
            return (g * (2 * self.x),)
        return (g * (p * self.x ** (p - 1)),)


class Exp(UnaryOp):
    __slots__ = ("out",)

    def forward(self, x: Array) -> Array:
        self.out = self.xp.exp(x)
        return self.out

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        return (g * self.out,)


class Log(UnaryOp):
    __slots__ = ("x",)

    def forward(self, x: Array) -> Array:
        self.x = x
        return self.xp.log(x)

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        return (g / self.x,)


class Tanh(UnaryOp):
    __slots__ = ("out",)

    def forward(self, x: Array) -> Array:
        self.out = self.xp.tanh(x)
        return self.out

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        out = self.out
        return (g * (1.0 - out * out),)


class Sigmoid(UnaryOp):
    __slots__ = ("out",)

    def forward(self, x: Array) -> Array:
        # Through tanh: no overflow in exp for large |x|, one transcendental call.
        self.out = 0.5 * self.xp.tanh(0.5 * x) + 0.5
        return self.out

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        out = self.out
        return (g * (out * (1.0 - out)),)


class ReLU(UnaryOp):
    __slots__ = ("out",)

    def forward(self, x: Array) -> Array:
        self.out = self.xp.maximum(x, 0.0)
        return self.out

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        # The mask is rebuilt from the output rather than saved: one less array alive.
        # A multiply by the 0/1 mask, not `where`: several times faster on numpy.
        xp = self.xp
        return (g * xp.astype(self.out > 0, g.dtype),)


class AsType(UnaryOp):
    __slots__ = ("dtype", "src")

    def __init__(self, dtype: Any) -> None:
        self.dtype = dtype

    def forward(self, x: Array) -> Array:
        self.src = x.dtype
        return self.xp.astype(x, self.dtype)

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        return (self.xp.astype(g, self.src),)
