"""Scaled dot-product attention, fused: scores, mask, softmax, dropout and the value
product in one node, with the whole backward written out.

For ``q`` ``(..., L, E)``, ``k`` ``(..., S, E)`` and ``v`` ``(..., S, Ev)``::

    s = (q * scale) @ k^T + mask          p = softmax(s)          pd = dropout(p)
    out = pd @ v

    dv = pd^T @ g        dp = (g @ v^T) * keep        ds = p * (dp - rowsum(dp * p))
    dq = (ds @ k) * scale          dk = ds^T @ (q * scale)          dmask = ds

Masks of every kind (boolean "attend here", additive floats, the causal triangle,
PyTorch ``MultiheadAttention``'s "masked out" booleans and key padding) become one
additive mask of ``0`` and ``-inf`` of their own (small) shape before they meet the
``(..., L, S)`` scores, so each costs one in-place addition. The causal mask is built
once per size and reused.

A row whose every position is masked gets zero probabilities, so its output and its
gradients are 0, as PyTorch's ``scaled_dot_product_attention`` gives (a plain
softmax would give ``nan``).

Two ops share this core: :class:`SDPAFn` (``F.scaled_dot_product_attention``, any
leading dims, broadcast) and :class:`MultiheadFn` (``nn.MultiheadAttention``), which
reads the heads of ``q``, ``k`` and ``v`` out of the projections' ``(.., E)`` columns
as strided views, so the head split costs nothing and the head merge one copy; its
attention weights, when asked for, are a second node (:class:`WeightsFn`) sharing
the saved arrays.
"""

from __future__ import annotations

import math
from typing import Any

from typedtorch._backend import Array, Backend, host_random
from typedtorch._engine import Function, grad_mode, next_seq, unbroadcast
from typedtorch._errors import DeviceError, ShapeError
from typedtorch._tensor import AnyTensor, Tensor, make

NEG_INF = float("-inf")


# ------------------------------------------------------------------------- masks

# The additive causal mask per (namespace, L, S, dtype, device); keys start with the
# namespace so dtypes of different array libraries are never compared.
_causal: dict[tuple[Any, int, int, Any, Any], Array] = {}


def causal_mask(xp: Any, n_q: int, n_k: int, dtype: Any, device: Any) -> Array:
    """``(L, S)``: 0 where ``j <= i`` (PyTorch's top-left-aligned triangle), ``-inf`` above."""
    key = (xp, n_q, n_k, dtype, device)
    mask = _causal.get(key)
    if mask is None:
        if len(_causal) > 32:  # many distinct sizes: stay bounded
            _causal.clear()
        i = xp.reshape(xp.arange(n_q, device=device), (n_q, 1))
        j = xp.reshape(xp.arange(n_k, device=device), (1, n_k))
        mask = _causal[key] = xp.where(j <= i, xp.asarray(0.0, dtype=dtype, device=device), NEG_INF)
    return mask


def additive(backend: Backend, mask: AnyTensor, dtype: Any, allowed: bool, what: str) -> Array:
    """A boolean or float mask as an additive float mask of the same shape.

    ``allowed`` says what ``True`` means in a boolean mask: attend (SDPA) or mask out
    (``MultiheadAttention``'s ``attn_mask`` and ``key_padding_mask``).
    """
    xp = backend.xp
    data = mask._data
    name = backend.dtype_name(data)
    if name == "bool":
        zero = xp.asarray(0.0, dtype=dtype, device=data.device)
        return xp.where(data, zero, NEG_INF) if allowed else xp.where(data, NEG_INF, zero)
    if name in ("float16", "float32", "float64"):
        return data if data.dtype == dtype else xp.astype(data, dtype)
    raise TypeError(f"{what} must be a boolean or floating-point tensor, got dtype {name}")


def combine(a: Array | None, b: Array | None) -> Array | None:
    if a is None:
        return b
    if b is None:
        return a
    return a + b


# -------------------------------------------------------------------------- core


class Core:
    """What one attention evaluation saves for its backward (and for its weights' backward)."""

    __slots__ = ("xp", "qs", "k", "v", "p", "pd", "keep", "scale")

    def __init__(self, xp: Any, scale: float) -> None:
        self.xp = xp
        self.scale = scale

    xp: Any
    qs: Array  # q * scale, (..., L, E)
    k: Array  # (..., S, E)
    v: Array  # (..., S, Ev)
    p: Array  # softmax probabilities, (..., L, S)
    pd: Array  # p after dropout (p itself without dropout)
    keep: Array | None  # the dropout mask, 0 or 1 / (1 - dropout_p), or None
    scale: float


def dense(xp: Any, a: Array) -> Array:
    """``a`` C-contiguous: itself (a view) when it already is, else one copy.

    numpy's batched matmul is about 1.3x slower on the strided head views of a packed
    projection (a key or value head is every third block of columns) than on dense
    heads; the copy costs less than that.
    """
    return xp.reshape(xp.reshape(a, (math.prod(a.shape[:-2]), *a.shape[-2:])), a.shape)


def attend(
    core: Core, q: Array, k: Array, v: Array, mask: Array | None, guard: bool, dropout_p: float, backend: Backend
) -> Array:
    """The forward pass; fills ``core``. ``guard``: the mask may mask out a whole row."""
    xp = core.xp
    k, v = dense(xp, k), dense(xp, v)
    qs = q * core.scale
    s = qs @ xp.matrix_transpose(k)
    if mask is not None:  # the callers checked that it broadcasts into the scores
        s += mask
    m = xp.max(s, axis=-1, keepdims=True)
    if guard:  # a fully masked row: subtract 0, not -inf (which would give nan)
        m = xp.where(m == NEG_INF, 0.0, m)
    s -= m
    p = xp.exp(s)
    den = xp.sum(p, axis=-1, keepdims=True)
    if guard:  # ... and divide its zeros by 1: zero probabilities
        den = xp.where(den == 0.0, 1.0, den)
    p /= den
    keep = None
    pd = p
    if dropout_p > 0.0:
        if dropout_p >= 1.0:
            keep = xp.zeros_like(p)
        else:
            drawn = backend.from_host(host_random("uniform", tuple(p.shape), None) >= dropout_p)
            keep = xp.astype(drawn, p.dtype) * (1.0 / (1.0 - dropout_p))
        pd = p * keep
    core.qs, core.k, core.v, core.p, core.pd, core.keep = qs, k, v, p, pd, keep
    return pd @ v


def softmax_backward(core: Core, dpd: Array) -> Array:
    """``ds`` from the gradient of the (dropped-out) probabilities; ``dpd`` may be modified."""
    xp, p = core.xp, core.p
    dp = dpd * core.keep if core.keep is not None else dpd
    dp -= xp.sum(dp * p, axis=-1, keepdims=True)
    dp *= p
    return dp


def attend_backward(
    core: Core, g: Array, need_q: bool, need_k: bool, need_v: bool, need_s: bool = False
) -> tuple[Array | None, ...]:
    """``(dq, dk, dv, ds)`` in the broadcast batch shape; ``None`` for what is not needed
    (``need_s``: the scores' gradient, for a float mask)."""
    xp = core.xp
    dv = xp.matrix_transpose(core.pd) @ g if need_v else None
    if not (need_q or need_k or need_s):
        return None, None, dv, None
    ds = softmax_backward(core, g @ xp.matrix_transpose(core.v))
    dq = None
    if need_q:
        dq = ds @ core.k
        dq *= core.scale
    dk = xp.matrix_transpose(ds) @ core.qs if need_k else None
    return dq, dk, dv, ds


def _broadcasts_into(small: tuple[int, ...], big: tuple[int, ...]) -> bool:
    if len(small) > len(big):
        return False
    return all(a in (1, b) for a, b in zip(small[::-1], big[::-1], strict=False))


def _float_dtype(backend: Backend, t: AnyTensor, what: str, op: str) -> None:
    if not isinstance(t, Tensor):
        raise TypeError(f"{op}: {what} must be a Tensor, got {type(t).__name__}")
    name = backend.dtype_name(t._data)
    if name not in ("float16", "float32", "float64"):
        raise TypeError(f"{op}: {what} must be a floating-point tensor, got dtype {name}")


def _same_device(backend: Backend, t: AnyTensor | None, what: str, op: str) -> None:
    if t is not None and isinstance(t, Tensor) and t._backend is not backend:
        raise DeviceError(f"{op}: query on {backend.device} but {what} on {t.device}")


# ------------------------------------------------------------------------- SDPA


class SDPAFn(Function):
    """``F.scaled_dot_product_attention``; parents ``(q, k, v)`` or ``(q, k, v, float mask)``."""

    __slots__ = ("core", "shapes", "mask_shape")
    core: Core
    shapes: tuple[tuple[int, ...], ...]  # q, k, v
    mask_shape: tuple[int, ...] | None  # a float mask that wants a gradient

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        core, needs = self.core, self.needs
        xp = core.xp
        mask_needs = self.mask_shape is not None and needs[3]
        dq, dk, dv, ds = attend_backward(core, g, needs[0], needs[1], needs[2], mask_needs)
        sq, sk, sv = self.shapes
        out = [
            unbroadcast(xp, dq, sq) if dq is not None else None,
            unbroadcast(xp, dk, sk) if dk is not None else None,
            unbroadcast(xp, dv, sv) if dv is not None else None,
        ]
        if self.mask_shape is not None:
            out.append(unbroadcast(xp, ds, self.mask_shape) if ds is not None and needs[3] else None)
        return tuple(out)


def sdpa(
    query: AnyTensor,
    key: AnyTensor,
    value: AnyTensor,
    attn_mask: AnyTensor | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
) -> AnyTensor:
    """``softmax(q k^T * scale + mask) v`` over the last two dims, as one node (see the module doc)."""
    op = "scaled_dot_product_attention"
    for what, t in (("query", query), ("key", key), ("value", value)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: {what} must be a Tensor, got {type(t).__name__}")
    backend = query._backend
    for what, other in (("key", key), ("value", value), ("attn_mask", attn_mask)):
        _same_device(backend, other, what, op)
    for what, t in (("query", query), ("key", key), ("value", value)):
        _float_dtype(backend, t, what, op)
    q, k, v = query._data, key._data, value._data
    if q.ndim < 2 or k.ndim < 2 or v.ndim < 2:
        raise ShapeError(
            f"{op}: query, key and value need at least 2 dims (..., L, E), got {tuple(q.shape)}, "
            f"{tuple(k.shape)} and {tuple(v.shape)}"
        )
    if q.shape[-1] != k.shape[-1]:
        raise ShapeError(
            f"{op}: query {tuple(q.shape)} and key {tuple(k.shape)} differ in their last dim "
            f"({q.shape[-1]} != {k.shape[-1]}): the scores need q @ k^T"
        )
    if k.shape[-2] != v.shape[-2]:
        raise ShapeError(
            f"{op}: key {tuple(k.shape)} and value {tuple(v.shape)} differ in their source length "
            f"(dim -2: {k.shape[-2]} != {v.shape[-2]})"
        )
    if not (q.dtype == k.dtype == v.dtype):
        names = ", ".join(backend.dtype_name(a) for a in (q, k, v))
        raise TypeError(f"{op}: query, key and value must have one dtype, got {names}")
    batch = _broadcast_batch(op, (("query", q.shape[:-2]), ("key", k.shape[:-2]), ("value", v.shape[:-2])))
    n_q, n_k = q.shape[-2], k.shape[-2]
    scores_shape = (*batch, n_q, n_k)
    if not 0.0 <= dropout_p <= 1.0:
        raise ValueError(f"{op}: dropout_p must lie in [0, 1], got {dropout_p}")
    if is_causal and attn_mask is not None:
        raise ValueError(f"{op}: give attn_mask or is_causal=True, not both (as PyTorch)")
    xp = backend.xp
    mask = None
    guard = False
    mask_parent: AnyTensor | None = None
    if attn_mask is not None:
        if not isinstance(attn_mask, Tensor):
            raise TypeError(f"{op}: attn_mask must be a Tensor or None, got {type(attn_mask).__name__}")
        mshape = tuple(attn_mask._data.shape)
        if not _broadcasts_into(mshape, scores_shape):
            raise ShapeError(
                f"{op}: attn_mask of shape {mshape} does not broadcast to the scores' shape {scores_shape} "
                f"(batch..., L, S)"
            )
        mask = additive(backend, attn_mask, q.dtype, allowed=True, what=f"{op}: attn_mask")
        guard = True
        if backend.dtype_name(attn_mask._data) != "bool" and attn_mask.requires_grad:
            mask_parent = attn_mask
    elif is_causal:
        mask = causal_mask(xp, n_q, n_k, q.dtype, q.device)
        guard = n_k == 0
    core = Core(xp, 1.0 / math.sqrt(q.shape[-1]) if scale is None else float(scale))
    out = attend(core, q, k, v, mask, guard, dropout_p, backend)
    needs = [query.requires_grad, key.requires_grad, value.requires_grad]
    if (any(needs) or mask_parent is not None) and grad_mode.enabled:
        fn = SDPAFn()
        fn.core = core
        fn.shapes = (tuple(q.shape), tuple(k.shape), tuple(v.shape))
        parents: list[AnyTensor] = [query, key, value]
        fn.mask_shape = None
        if mask_parent is not None:
            parents.append(mask_parent)
            needs.append(True)
            fn.mask_shape = tuple(mask_parent._data.shape)
        fn.parents, fn.needs = tuple(parents), tuple(needs)
        fn.seq = next_seq()
        return make(out, backend, fn)
    return make(out, backend, None)


def _broadcast_batch(op: str, shapes: tuple[tuple[str, tuple[int, ...]], ...]) -> tuple[int, ...]:
    """The broadcast of the batch dims, or a ``ShapeError`` naming the ones that clash."""
    rank = max(len(s) for _, s in shapes)
    out = []
    for i in range(rank):
        size = 1
        for _, s in shapes:
            j = i - rank + len(s)
            if j < 0:
                continue
            d = s[j]
            if d != 1:
                if size not in (1, d):
                    listing = ", ".join(f"{name} {s}" for name, s in shapes)
                    raise ShapeError(f"{op}: batch dims do not broadcast: {listing}")
                size = d
        out.append(size)
    return tuple(out)


# -------------------------------------------------------------- multi-head attention


class Heads:
    """How ``q``, ``k`` or ``v`` of shape ``(B, H, T, dh)`` sit in a source's columns.

    A source is ``(T, B, C)`` (``batch_first=False``) or ``(B, T, C)``; the heads are
    columns ``offset .. offset + H * dh`` of it.
    """

    __slots__ = ("source", "offset")

    def __init__(self, source: int, offset: int) -> None:
        self.source = source  # index into MultiheadFn.parents
        self.offset = offset


def split_heads(xp: Any, x: Array, offset: int, heads: int, head_dim: int, batch_first: bool) -> Array:
    """The view ``(B, H, T, dh)`` of columns ``offset ..`` of a ``(T, B, C)``/``(B, T, C)`` array."""
    a, b, c = x.shape
    parts = xp.reshape(x, (a, b, c // head_dim, head_dim))[:, :, offset // head_dim : offset // head_dim + heads, :]
    return xp.permute_dims(parts, (0, 2, 1, 3) if batch_first else (1, 2, 0, 3))


def merge_heads(xp: Any, o: Array, batch_first: bool) -> Array:
    """``(B, H, T, dh)`` back to ``(B, T, H dh)`` or ``(T, B, H dh)`` (one copy)."""
    n, h, t, d = o.shape
    if batch_first:
        return xp.reshape(xp.permute_dims(o, (0, 2, 1, 3)), (n, t, h * d))
    return xp.reshape(xp.permute_dims(o, (2, 0, 1, 3)), (t, n, h * d))


class MultiheadFn(Function):
    """Attention over ``H`` heads read from projection outputs; parents are the sources
    (one packed ``qkv`` tensor, or separate ones), then float masks that want gradients."""

    __slots__ = ("core", "layout", "heads", "head_dim", "batch_first", "shapes", "masks")
    core: Core
    layout: tuple[Heads, Heads, Heads]  # q, k, v
    heads: int
    head_dim: int
    batch_first: bool
    shapes: list[tuple[int, ...]]  # of the sources
    masks: list[tuple[tuple[int, ...], tuple[int, ...]]]  # float masks: (shape as given, shape as broadcast)

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        core = self.core
        xp = core.xp
        go = dense(xp, split_heads(xp, g, 0, self.heads, self.head_dim, self.batch_first))
        nsrc = len(self.shapes)
        want = [self.needs[lq.source] for lq in self.layout]
        masks_need = any(self.needs[nsrc:])
        dq, dk, dv, ds = attend_backward(core, go, want[0], want[1], want[2], masks_need)
        return (*self._sources((dq, dk, dv)), *self._mask_grads(ds, nsrc))

    def _sources(self, parts: tuple[Array | None, ...]) -> list[Array | None]:
        """Each source's gradient, its heads' gradients written into their columns."""
        xp = self.core.xp
        grads: list[Array | None] = [None] * len(self.shapes)
        for lay, part in zip(self.layout, parts, strict=True):
            if part is None or not self.needs[lay.source]:
                continue
            buf = grads[lay.source]
            if buf is None:
                buf = grads[lay.source] = xp.zeros(self.shapes[lay.source], dtype=part.dtype, device=part.device)
            view = split_heads(xp, buf, lay.offset, self.heads, self.head_dim, self.batch_first)
            view[...] = part
        return grads

    def _mask_grads(self, ds: Array | None, nsrc: int) -> list[Array | None]:
        xp = self.core.xp
        out: list[Array | None] = []
        for i, (given, view) in enumerate(self.masks):
            if ds is None or not self.needs[nsrc + i]:
                out.append(None)
            else:
                out.append(xp.reshape(unbroadcast(xp, ds, view), given))
        return out


class WeightsFn(Function):
    """The attention weights of a :class:`MultiheadFn`, averaged over heads or not: the
    dropped-out probabilities, differentiable through the same saved arrays."""

    __slots__ = ("main", "average", "unbatched")
    main: MultiheadFn
    average: bool
    unbatched: bool

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        main = self.main
        core = main.core
        xp = core.xp
        if self.unbatched:
            g = xp.reshape(g, (1, *g.shape))
        if self.average:  # (B, L, S) -> each head gets 1/H of it
            g = xp.reshape(g, (g.shape[0], 1, *g.shape[1:])) * (1.0 / main.heads)
            g = g + xp.zeros_like(core.p)
        else:
            g = g + 0.0  # softmax_backward updates its argument in place
        ds = softmax_backward(core, g)
        dq = dk = None
        if main.needs[main.layout[0].source]:
            dq = ds @ core.k
            dq *= core.scale
        if main.needs[main.layout[1].source]:
            dk = xp.matrix_transpose(ds) @ core.qs
        return (*main._sources((dq, dk, None)), *main._mask_grads(ds, len(main.shapes)))


def multihead(
    sources: list[AnyTensor],
    layout: tuple[Heads, Heads, Heads],
    heads: int,
    head_dim: int,
    batch_first: bool,
    masks: list[tuple[AnyTensor, Array, tuple[int, ...]]],
    causal: bool,
    dropout_p: float,
    need_weights: bool,
    average_weights: bool,
    unbatched: bool,
) -> tuple[AnyTensor, AnyTensor | None]:
    """Run :class:`MultiheadFn` (and :class:`WeightsFn` with ``need_weights``).

    ``masks`` holds ``(tensor, additive array, shape broadcast against (B, H, L, S))``
    for each mask; float masks that require grad become parents. The caller has
    checked every shape and device.
    """
    backend = sources[0]._backend
    xp = backend.xp
    datas = [s._data for s in sources]
    q, k, v = (split_heads(xp, datas[h.source], h.offset, heads, head_dim, batch_first) for h in layout)
    mask = None
    for _, arr, view in masks:
        mask = combine(mask, xp.reshape(arr, view))
    guard = bool(masks)
    if causal:
        mask = combine(mask, causal_mask(xp, q.shape[2], k.shape[2], q.dtype, q.device))
    core = Core(xp, 1.0 / math.sqrt(head_dim))
    out = merge_heads(xp, attend(core, q, k, v, mask, guard, dropout_p, backend), batch_first)
    w = None
    if need_weights:
        w = core.pd
        if average_weights:
            w = xp.sum(w, axis=1) * (1.0 / heads)
        if unbatched:
            w = w[0, ...]
    src_needs = [s.requires_grad for s in sources]
    grad_masks = [(t, view) for t, _, view in masks if backend.dtype_name(t._data) != "bool" and t.requires_grad]
    if not ((any(src_needs) or grad_masks) and grad_mode.enabled):
        return make(out, backend, None), (make(w, backend, None) if w is not None else None)
    fn = MultiheadFn()
    fn.core, fn.layout, fn.heads, fn.head_dim, fn.batch_first = core, layout, heads, head_dim, batch_first
    fn.shapes = [tuple(d.shape) for d in datas]
    fn.masks = [(tuple(t._data.shape), view) for t, view in grad_masks]
    fn.parents = (*sources, *(t for t, _ in grad_masks))
    fn.needs = (*src_needs, *(True for _ in grad_masks))
    fn.seq = next_seq()
    if w is None:
        return make(out, backend, fn), None
    wf = WeightsFn()
    wf.main, wf.average, wf.unbatched = fn, average_weights, unbatched
    wf.parents, wf.needs = fn.parents, fn.needs
    wf.seq = next_seq()
    return make(out, backend, fn), make(w, backend, wf)


# -------------------------------------------------------------------- projections


class ProjectionFn(Function):
    """``x @ W^T + b`` with ``W`` stored ``(out, in)`` as PyTorch's ``MultiheadAttention`` keeps it."""

    __slots__ = ("xp", "x", "w", "has_bias")
    xp: Any
    x: Array
    w: Array
    has_bias: bool

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        xp, x, w, needs = self.xp, self.x, self.w, self.needs
        x2 = xp.reshape(x, (-1, x.shape[-1]))
        g2 = xp.reshape(g, (-1, g.shape[-1]))
        gx = xp.reshape(g2 @ w, x.shape) if needs[0] else None
        gw = xp.matrix_transpose(g2) @ x2 if needs[1] else None
        if not self.has_bias:
            return (gx, gw)
        return (gx, gw, xp.sum(g2, axis=0) if needs[2] else None)


def project(x: AnyTensor, weight: AnyTensor, bias: AnyTensor | None) -> AnyTensor:
    """``x @ weight^T + bias`` in one node, ``weight`` ``(out, in)``; shapes checked by the caller.

    The leading dims are merged into one for the product: numpy multiplies a stack of
    matrices one at a time, and with short sequences (a few rows each) that is twice
    as slow as one ``(B T, in) @ (in, out)`` product.
    """
    backend = x._backend
    xp = backend.xp
    xd, wd = x._data, weight._data
    out = xp.reshape(xd, (-1, xd.shape[-1])) @ xp.matrix_transpose(wd)
    if bias is not None:
        out += bias._data
    out = xp.reshape(out, (*xd.shape[:-1], wd.shape[0]))
    needs = [x.requires_grad, weight.requires_grad]
    parents: list[AnyTensor] = [x, weight]
    if bias is not None:
        parents.append(bias)
        needs.append(bias.requires_grad)
    if any(needs) and grad_mode.enabled:
        fn = ProjectionFn()
        fn.xp, fn.x, fn.w, fn.has_bias = xp, xd, wd, bias is not None
        fn.parents, fn.needs = tuple(parents), tuple(needs)
        fn.seq = next_seq()
        return make(out, backend, fn)
    return make(out, backend, None)
