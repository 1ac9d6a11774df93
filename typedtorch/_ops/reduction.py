"""Reductions over one dim, several, or all: ``sum``, ``mean``, ``amax``/``amin``,
``max``/``min`` with indices, ``argmax``/``argmin``, ``var``/``std``, ``logsumexp``,
``prod``, ``all``/``any``, ``topk``.

The result's shape is ``typedtorch._oprules.reduce`` (the rule the mypy plugin reads);
an empty reduced dim where the reduction has no value (``amax`` of nothing) is an error
naming the op, never a numpy traceback.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from typedtorch import _oprules
from typedtorch._backend import Array
from typedtorch._errors import ShapeError
from typedtorch._tensor import make

from ._apply import AnyTensor, UnaryOp, apply1, check_tensor

Dims = int | Sequence[int] | None


def axes(op: str, shape: tuple[int, ...], dim: Dims) -> tuple[int, ...] | None:
    """``dim`` as a tuple of non-negative axes (None: all), checked like the static rule."""
    if dim is None:
        return None
    if isinstance(dim, bool) or not isinstance(dim, int | tuple | list):
        raise TypeError(f"{op}: dim must be an int, a tuple of ints or None, got {type(dim).__name__}")
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    for d in dims:
        if not isinstance(d, int) or isinstance(d, bool):
            raise TypeError(f"{op}: dim must be an int, a tuple of ints or None, got {dim!r}")
    verdict = _oprules.reduce(op, shape, dims, False, _oprules.RUNTIME)
    if isinstance(verdict, _oprules.Bad):
        raise (IndexError if verdict.index_error else ShapeError)(verdict.message)
    rank = max(len(shape), 1)
    return tuple(sorted(d % rank for d in dims)) if shape else ()


def _nonempty(op: str, shape: tuple[int, ...], ax: tuple[int, ...] | None) -> None:
    if (ax is None and math.prod(shape) == 0) or (ax is not None and any(shape[a] == 0 for a in ax)):
        raise ShapeError(f"{op}: cannot reduce an empty dim of a tensor of shape {shape} (there is no {op} of nothing)")


def _count(shape: tuple[int, ...], ax: tuple[int, ...] | None) -> int:
    return math.prod(shape) if ax is None else math.prod(shape[a] for a in ax)


def _spread(xp: Any, g: Array, ax: tuple[int, ...] | None, keepdim: bool, shape: tuple[int, ...]) -> Array:
    """Broadcast a reduction's gradient back over the reduced dims."""
    if ax is not None and not keepdim and shape:
        g = xp.reshape(g, tuple(1 if i in ax else n for i, n in enumerate(shape)))
    return xp.broadcast_to(g, shape)


class Sum(UnaryOp):
    __slots__ = ("dim", "keepdim", "ax", "shape")
    name = "sum"
    saves_inputs = False

    def __init__(self, dim: Dims, keepdim: bool) -> None:
        self.dim, self.keepdim = dim, keepdim

    def forward(self, x: Array) -> Array:
        self.shape = tuple(x.shape)
        self.ax = axes(self.name, self.shape, self.dim)
        xp = self.xp
        if not xp.isdtype(x.dtype, "real floating"):
            x = xp.astype(x, xp.int64)  # PyTorch sums integers (and booleans) as int64
        if not x.shape:
            return x + 0
        return xp.sum(x, axis=self.ax, keepdims=self.keepdim)

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        return (_spread(self.xp, g, self.ax, self.keepdim, self.shape),)


class Mean(Sum):
    __slots__ = ("n",)
    name = "mean"

    def forward(self, x: Array) -> Array:
        xp = self.xp
        if not xp.isdtype(x.dtype, "real floating"):
            raise TypeError(
                f"mean: needs a floating-point tensor, got {str(x.dtype).rsplit('.', 1)[-1]} (convert with .float())"
            )
        self.shape = tuple(x.shape)
        self.ax = axes(self.name, self.shape, self.dim)
        _nonempty("mean", self.shape, self.ax)
        self.n = _count(self.shape, self.ax)
        if not x.shape:
            return x + 0
        # sum / n: numpy's mean spends twice as long in Python on small arrays.
        return xp.sum(x, axis=self.ax, keepdims=self.keepdim) / self.n

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        return (_spread(self.xp, g / self.n, self.ax, self.keepdim, self.shape),)


class Prod(Sum):
    __slots__ = ("x", "out")
    name = "prod"
    saves_inputs = True

    def forward(self, x: Array) -> Array:
        self.shape = tuple(x.shape)
        self.ax = axes(self.name, self.shape, self.dim)
        self.x = x
        self.out = self.xp.prod(x, axis=self.ax, keepdims=self.keepdim)
        return self.out

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        # d prod / d x_i is the product of the others: prod / x_i where nothing is 0;
        # with exactly one 0 in a slice, only that element gets the others' product.
        xp, x, ax, keep, shape = self.xp, self.x, self.ax, self.keepdim, self.shape
        if not shape:
            return (g,)
        zero = x == 0
        zeros = xp.sum(xp.astype(zero, xp.int64), axis=ax, keepdims=True)
        rest = xp.prod(xp.where(zero, xp.ones_like(x), x), axis=ax, keepdims=True)
        gg = _spread(xp, g, ax, keep, shape)
        others = xp.where(
            zero, xp.where(zeros == 1, rest, 0.0), xp.where(zeros == 0, rest / xp.where(zero, 1.0, x), 0.0)
        )
        return (gg * others,)


class AMax(UnaryOp):
    """``amax``/``amin``: the values alone; ties share the gradient evenly (PyTorch's rule)."""

    __slots__ = ("dim", "keepdim", "ax", "x", "out", "largest", "name")

    def __init__(self, dim: Dims, keepdim: bool, largest: bool = True, name: str | None = None) -> None:
        self.dim, self.keepdim, self.largest = dim, keepdim, largest
        # `x.max()` runs this op too: its errors name what the user called
        self.name = name or ("amax" if largest else "amin")

    def forward(self, x: Array) -> Array:
        shape = tuple(x.shape)
        self.ax = axes(self.name, shape, self.dim)
        _nonempty(self.name, shape, self.ax)
        self.x = x
        xp = self.xp
        if not shape:
            self.out = x + 0
        else:
            f = xp.max if self.largest else xp.min
            self.out = f(x, axis=self.ax, keepdims=self.keepdim)
        return self.out

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        xp, x = self.xp, self.x
        shape = tuple(x.shape)
        out = _spread(xp, self.out, self.ax, self.keepdim, shape)
        mask = xp.astype(x == out, x.dtype)
        count = xp.sum(mask, axis=self.ax, keepdims=True) if shape else mask
        return (_spread(xp, g, self.ax, self.keepdim, shape) * mask / count,)


class MaxDim(UnaryOp):
    """``max(dim)``/``min(dim)`` values; the gradient goes to the index returned (the first)."""

    __slots__ = ("ax", "keepdim", "idx", "shape", "largest", "name")
    saves_inputs = False

    def __init__(self, idx: Array, ax: int, keepdim: bool, largest: bool) -> None:
        self.idx, self.ax, self.keepdim, self.largest = idx, ax, keepdim, largest
        self.name = "max" if largest else "min"

    def forward(self, x: Array) -> Array:
        self.shape = tuple(x.shape)
        xp = self.xp
        if not x.shape:
            return x + 0
        f = xp.max if self.largest else xp.min
        return f(x, axis=self.ax, keepdims=self.keepdim)

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        xp = self.xp
        if not self.shape:
            return (g,)
        n = self.shape[self.ax]
        idx = self.idx if self.keepdim else xp.expand_dims(self.idx, axis=self.ax)
        gk = g if self.keepdim else xp.expand_dims(g, axis=self.ax)
        pos = xp.reshape(
            xp.arange(n, device=idx.device), tuple(n if i == self.ax else 1 for i in range(len(self.shape)))
        )
        hit = xp.astype(pos == idx, gk.dtype)
        return (hit * gk,)


def argext(x: AnyTensor, dim: int | None, keepdim: bool, largest: bool) -> AnyTensor:
    """``argmax``/``argmin`` as int64 (the first index among ties, as PyTorch)."""
    op = "argmax" if largest else "argmin"
    if not hasattr(x, "_data"):
        check_tensor(x, op)
    backend = x._backend
    xp = backend.xp
    data = x._data
    shape = tuple(data.shape)
    f = xp.argmax if largest else xp.argmin
    if dim is None:
        _nonempty(op, shape, None)
        out = f(xp.reshape(data, (-1,)))
        if keepdim:
            out = xp.reshape(out, tuple(1 for _ in shape))
    else:
        ax = axes(op, shape, dim)
        _nonempty(op, shape, ax)
        if not shape:
            out = xp.zeros((), dtype=xp.int64, device=data.device)
        else:
            assert ax is not None
            out = f(data, axis=ax[0], keepdims=keepdim)
    return make(xp.astype(out, xp.int64), backend, None)


def max_dim(x: AnyTensor, dim: int, keepdim: bool, largest: bool) -> tuple[AnyTensor, AnyTensor]:
    """``x.max(dim)``: ``(values, indices)``."""
    op = "max" if largest else "min"
    if not isinstance(dim, int) or isinstance(dim, bool):
        raise TypeError(
            f"{op}: dim must be an int (or a tensor for the elementwise {op}imum), got {type(dim).__name__}"
        )
    check_tensor(x, op)
    shape = tuple(x._data.shape)
    ax = axes(op, shape, dim)
    _nonempty(op, shape, ax)  # named for the call the user made, not the argmax inside it
    indices = argext(x, dim, keepdim, largest)
    values = apply1(MaxDim(indices._data, ax[0] if ax else 0, keepdim, largest), x)
    return values, indices


class Var(UnaryOp):
    """Variance (and, through it, the standard deviation) with Bessel's ``correction``."""

    __slots__ = ("dim", "keepdim", "correction", "ax", "centered", "n", "shape")
    name = "var"

    def __init__(self, dim: Dims, correction: float, keepdim: bool) -> None:
        self.dim, self.correction, self.keepdim = dim, correction, keepdim

    def forward(self, x: Array) -> Array:
        xp = self.xp
        if not xp.isdtype(x.dtype, "real floating"):
            raise TypeError(f"{self.name}: needs a floating-point tensor, got {str(x.dtype).rsplit('.', 1)[-1]}")
        self.shape = tuple(x.shape)
        self.ax = axes(self.name, self.shape, self.dim)
        self.n = _count(self.shape, self.ax)
        mean = xp.mean(x, axis=self.ax, keepdims=True) if x.shape else x
        self.centered = x - mean
        denom = self.n - self.correction
        if x.shape:
            total = xp.sum(self.centered * self.centered, axis=self.ax, keepdims=self.keepdim)
        else:
            total = self.centered * 0
        # No degrees of freedom left (one sample with correction=1): nan, as PyTorch
        # gives (with a warning there; silently inf here would be a wrong number).
        return total / denom if denom > 0 else total * float("nan")

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        denom = self.n - self.correction
        scale = 2.0 / denom if denom > 0 else float("nan")
        return (_spread(self.xp, g, self.ax, self.keepdim, self.shape) * self.centered * scale,)


class Std(Var):
    """The standard deviation, ``sqrt(var)``, as one op: where it is 0 (a constant slice) its
    gradient is 0, as PyTorch's, not the ``0 / 0`` that chaining ``sqrt`` would give."""

    __slots__ = ("out",)
    name = "std"

    def forward(self, x: Array) -> Array:
        self.out = self.xp.sqrt(super().forward(x))
        return self.out

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        xp, out = self.xp, self.out
        flat = out == 0
        gv = xp.where(flat, xp.zeros_like(g), g / (2.0 * xp.where(flat, xp.ones_like(out), out)))
        return super().backward(gv)


class LogSumExp(UnaryOp):
    __slots__ = ("dim", "keepdim", "ax", "x", "out")
    name = "logsumexp"
    to_float = True

    def __init__(self, dim: Dims, keepdim: bool) -> None:
        self.dim, self.keepdim = dim, keepdim

    def forward(self, x: Array) -> Array:
        xp = self.xp
        shape = tuple(x.shape)
        self.ax = axes(self.name, shape, self.dim)
        self.x = x
        if not shape:
            self.out = x + 0
            return self.out
        m = xp.max(x, axis=self.ax, keepdims=True)
        # A slice of all -inf has log-sum-exp -inf (not nan from -inf - -inf).
        m = xp.where(xp.isfinite(m), m, xp.zeros_like(m))
        s = xp.log(xp.sum(xp.exp(x - m), axis=self.ax, keepdims=True)) + m
        self.out = (
            s
            if self.keepdim
            else xp.reshape(s, tuple(n for i, n in enumerate(shape) if self.ax is not None and i not in self.ax))
        )
        return self.out

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        xp, x = self.xp, self.x
        shape = tuple(x.shape)
        if not shape:
            return (g,)
        out = _spread(xp, self.out, self.ax, self.keepdim, shape)
        return (_spread(xp, g, self.ax, self.keepdim, shape) * xp.exp(x - out),)


def all_any(x: AnyTensor, dim: Dims, keepdim: bool, every: bool) -> AnyTensor:
    op = "all" if every else "any"
    if not hasattr(x, "_data"):
        check_tensor(x, op)
    backend = x._backend
    xp = backend.xp
    data = x._data
    ax = axes(op, tuple(data.shape), dim)
    b = data if data.dtype == xp.bool else data != 0
    f = xp.all if every else xp.any
    return make(f(b, axis=ax, keepdims=keepdim) if data.shape else b, backend, None)


class TopK(UnaryOp):
    __slots__ = ("ax", "idx", "shape")
    name = "topk"
    saves_inputs = False

    def __init__(self, idx: Array, ax: int) -> None:
        self.idx, self.ax = idx, ax

    def forward(self, x: Array) -> Array:
        self.shape = tuple(x.shape)
        return _take_along(self.xp, x, self.idx, self.ax)

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        # Scatter through one comparison per kept element: k is small.
        xp, ax, shape = self.xp, self.ax, self.shape
        n, k = shape[ax], self.idx.shape[ax]
        pos = xp.reshape(xp.arange(n, device=self.idx.device), tuple(n if i == ax else 1 for i in range(len(shape))))
        out = xp.zeros(shape, dtype=g.dtype, device=g.device)
        for j in range(k):
            sel = tuple(slice(j, j + 1) if i == ax else slice(None) for i in range(len(shape)))
            out = out + xp.astype(pos == self.idx[sel], g.dtype) * g[sel]
        return (out,)


def _take_along(xp: Any, x: Array, idx: Array, ax: int) -> Array:
    if hasattr(xp, "take_along_axis"):
        return xp.take_along_axis(x, idx, axis=ax)
    raise NotImplementedError("take_along_axis")  # pragma: no cover


def topk(x: AnyTensor, k: int, dim: int, largest: bool, sorted: bool) -> tuple[AnyTensor, AnyTensor]:
    if not hasattr(x, "_data"):
        check_tensor(x, "topk")
    backend = x._backend
    xp = backend.xp
    data = x._data
    shape = tuple(data.shape)
    ax_t = axes("topk", shape, dim)
    ax = ax_t[0] if ax_t else 0
    n = shape[ax] if shape else 1
    if not isinstance(k, int) or isinstance(k, bool) or not 0 <= k <= n:
        raise ValueError(f"topk: k={k!r} must be an int from 0 to {n} (the size of dim {dim} of {shape})")
    order = xp.argsort(data, axis=ax, descending=largest, stable=True)
    sel = tuple(slice(0, k) if i == ax else slice(None) for i in range(len(shape)))
    idx = xp.astype(order[sel], xp.int64)
    values = apply1(TopK(idx, ax), x)
    return values, make(idx, backend, None)
