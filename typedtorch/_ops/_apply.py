"""How an op runs: the shared machinery every op family uses.

An op is a :class:`~typedtorch._engine.Function` subclass with ``forward`` (on raw
arrays, through the tensor's array namespace ``xp``) and ``backward`` side by side.
``apply1``/``apply2``/``apply_n`` run it, and when a gradient is wanted record it on
the output. Backward methods never modify the gradient they receive (it may be a
view shared with other branches) and skip inputs whose ``needs`` flag is off.

Shape mismatches are found by the array library itself; the ``try`` around each
forward costs nothing on the happy path and turns its ``ValueError`` into a
``ShapeError`` that names both shapes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias

from typedtorch._backend import Array
from typedtorch._engine import Function, grad_mode, next_seq
from typedtorch._errors import DeviceError, ShapeError
from typedtorch._tensor import Tensor, make

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


def _sh(x: Any) -> tuple[int, ...]:
    # Python scalars have no shape; their gradient is never asked for.
    return x.shape if hasattr(x, "shape") else ()


def _axis(ndim: int, dim: int | None, op: str) -> int | None:
    if dim is None:
        return None
    if not -ndim <= dim < ndim:
        raise IndexError(f"{op}: dim {dim} out of range for a tensor of rank {ndim}")
    return dim % ndim
