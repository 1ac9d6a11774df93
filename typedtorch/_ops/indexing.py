"""Indexing: basic slicing, integer gathers along one dim, boolean masks, ``x[key] = v``,
and ``one_hot``.

``x[key]`` accepts what PyTorch users write: ints, slices, ``None``, ``...``, and one
integer index (a list, an int tensor or a numpy array) or a boolean mask. A gather
accumulates the gradient of repeated indices (``x[[0, 0]]`` sends row 0 a gradient of
2); the array API has no scatter-add, so it goes through a one-hot product.
"""

from __future__ import annotations

import math
from typing import Any

from typedtorch._backend import Array
from typedtorch._engine import Function, unbroadcast

from ._apply import UnaryOp


class GetItem(UnaryOp):
    """Basic indexing (ints, slices, None, ...); a view; backward writes into zeros."""

    __slots__ = ("key", "shape", "device", "plain", "mid")
    name = "index"
    saves_inputs = False
    view = True

    def __init__(self, key: Any) -> None:
        self.key = key
        # The array API assigns through keys without `None`: backward writes through the
        # key with its new axes dropped (`plain`), into the shape that key selects (`mid`).
        self.plain = None if None not in key else tuple(k for k in key if k is not None)

    def forward(self, x: Array) -> Array:
        self.shape, self.device = x.shape, x.device
        try:
            out = x[self.key]
        except IndexError as e:
            raise IndexError(f"index: {e} (tensor of shape {tuple(x.shape)})") from None
        if self.plain is not None:
            self.mid = tuple(d for d, k in zip(out.shape, _out_items(self.key, x.ndim), strict=True) if k is not None)
        return out

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        xp = self.xp
        out = xp.zeros(self.shape, dtype=g.dtype, device=self.device)
        if self.plain is None:
            out[self.key] = g
        else:
            out[self.plain] = xp.reshape(g, self.mid)
        return (out,)


def _out_items(key: tuple[Any, ...], rank: int) -> list[Any]:
    """The key's item behind each dim of the result: ``None`` for a new axis."""
    consumed = sum(1 for k in key if k is not None and k is not Ellipsis)
    items: list[Any] = []
    for k in key:
        if k is Ellipsis:
            items += [slice(None)] * (rank - consumed)
        elif k is None or isinstance(k, slice):
            items.append(k)
    return items


class Take(UnaryOp):
    """``x`` gathered along dim ``axis`` by an integer index array of any shape."""

    __slots__ = ("idx", "axis", "n", "lead", "trail", "device")
    name = "index"
    saves_inputs = False

    def __init__(self, idx: Array, axis: int) -> None:
        self.idx, self.axis = idx, axis

    def forward(self, x: Array) -> Array:
        xp, ax = self.xp, self.axis
        n = x.shape[ax]
        self.n, self.device = n, x.device
        self.lead, self.trail = tuple(x.shape[:ax]), tuple(x.shape[ax + 1 :])
        idx = self.idx
        if math.prod(idx.shape):
            lo, hi = int(xp.min(idx)), int(xp.max(idx))
            if lo < -n or hi >= n:
                bad = lo if lo < -n else hi
                raise IndexError(
                    f"index: index {bad} is out of range for dim {ax} of size {n} (tensor of shape {tuple(x.shape)})"
                )
        flat = xp.reshape(idx, (-1,))
        flat = xp.where(flat < 0, flat + n, flat)
        self.idx = flat
        out = xp.take(x, flat, axis=ax)
        return xp.reshape(out, (*self.lead, *idx.shape, *self.trail))

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        # Repeated indices add up: a (n, K) one-hot @ (K, rest), along the gathered dim.
        xp, n = self.xp, self.n
        k = self.idx.shape[0]
        lead, trail = self.lead, self.trail
        gk = xp.reshape(g, (math.prod(lead), k, math.prod(trail)))
        onehot = xp.astype(
            xp.reshape(xp.arange(n, device=self.device), (n, 1)) == xp.reshape(self.idx, (1, k)), g.dtype
        )
        return (xp.reshape(onehot @ gk, (*lead, n, *trail)),)


class SetItem(Function):
    """``x[key] = value`` computed out of place (the recorded form of an assignment).

    ``key`` is a basic key or a boolean mask; ``x[idx] = v`` with an integer index
    (``scatter``, flattened, non-negative) goes through the array API alone, since it
    has no integer-array assignment: each row of ``x`` takes the last value written
    to it, as numpy and PyTorch do on the CPU.
    """

    __slots__ = ("xp", "key", "scatter", "target", "vshape", "vdtype", "written")
    xp: Any
    vdtype: Any
    saves_inputs = False

    def __init__(self, key: Any, scatter: Array | None, target: tuple[int, ...]) -> None:
        self.key, self.scatter, self.target = key, scatter, target

    def forward(self, x: Array, value: Array) -> Array:
        xp = self.xp
        self.vshape = tuple(value.shape)
        if self.scatter is None:
            out = xp.asarray(x, copy=True)
            out[self.key] = value
            return out
        n, k = x.shape[0], self.scatter.shape[0]
        rest = tuple(x.shape[1:])
        vals = xp.reshape(xp.broadcast_to(value, self.target), (k, *rest))
        hits = xp.reshape(xp.arange(n, device=x.device), (n, 1)) == xp.reshape(self.scatter, (1, k))
        order = xp.reshape(xp.arange(k, device=x.device), (1, k))
        last = xp.max(xp.where(hits, order, -1), axis=1) if k else xp.full((n,), -1, device=x.device)
        written = xp.reshape(last >= 0, (n, *(1 for _ in rest)))
        self.written = written
        picked = xp.take(vals, xp.where(last >= 0, last, 0), axis=0) if k else xp.zeros_like(x)
        return xp.where(written, picked, x)

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        xp = self.xp
        gx = gv = None
        if self.scatter is None:
            if self.needs[0]:
                gx = xp.asarray(g, copy=True)
                gx[self.key] = 0
            if self.needs[1]:
                gv = unbroadcast(xp, g[self.key], self.vshape)
        else:
            if self.needs[0]:
                gx = xp.where(self.written, xp.zeros_like(g), g)
            if self.needs[1]:
                # As PyTorch's index_put: every position named by the index receives its
                # part of the gradient (also a repeated one that a later write overwrote).
                picked = xp.reshape(xp.take(g, self.scatter, axis=0), self.target)
                gv = unbroadcast(xp, picked, self.vshape)
        if gv is not None and self.vdtype is not None and gv.dtype != self.vdtype:
            gv = xp.astype(gv, self.vdtype)
        return (gx, gv)
