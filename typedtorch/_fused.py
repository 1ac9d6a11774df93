"""Fused ops for the hot paths of training: one graph node where the naive form has several.

A layer step written with the elementwise ops (``x @ W + b``, ``softmax`` then ``log``
then a pick, ``((p - t) ** 2).mean()``) records three to six nodes and allocates as
many intermediates. These functions compute the same values in one node each, save
only what backward needs, and compute only the gradients that ``needs`` asks for
(the first layer never needs its input's gradient). They are the runtime bodies of
``nn.Linear``, the losses and ``nn.Dropout``; the typed signatures live there.

Like ``_ops``, everything here talks to arrays through the backend's ``xp`` only, so
the same code runs on numpy, cupy and array-api-strict.
"""

from __future__ import annotations

import math
from typing import Any

from ._backend import Array, Backend, host_random
from ._engine import Function, grad_mode, next_seq
from ._errors import DeviceError, ShapeError
from ._tensor import AnyTensor, make

# ---------------------------------------------------------------------------- linear


class LinearFn(Function):
    """``x @ W + b`` as one node; ``W`` is stored ``(in, out)`` so nothing is transposed forward."""

    __slots__ = ("xp", "x", "w", "has_bias")
    xp: Any
    x: Array
    w: Array
    has_bias: bool

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        x, w, needs = self.x, self.w, self.needs
        gx = g @ w.mT if needs[0] else None
        if x.ndim == 2:  # the hot path: no reshapes
            x2, g2 = x, g
        else:
            # Leading (batch) dims all act as rows; a 1-D input is a single row.
            xp = self.xp
            x2 = xp.reshape(x, (-1, x.shape[-1]))
            g2 = xp.reshape(g, (-1, g.shape[-1]))
        gw = x2.mT @ g2 if needs[1] else None
        if not self.has_bias:
            return (gx, gw)
        return (gx, gw, self.xp.sum(g2, axis=0) if needs[2] else None)


def linear(x: AnyTensor, weight: AnyTensor, bias: AnyTensor | None) -> AnyTensor:
    """``x @ weight + bias`` in one node, for ``x`` of shape ``(*batch, in)``.

    >>> import typedtorch as tt
    >>> from typedtorch._fused import linear
    >>> linear(tt.ones(4, 2), tt.ones(2, 3), tt.zeros(3)).shape
    (4, 3)
    """
    backend = x._backend
    if weight._backend is not backend or (bias is not None and bias._backend is not backend):
        where = bias._backend.device if bias is not None and bias._backend is not backend else weight.device
        raise DeviceError(f"linear: input on {backend.device} but parameters on {where}")
    xd, wd = x._data, weight._data
    if xd.ndim == 0 or xd.shape[-1] != wd.shape[0]:
        raise ShapeError(f"linear: input shape {tuple(xd.shape)} does not fit weight shape {tuple(wd.shape)}")
    out = xd @ wd
    if bias is not None:
        # `out` is a fresh array that nothing else references: adding in place saves an allocation.
        out += bias._data
        b_needs = bias.requires_grad
    else:
        b_needs = False
    x_needs, w_needs = x.requires_grad, weight.requires_grad
    if (x_needs or w_needs or b_needs) and grad_mode.enabled:
        fn = LinearFn()
        fn.xp, fn.x, fn.w = backend.xp, xd, wd
        if bias is None:
            fn.has_bias = False
            fn.parents, fn.needs = (x, weight), (x_needs, w_needs)
        else:
            fn.has_bias = True
            fn.parents, fn.needs = (x, weight, bias), (x_needs, w_needs, b_needs)
        fn.seq = next_seq()
        return make(out, backend, fn)
    return make(out, backend, None)


# --------------------------------------------------------------------- cross-entropy


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
    >>> from typedtorch._fused import cross_entropy
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


# --------------------------------------------------------------------------- dropout


class DropoutFn(Function):
    __slots__ = ("mask",)
    mask: Array  # 0 or 1 / (1 - p), in the input's dtype

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        return (g * self.mask,)


def dropout(x: AnyTensor, p: float) -> AnyTensor:
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``.

    The mask is drawn on the host from the generator ``tt.manual_seed`` seeds, so one
    seed drops the same elements on every device.
    """
    backend = x._backend
    xd = x._data
    if p == 0.0:
        return x
    xp = backend.xp
    if p >= 1.0:
        mask = xp.zeros_like(xd)
    else:
        keep = backend.from_host(host_random("uniform", tuple(xd.shape), None) >= p)
        mask = xp.astype(keep, xd.dtype) * (1.0 / (1.0 - p))
    out = xd * mask
    if x.requires_grad and grad_mode.enabled:
        fn = DropoutFn()
        fn.mask = mask
        fn.parents, fn.needs = (x,), (True,)
        fn.seq = next_seq()
        return make(out, backend, fn)
    return make(out, backend, None)


# --------------------------------------------------------------------------- helpers


def _same_backend(a: AnyTensor, b: AnyTensor, op: str) -> Backend:
    backend = a._backend
    if b._backend is not backend:
        raise DeviceError(f"{op}: tensors on different devices: {backend.device} and {b._backend.device}")
    return backend
