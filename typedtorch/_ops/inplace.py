"""In-place ops: ``add_``, ``mul_``, ``zero_``, ``copy_``, ``x += y``, ``x[key] = v``, ...

They modify the tensor itself (its memory, so views see the change) and bump its
version counter, so an op that saved the old values refuses to backpropagate through
them (``typedtorch._engine``) instead of using the new ones.

Rules, as in PyTorch:

- On a leaf that requires grad (a parameter), in-place ops are allowed inside
  ``tt.no_grad()`` (the manual SGD step ``p -= lr * p.grad``) and an error outside.
- Elsewhere with grad mode on, the change is recorded: the tensor takes the op's node
  and its previous state moves to a hidden tensor the node points to. typedtorch
  records only what it can record exactly: a tensor that other recorded ops already
  used cannot then be changed in place (their gradients would flow through the new
  node); that is an error naming the op, never a wrong gradient.
- A recorded change of a tensor that shares its memory with another (a view such as
  ``x[0]``, ``x.T`` or ``x.view(...)``, or the tensor a view was taken from) is an
  error too: the other tensor's values would change under a graph that does not say
  so (PyTorch re-records the base; typedtorch refuses rather than guess). Views mark
  their shared version counter (a second element, see ``_apply.apply1``).
- The result must keep the tensor's shape and be castable to its dtype (a float
  result into an integer tensor is refused).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from typedtorch import _dtypes
from typedtorch._engine import Function, _grad_enabled, grad_mode, unbroadcast
from typedtorch._errors import DeviceError, ShapeError
from typedtorch._tensor import Tensor, make

from ._apply import AnyTensor, check_tensor, record

LEAF_MESSAGE = (
    "{op}: in-place change of a leaf tensor that requires grad (a parameter) outside tt.no_grad(); "
    "do the update inside `with tt.no_grad():` (the manual SGD step), or use the out-of-place form"
)


def inplace(
    t: AnyTensor,
    op: str,
    compute: Callable[[AnyTensor], AnyTensor],
    other: object = None,
    needs_old_values: bool = True,
) -> AnyTensor:
    """Run ``compute`` (an out-of-place version of the op) and write its result into ``t``.

    ``needs_old_values``: whether the op's backward reads ``t``'s values (``mul_``
    does, ``add_`` does not), in which case a recorded change keeps a copy of them.
    """
    check_tensor(t, op)
    recording = grad_mode.enabled and (t.requires_grad or _any_requires_grad(other))
    if recording and t.requires_grad and t._node is None:
        raise RuntimeError(LEAF_MESSAGE.format(op=op))
    if not recording:
        token = _grad_enabled.set(False)
        try:
            result = compute(t)
        finally:
            _grad_enabled.reset(token)
        _write(t, result, op)
        t._version[0] += 1
        return t
    if t._uses:
        raise RuntimeError(
            f"{op}: in-place change of a tensor that other recorded ops have already used "
            f"(shape {t.shape}); their gradients would no longer be exact: use the out-of-place form "
            f"(y = y + ... instead of y += ...)"
        )
    if len(t._version) > 1:
        raise RuntimeError(VIEW_MESSAGE.format(op=op, shape=t.shape))
    backend = t._backend
    data = backend.xp.asarray(t._data, copy=True) if needs_old_values else t._data
    old = make(data, backend, t._node)
    old.requires_grad = t.requires_grad
    # `old` holds the op that made `t`, whose output is about to be overwritten: it gets
    # the version `t` will have, one its maker did not record, so that op refuses to
    # backpropagate if it saved those values. Set before `compute`, so the new op
    # records the same version for `old` and backpropagates through it.
    new_version = t._version[0] + 1
    old._version = [new_version]
    result = compute(old)
    _write(t, result, op)
    t._version[0] = new_version
    node = result._node
    t._node = node
    t.requires_grad = result.requires_grad
    if node is not None:
        node.out_version = t._version[0]
    return t


VIEW_MESSAGE = (
    "{op}: in-place change, recorded for the gradient, of a tensor that shares its memory with another "
    "(shape {shape}: a view such as x[0], x.T or x.view(...), or the tensor a view was taken from); "
    "the other tensor's values would change behind the graph's back: use the out-of-place form "
    "(y = y + ...), or clone() the view first"
)


def _any_requires_grad(other: object) -> bool:
    if isinstance(other, Tensor):
        return other.requires_grad
    if isinstance(other, tuple):
        return any(isinstance(o, Tensor) and o.requires_grad for o in other)
    return False


def _write(t: AnyTensor, result: AnyTensor, op: str) -> None:
    """``result``'s values into ``t``'s memory, with a clear error for what cannot go there."""
    backend = t._backend
    if tuple(result.shape) != tuple(t.shape):
        raise ShapeError(
            f"{op}: the result has shape {tuple(result.shape)} but the tensor has shape {tuple(t.shape)}; "
            "an in-place op cannot change a tensor's shape"
        )
    src_name, dst_name = backend.dtype_name(result._data), backend.dtype_name(t._data)
    if src_name != dst_name and _dtypes.promote(src_name, dst_name) != dst_name:
        raise TypeError(f"{op}: the result is {src_name}, which cannot be written into a {dst_name} tensor in place")
    src = result._data if src_name == dst_name else backend.xp.astype(result._data, t._data.dtype)
    if not backend.is_writeable(t._data):
        if t._data.ndim == 0:
            # numpy hands out 0-d results as immutable scalars (`loss += 1` on a sum):
            # nothing else can share a scalar's memory, so the tensor takes a fresh array.
            t._data = backend.xp.asarray(src, copy=True)
            return
        raise RuntimeError(
            f"{op}: this tensor is a read-only view (from expand() or a broadcast); clone() it before changing it in place"
        )
    t._data[...] = src


class Replace(Function):
    """``copy_``/``fill_``/``zero_`` recorded: new values from ``src`` (a tensor, or a number
    when it is None), broadcast and cast to the tensor's; the old values get a zero
    gradient, as in PyTorch (so a tensor they came from still receives a ``.grad``)."""

    __slots__ = ("xp", "sshape", "sdtype")
    xp: Any
    sshape: tuple[int, ...]
    sdtype: Any
    saves_inputs = False

    def backward(self, g: Any) -> tuple[Any, ...]:
        xp = self.xp
        gs = None
        if self.needs[1]:
            gs = unbroadcast(xp, g, self.sshape)
            if gs.dtype != self.sdtype:
                gs = xp.astype(gs, self.sdtype)
        return (xp.zeros_like(g) if self.needs[0] else None, gs)


def replace(t: AnyTensor, src: AnyTensor | float, op: str) -> AnyTensor:
    """Every element of ``t`` set from ``src`` (a number or a tensor broadcasting to ``t``)."""
    backend = t._backend

    def compute(x: AnyTensor) -> AnyTensor:
        xp = backend.xp
        data = x._data
        if isinstance(src, Tensor):
            values = src._data
            if values.dtype != data.dtype:
                values = xp.astype(values, data.dtype)
            out = xp.broadcast_to(values, data.shape) if values.shape != data.shape else values
        else:
            out = xp.full(data.shape, src, dtype=data.dtype, device=data.device)
        fn = Replace()
        fn.xp = xp
        if isinstance(src, Tensor):
            fn.sshape, fn.sdtype = tuple(src._data.shape), src._data.dtype
        return record(fn, out, backend, (x, src if isinstance(src, Tensor) else None), (x.requires_grad, isinstance(src, Tensor) and src.requires_grad))  # fmt: skip

    return inplace(t, op, compute, src, needs_old_values=False)


def fill(t: AnyTensor, value: Any, op: str) -> AnyTensor:
    """``t.fill_(v)`` / ``t.zero_()``: every element set to a number or a 0-d tensor."""
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise ShapeError(f"{op}: the fill value must be a number or a 0-d tensor, got shape {value.shape}")
        if value._backend is not t._backend:
            raise DeviceError(f"{op}: the fill value is on {value.device}, the tensor on {t.device}")
    return replace(t, value, op)
