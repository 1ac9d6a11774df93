"""Differentiable ops: one class per op, forward and backward side by side.

Each op computes its output on raw arrays through the tensor's array namespace
``xp`` and, when a gradient is wanted, is recorded on the output as the engine's
``Function``. Backward methods never modify the gradient they receive (it may be a
view shared with other branches) and skip inputs whose ``needs`` flag is off.

Shape mismatches are found by the array library itself; the ``try`` around each
forward costs nothing on the happy path and turns its ``ValueError`` into a
``ShapeError`` that names both shapes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, TypeAlias

from ._backend import Array, Backend
from ._engine import Function, grad_mode, next_seq, unbroadcast
from ._errors import DeviceError, ShapeError
from ._tensor import Tensor, make

Operand: TypeAlias = "Tensor[*tuple[Any, ...]] | float"

_SCALAR_TYPES = (int, float)


def _number(v: float) -> float:
    # numpy's float64 scalars are floats too; hand the backend a plain Python float
    # so it neither upcasts a float32 tensor nor converts a device array to numpy.
    return float(v) if type(v) is not float and isinstance(v, float) else v


# --------------------------------------------------------------------- applying ops


def apply1(fn: UnaryOp, x: Tensor[*tuple[Any, ...]]) -> Tensor[*tuple[Any, ...]]:
    """Run a one-input op and record it when ``x`` needs a gradient."""
    backend = x._backend
    fn.xp = backend.xp
    out = fn.forward(x._data)
    if x.requires_grad and grad_mode.enabled:
        fn.parents = (x,)
        fn.needs = (True,)
        fn.seq = next_seq()
        return make(out, backend, fn)
    return make(out, backend, None)


def apply2(fn: BinaryOp, a: Operand, b: Operand) -> Tensor[*tuple[Any, ...]]:
    """Run a two-input op; either side may be a Python scalar (never both)."""
    if isinstance(a, Tensor):
        backend = a._backend
        if isinstance(b, Tensor):
            if b._backend is not backend:
                raise DeviceError(f"{fn.name}: tensors on different devices: {backend.device} and {b._backend.device}")
            bdata: Any = b._data
            b_needs = b.requires_grad
        elif isinstance(b, _SCALAR_TYPES):
            bdata, b_needs = _number(b), False
        else:
            raise TypeError(f"{fn.name}: unsupported operand type {type(b).__name__}; wrap arrays with tt.tensor()")
        adata: Any = a._data
        a_needs = a.requires_grad
    elif isinstance(a, _SCALAR_TYPES) and isinstance(b, Tensor):
        backend = b._backend
        adata, a_needs = _number(a), False
        bdata, b_needs = b._data, b.requires_grad
    else:
        raise TypeError(f"{fn.name}: unsupported operand types {type(a).__name__} and {type(b).__name__}")
    fn.xp = backend.xp
    try:
        out = fn.forward(adata, bdata)
    except ValueError as e:
        raise ShapeError(fn.shape_message(_shape(adata), _shape(bdata))) from e
    if (a_needs or b_needs) and grad_mode.enabled:
        fn.parents = (a if isinstance(a, Tensor) else None, b if isinstance(b, Tensor) else None)
        fn.needs = (a_needs, b_needs)
        fn.seq = next_seq()
        return make(out, backend, fn)
    return make(out, backend, None)


def apply_n(fn: ManyOp, inputs: Sequence[Tensor[*tuple[Any, ...]]]) -> Tensor[*tuple[Any, ...]]:
    """Run an op over a list of tensors (``cat``, ``stack``), all on one device."""
    if not inputs:
        raise ValueError(f"{fn.name}: expected a non-empty sequence of tensors")
    backend = inputs[0]._backend
    for t in inputs:
        if not isinstance(t, Tensor):
            raise TypeError(f"{fn.name}: expected tensors, got {type(t).__name__}")
        if t._backend is not backend:
            raise DeviceError(f"{fn.name}: tensors on different devices: {backend.device} and {t._backend.device}")
    fn.xp = backend.xp
    arrays = [t._data for t in inputs]
    try:
        out = fn.forward(arrays)
    except ValueError as e:
        shapes = ", ".join(str(tuple(a.shape)) for a in arrays)
        raise ShapeError(f"{fn.name}: shapes do not fit along dim {fn.dim}: {shapes}") from e
    needs = tuple(t.requires_grad for t in inputs)
    if any(needs) and grad_mode.enabled:
        fn.parents = tuple(inputs)
        fn.needs = needs
        fn.seq = next_seq()
        return make(out, backend, fn)
    return make(out, backend, None)


def _shape(x: Any) -> tuple[int, ...] | str:
    return tuple(x.shape) if hasattr(x, "shape") else "scalar"


class UnaryOp(Function):
    __slots__ = ("xp",)
    xp: Any

    def forward(self, x: Array) -> Array:
        raise NotImplementedError


class BinaryOp(Function):
    __slots__ = ("xp",)
    xp: Any
    name = "op"

    def forward(self, a: Array, b: Array) -> Array:
        raise NotImplementedError

    def shape_message(self, a: object, b: object) -> str:
        return f"{self.name}: shapes {a} and {b} do not broadcast"


class ManyOp(Function):
    __slots__ = ("xp", "dim", "sizes")
    xp: Any
    name = "op"

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, arrays: list[Array]) -> Array:
        raise NotImplementedError


# ------------------------------------------------------------ elementwise, two inputs


def _sh(x: Any) -> tuple[int, ...]:
    # Python scalars have no shape; their gradient is never asked for.
    return x.shape if hasattr(x, "shape") else ()


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


# ------------------------------------------------------------- elementwise, one input


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


class ToDevice(Function):
    """A copy to another device; the gradient travels back the same way."""

    __slots__ = ("source", "target")

    def __init__(self, source: Backend, target: Backend) -> None:
        self.source, self.target = source, target

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        return (self.source.from_host(self.target.to_host(g)),)


class AsType(UnaryOp):
    __slots__ = ("dtype", "src")

    def __init__(self, dtype: Any) -> None:
        self.dtype = dtype

    def forward(self, x: Array) -> Array:
        self.src = x.dtype
        return self.xp.astype(x, self.dtype)

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        return (self.xp.astype(g, self.src),)


# -------------------------------------------------------------------------- reductions


def _axis(ndim: int, dim: int | None, op: str) -> int | None:
    if dim is None:
        return None
    if not -ndim <= dim < ndim:
        raise IndexError(f"{op}: dim {dim} out of range for a tensor of rank {ndim}")
    return dim % ndim


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


# ------------------------------------------------------------------ shapes and indexing


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
