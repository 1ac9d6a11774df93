"""Elementwise ops: ``+ - * / **``, comparisons, ``maximum``/``minimum``, ``where``,
``clamp``, and the one-input maths (``exp``, ``log``, ``sqrt``, ``sigmoid``, ...)."""

from __future__ import annotations

import math
from typing import Any, ClassVar

from typedtorch import _dtypes, _oprules
from typedtorch._backend import Array
from typedtorch._engine import Function, grad_mode, next_seq, unbroadcast
from typedtorch._errors import DeviceError, ShapeError
from typedtorch._tensor import Tensor, make

from ._apply import _SCALAR_TYPES, AnyTensor, BinaryOp, Operand, UnaryOp, _number, _sh, apply1, cast, check_tensor

# ------------------------------------------------------------------- two inputs


class Add(BinaryOp):
    __slots__ = ("ashape", "bshape")
    name, symbol = "add", "+"
    saves_inputs = False

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
    name, symbol = "sub", "-"
    saves_inputs = False

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
    name, symbol = "mul", "*"

    def forward(self, a: Array, b: Array) -> Array:
        self.a, self.b = a, b
        return a * b

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        xp, a, b = self.xp, self.a, self.b
        return (
            unbroadcast(xp, g * b, _sh(a)) if self.needs[0] else None,
            unbroadcast(xp, g * a, _sh(b)) if self.needs[1] else None,
        )


class Div(BinaryOp):
    __slots__ = ("a", "b")
    name, symbol = "div", "/"

    def forward(self, a: Array, b: Array) -> Array:
        xp = self.xp
        if not _floating(xp, a) and not _floating(xp, b):
            # int / int is true division, a float32 in PyTorch (numpy would give float64).
            a = xp.astype(a, xp.float32) if hasattr(a, "dtype") else float(a)
            b = xp.astype(b, xp.float32) if hasattr(b, "dtype") else float(b)
        self.a, self.b = a, b
        return a / b

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        xp, a, b = self.xp, self.a, self.b
        ga = g / b
        return (
            unbroadcast(xp, ga, _sh(a)) if self.needs[0] else None,
            unbroadcast(xp, -ga * a / b, _sh(b)) if self.needs[1] else None,
        )


class FloorDivide(BinaryOp):
    """``a // b``: the quotient rounded toward minus infinity (Python's and PyTorch's ``//``).

    Its gradient is zero wherever it exists (a step function), as for ``floor(a / b)``
    and ``torch.div(a, b, rounding_mode="floor")``; PyTorch's ``//`` refuses to
    backpropagate at all, which would make ``x // 2`` poison every graph it joins.
    """

    __slots__ = ("ashape", "bshape")
    name, symbol = "floor_divide", "//"
    saves_inputs = False

    def forward(self, a: Array, b: Array) -> Array:
        self.ashape, self.bshape = _sh(a), _sh(b)
        _integer_divisor(self.xp, self.name, a, b)
        return a // b

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        xp = self.xp
        zero = xp.zeros_like(g)
        return (
            unbroadcast(xp, zero, self.ashape) if self.needs[0] else None,
            unbroadcast(xp, zero, self.bshape) if self.needs[1] else None,
        )


class Remainder(BinaryOp):
    """``a % b``: ``a - (a // b) * b``, with the sign of ``b`` (Python's and ``torch.remainder``)."""

    __slots__ = ("a", "b")
    name, symbol = "remainder", "%"

    def forward(self, a: Array, b: Array) -> Array:
        _integer_divisor(self.xp, self.name, a, b)
        self.a, self.b = a, b
        return a % b

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        # d/da = 1 and d/db = -(a // b), away from the jumps where a / b is a whole number.
        xp, a, b = self.xp, self.a, self.b
        return (
            unbroadcast(xp, g, _sh(a)) if self.needs[0] else None,
            unbroadcast(xp, -g * (a // b), _sh(b)) if self.needs[1] else None,
        )


def _integer_divisor(xp: Any, op: str, a: Any, b: Any) -> None:
    """Integer ``//`` and ``%`` by zero are errors (PyTorch raises; numpy would give 0),
    and two boolean tensors have no quotient."""
    a_bool = getattr(a, "dtype", None) == xp.bool
    if a_bool and getattr(b, "dtype", None) == xp.bool:
        raise TypeError(f"{op}: needs numeric tensors, got two bool tensors")
    if _floating(xp, a) or _floating(xp, b):
        return
    if hasattr(b, "dtype"):
        if bool(xp.any(b == 0)):
            raise ZeroDivisionError(f"{op}: integer division by zero (a divisor element is 0)")
    elif b == 0:
        raise ZeroDivisionError(f"{op}: integer division by zero")


def _floating(xp: Any, v: Any) -> bool:
    if hasattr(v, "dtype"):
        return bool(xp.isdtype(v.dtype, "real floating"))
    return isinstance(v, float)


class PowTensor(BinaryOp):
    """``a ** b`` with a tensor exponent (or a tensor base and a number)."""

    __slots__ = ("a", "b", "out")
    name, symbol = "pow", "**"

    def forward(self, a: Array, b: Array) -> Array:
        self.a, self.b = a, b
        self.out = a**b
        return self.out

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        xp, a, b = self.xp, self.a, self.b
        ga = gb = None
        if self.needs[0]:
            # b * a^(b-1), and 0 where b == 0 (the limit PyTorch takes, not 0 * inf); the
            # base is 1 there so that 0 ** -1 is not computed (and warned about) at all.
            zero_b = b == 0
            base = xp.where(zero_b, 1.0, a)
            ga = unbroadcast(xp, xp.where(zero_b, 0.0, g * b * base ** (b - 1)), _sh(a))
        if self.needs[1]:
            # a^b log a, taken as 0 at a == 0 with b >= 0 (where a^b is 0 or 1), as
            # PyTorch does; elsewhere the plain formula (nan for a negative base, as there).
            zero = (a == 0) & (b >= 0)
            logs = xp.log(xp.where(zero, 1.0, a))
            gb = unbroadcast(xp, xp.where(zero, 0.0, g * self.out * logs), _sh(b))
        return (ga, gb)


class Maximum(BinaryOp):
    __slots__ = ("a", "b")
    name = "maximum"

    def forward(self, a: Array, b: Array) -> Array:
        self.a, self.b = a, b
        return self.xp.maximum(a, b)

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        # Ties split the gradient evenly, as torch.maximum does.
        return _split_ties(self.xp, g, self.a, self.b, self.needs, larger=True)


class Minimum(BinaryOp):
    __slots__ = ("a", "b")
    name = "minimum"

    def forward(self, a: Array, b: Array) -> Array:
        self.a, self.b = a, b
        return self.xp.minimum(a, b)

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        return _split_ties(self.xp, g, self.a, self.b, self.needs, larger=False)


def _split_ties(
    xp: Any, g: Array, a: Array, b: Array, needs: tuple[bool, ...], larger: bool
) -> tuple[Array | None, ...]:
    zero = xp.zeros_like(g)
    half = g * 0.5
    wins = (a > b) if larger else (a < b)
    ga = xp.where(wins, g, xp.where(a == b, half, zero))
    gb = g - ga
    return (
        unbroadcast(xp, ga, _sh(a)) if needs[0] else None,
        unbroadcast(xp, gb, _sh(b)) if needs[1] else None,
    )


class Compare(BinaryOp):
    """``== != < <= > >=``: boolean results, never differentiated."""

    __slots__ = ("op", "name", "symbol")
    saves_inputs = False
    _SYMBOLS: ClassVar[dict[str, str]] = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}

    def __init__(self, op: str) -> None:
        self.op = op
        self.name = op
        self.symbol = self._SYMBOLS[op]

    def forward(self, a: Array, b: Array) -> Array:
        op = self.op
        if op == "eq":
            return a == b
        if op == "ne":
            return a != b
        if op == "lt":
            return a < b
        if op == "le":
            return a <= b
        if op == "gt":
            return a > b
        return a >= b


class Logical(BinaryOp):
    """``& | ^`` on boolean (or integer) tensors; never differentiated."""

    __slots__ = ("op", "name", "symbol")
    saves_inputs = False

    def __init__(self, op: str) -> None:
        self.op = op
        self.name = {"and": "logical_and", "or": "logical_or", "xor": "logical_xor"}[op]
        self.symbol = {"and": "&", "or": "|", "xor": "^"}[op]

    def forward(self, a: Array, b: Array) -> Array:
        for v in (a, b):
            if hasattr(v, "dtype") and self.xp.isdtype(v.dtype, ("real floating", "complex floating")):
                raise TypeError(f"{self.symbol}: needs boolean or integer tensors, got {v.dtype}")
        if self.op == "and":
            return a & b
        if self.op == "or":
            return a | b
        return a ^ b


def compare(op: str, a: AnyTensor, b: Operand) -> AnyTensor:
    """An elementwise comparison; the result never requires grad."""
    from ._apply import apply2

    with _NoRecord():
        return apply2(Compare(op), a, b)


class _NoRecord:
    """Run an op without recording (its result is never differentiable)."""

    def __enter__(self) -> None:
        from typedtorch._engine import _grad_enabled

        self.token = _grad_enabled.set(False)

    def __exit__(self, *exc: object) -> None:
        from typedtorch._engine import _grad_enabled

        _grad_enabled.reset(self.token)


def logical(op: str, a: Operand, b: Operand) -> AnyTensor:
    from ._apply import apply2

    with _NoRecord():
        return apply2(Logical(op), a, b)


class Where(Function):
    """``where(cond, a, b)``; ``cond`` is a boolean array, never differentiated."""

    __slots__ = ("xp", "cond", "ashape", "bshape")
    xp: Any
    cond: Array
    ashape: tuple[int, ...]
    bshape: tuple[int, ...]
    saves_inputs = False  # only the condition, which is kept as an array

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        xp, cond = self.xp, self.cond
        zero = xp.zeros_like(g)
        return (
            None,
            unbroadcast(xp, xp.where(cond, g, zero), self.ashape) if self.needs[1] else None,
            unbroadcast(xp, xp.where(cond, zero, g), self.bshape) if self.needs[2] else None,
        )


def where(cond: AnyTensor, a: Operand, b: Operand) -> AnyTensor:
    """``a`` where ``cond`` holds, else ``b``; shapes broadcast by the one rule."""
    check_tensor(cond, "where", "condition")
    backend = cond._backend
    xp = backend.xp
    c = cond._data
    if c.dtype != xp.bool:
        raise TypeError(f"where: condition must be boolean, got dtype {backend.dtype_name(c)}")
    tensors = [t for t in (a, b) if isinstance(t, Tensor)]
    for t in (a, b):
        if isinstance(t, Tensor):
            if t._backend is not backend:
                raise DeviceError(f"where: tensors on different devices: {backend.device} and {t._backend.device}")
        elif not isinstance(t, _SCALAR_TYPES):
            raise TypeError(f"where: unsupported operand type {type(t).__name__}; wrap arrays with tt.tensor()")
    # Dtypes: PyTorch's promotion between the two values (numbers never change a tensor's).
    if len(tensors) == 2 and tensors[0]._data.dtype != tensors[1]._data.dtype:
        from typedtorch._dtypes import promote_dims

        d0, d1 = tensors[0]._data, tensors[1]._data
        target = promote_dims(backend.dtype_name(d0), d0.ndim == 0, backend.dtype_name(d1), d1.ndim == 0)
        a, b = cast(a, target), cast(b, target)  # type: ignore[arg-type]
    elif len(tensors) == 1:
        t = tensors[0]
        other = b if t is a else a
        target = _dtypes.with_scalar(backend.dtype_name(t._data), other)
        if target != backend.dtype_name(t._data):  # int tensor and 0.5, bool tensor and 2
            t2 = cast(t, target)
            a, b = (t2, b) if t is a else (a, t2)
            tensors = [t2]  # the number below takes the cast tensor's dtype, not the old one
    parts: list[Any] = []
    for t in (a, b):
        if isinstance(t, Tensor):
            parts.append(t._data)
        else:
            ref = tensors[0]._data if tensors else None
            # array-api-strict refuses two Python scalars; give it 0-d arrays of one dtype.
            dtype = ref.dtype if ref is not None else backend.dtype("float32" if isinstance(t, float) else "int64")
            parts.append(xp.asarray(_number(t), dtype=dtype, device=backend.native_device))
    shapes = [tuple(c.shape), _sh(parts[0]), _sh(parts[1])]
    verdict = _oprules.broadcast_all("where", shapes, _oprules.RUNTIME)
    if isinstance(verdict, _oprules.Bad):
        raise ShapeError(verdict.message)
    try:
        out = xp.where(c, parts[0], parts[1])
    except ValueError as e:
        raise ShapeError(f"where: shapes {shapes[0]}, {shapes[1]} and {shapes[2]} do not broadcast") from e
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


# -------------------------------------------------------------------- one input


class Neg(UnaryOp):
    __slots__ = ()
    name = "neg"
    saves_inputs = False

    def forward(self, x: Array) -> Array:
        if x.dtype == self.xp.bool:
            raise TypeError("neg: negation of a bool tensor is not supported; use ~x (logical not), as in PyTorch")
        return -x

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        return (-g,)


class Pow(UnaryOp):
    """``x ** p`` for a Python number ``p``."""

    __slots__ = ("p", "x")
    name = "pow"

    def __init__(self, p: float) -> None:
        self.p = p

    def forward(self, x: Array) -> Array:
        x = _int_power_base(self.xp, x, self.p)
        if self.p < 0 and not self.xp.isdtype(x.dtype, "real floating"):
            raise ValueError(_NEGATIVE_POWER)
        self.x = x
        return x**self.p

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        p = self.p
        if p == 0:
            return (self.xp.zeros_like(g),)  # d/dx x**0 is 0 everywhere (PyTorch), not 0 * x**-1
        if p == 1:
            return (g,)
        if p == 2:
            return (g * (2 * self.x),)
        return (g * (p * self.x ** (p - 1)),)


_NEGATIVE_POWER = (
    "pow: integer tensors to negative integer powers are not allowed (as in PyTorch); convert with .float()"
)


def _int_power_base(xp: Any, x: Array, number: object) -> Array:
    """An integer or bool ``x`` made ready for a power with a Python ``number``, as PyTorch:
    a float number lifts it to the default float, bool becomes int64 (the caller refuses
    negative integer powers)."""
    if xp.isdtype(x.dtype, "real floating"):
        return x
    if isinstance(number, float):
        return xp.astype(x, xp.float32)
    if x.dtype == xp.bool:
        return xp.astype(x, xp.int64)
    return x


class RPow(UnaryOp):
    """``c ** x`` for a Python number ``c``."""

    __slots__ = ("c", "out", "x")
    name = "pow"
    saves_output = True

    def __init__(self, c: float) -> None:
        self.c = c

    def forward(self, x: Array) -> Array:
        xp = self.xp
        if not xp.isdtype(x.dtype, "real floating"):
            # PyTorch: an int base keeps an integer tensor's dtype (bool -> int64), a
            # float base gives the default float; negative integer powers are refused.
            x = _int_power_base(xp, x, self.c)
            if isinstance(self.c, int) and bool(xp.any(x < 0)):
                raise ValueError(_NEGATIVE_POWER)
        self.x = x  # read by backward only when c == 0
        self.out = self.c**x
        return self.out

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        xp = self.xp
        if self.c == 0:
            # 0 ** x is 0 for x > 0 and 1 at x == 0: no slope there; for x < 0 it is inf
            # and the formula's -inf stands, as in PyTorch.
            return (xp.where(self.x >= 0, xp.zeros_like(g), g * (-math.inf)),)
        log_c = math.log(self.c) if self.c > 0 else math.nan  # a negative base has no real log
        return (g * self.out * log_c,)


class Exp(UnaryOp):
    __slots__ = ("out",)
    name = "exp"
    to_float = True
    saves_inputs = False
    saves_output = True

    def forward(self, x: Array) -> Array:
        self.out = self.xp.exp(x)
        return self.out

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        return (g * self.out,)


class Log(UnaryOp):
    __slots__ = ("x",)
    name = "log"
    to_float = True

    def forward(self, x: Array) -> Array:
        self.x = x
        return self.xp.log(x)

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        return (g / self.x,)


class Log1p(UnaryOp):
    __slots__ = ("x",)
    name = "log1p"
    to_float = True

    def forward(self, x: Array) -> Array:
        self.x = x
        return self.xp.log1p(x)

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        return (g / (1.0 + self.x),)


class Sqrt(UnaryOp):
    __slots__ = ("out",)
    name = "sqrt"
    to_float = True
    saves_inputs = False
    saves_output = True

    def forward(self, x: Array) -> Array:
        self.out = self.xp.sqrt(x)
        return self.out

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        return (g / (2.0 * self.out),)


class Rsqrt(UnaryOp):
    __slots__ = ("out",)
    name = "rsqrt"
    to_float = True
    saves_inputs = False
    saves_output = True

    def forward(self, x: Array) -> Array:
        self.out = 1.0 / self.xp.sqrt(x)
        return self.out

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        out = self.out
        return (g * (-0.5) * out * out * out,)


class Abs(UnaryOp):
    __slots__ = ("x",)
    name = "abs"

    def forward(self, x: Array) -> Array:
        self.x = x
        return self.xp.abs(x)

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        return (g * self.xp.sign(self.x),)  # 0 at 0, as PyTorch


class Sin(UnaryOp):
    __slots__ = ("x",)
    name = "sin"
    to_float = True

    def forward(self, x: Array) -> Array:
        self.x = x
        return self.xp.sin(x)

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        return (g * self.xp.cos(self.x),)


class Cos(UnaryOp):
    __slots__ = ("x",)
    name = "cos"
    to_float = True

    def forward(self, x: Array) -> Array:
        self.x = x
        return self.xp.cos(x)

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        return (-g * self.xp.sin(self.x),)


class Tanh(UnaryOp):
    __slots__ = ("out",)
    name = "tanh"
    to_float = True
    saves_inputs = False
    saves_output = True

    def forward(self, x: Array) -> Array:
        self.out = self.xp.tanh(x)
        return self.out

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        out = self.out
        return (g * (1.0 - out * out),)


class Sigmoid(UnaryOp):
    __slots__ = ("out",)
    name = "sigmoid"
    to_float = True
    saves_inputs = False
    saves_output = True

    def forward(self, x: Array) -> Array:
        # exp(-|x|) never overflows, and each side keeps its tail exactly: sigmoid(-20)
        # is 2.06e-9, not the 0.0 that 0.5 * tanh(0.5 x) + 0.5 rounds it to.
        xp = self.xp
        e = xp.exp(-xp.abs(x))
        inv = 1.0 / (1.0 + e)
        self.out = xp.where(x >= 0, inv, e * inv)
        return self.out

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        out = self.out
        return (g * (out * (1.0 - out)),)


class ReLU(UnaryOp):
    __slots__ = ("out",)
    name = "relu"
    saves_inputs = False
    saves_output = True

    def forward(self, x: Array) -> Array:
        self.out = self.xp.maximum(x, 0.0) if self.xp.isdtype(x.dtype, "real floating") else self.xp.maximum(x, 0)
        return self.out

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        # The mask is rebuilt from the output rather than saved: one less array alive.
        # A multiply by the 0/1 mask, not `where`: several times faster on numpy.
        xp = self.xp
        return (g * xp.astype(self.out > 0, g.dtype),)


class Clamp(UnaryOp):
    """``clamp(x, min, max)`` with numbers; the gradient passes where ``min <= x <= max``."""

    __slots__ = ("lo", "hi", "x")
    name = "clamp"

    def __init__(self, lo: float | None, hi: float | None) -> None:
        self.lo, self.hi = lo, hi

    def forward(self, x: Array) -> Array:
        self.x = x
        xp = self.xp
        out = x
        if self.lo is not None:
            out = xp.maximum(out, xp.asarray(self.lo, dtype=x.dtype, device=x.device))
        if self.hi is not None:
            out = xp.minimum(out, xp.asarray(self.hi, dtype=x.dtype, device=x.device))
        return out

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        xp, x = self.xp, self.x
        keep = xp.ones_like(x, dtype=xp.bool)
        if self.lo is not None:
            keep = keep & (x >= self.lo)
        if self.hi is not None:
            keep = keep & (x <= self.hi)
        return (g * xp.astype(keep, g.dtype),)


class ClampTensors(Function):
    """``clamp(x, min, max)`` with tensor bounds (either may be None), broadcasting by the
    rule. PyTorch's gradient: ``x`` where ``min <= x <= max`` (ties at a bound go to
    ``x``), ``min`` where ``x < min``, ``max`` where ``x > max``; where ``min > max`` the
    result is ``max``, which then takes the gradient."""

    __slots__ = ("xp", "x", "lo", "hi")
    xp: Any

    def forward(self, x: Array, lo: Array | None, hi: Array | None) -> Array:
        xp = self.xp
        self.x, self.lo, self.hi = x, lo, hi
        out = x
        if lo is not None:
            out = xp.maximum(out, lo)
        if hi is not None:
            out = xp.minimum(out, hi)
        return out

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        xp, x, lo, hi = self.xp, self.x, self.lo, self.hi
        g = xp.broadcast_to(g, _broadcast_shape(x, lo, hi))
        zero = xp.zeros_like(g)
        above = None if lo is None else x >= lo
        below = None if hi is None else x <= hi
        keep = above if below is None else below if above is None else above & below
        gx = unbroadcast(xp, xp.where(keep, g, zero), _sh(x)) if self.needs[0] else None
        glo = ghi = None
        # PyTorch's conditions exactly, including min == max, where x < min sends the
        # gradient nowhere (its `min < max` is strict).
        if lo is not None and self.needs[1]:
            assert above is not None  # set whenever lo is
            low = ~above if hi is None else ~above & (lo < hi)
            glo = unbroadcast(xp, xp.where(low, g, zero), _sh(lo))
        if hi is not None and self.needs[2]:
            assert below is not None  # set whenever hi is
            high = ~below if lo is None else ~below | (hi < lo)
            ghi = unbroadcast(xp, xp.where(high, g, zero), _sh(hi))
        return (gx, glo, ghi)


def _broadcast_shape(*arrays: Array | None) -> tuple[int, ...]:
    shape: tuple[int, ...] = ()
    for a in arrays:
        if a is not None:
            s = _sh(a)
            if len(s) > len(shape):
                shape = (1,) * (len(s) - len(shape)) + shape
            s = (1,) * (len(shape) - len(s)) + s
            shape = tuple(max(p, q) if min(p, q) != 0 else 0 for p, q in zip(shape, s, strict=True))
    return shape


class AsType(UnaryOp):
    __slots__ = ("dtype", "src")
    name = "to"
    saves_inputs = False

    def __init__(self, dtype: Any) -> None:
        self.dtype = dtype

    def forward(self, x: Array) -> Array:
        self.src = x.dtype
        return self.xp.astype(x, self.dtype)

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        return (self.xp.astype(g, self.src),)


class Elementwise(UnaryOp):
    """A non-differentiable elementwise function (``sign``, ``floor``, ``isnan`` ...)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def forward(self, x: Array) -> Array:
        return getattr(self.xp, self.name)(x)


def clamp(x: AnyTensor, lo: Operand | None, hi: Operand | None) -> AnyTensor:
    """``x`` limited to ``[lo, hi]``; either bound may be a number, a tensor or None."""
    check_tensor(x, "clamp")
    if lo is None and hi is None:
        raise ValueError("clamp: at least one of min and max must be given")
    if isinstance(lo, Tensor) or isinstance(hi, Tensor):
        return _clamp_tensors(x, lo, hi)
    for v in (lo, hi):
        if v is not None and not isinstance(v, _SCALAR_TYPES):
            raise TypeError(f"clamp: min and max must be numbers or tensors, got {type(v).__name__}")
    # numpy's float64 scalars as plain floats (strict arrays compare only with those).
    return apply1(Clamp(None if lo is None else _number(lo), None if hi is None else _number(hi)), x)


def _clamp_tensors(x: AnyTensor, lo: Operand | None, hi: Operand | None) -> AnyTensor:
    backend = x._backend
    xp = backend.xp
    bounds: list[AnyTensor | None] = []
    for v in (lo, hi):
        if v is None or isinstance(v, Tensor):
            if v is not None and v._backend is not backend:
                raise DeviceError(f"clamp: tensors on different devices: {backend.device} and {v._backend.device}")
            bounds.append(v)
        elif isinstance(v, _SCALAR_TYPES):  # one bound a tensor, the other a number
            bounds.append(
                make(xp.asarray(_number(v), dtype=x._data.dtype, device=backend.native_device), backend, None)
            )
        else:
            raise TypeError(f"clamp: min and max must be numbers or tensors, got {type(v).__name__}")
    for b in bounds:
        if b is not None:
            verdict = _oprules.broadcast_to_self(
                "clamp", tuple(x._data.shape), tuple(b._data.shape), _oprules.RUNTIME, what="bound"
            )
            if isinstance(verdict, _oprules.Bad):
                raise ShapeError(verdict.message)
    # The bounds take x's dtype (a clamp never changes it, as PyTorch's clamp of a float tensor).
    arrays = [None if b is None else (b._data if b._data.dtype == x._data.dtype else xp.astype(b._data, x._data.dtype)) for b in bounds]  # fmt: skip
    fn = ClampTensors()
    fn.xp = xp
    out = fn.forward(x._data, arrays[0], arrays[1])
    needs = (x.requires_grad, bool(bounds[0] is not None and bounds[0].requires_grad), bool(bounds[1] is not None and bounds[1].requires_grad))  # fmt: skip
    if any(needs) and grad_mode.enabled:
        fn.parents, fn.needs = (x, bounds[0], bounds[1]), needs
        fn.seq = next_seq()
        return make(out, backend, fn)
    return make(out, backend, None)
