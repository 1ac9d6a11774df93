"""The op-level functions behind the ``Tensor`` methods: argument checks, then one op.

Every shape argument is checked by its rule in ``typedtorch._oprules`` (the one the
mypy plugin reads) before any array is touched, so a bad call raises the same
``ShapeError`` text mypy reports.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from typedtorch import _oprules
from typedtorch._backend import host_index, host_random, is_host_array
from typedtorch._engine import _grad_enabled
from typedtorch._errors import DeviceError, ShapeError
from typedtorch._tensor import Tensor, make

from ._apply import _SCALAR_TYPES, AnyTensor, Operand, UnaryOp, apply1, apply2, check_tensor, host_number
from .elementwise import Elementwise, Logical, Where, where
from .indexing import GetItem, SetItem, Take
from .inplace import inplace
from .shape import Expand, Permute, Reshape

R = _oprules.RUNTIME


def _raise(verdict: _oprules.Verdict) -> _oprules.Ok:
    if isinstance(verdict, _oprules.Bad):
        raise (IndexError if verdict.index_error else ShapeError)(verdict.message)
    assert isinstance(verdict, _oprules.Ok)
    return verdict


def _ints(op: str, values: Sequence[Any], what: str = "sizes") -> tuple[int, ...]:
    out = []
    for v in values:
        if isinstance(v, Tensor) and v.numel() == 1 and not v.is_floating_point():
            v = int(v.item())
        if not isinstance(v, int) or isinstance(v, bool):
            raise TypeError(f"{op}: {what} must be ints, got {type(v).__name__} in {tuple(values)!r}")
        out.append(int(v))
    return tuple(out)


def _sizes_arg(op: str, shape: tuple[Any, ...]) -> tuple[int, ...]:
    if len(shape) == 1 and isinstance(shape[0], tuple | list):
        shape = tuple(shape[0])
    return _ints(op, shape)


# ------------------------------------------------------------------------ shapes


def reshape_op(x: AnyTensor, shape: tuple[Any, ...], op: str) -> AnyTensor:
    sizes = _sizes_arg(op, shape)
    check_tensor(x, op)
    _raise(_oprules.reshape(op, tuple(x._data.shape), sizes, R))
    out = apply1(Reshape(sizes, op), x)
    if op in ("view", "view_as") and not x._backend.shares_memory(out._data, x._data):
        # As PyTorch: a view shares memory, and this layout (after a transpose or a
        # permute) cannot give one. Copying instead would make writes through the
        # result miss the tensor, silently.
        raise RuntimeError(
            f"{op}: a tensor of shape {tuple(x._data.shape)} laid out by a transpose, permute or expand cannot be "
            f"viewed as {tuple(out._data.shape)} without a copy; use reshape(...), or .contiguous().view(...)"
        )
    return out


def flatten_op(x: AnyTensor, start_dim: int, end_dim: int) -> AnyTensor:
    check_tensor(x, "flatten")
    shape = tuple(x._data.shape)
    v = _raise(_oprules.flatten(shape, start_dim, end_dim, R))
    target = tuple(int(d) for d in v.dims)  # type: ignore[call-overload]
    if target == shape:
        return x
    return apply1(Reshape(target, "flatten"), x)


def permute_dims_op(x: AnyTensor, dims: Sequence[Any]) -> AnyTensor:
    dims = _ints("permute", dims, "dims")
    check_tensor(x, "permute")
    shape = tuple(x._data.shape)
    _raise(_oprules.permute(shape, dims, R))
    order = tuple(d % len(shape) for d in dims) if shape else ()
    if order == tuple(range(len(shape))):
        return x
    return apply1(Permute(order), x)


def transpose_op(x: AnyTensor, d0: int, d1: int) -> AnyTensor:
    d0, d1 = _ints("transpose", (d0, d1), "dims")
    check_tensor(x, "transpose")
    shape = tuple(x._data.shape)
    _raise(_oprules.transpose(shape, d0, d1, R))
    rank = len(shape)
    order = list(range(rank))
    a, b = d0 % rank, d1 % rank
    if a == b:
        return x
    order[a], order[b] = order[b], order[a]
    return apply1(Permute(tuple(order)), x)


def permute_op(x: AnyTensor, which: str) -> AnyTensor:
    """``x.T`` (rank 2 only) and ``x.mT`` (the last two dims)."""
    shape = tuple(x._data.shape)
    name = ".T" if which == "T" else ".mT"
    _raise(_oprules.matrix_transpose(name, shape, R, exact_rank=2 if which == "T" else None))
    rank = len(shape)
    return apply1(Permute((*range(rank - 2), rank - 1, rank - 2)), x)


def unsqueeze_op(x: AnyTensor, dim: int) -> AnyTensor:
    (dim,) = _ints("unsqueeze", (dim,), "dim")
    check_tensor(x, "unsqueeze")
    v = _raise(_oprules.unsqueeze(tuple(x._data.shape), dim, R))
    return apply1(Reshape(tuple(int(d) for d in v.dims), "unsqueeze"), x)  # type: ignore[call-overload]


def squeeze_op(x: AnyTensor, dim: int | Sequence[int] | None) -> AnyTensor:
    check_tensor(x, "squeeze")
    if dim is not None:
        dim = _ints("squeeze", (dim,) if isinstance(dim, int) else tuple(dim), "dim")
    v = _raise(_oprules.squeeze(tuple(x._data.shape), dim, R))
    target = tuple(int(d) for d in v.dims)  # type: ignore[call-overload]
    if target == tuple(x._data.shape):
        return x
    return apply1(Reshape(target, "squeeze"), x)


def expand_op(x: AnyTensor, sizes: Sequence[Any]) -> AnyTensor:
    sizes = _ints("expand", sizes)
    check_tensor(x, "expand")
    v = _raise(_oprules.expand(tuple(x._data.shape), sizes, R))
    target = tuple(int(d) for d in v.dims)  # type: ignore[call-overload]
    if target == tuple(x._data.shape):
        return x
    return apply1(Expand(target), x)


def _slices(x: AnyTensor, pieces: tuple[tuple[Any, ...], ...], dim: int) -> tuple[AnyTensor, ...]:
    rank = x.ndim
    k = dim % rank
    out = []
    start = 0
    for p in pieces:
        size = int(p[k])
        key = (*(slice(None),) * k, slice(start, start + size), ...)
        out.append(apply1(GetItem(key), x))
        start += size
    return tuple(out)


def split_op(x: AnyTensor, sizes: int | Sequence[int], dim: int) -> tuple[AnyTensor, ...]:
    check_tensor(x, "split")
    if not isinstance(sizes, int):
        sizes = _ints("split", tuple(sizes))
    elif isinstance(sizes, bool):
        raise TypeError("split: split_size must be an int or a list of ints")
    out = _oprules.split(tuple(x._data.shape), sizes, dim, R)
    if isinstance(out, _oprules.Bad):
        raise ShapeError(out.message)
    assert out is not None
    return _slices(x, out, dim)


def chunk_op(x: AnyTensor, chunks: int, dim: int) -> tuple[AnyTensor, ...]:
    check_tensor(x, "chunk")
    out = _oprules.chunk(tuple(x._data.shape), chunks, dim, R)
    if isinstance(out, _oprules.Bad):
        raise ShapeError(out.message)
    assert out is not None
    return _slices(x, out, dim)


def select(x: AnyTensor, dim: int, i: int) -> AnyTensor:
    rank = x.ndim
    return apply1(GetItem((*(slice(None),) * (dim % rank), i, ...)), x)


# ---------------------------------------------------------------------- indexing


def _index_array(x: AnyTensor, k: Any) -> Any:
    """An integer or boolean index (list, ndarray, tensor) as an array on ``x``'s device."""
    backend = x._backend
    if isinstance(k, Tensor):
        if k._backend is not backend:
            raise DeviceError(f"index: tensor on {x.device} indexed by a tensor on {k.device}")
        return k._data
    return backend.from_host(host_index(k))


def _is_advanced(k: Any) -> bool:
    return isinstance(k, Tensor | list) or is_host_array(k)


def _check_basic(items: list[Any], shape: tuple[int, ...], op: str = "index") -> _oprules.Ok:
    """Ints, slices, ``None`` and ``...``: their types, then the shape rule (ranges)."""
    for k in items:
        if not (k is None or k is Ellipsis or isinstance(k, int | slice)) or isinstance(k, bool):
            raise TypeError(f"{op}: unsupported index {k!r} of type {type(k).__name__}")
    for k in items:
        if isinstance(k, slice):
            for v in (k.start, k.stop, k.step):
                if v is not None and (not isinstance(v, int) or isinstance(v, bool)):
                    raise TypeError(f"{op}: slice bounds must be ints, got {v!r}")
            if k.step is not None and k.step <= 0:
                raise ValueError(f"{op}: slice step must be positive, got {k.step} (as in PyTorch)")
    return _raise(_oprules.getitem(shape, [_item(k) for k in items], R))


def getitem(x: AnyTensor, key: Any) -> AnyTensor:
    check_tensor(x, "index")
    backend = x._backend
    xp = backend.xp
    items = list(key) if isinstance(key, tuple) else [key]
    adv = [i for i, k in enumerate(items) if _is_advanced(k)]
    if not adv:
        shape = tuple(x._data.shape)
        _check_basic(items, shape)
        if not any(k is Ellipsis for k in items):
            # The array API wants every dim indexed or an explicit `...`.
            items.append(Ellipsis)
        return apply1(GetItem(tuple(items)), x)
    if len(adv) > 1:
        raise TypeError("index: at most one index tensor (or list) per index; index one dim at a time")
    pos = adv[0]
    others = [k for i, k in enumerate(items) if i != pos]
    if any(not (k is Ellipsis or (isinstance(k, slice) and k == slice(None))) for k in others):
        raise TypeError("index: an index tensor (or list) can only be combined with ':' and '...' in one index")
    idx = _index_array(x, items[pos])
    shape = tuple(x._data.shape)
    width = idx.ndim if idx.dtype == xp.bool else 1  # the dims the index consumes
    after = sum(1 for k in items[pos + 1 :] if k is not Ellipsis)
    axis = len(shape) - after - width if Ellipsis in items[:pos] else sum(1 for k in items[:pos] if k is not Ellipsis)
    if axis < 0 or axis + width > len(shape):
        raise IndexError(f"index: too many indices for a tensor of shape {shape}")
    if idx.dtype == xp.bool:
        mshape = tuple(idx.shape)
        if shape[axis : axis + len(mshape)] != mshape:
            raise ShapeError(
                f"index: a boolean mask of shape {mshape} does not match dims {axis}..{axis + len(mshape) - 1} "
                f"of a tensor of shape {shape}"
            )
        lead, trail = shape[:axis], shape[axis + len(mshape) :]
        flat = apply1(Reshape((*lead, math.prod(mshape), *trail), "index"), x) if len(mshape) != 1 else x
        positions = xp.nonzero(xp.reshape(idx, (-1,)))[0]
        return apply1(Take(xp.astype(positions, xp.int64), axis), flat)
    if not backend.is_integral(idx.dtype):
        raise TypeError(f"index: an index tensor must hold integers or booleans, got {backend.dtype_name(idx)}")
    if not shape:
        raise IndexError("index: a 0-d tensor has no dim to index")
    return apply1(Take(idx, axis), x)


def _item(k: Any) -> Any:
    if isinstance(k, slice):
        return _oprules.Slice(k.start, k.stop, k.step)
    return k


def setitem(x: AnyTensor, key: Any, value: Operand) -> None:
    """``x[key] = value``: basic keys, one integer index (``x[idx] = v``, along dim 0) or a
    boolean mask; ``value`` broadcasts to the indexed part and takes ``x``'s dtype."""
    check_tensor(x, "setitem")
    backend = x._backend
    xp = backend.xp
    shape = tuple(x._data.shape)
    items = list(key) if isinstance(key, tuple) else [key]
    scatter: Any = None  # the integer index of `x[idx] = v`, flattened
    if any(_is_advanced(k) for k in items):
        if len(items) != 1:
            raise TypeError("setitem: an index tensor (or list) assignment takes that index alone: x[idx] = v")
        idx = _index_array(x, items[0])
        if idx.dtype == xp.bool:
            mshape = tuple(idx.shape)
            if shape[: len(mshape)] != mshape:
                raise ShapeError(f"setitem: a boolean mask of shape {mshape} does not match a tensor of shape {shape}")
            target: tuple[int, ...] = (int(xp.sum(xp.astype(idx, xp.int64))), *shape[len(mshape) :])
            norm: Any = idx
        else:
            if not backend.is_integral(idx.dtype):
                raise TypeError(f"setitem: an index must hold integers or booleans, got {backend.dtype_name(idx)}")
            if not shape:
                raise IndexError("setitem: a 0-d tensor has no dim to index")
            n = shape[0]
            flat = xp.reshape(idx, (-1,))
            if math.prod(flat.shape):
                lo, hi = int(xp.min(flat)), int(xp.max(flat))
                if lo < -n or hi >= n:
                    raise IndexError(
                        f"setitem: index {lo if lo < -n else hi} is out of range for dim 0 of size {n} "
                        f"(tensor of shape {shape})"
                    )
            scatter = xp.where(flat < 0, flat + n, flat)
            target = (*idx.shape, *shape[1:])
            norm = None
    else:
        verdict = _check_basic(items, shape, "setitem")
        target = tuple(int(d) for d in verdict.dims)  # type: ignore[call-overload]
        norm = tuple([*items, Ellipsis]) if Ellipsis not in items else tuple(items)
    if isinstance(value, Tensor):
        if value._backend is not backend:
            raise DeviceError(f"setitem: value on {value.device} for a tensor on {x.device}")
        vdata = value._data
        if backend.dtype_name(vdata) != backend.dtype_name(x._data):
            vdata = xp.astype(vdata, x._data.dtype)
    elif isinstance(value, _SCALAR_TYPES):
        vdata = xp.asarray(value, dtype=x._data.dtype, device=backend.native_device)
    else:
        raise TypeError(f"setitem: value must be a tensor or a number, got {type(value).__name__}")
    vshape = tuple(vdata.shape)
    if vshape != target:
        verdict = _oprules.broadcast_to_self("setitem", target, vshape, R, what="value")
        if isinstance(verdict, _oprules.Bad):
            raise ShapeError(
                f"setitem: a value of shape {vshape} does not fit x[{_key_text(key)}], of shape {target} "
                f"(the tensor is {shape}; the value must broadcast to the indexed part without changing it)"
            )

    def compute(old: AnyTensor) -> AnyTensor:
        fn = SetItem(norm, scatter, target)
        fn.xp = xp
        out = fn.forward(old._data, vdata)
        vt = value if isinstance(value, Tensor) else None
        needs = (old.requires_grad, bool(vt is not None and vt.requires_grad))
        if any(needs) and _grad_enabled.get():
            from typedtorch._engine import next_seq

            fn.vdtype = vt._data.dtype if vt is not None else None
            fn.parents, fn.needs = (old, vt), needs
            fn.seq = next_seq()
            return make(out, backend, fn)
        return make(out, backend, None)

    inplace(x, "setitem", compute, value, needs_old_values=False)


def _key_text(key: Any) -> str:
    """An index as it was written: ``0:2, None, ...``."""

    def one(k: Any) -> str:
        if isinstance(k, slice):
            text = ("" if k.start is None else str(k.start)) + ":" + ("" if k.stop is None else str(k.stop))
            return text + (f":{k.step}" if k.step is not None else "")
        if k is Ellipsis:
            return "..."
        if isinstance(k, Tensor):
            return f"<index tensor of shape {k.shape}>"
        return repr(k)

    return ", ".join(one(k) for k in key) if isinstance(key, tuple) else one(key)


# ------------------------------------------------------------------- elementwise


def compare(op: str, a: AnyTensor, b: object) -> AnyTensor:
    from .elementwise import Compare

    if not isinstance(b, Tensor | int | float):
        b = host_number(b)  # a numpy scalar compares as the number it holds
        if not isinstance(b, Tensor | int | float):
            raise TypeError(f"{op}: unsupported operand type {type(b).__name__}; wrap arrays with tt.tensor()")
    token = _grad_enabled.set(False)
    try:
        return apply2(Compare(op), a, b)
    finally:
        _grad_enabled.reset(token)


def logical(op: str, a: Operand, b: Operand) -> AnyTensor:
    token = _grad_enabled.set(False)
    try:
        return apply2(Logical(op), a, b)
    finally:
        _grad_enabled.reset(token)


class _Invert(UnaryOp):
    __slots__ = ()
    name = "invert"

    def forward(self, x: Any) -> Any:
        if self.xp.isdtype(x.dtype, "real floating"):
            raise TypeError(f"~: needs a boolean or integer tensor, got {str(x.dtype).rsplit('.', 1)[-1]}")
        return self.xp.logical_not(x) if x.dtype == self.xp.bool else self.xp.bitwise_invert(x)


def invert(x: AnyTensor) -> AnyTensor:
    token = _grad_enabled.set(False)
    try:
        return apply1(_Invert(), x)
    finally:
        _grad_enabled.reset(token)


def nondiff(x: AnyTensor, name: str) -> AnyTensor:
    token = _grad_enabled.set(False)
    try:
        return apply1(Elementwise(name), x)
    finally:
        _grad_enabled.reset(token)


def masked_fill(x: AnyTensor, mask: AnyTensor, value: Operand) -> AnyTensor:
    check_tensor(x, "masked_fill")
    check_tensor(mask, "masked_fill", "mask")
    backend = x._backend
    if mask._data.dtype != backend.xp.bool:
        raise TypeError(f"masked_fill: the mask must be boolean, got {backend.dtype_name(mask._data)}")
    _raise(_oprules.broadcast_to_self("masked_fill", tuple(x._data.shape), tuple(mask._data.shape), R))
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise ShapeError(f"masked_fill: the value must be a number or a 0-d tensor, got shape {value.shape}")
        fill: Any = value
    elif isinstance(value, _SCALAR_TYPES):
        if isinstance(value, float) and not backend.is_floating(x._data.dtype) and not value.is_integer():
            raise TypeError(f"masked_fill: cannot fill a {backend.dtype_name(x._data)} tensor with {value!r}")
        fill = make(backend.xp.asarray(value, dtype=x._data.dtype, device=backend.native_device), backend, None)
    else:
        raise TypeError(f"masked_fill: value must be a number or a 0-d tensor, got {type(value).__name__}")
    return where(mask, fill, x)


def gelu(x: AnyTensor, approximate: str) -> AnyTensor:
    from .activation import gelu as _gelu

    return _gelu(x, approximate)


# ---------------------------------------------------------------------- in place


def iop(t: AnyTensor, op: str, cls: Any, other: Any) -> AnyTensor:
    if not isinstance(other, Tensor | int | float):
        raise TypeError(f"{op}: unsupported operand type {type(other).__name__}; wrap arrays with tt.tensor()")
    if isinstance(other, Tensor):
        _raise(_oprules.broadcast_to_self(op, tuple(t._data.shape), tuple(other._data.shape), R, what="operand"))
    needs_old = cls.__name__ in ("Mul", "Div", "Remainder")
    return inplace(t, op, lambda x: apply2(cls(), x, other), other, needs_old_values=needs_old)


def copy_(t: AnyTensor, src: AnyTensor) -> AnyTensor:
    check_tensor(src, "copy_", "src")
    check_tensor(t, "copy_")
    _raise(_oprules.broadcast_to_self("copy_", tuple(t._data.shape), tuple(src._data.shape), R, what="source"))
    from .inplace import replace

    # Broadcast to the tensor's shape, cast to its dtype, moved to its device.
    return replace(t, src.to(t.device) if src._backend is not t._backend else src, "copy_")


def fill(t: AnyTensor, value: Any, op: str) -> AnyTensor:
    from .inplace import fill as _fill

    if not isinstance(value, Tensor | int | float):
        raise TypeError(f"{op}: the value must be a number or a 0-d tensor, got {type(value).__name__}")
    return _fill(t, value, op)


def random_fill(t: AnyTensor, op: str, a: float, b: float) -> AnyTensor:
    backend = t._backend
    if not backend.is_floating(t._data.dtype):
        raise TypeError(f"{op}: needs a floating-point tensor, got {backend.dtype_name(t._data)}")
    shape = tuple(t._data.shape)
    if op == "uniform_":
        draws = host_random("uniform", shape, None) * (b - a) + a
    else:
        draws = host_random("normal", shape, None) * b + a
    values = backend.xp.astype(backend.from_host(draws.astype("float32", copy=False)), t._data.dtype)
    return inplace(t, op, lambda x: make(values, backend, None), None, needs_old_values=False)


# --------------------------------------------------------------------- the rest


class Clone(UnaryOp):
    __slots__ = ()
    name = "clone"
    saves_inputs = False

    def forward(self, x: Any) -> Any:
        return self.xp.asarray(x, copy=True)

    def backward(self, g: Any) -> tuple[Any, ...]:
        return (g,)


__all__ = ["Where"]
