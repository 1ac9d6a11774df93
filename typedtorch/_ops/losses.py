"""Fused losses: one graph node each, stable, computing only the gradients asked for.

The run-time bodies of the losses in ``typedtorch.nn`` (the typed signatures live in
``typedtorch/nn/_losses.py``). Every loss takes ``reduction="mean" | "sum" | "none"``
as PyTorch does. Two families:

* **pointwise** (``mse_loss``, ``l1_loss``, ``smooth_l1_loss``, ``huber_loss``,
  ``binary_cross_entropy``, ``binary_cross_entropy_with_logits``): input and target
  must have the same shape. They never broadcast: PyTorch would silently compare a
  ``(4, 1)`` prediction with a ``(4,)`` target as ``(4, 4)``.
* **class index** (``cross_entropy``, ``nll_loss``): input ``(N, C)`` with target
  ``(N,)``, ``(N, C, d1, ...)`` with ``(N, d1, ...)``, or ``(C,)`` with ``()``; with
  ``weight``, ``ignore_index`` and (cross-entropy) ``label_smoothing``.

Each op is a ``Function`` whose ``forward`` computes the per-element loss and saves
what its ``backward`` needs; ``_record`` reduces and records it.
"""

from __future__ import annotations

import math
from typing import Any

from typedtorch._backend import Array, Backend
from typedtorch._engine import Function, grad_mode, next_seq
from typedtorch._errors import DeviceError, ShapeError
from typedtorch._tensor import AnyTensor, Tensor, make

REDUCTIONS = ("mean", "sum", "none")

# ------------------------------------------------------------------- argument checks


def check_tensor(x: object, fn: str, name: str) -> AnyTensor:
    """``x`` itself if it is a Tensor, else a ``TypeError`` naming the function and the type."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}: {name} must be a typedtorch Tensor, got {type(x).__name__}; wrap data with tt.tensor()")
    return x


# Whether a dtype is a real floating one, per backend (asked on every layer call and loss,
# so the hot path is two dict lookups). Per backend: dtypes of different libraries hash
# alike and must never be compared.
_floating: dict[Backend, dict[Any, bool]] = {}


def is_floating(backend: Backend, dtype: Any) -> bool:
    known = _floating.setdefault(backend, {})
    ok = known.get(dtype)
    if ok is None:
        ok = known[dtype] = bool(backend.xp.isdtype(dtype, "real floating"))
    return ok


def check_float(x: object, fn: str, name: str) -> AnyTensor:
    """A Tensor of a floating dtype (losses and layers refuse integers: they would wrap around or truncate)."""
    if isinstance(x, Tensor):
        known = _floating.get(x._backend)
        if known is not None and known.get(x._data.dtype):
            return x
        if is_floating(x._backend, x._data.dtype):
            return x
        raise TypeError(
            f"{fn}: {name} must be a floating-point tensor, got dtype {x._backend.dtype_name(x._data)} "
            f"(convert it, e.g. {name}.float())"
        )
    return check_tensor(x, fn, name)  # raises


def _reduction(reduction: Any, fn: str) -> str:
    if reduction not in REDUCTIONS:
        raise ValueError(f"{fn}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
    return str(reduction)


def _same_device(fn: str, first: AnyTensor, *others: AnyTensor | None) -> Backend:
    backend = first._backend
    for t in others:
        if t is not None and t._backend is not backend:
            raise DeviceError(f"{fn}: tensors on different devices: {backend.device} and {t._backend.device}")
    return backend


def _same_dtype(fn: str, a: AnyTensor, b: AnyTensor, what: str) -> None:
    if a._data.dtype != b._data.dtype:
        da, db = a._backend.dtype_name(a._data), b._backend.dtype_name(b._data)
        raise TypeError(f"{fn}: input is {da} but {what} is {db}; convert one so both have the same dtype")


def _constant(fn: str, t: AnyTensor, name: str) -> None:
    # PyTorch computes no gradient for class weights either; refusing beats a silently frozen weight.
    if t.requires_grad and grad_mode.enabled:
        raise ValueError(f"{fn}: {name} takes no gradient; pass {name}.detach() (or compute it under tt.no_grad())")


def _number(value: object, fn: str, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{fn}: {name} must be a finite number, got {value!r}")
    return float(value)


def _all_in_unit_interval(xp: Any, a: Array) -> bool:
    if math.prod(a.shape) == 0:
        return True
    # nan fails both comparisons, so it is refused too.
    return bool(xp.min(a) >= 0.0) and bool(xp.max(a) <= 1.0)


def _shape(a: Array) -> tuple[int, ...]:
    return tuple(a.shape)


# --------------------------------------------------------------------- recording


class LossFn(Function):
    """A loss node: ``backward`` gets ``k``, the upstream gradient of each element's loss."""

    __slots__ = ("xp", "scale", "keep_shape")
    xp: Any
    scale: float | None  # 1/n for "mean", 1 for "sum", None for "none" (g is per element)
    keep_shape: tuple[int, ...]

    def backward(self, grad: Array) -> tuple[Array | None, ...]:
        if self.scale is None:
            return self.grads(self.xp.reshape(grad, self.keep_shape))
        return self.grads(grad * self.scale if self.scale != 1.0 else grad)

    def grads(self, k: Array) -> tuple[Array | None, ...]:
        raise NotImplementedError


def _record(
    fn: LossFn,
    backend: Backend,
    per: Array,
    reduction: str,
    parents: tuple[AnyTensor, ...],
    needs: tuple[bool, ...],
    name: str,
    count: float | None = None,
) -> AnyTensor:
    """Reduce the per-element loss ``per`` and record ``fn`` when a gradient is wanted.

    ``count`` is the denominator of the mean when it is not the element count (class
    weights and ignored targets change it); a ``count`` of 0 gives nan, as PyTorch,
    while an empty input is refused.
    """
    xp = backend.xp
    if reduction == "none":
        loss, scale = per, None
    else:
        # float16 losses accumulate in float32 (as PyTorch's): 70,000 losses of 1.1 overflow float16.
        half = per.dtype == _half(xp)
        total = xp.sum(per, dtype=xp.float32) if half else xp.sum(per)
        if reduction == "sum":
            loss, scale = total, 1.0
        elif count is None or (count == 0.0 and math.prod(per.shape) == 0):
            n = math.prod(per.shape)
            if n == 0:
                raise ShapeError(f"{name}: empty input (shape {_shape(per)}); the mean is undefined")
            loss, scale = total / n, 1.0 / n
        elif count == 0.0:  # every target ignored (or weighted 0): a nan loss and zero gradients, as PyTorch
            loss, scale = xp.full((), math.nan, dtype=per.dtype, device=per.device), 0.0
        else:
            loss, scale = total / count, 1.0 / count
        if half:
            loss = xp.astype(loss, xp.float16)
    if grad_mode.enabled and (needs[0] or needs[-1]):
        fn.xp, fn.scale, fn.keep_shape = xp, scale, per.shape
        fn.parents, fn.needs = parents, needs
        fn.seq = next_seq()
        return make(loss, backend, fn)
    return make(loss, backend, None)


# The float16 dtype of each namespace, or a stand-in that no dtype equals (array-api-strict has none).
_halves: dict[int, Any] = {}


def _half(xp: Any) -> Any:
    half = _halves.get(id(xp))
    if half is None:
        half = _halves[id(xp)] = getattr(xp, "float16", _NO_DTYPE)
    return half


class _NoDtype:
    def __eq__(self, other: object) -> bool:
        return False

    __hash__ = object.__hash__


_NO_DTYPE = _NoDtype()


def _pointwise_inputs(fn: str, input: object, target: object, reduction: object) -> tuple[AnyTensor, AnyTensor, str]:
    x = check_float(input, fn, "input")
    t = check_float(target, fn, "target")
    if t._backend is not x._backend:
        _same_device(fn, x, t)
    xd, td = x._data, t._data
    if xd.dtype != td.dtype:
        _same_dtype(fn, x, t, "target")
    if xd.shape != td.shape:
        raise ShapeError(f"{fn}: input shape {_shape(xd)} and target shape {_shape(td)} differ ({fn} never broadcasts)")
    if reduction not in REDUCTIONS:
        _reduction(reduction, fn)
    return x, t, reduction  # type: ignore[return-value]


def _pointwise(fn: LossFn, name: str, x: AnyTensor, t: AnyTensor, reduction: str, per: Array) -> AnyTensor:
    return _record(fn, x._backend, per, reduction, (x, t), (x.requires_grad, t.requires_grad), name)


# ------------------------------------------------------------------ regression


class MSEFn(LossFn):
    """``(x - t)**2``; gradient ``2 (x - t)`` for the input, its negative for the target."""

    __slots__ = ("diff",)
    diff: Array

    def grads(self, k: Array) -> tuple[Array | None, ...]:
        gp = self.diff * (k * 2.0)
        return (gp if self.needs[0] else None, -gp if self.needs[1] else None)


def mse_loss(input: AnyTensor, target: AnyTensor, reduction: str = "mean") -> AnyTensor:
    """Mean (``"sum"``, or per element with ``"none"``) of squared differences; shapes must be equal."""
    x, t, reduction = _pointwise_inputs("mse_loss", input, target, reduction)
    fn = MSEFn()
    fn.diff = diff = x._data - t._data
    return _pointwise(fn, "mse_loss", x, t, reduction, diff * diff)


class L1Fn(LossFn):
    """``|x - t|``; gradient ``sign(x - t)`` (0 at a tie, as PyTorch)."""

    __slots__ = ("sign",)
    sign: Array

    def grads(self, k: Array) -> tuple[Array | None, ...]:
        gp = self.sign * k
        return (gp if self.needs[0] else None, -gp if self.needs[1] else None)


def l1_loss(input: AnyTensor, target: AnyTensor, reduction: str = "mean") -> AnyTensor:
    """Mean absolute error; shapes must be equal."""
    x, t, reduction = _pointwise_inputs("l1_loss", input, target, reduction)
    xp = x._backend.xp
    diff = x._data - t._data
    fn = L1Fn()
    fn.sign = xp.sign(diff)
    return _pointwise(fn, "l1_loss", x, t, reduction, xp.abs(diff))


class SmoothL1Fn(LossFn):
    """``0.5 d**2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta`` (``huber_loss / beta``)."""

    __slots__ = ("slope",)
    slope: Array  # d / beta inside, sign(d) outside

    def grads(self, k: Array) -> tuple[Array | None, ...]:
        gp = self.slope * k
        return (gp if self.needs[0] else None, -gp if self.needs[1] else None)


def smooth_l1_loss(input: AnyTensor, target: AnyTensor, reduction: str = "mean", beta: float = 1.0) -> AnyTensor:
    """PyTorch's smooth L1 loss; ``beta=0`` is the L1 loss."""
    x, t, reduction = _pointwise_inputs("smooth_l1_loss", input, target, reduction)
    beta = _number(beta, "smooth_l1_loss", "beta")
    if beta < 0:
        raise ValueError(f"smooth_l1_loss: beta must be >= 0, got {beta}")
    if beta == 0.0:
        return l1_loss(x, t, reduction)
    xp = x._backend.xp
    diff = x._data - t._data
    ad = xp.abs(diff)
    inside = ad < beta
    fn = SmoothL1Fn()
    fn.slope = xp.where(inside, diff / beta, xp.sign(diff))
    per = xp.where(inside, 0.5 * diff * diff / beta, ad - 0.5 * beta)
    return _pointwise(fn, "smooth_l1_loss", x, t, reduction, per)


def huber_loss(input: AnyTensor, target: AnyTensor, reduction: str = "mean", delta: float = 1.0) -> AnyTensor:
    """``0.5 d**2`` where ``|d| < delta``, else ``delta (|d| - 0.5 delta)``; ``delta > 0``."""
    x, t, reduction = _pointwise_inputs("huber_loss", input, target, reduction)
    delta = _number(delta, "huber_loss", "delta")
    if delta <= 0:
        raise ValueError(f"huber_loss: delta must be > 0, got {delta}")
    xp = x._backend.xp
    diff = x._data - t._data
    ad = xp.abs(diff)
    inside = ad < delta
    fn = SmoothL1Fn()
    fn.slope = xp.where(inside, diff, delta * xp.sign(diff))
    per = xp.where(inside, 0.5 * diff * diff, delta * (ad - 0.5 * delta))
    return _pointwise(fn, "huber_loss", x, t, reduction, per)


# --------------------------------------------------------------- binary cross-entropy


def _elementwise_weight(fn: str, w: object, x: AnyTensor, name: str) -> Array | None:
    """A ``weight``/``pos_weight`` array, refused unless its shape is the input's or a trailing part of it."""
    if w is None:
        return None
    wt = check_float(w, fn, name)
    _same_device(fn, x, wt)
    _same_dtype(fn, x, wt, name)
    _constant(fn, wt, name)
    ws, xs = _shape(wt._data), _shape(x._data)
    if len(ws) > len(xs) or xs[len(xs) - len(ws) :] != ws:
        example = f" (e.g. {xs[-1:]})" if xs else ""
        raise ShapeError(
            f"{fn}: {name} shape {ws} must equal the input shape {xs} or a trailing part of it{example}; "
            "size-1 dims are not stretched"
        )
    return wt._data


def _clamped_log(xp: Any, p: Array) -> Array:
    # max(log p, -100) without evaluating log(0), which warns on numpy.
    positive = p > 0.0
    logs = xp.log(xp.where(positive, p, 1.0))
    return xp.where(positive, xp.clip(logs, min=-100.0), -100.0)


class BCEFn(LossFn):
    """``-(t log p + (1 - t) log(1 - p))`` with logs clamped at -100."""

    __slots__ = ("p", "t", "log_p", "log_q", "weight")
    p: Array
    t: Array
    log_p: Array
    log_q: Array
    weight: Array | None

    def grads(self, k: Array) -> tuple[Array | None, ...]:
        xp, p, t = self.xp, self.p, self.t
        if self.weight is not None:
            k = k * self.weight
        gp = gt = None
        if self.needs[0]:
            # PyTorch's form: (p - t) / max(p (1 - p), 1e-12), finite at p = 0 or 1.
            gp = (p - t) / xp.clip(p * (1.0 - p), min=1e-12) * k
        if self.needs[1]:
            gt = (self.log_q - self.log_p) * k
        return (gp, gt)


def binary_cross_entropy(
    input: AnyTensor, target: AnyTensor, weight: AnyTensor | None = None, reduction: str = "mean"
) -> AnyTensor:
    """Binary cross-entropy of probabilities; both input and target must lie in ``[0, 1]``."""
    name = "binary_cross_entropy"
    x, t, reduction = _pointwise_inputs(name, input, target, reduction)
    w = _elementwise_weight(name, weight, x, "weight")
    xp = x._backend.xp
    p, tv = x._data, t._data
    if not _all_in_unit_interval(xp, p):
        raise ValueError(
            f"{name}: all input probabilities must lie in [0, 1] (for logits use binary_cross_entropy_with_logits)"
        )
    if not _all_in_unit_interval(xp, tv):
        raise ValueError(f"{name}: all targets must lie in [0, 1]")
    fn = BCEFn()
    fn.p, fn.t, fn.weight = p, tv, w
    fn.log_p = log_p = _clamped_log(xp, p)
    fn.log_q = log_q = _clamped_log(xp, 1.0 - p)
    per = -(tv * log_p + (1.0 - tv) * log_q)
    if w is not None:
        per = per * w
    return _pointwise(fn, name, x, t, reduction, per)


class BCEWithLogitsFn(LossFn):
    """``(1 - t) softplus(x) + pos_weight t softplus(-x)``; gradient ``(1 - t) sigmoid(x) - pos_weight t sigmoid(-x)``.

    That is ``-(pos_weight t log s + (1 - t) log(1 - s))`` with ``s = sigmoid(x)``, PyTorch's
    loss, written with two softplus terms: no ``exp`` overflows, and unlike PyTorch's
    ``(1 - t) x - log_sigmoid(x)`` nothing cancels (a logit of -30 against 0 gives
    ``log1p(exp(-30))`` to full precision).
    """

    __slots__ = ("sp_pos", "sp_neg", "t", "sig", "sig_neg", "pos_weight", "weight")
    sp_pos: Array  # softplus(x) = -log(1 - s)
    sp_neg: Array  # softplus(-x) = -log s
    t: Array
    sig: Array  # s = sigmoid(x)
    sig_neg: Array  # 1 - s = sigmoid(-x), computed as such: no cancellation
    pos_weight: Array | None
    weight: Array | None

    def grads(self, k: Array) -> tuple[Array | None, ...]:
        t, pw = self.t, self.pos_weight
        if self.weight is not None:
            k = k * self.weight
        gx = gt = None
        if self.needs[0]:
            # (1 - t) s - pw t (1 - s), which is PyTorch's (1 - t + pw t) s - pw t without its cancellation.
            pos = t * self.sig_neg if pw is None else (pw * t) * self.sig_neg
            gx = ((1.0 - t) * self.sig - pos) * k
        if self.needs[1]:
            pos = self.sp_neg if pw is None else pw * self.sp_neg
            gt = (pos - self.sp_pos) * k
        return (gx, gt)


def binary_cross_entropy_with_logits(
    input: AnyTensor,
    target: AnyTensor,
    weight: AnyTensor | None = None,
    reduction: str = "mean",
    pos_weight: AnyTensor | None = None,
) -> AnyTensor:
    """Sigmoid and binary cross-entropy in one stable step (finite for logits of any size)."""
    name = "binary_cross_entropy_with_logits"
    x, t, reduction = _pointwise_inputs(name, input, target, reduction)
    w = _elementwise_weight(name, weight, x, "weight")
    pw = _elementwise_weight(name, pos_weight, x, "pos_weight")
    xp = x._backend.xp
    z, tv = x._data, t._data
    if not _all_in_unit_interval(xp, tv):
        raise ValueError(f"{name}: all targets must lie in [0, 1]")
    # softplus(+-z) = max(+-z, 0) + log1p(exp(-|z|)): exp never overflows.
    e = xp.exp(-xp.abs(z))
    tail = xp.log1p(e)
    sp_pos = xp.maximum(z, 0.0) + tail
    sp_neg = xp.maximum(-z, 0.0) + tail
    pos = tv * sp_neg if pw is None else (pw * tv) * sp_neg
    per = (1.0 - tv) * sp_pos + pos
    if w is not None:
        per = per * w
    fn = BCEWithLogitsFn()
    fn.sp_pos, fn.sp_neg, fn.t, fn.pos_weight, fn.weight = sp_pos, sp_neg, tv, pw, w
    if x.requires_grad:
        big, small = 1.0 / (1.0 + e), e / (1.0 + e)  # sigmoid(|z|) and sigmoid(-|z|)
        nonneg = z >= 0.0
        fn.sig, fn.sig_neg = xp.where(nonneg, big, small), xp.where(nonneg, small, big)
    return _pointwise(fn, name, x, t, reduction, per)


# --------------------------------------------------------- class-index losses (CE, NLL)


class _Classes:
    """An input ``(N, C, d1, ...)`` (or ``(C,)``) seen as rows ``(M, C)`` with labels ``(M,)``."""

    __slots__ = ("rows", "labels", "out_shape", "perm", "moved_shape", "classes", "hit", "keep")

    def __init__(self, fn: str, x: AnyTensor, target: AnyTensor, ignore_index: int) -> None:
        xp = x._backend.xp
        z, lab = x._data, target._data
        xs, ls = _shape(z), _shape(lab)
        self.perm: tuple[int, ...] | None = None
        self.moved_shape: tuple[int, ...] = ()
        if len(xs) == 1 and ls == ():
            self.out_shape: tuple[int, ...] = ()
            rows, labels = xp.reshape(z, (1, xs[0])), xp.reshape(lab, (1,))
        elif len(xs) >= 2 and ls == (xs[0], *xs[2:]):
            self.out_shape = ls
            if len(xs) == 2:
                rows, labels = z, lab
            else:
                # The class dim moves last so that every position is one row.
                self.perm = (0, *range(2, len(xs)), 1)
                moved = xp.permute_dims(z, self.perm)
                self.moved_shape = _shape(moved)
                rows, labels = xp.reshape(moved, (-1, xs[1])), xp.reshape(lab, (-1,))
        else:
            raise ShapeError(
                f"{fn}: expected input (N, C) with target (N,), (N, C, d1, ...) with (N, d1, ...), "
                f"or (C,) with (); got input {xs} and target {ls}"
            )
        self.rows, self.labels = rows, labels
        classes = self.classes = rows.shape[1]
        if classes == 0:
            raise ShapeError(f"{fn}: input {xs} has no classes (dim {0 if len(xs) == 1 else 1} is 0)")
        # The range check runs on the integer labels themselves: a float one-hot sum would
        # round (float16 counts stop at 2048) and pass wrong labels or refuse right ones.
        self.keep: Array | None = None
        m = labels.shape[0]
        if m:
            lo, hi = _int_range(xp, labels)
            if not (0 <= lo and hi < classes and not lo <= ignore_index <= hi):
                keep = labels != ignore_index
                bad = keep & ((labels < 0) | (labels >= classes))
                if bool(xp.any(bad)):
                    bad_labels = labels[bad]
                    raise IndexError(
                        f"{fn}: target labels must lie in [0, {classes}) or equal ignore_index ({ignore_index}); "
                        f"got min {int(xp.min(bad_labels))} and max {int(xp.max(bad_labels))} among the others "
                        f"(labels range over [{lo}, {hi}])"
                    )
                if not bool(xp.all(keep)):
                    self.keep = keep
        # One comparison against arange instead of a scatter: the array API has no
        # fancy-index assignment. Ignored rows hit nothing.
        hit = xp.reshape(labels, (m, 1)) == _arange(xp, classes, labels)
        if self.keep is not None:
            hit = hit & xp.reshape(self.keep, (m, 1))
        self.hit = hit

    def restore(self, xp: Any, grad_rows: Array) -> Array:
        """A gradient of the rows, back in the input's layout and dtype."""
        if grad_rows.dtype != self.rows.dtype:  # float16 inputs are computed in float32
            grad_rows = xp.astype(grad_rows, self.rows.dtype)
        if self.perm is None:
            return xp.reshape(grad_rows, (self.classes,)) if self.out_shape == () else grad_rows
        inverse = [0] * len(self.perm)
        for i, p in enumerate(self.perm):
            inverse[p] = i
        return xp.permute_dims(xp.reshape(grad_rows, self.moved_shape), tuple(inverse))


def _int_range(xp: Any, labels: Array) -> tuple[int, int]:
    """``(min, max)`` of a non-empty integer array, compared as integers.

    Through float64 when the namespace has it: numpy's float reductions are direct ufunc
    calls, its integer ones go through a slow wrapper, and a class index converts to
    float64 exactly (any value beyond 2**53 is out of range either way).
    """
    f64 = getattr(xp, "float64", None)
    if f64 is None:
        return int(xp.min(labels)), int(xp.max(labels))
    as_float = xp.astype(labels, f64)
    hi = float(xp.max(as_float))
    lo = -float(xp.max(-as_float))
    return (int(lo) if math.isfinite(lo) else -(2**63)), (int(hi) if math.isfinite(hi) else 2**63)


def _class_inputs(
    fn: str, input: object, target: object, weight: object, ignore_index: object, reduction: object
) -> tuple[AnyTensor, AnyTensor, Array | None, _Classes, str]:
    x = check_float(input, fn, "input")
    t = check_tensor(target, fn, "target")
    reduction = _reduction(reduction, fn)
    _same_device(fn, x, t)
    if not t._backend.is_integral(t._data.dtype):
        raise TypeError(
            f"{fn}: target must hold integer class indices, got dtype {t._backend.dtype_name(t._data)} "
            "(class probabilities are not supported)"
        )
    if isinstance(ignore_index, bool) or not isinstance(ignore_index, int):
        raise TypeError(f"{fn}: ignore_index must be an int, got {type(ignore_index).__name__}")
    layout = _Classes(fn, x, t, ignore_index)
    w = None
    if weight is not None:
        wt = check_float(weight, fn, "weight")
        _same_device(fn, x, wt)
        _same_dtype(fn, x, wt, "weight")
        _constant(fn, wt, "weight")
        if _shape(wt._data) != (layout.classes,):
            raise ShapeError(f"{fn}: weight must have shape ({layout.classes},), one per class; got {_shape(wt._data)}")
        w = wt._data
    return x, t, w, layout, reduction


def _row_weights(xp: Any, layout: _Classes, w: Array | None, dtype: Any) -> Array | None:
    """Each row's class weight (0 for ignored rows), or None when every row counts 1."""
    keep = layout.keep
    if w is None:
        return None if keep is None else xp.astype(keep, dtype)
    safe = layout.labels if keep is None else xp.where(keep, layout.labels, 0)
    wy = xp.take(w, safe)
    return wy if keep is None else xp.where(keep, wy, 0.0)


class ClassLossFn(LossFn):
    """Cross-entropy or NLL over rows ``(M, C)``; ``grads`` maps back to the input's layout.

    Per row, with class weights ``w``, ``w_y`` the target's, smoothing ``eps`` and
    ``W = sum(w)``: cross-entropy's gradient is ``p (1-eps) w_y + eps W p / C - (1-eps)
    w_y onehot - eps w / C`` (``p`` the softmax); NLL's is ``-w_y onehot``.
    """

    __slots__ = ("layout", "exp", "total", "row_w", "w", "eps", "log_probs", "dtype")
    layout: _Classes
    exp: Array | None  # exp(rows - rowmax), for cross-entropy
    total: Array | None  # its row sums (M, 1)
    row_w: Array | None  # (M,) or None (all 1)
    w: Array | None  # (C,) class weights
    eps: float
    log_probs: bool  # NLL: the input is log-probabilities already
    dtype: Any

    def grads(self, k: Array) -> tuple[Array | None, ...]:
        xp, layout = self.xp, self.layout
        m = layout.hit.shape[0]
        if k.ndim:
            k = xp.reshape(k, (m, 1))
        onehot = xp.astype(layout.hit, self.dtype)
        row_w = None if self.row_w is None else xp.reshape(self.row_w, (m, 1))
        if self.log_probs:
            grad = -onehot if row_w is None else -(onehot * row_w)
        else:
            exp: Array = self.exp
            grad = exp / self.total  # a fresh array: safe to update in place
            eps = self.eps
            if row_w is None and eps == 0.0:
                grad -= onehot  # the hot path: softmax - onehot
            else:
                classes = layout.classes
                b = (1.0 - eps) if row_w is None else (1.0 - eps) * row_w
                w_total = float(classes) if self.w is None else xp.sum(self.w)
                keep = 1.0 if layout.keep is None else xp.reshape(xp.astype(layout.keep, self.dtype), (m, 1))
                a = b + (eps * w_total / classes) * keep
                grad = grad * a - b * onehot
                if eps:
                    w_row = 1.0 if self.w is None else xp.reshape(self.w, (1, classes))
                    grad = grad - (eps / classes) * w_row * keep
        grad *= k
        return (layout.restore(xp, grad), None)


def _class_loss(
    fn: str,
    input: object,
    target: object,
    weight: object,
    ignore_index: object,
    reduction: object,
    label_smoothing: float,
    log_probs: bool,
) -> AnyTensor:
    x, t, w, layout, reduction = _class_inputs(fn, input, target, weight, ignore_index, reduction)
    backend = x._backend
    xp = backend.xp
    rows, hit = layout.rows, layout.hit
    in_dtype = rows.dtype
    if in_dtype == _half(xp):
        # Computed in float32 (as PyTorch computes half softmax): float16 exp sums lose the small terms.
        rows = xp.astype(rows, xp.float32)
        w = None if w is None else xp.astype(w, xp.float32)
    dtype = rows.dtype
    node = ClassLossFn()
    node.layout, node.w, node.eps, node.log_probs, node.dtype = layout, w, label_smoothing, log_probs, dtype
    node.exp = node.total = None
    shifted = log_total = None
    if log_probs:
        neg_logp = -rows
        target_terms = xp.where(hit, neg_logp, 0.0)
    else:
        shifted = rows - xp.max(rows, axis=1, keepdims=True)
        e = xp.exp(shifted)
        total = xp.sum(e, axis=1, keepdims=True)
        log_total = xp.log(total)
        # -log softmax at each row's target, 0 elsewhere. `where`, not a multiply by the
        # one-hot: a masked logit of -inf would make 0 * inf = nan (PyTorch gives a number).
        target_terms = xp.where(hit, log_total - shifted, 0.0)
        node.exp, node.total = e, total
    row_w = node.row_w = _row_weights(xp, layout, w, dtype)
    eps = label_smoothing
    count: float | None = None
    if row_w is None and eps == 0.0 and reduction != "none":
        # The hot path: one reduction over (M, C); the mean is over the M rows.
        per: Array = target_terms
        count = float(rows.shape[0])
    else:
        nll = xp.sum(target_terms, axis=1)
        per = nll if row_w is None else nll * row_w
        if eps:
            per = per * (1.0 - eps)
            assert shifted is not None and log_total is not None  # only cross-entropy smooths
            logp = shifted - log_total
            smooth = -xp.sum(logp if w is None else logp * xp.reshape(w, (1, -1)), axis=1)
            if layout.keep is not None:
                smooth = xp.where(layout.keep, smooth, 0.0)
            per = per + (eps / layout.classes) * smooth
        if reduction == "none":
            per = xp.reshape(per, layout.out_shape)
        elif reduction == "mean":
            count = float(rows.shape[0]) if row_w is None else float(xp.sum(row_w))
    if per.dtype != in_dtype:
        per = xp.astype(per, in_dtype)
    return _record(node, backend, per, reduction, (x, t), (x.requires_grad, False), fn, count)


def cross_entropy(
    input: AnyTensor,
    target: AnyTensor,
    weight: AnyTensor | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> AnyTensor:
    """Softmax cross-entropy of logits against integer class indices (PyTorch's semantics).

    Stable for any finite logits (the row maximum is subtracted before ``exp``) and
    for ``-inf`` logits (masking) off the target.

    >>> import typedtorch as tt
    >>> from typedtorch._ops.losses import cross_entropy
    >>> round(cross_entropy(tt.zeros(2, 4), tt.tensor([0, 3])).item(), 4)  # log(4)
    1.3863
    """
    eps = label_smoothing if label_smoothing == 0.0 and type(label_smoothing) is float else None
    if eps is None:
        eps = _number(label_smoothing, "cross_entropy", "label_smoothing")
    if not 0.0 <= eps <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must lie in [0, 1], got {eps}")
    return _class_loss("cross_entropy", input, target, weight, ignore_index, reduction, eps, log_probs=False)


def nll_loss(
    input: AnyTensor,
    target: AnyTensor,
    weight: AnyTensor | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> AnyTensor:
    """Negative log-likelihood of log-probabilities (e.g. ``log_softmax`` output) at integer class indices."""
    return _class_loss("nll_loss", input, target, weight, ignore_index, reduction, 0.0, log_probs=True)


# Small per-call costs add up at this op's size (a (64, 10) batch), so the class-index
# row is built once per size, dtype and device. Keys start with the namespace: dtypes
# of different libraries must never be compared.
_aranges: dict[tuple[Any, int, Any, Any], Array] = {}


def _arange(xp: Any, n: int, like: Array) -> Array:
    key = (xp, n, like.dtype, like.device)
    row = _aranges.get(key)
    if row is None:
        if len(_aranges) > 64:  # many distinct class counts: stay bounded
            _aranges.clear()
        row = _aranges[key] = xp.arange(n, dtype=like.dtype, device=like.device)
    return row
