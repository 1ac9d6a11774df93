"""How an op runs: the shared machinery every op family uses.

An op is a :class:`~typedtorch._engine.Function` subclass with ``forward`` (on raw
arrays, through the tensor's array namespace ``xp``) and ``backward`` side by side.
``apply1``/``apply2``/``apply_n`` run it, and when a gradient is wanted record it on
the output. Backward methods never modify the gradient they receive (it may be a
view shared with other branches) and skip inputs whose ``needs`` flag is off.

Two-input ops follow one broadcasting rule (``typedtorch._oprules.broadcast``, which
the mypy plugin reads too) and PyTorch's type promotion (``typedtorch._dtypes``):
a Python number never changes a tensor's dtype, and a float tensor with an integer
one keeps the float's dtype. Both cost nothing when the operands already agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias

from typedtorch import _dtypes, _oprules
from typedtorch._backend import Array, Backend
from typedtorch._engine import Function, grad_mode, next_seq
from typedtorch._errors import DeviceError, ShapeError
from typedtorch._tensor import Tensor, make

Operand: TypeAlias = "Tensor[*tuple[Any, ...]] | float"
AnyTensor: TypeAlias = "Tensor[*tuple[Any, ...]]"

_SCALAR_TYPES = (int, float)


def _number(v: float) -> float:
    # numpy's float64 scalars are floats too; hand the backend a plain Python float
    # so it neither upcasts a float32 tensor nor converts a device array to numpy.
    if type(v) is bool:
        return v
    if isinstance(v, float) and type(v) is not float:
        return float(v)
    if isinstance(v, int) and type(v) is not int:
        return int(v)
    return v


def check_tensor(x: object, op: str, what: str = "input") -> None:
    """A clear error for a list, an ndarray or anything else where a tensor belongs.

    Called unconditionally (it checks for itself), so that the static types of the
    callers' parameters do not make mypy call the check unreachable.
    """
    if not isinstance(x, Tensor):
        kind = type(x).__name__
        hint = "; wrap data with tt.tensor()" if kind in ("list", "tuple", "ndarray", "float", "int") else ""
        raise TypeError(f"{op}: {what} must be a typedtorch Tensor, got {kind}{hint}")


# --------------------------------------------------------------------- applying ops


def apply1(fn: UnaryOp, x: AnyTensor) -> AnyTensor:
    """Run a one-input op and record it when ``x`` needs a gradient."""
    if x.__class__ is not Tensor:  # a list or an ndarray where a tensor belongs: a clear error
        check_tensor(x, fn.name)
    backend = x._backend
    if fn.to_float and not backend.is_floating(x._data.dtype):
        # PyTorch computes exp/log/sqrt/... of an integer or bool tensor in the default
        # float (numpy would give float64, array-api-strict refuses).
        x = cast(x, _dtypes.DEFAULT_FLOAT)
    fn.xp = backend.xp
    out = fn.forward(x._data)
    if x.requires_grad and grad_mode.enabled:
        fn.parents = (x,)
        fn.needs = (True,)
        fn.seq = next_seq()
        t = make(out, backend, fn)
    else:
        t = make(out, backend, None)
    if fn.view:
        # Views share memory, so they share the version counter; its second element
        # marks it shared, for the in-place rules (see inplace.py).
        version = x._version
        if len(version) == 1:
            version.append(1)
        t._version = version
    return t


def host_number(v: object) -> Any:  # Any: the caller's checks that follow narrow it
    """A numpy (or cupy) scalar or 0-d array as the Python number it holds, as PyTorch
    takes them (``x / np.prod(shape)``, ``x * np.float32(2)``); anything else unchanged."""
    if getattr(v, "shape", None) == () and hasattr(v, "dtype") and not isinstance(v, Tensor | int | float):
        item = v.item()  # type: ignore[attr-defined]
        if isinstance(item, int | float):
            return item
    return v


def apply2(fn: BinaryOp, a: Operand, b: Operand) -> AnyTensor:
    """Run a two-input op; either side may be a Python scalar (never both)."""
    ob: object = b  # callers may pass anything: numpy scalars become numbers here
    if not isinstance(ob, Tensor | int | float):
        b = host_number(ob)
    oa: object = a
    if not isinstance(oa, Tensor | int | float):
        a = host_number(oa)
    if isinstance(a, Tensor):
        backend = a._backend
        adata: Any = a._data
        a_needs = a.requires_grad
        if isinstance(b, Tensor):
            if b._backend is not backend:
                raise DeviceError(f"{fn.name}: tensors on different devices: {backend.device} and {b._backend.device}")
            bdata: Any = b._data
            if adata.dtype != bdata.dtype and fn.promotes:
                a, b = _promote(fn, a, b)
                adata, bdata = a._data, b._data
            b_needs = b.requires_grad
        elif isinstance(b, _SCALAR_TYPES):
            bdata, b_needs = _scalar(a, b), False
            adata = _with_scalar(fn, a, b)
        else:
            raise TypeError(f"{fn.name}: unsupported operand type {type(b).__name__}; wrap arrays with tt.tensor()")
    elif isinstance(a, _SCALAR_TYPES) and isinstance(b, Tensor):
        backend = b._backend
        adata, a_needs = _scalar(b, a), False
        bdata, b_needs = _with_scalar(fn, b, a), b.requires_grad
    else:
        raise TypeError(f"{fn.name}: unsupported operand types {type(a).__name__} and {type(b).__name__}")
    fn.xp = backend.xp
    ashape, bshape = _sh(adata), _sh(bdata)
    if ashape != bshape and len(ashape) != len(bshape) and ashape and bshape and fn.broadcasts:
        # numpy would also stretch a size-1 dim of the higher-rank side here: the
        # hidden outer product the broadcasting rule refuses (same rule as mypy's).
        verdict = _oprules.broadcast(fn.name, fn.symbol, ashape, bshape, _oprules.RUNTIME)
        if isinstance(verdict, _oprules.Bad):
            raise ShapeError(verdict.message)
    try:
        out = fn.forward(adata, bdata)
    except ValueError as e:
        verdict = _oprules.broadcast(fn.name, fn.symbol, ashape, bshape, _oprules.RUNTIME)
        raise ShapeError(fn.shape_message(ashape, bshape, verdict)) from e
    if (a_needs or b_needs) and grad_mode.enabled:
        fn.parents = (a if isinstance(a, Tensor) else None, b if isinstance(b, Tensor) else None)
        fn.needs = (a_needs, b_needs)
        fn.seq = next_seq()
        return make(out, backend, fn)
    return make(out, backend, None)


def _promote(fn: BinaryOp, a: AnyTensor, b: AnyTensor) -> tuple[AnyTensor, AnyTensor]:
    """Cast the operands to PyTorch's result dtype (differentiably: a cast is an op)."""
    backend = a._backend
    na, nb = backend.dtype_name(a._data), backend.dtype_name(b._data)
    target = _dtypes.promote_dims(na, a._data.ndim == 0, nb, b._data.ndim == 0)
    if na != target:
        a = cast(a, target)
    if nb != target:
        b = cast(b, target)
    return a, b


def _scalar(t: AnyTensor, v: float) -> float:
    """A Python number as the backend takes it next to ``t``: a bool next to a numeric
    tensor is 0 or 1 (PyTorch's reading; array-api-strict mixes bools only with bools)."""
    v = _number(v)
    if type(v) is bool and not _is_bool(t._backend, t._data.dtype):
        return int(v)
    return v


def _with_scalar(fn: BinaryOp, t: AnyTensor, scalar: object) -> Array:
    """``t``'s array, cast when a Python number lifts it (an int tensor times ``0.5``)."""
    data = t._data
    kind = data.dtype
    backend = t._backend
    if isinstance(scalar, float) and not _is_float(backend, kind):
        if fn.promotes:
            return backend.xp.astype(data, backend.dtype(_dtypes.DEFAULT_FLOAT))
    elif isinstance(scalar, int) and not isinstance(scalar, bool) and _is_bool(backend, kind):
        return backend.xp.astype(data, backend.dtype("int64"))
    return data


def _is_float(backend: Backend, dtype: Any) -> bool:
    return backend.is_floating(dtype)


def _is_bool(backend: Backend, dtype: Any) -> bool:
    return bool(dtype == backend.xp.bool)


def cast(t: AnyTensor, name: str) -> AnyTensor:
    """``t`` as dtype ``name`` (itself if it already is), recorded for the gradient."""
    from .elementwise import AsType

    backend = t._backend
    if backend.dtype_name(t._data) == name:
        return t
    return apply1(AsType(backend.dtype(name)), t)


def apply_n(fn: ManyOp, inputs: Sequence[AnyTensor]) -> AnyTensor:
    """Run an op over a list of tensors (``cat``, ``stack``), all on one device."""
    if not isinstance(inputs, list | tuple):
        raise TypeError(f"{fn.name}: expected a sequence (list or tuple) of tensors, got {type(inputs).__name__}")
    if not inputs:
        raise ValueError(f"{fn.name}: expected a non-empty sequence of tensors")
    for i, t in enumerate(inputs):
        check_tensor(t, fn.name, f"tensor {i}")
    backend = inputs[0]._backend
    for t in inputs:
        if t._backend is not backend:
            raise DeviceError(f"{fn.name}: tensors on different devices: {backend.device} and {t._backend.device}")
    names = {backend.dtype_name(t._data) for t in inputs}
    if len(names) > 1:
        target = names.pop()
        for n in names:
            target = _dtypes.promote(target, n)
        inputs = [cast(t, target) for t in inputs]
    fn.xp = backend.xp
    arrays = [t._data for t in inputs]
    shapes = [tuple(a.shape) for a in arrays]
    verdict = fn.check(shapes)
    if isinstance(verdict, _oprules.Bad):
        raise (IndexError if verdict.index_error else ShapeError)(verdict.message)
    out = fn.forward(arrays)
    needs = tuple(t.requires_grad for t in inputs)
    if any(needs) and grad_mode.enabled:
        fn.parents = tuple(inputs)
        fn.needs = needs
        fn.seq = next_seq()
        return make(out, backend, fn)
    return make(out, backend, None)


def _shape(x: Any) -> tuple[int, ...] | str:
    return tuple(x.shape) if hasattr(x, "shape") else "scalar"


def _sh(x: Any) -> tuple[int, ...]:
    # Python scalars have no shape; their gradient is never asked for.
    return tuple(x.shape) if hasattr(x, "shape") else ()


class UnaryOp(Function):
    __slots__ = ("xp",)
    xp: Any
    name = "op"
    # A view of its input (same memory): the output shares the input's version counter.
    view = False
    # A float function (exp, log, ...): an integer or bool input is cast to the default
    # float first, as PyTorch does.
    to_float = False

    def forward(self, x: Array) -> Array:
        raise NotImplementedError


class BinaryOp(Function):
    __slots__ = ("xp",)
    xp: Any
    name = "op"
    symbol = ","
    promotes = True  # casts mixed dtypes to PyTorch's result dtype first
    broadcasts = True  # elementwise: checked by the broadcasting rule

    def forward(self, a: Array, b: Array) -> Array:
        raise NotImplementedError

    def shape_message(self, a: tuple[int, ...], b: tuple[int, ...], verdict: _oprules.Verdict) -> str:
        if isinstance(verdict, _oprules.Bad):
            return verdict.message
        return f"{self.name}: shapes {_oprules.show(a, _oprules.RUNTIME)} and {_oprules.show(b, _oprules.RUNTIME)} do not fit"


class ManyOp(Function):
    __slots__ = ("xp", "dim", "sizes")
    xp: Any
    name = "op"

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def check(self, shapes: list[tuple[int, ...]]) -> _oprules.Verdict:
        return None

    def forward(self, arrays: list[Array]) -> Array:
        raise NotImplementedError


def _axis(ndim: int, dim: int | None, op: str) -> int | None:
    if dim is None:
        return None
    if not -ndim <= dim < ndim:
        raise IndexError(f"{op}: dim {dim} out of range for a tensor of rank {ndim}")
    return dim % ndim


def record(
    fn: Function, out: Array, backend: Backend, parents: tuple[AnyTensor | None, ...], needs: tuple[bool, ...]
) -> AnyTensor:
    """Wrap ``out``, recording ``fn`` when any input needs a gradient and grad mode is on."""
    if any(needs) and grad_mode.enabled:
        fn.parents = parents
        fn.needs = needs
        fn.seq = next_seq()
        return make(out, backend, fn)
    return make(out, backend, None)
