"""Fused losses: one graph node each, stable, computing only the gradients asked for.

The runtime bodies of ``nn.mse_loss``, ``nn.cross_entropy``, ``nn.binary_cross_entropy``;
the typed signatures live in ``typedtorch/nn/_losses.py``.
"""

from __future__ import annotations

import math
from typing import Any

from typedtorch._backend import Array, Backend
from typedtorch._engine import Function, grad_mode, next_seq
from typedtorch._errors import DeviceError, ShapeError
from typedtorch._tensor import AnyTensor, make


class CrossEntropyFn(Function):
    """Mean of ``-log softmax(logits)[i, label_i]``; backward is ``(softmax - onehot) / B``."""

    __slots__ = ("xp", "exp", "total", "onehot", "scale")
    xp: Any
    exp: Array  # exp(logits - rowmax), shape (B, C)
    total: Array  # its row sums, shape (B, 1)
    onehot: Array  # float (B, C)
    scale: float  # 1 / B

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        grad = self.exp / self.total  # a fresh array: safe to update in place
        grad -= self.onehot
        grad *= g * self.scale
        return (grad, None)


def cross_entropy(logits: AnyTensor, labels: AnyTensor) -> AnyTensor:
    """Softmax cross-entropy of ``(B, C)`` logits against ``(B,)`` integer labels, averaged.

    Stable for any finite logits: the row maximum is subtracted before ``exp``, so
    logits of ``1e4`` give a finite loss and gradient.

    >>> import typedtorch as tt
    >>> from typedtorch._ops.losses import cross_entropy
    >>> round(cross_entropy(tt.zeros(2, 4), tt.tensor([0, 3])).item(), 4)  # log(4)
    1.3863
    """
    backend = logits._backend
    if labels._backend is not backend:
        raise DeviceError(f"cross_entropy: logits on {backend.device} but labels on {labels._backend.device}")
    z, lab = logits._data, labels._data
    if z.ndim != 2 or lab.ndim != 1 or lab.shape[0] != z.shape[0]:
        raise ShapeError(
            f"cross_entropy: expected logits (B, C) and labels (B,), got logits {tuple(z.shape)} "
            f"and labels {tuple(lab.shape)}"
        )
    xp = backend.xp
    if not backend.is_integral(lab.dtype):
        raise TypeError(f"cross_entropy: labels must be integers (class indices), got dtype {backend.dtype_name(lab)}")
    batch, classes = z.shape
    if batch == 0:
        raise ShapeError("cross_entropy: empty batch (logits shape (0, C)); the mean is undefined")
    # One comparison against arange instead of a scatter: the array API has no
    # fancy-index assignment. A label outside [0, C) leaves its row all zero.
    onehot = xp.astype(xp.reshape(lab, (batch, 1)) == _arange(xp, classes, lab), z.dtype)
    if float(xp.sum(onehot)) != batch:
        raise IndexError(
            f"cross_entropy: labels must lie in [0, {classes}), got min {int(xp.min(lab))} and max {int(xp.max(lab))}"
        )
    shifted = z - xp.max(z, axis=1, keepdims=True)
    e = xp.exp(shifted)
    total = xp.sum(e, axis=1, keepdims=True)
    # mean_i(log total_i - shifted[i, label_i]) as one reduction: each row of onehot has one 1.
    loss = xp.sum(onehot * (xp.log(total) - shifted)) / batch
    if logits.requires_grad and grad_mode.enabled:
        fn = CrossEntropyFn()
        fn.xp, fn.exp, fn.total, fn.onehot, fn.scale = xp, e, total, onehot, 1.0 / batch
        fn.parents, fn.needs = (logits, labels), (True, False)
        fn.seq = next_seq()
        return make(loss, backend, fn)
    return make(loss, backend, None)


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


# ------------------------------------------------------------------------------ MSE


class MSEFn(Function):
    __slots__ = ("diff", "scale")
    diff: Array
    scale: float  # 2 / n for the mean, 2 for the sum

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        gp = self.diff * (g * self.scale)
        return (gp if self.needs[0] else None, -gp if self.needs[1] else None)


def mse_loss(pred: AnyTensor, target: AnyTensor, reduction: str = "mean") -> AnyTensor:
    """Mean (or sum) of squared differences; the two shapes must be equal.

    Never broadcasts: a ``(4, 1)`` prediction against a ``(4,)`` target is a
    ``ShapeError`` rather than a silent ``(4, 4)`` comparison.
    """
    if reduction not in ("mean", "sum"):
        raise ValueError(f"mse_loss: reduction must be 'mean' or 'sum', got {reduction!r}")
    backend = _same_backend(pred, target, "mse_loss")
    p, t = pred._data, target._data
    if p.shape != t.shape:
        raise ShapeError(
            f"mse_loss: input shape {tuple(p.shape)} and target shape {tuple(t.shape)} differ "
            f"(mse_loss never broadcasts)"
        )
    xp = backend.xp
    diff = p - t
    n = math.prod(diff.shape)
    total = xp.sum(diff * diff)
    loss = total / n if reduction == "mean" else total
    p_needs, t_needs = pred.requires_grad, target.requires_grad
    if (p_needs or t_needs) and grad_mode.enabled:
        fn = MSEFn()
        fn.diff, fn.scale = diff, (2.0 / n if reduction == "mean" else 2.0)
        fn.parents, fn.needs = (pred, target), (p_needs, t_needs)
        fn.seq = next_seq()
        return make(loss, backend, fn)
    return make(loss, backend, None)


# --------------------------------------------------------------- binary cross-entropy


class BCEFn(Function):
    __slots__ = ("xp", "p", "t", "log_p", "log_q", "scale")
    xp: Any
    p: Array
    t: Array
    log_p: Array
    log_q: Array
    scale: float

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        xp, p, t = self.xp, self.p, self.t
        k = g * self.scale
        gp = gt = None
        if self.needs[0]:
            # PyTorch's form: (p - t) / max(p (1 - p), 1e-12), finite at p = 0 or 1.
            gp = (p - t) / xp.clip(p * (1.0 - p), min=1e-12) * k
        if self.needs[1]:
            gt = (self.log_q - self.log_p) * k
        return (gp, gt)


def binary_cross_entropy(probs: AnyTensor, target: AnyTensor) -> AnyTensor:
    """Mean of ``-(t log p + (1 - t) log(1 - p))`` for probabilities ``p`` in ``[0, 1]``.

    Each log is clamped at ``-100`` as in PyTorch, so ``p = 0`` or ``1`` stays finite.
    """
    backend = _same_backend(probs, target, "binary_cross_entropy")
    p, t = probs._data, target._data
    if p.shape != t.shape:
        raise ShapeError(f"binary_cross_entropy: input shape {tuple(p.shape)} and target shape {tuple(t.shape)} differ")
    xp = backend.xp
    n = math.prod(p.shape)
    if n and not (bool(xp.min(p) >= 0.0) and bool(xp.max(p) <= 1.0)):
        raise ValueError("binary_cross_entropy: all input probabilities must lie in [0, 1]")
    log_p = _clamped_log(xp, p)
    log_q = _clamped_log(xp, 1.0 - p)
    loss = -xp.sum(t * log_p + (1.0 - t) * log_q) / n
    p_needs, t_needs = probs.requires_grad, target.requires_grad
    if (p_needs or t_needs) and grad_mode.enabled:
        fn = BCEFn()
        fn.xp, fn.p, fn.t, fn.log_p, fn.log_q, fn.scale = xp, p, t, log_p, log_q, 1.0 / n
        fn.parents, fn.needs = (probs, target), (p_needs, t_needs)
        fn.seq = next_seq()
        return make(loss, backend, fn)
    return make(loss, backend, None)


def _clamped_log(xp: Any, p: Array) -> Array:
    # max(log p, -100) without evaluating log(0), which warns on numpy.
    positive = p > 0.0
    logs = xp.log(xp.where(positive, p, xp.ones_like(p)))
    return xp.where(positive, xp.clip(logs, min=-100.0), xp.full_like(p, -100.0))


def _same_backend(a: AnyTensor, b: AnyTensor, op: str) -> Backend:
    backend = a._backend
    if b._backend is not backend:
        raise DeviceError(f"{op}: tensors on different devices: {backend.device} and {b._backend.device}")
    return backend
