"""The per-channel ops of convolutional nets: batch normalisation and channel dropout.

``batch_norm`` normalises each channel of an ``(N, C, *spatial)`` tensor over the
batch and spatial dims, as ``torch.nn.functional.batch_norm`` does: in training with
the batch's mean and *biased* variance, updating the running statistics with the
*unbiased* one; in evaluation with the running statistics. ``dropout2d`` zeroes whole channels.
"""

from __future__ import annotations

from typing import Any

from typedtorch._backend import Array, host_random
from typedtorch._engine import Function, grad_mode, next_seq
from typedtorch._errors import DeviceError, ShapeError
from typedtorch._tensor import AnyTensor, make

from .dropout import DropoutFn


class BatchNormFn(Function):
    """``y = (x - mean) / sqrt(var + eps) * weight + bias`` per channel, as one node."""

    __slots__ = ("xp", "axes", "batch_stats", "xhat", "invstd", "w", "has_affine")
    xp: Any
    axes: tuple[int, ...]  # every dim but the channels
    batch_stats: bool  # the statistics came from this batch (and depend on x)
    xhat: Array  # the normalised input
    invstd: Array  # 1 / sqrt(var + eps), broadcastable to x
    w: Array | None  # the weight, broadcastable to x
    has_affine: bool

    def backward(self, grad: Array) -> tuple[Array | None, ...]:
        xp, axes, xhat, needs = self.xp, self.axes, self.xhat, self.needs
        gx = gw = gb = None
        if needs[0]:
            gxhat = grad if self.w is None else grad * self.w
            if self.batch_stats:
                # The mean and variance depend on x too: the usual three-term formula.
                mean_g = xp.mean(gxhat, axis=axes, keepdims=True)
                mean_gx = xp.mean(gxhat * xhat, axis=axes, keepdims=True)
                gx = (gxhat - mean_g - xhat * mean_gx) * self.invstd
            else:
                gx = gxhat * self.invstd
        if self.has_affine:
            if needs[1]:
                gw = xp.sum(grad * xhat, axis=axes)
            if needs[2]:
                gb = xp.sum(grad, axis=axes)
            return (gx, gw, gb)
        return (gx,)


def batch_norm(
    x: AnyTensor,
    running_mean: AnyTensor | None,
    running_var: AnyTensor | None,
    weight: AnyTensor | None,
    bias: AnyTensor | None,
    training: bool,
    momentum: float,
    eps: float,
    who: str = "batch_norm",
) -> AnyTensor:
    """Batch normalisation of ``x`` (``(N, C)`` or ``(N, C, *spatial)``) per channel.

    In training the running statistics, when given, are updated in place:
    ``running = (1 - momentum) * running + momentum * batch`` (the layer passes
    ``1 / batches seen`` for PyTorch's ``momentum=None``, a cumulative average).

    >>> import typedtorch as tt
    >>> from typedtorch._ops.batchnorm import batch_norm
    >>> y = batch_norm(tt.tensor([[1.0], [3.0]]), None, None, None, None, True, 0.1, 0.0)
    >>> y.tolist()
    [[-1.0], [1.0]]
    """
    backend = x._backend
    xp = backend.xp
    xd = x._data
    if xd.ndim < 2:
        raise ShapeError(f"{who}: expected an input (N, C, ...) of rank 2 or more, got shape {tuple(xd.shape)}")
    if not xp.isdtype(xd.dtype, "real floating"):
        raise TypeError(f"{who}: input must be a floating-point tensor, got {backend.dtype_name(xd)}")
    c = xd.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight), ("bias", bias)):
        if t is None:
            continue
        if t._backend is not backend:
            raise DeviceError(f"{who}: input on {backend.device} but {name} on {t._backend.device}")
        if tuple(t._data.shape) != (c,):
            raise ShapeError(f"{who}: input has {c} channels (shape {tuple(xd.shape)}) but {name} has shape {t.shape}")
    if (weight is None) != (bias is None):
        raise ValueError(f"{who}: give both weight and bias, or neither")
    axes = (0, *range(2, xd.ndim))
    bshape = (1, c) + (1,) * (xd.ndim - 2)
    count = 1
    for a in axes:
        count *= xd.shape[a]
    use_batch = training or running_mean is None or running_var is None
    if use_batch:
        if training and count <= 1:
            raise ValueError(
                f"{who}: expected more than 1 value per channel when training, got input of shape {tuple(xd.shape)}"
            )
        mean = xp.mean(xd, axis=axes, keepdims=True)
        centred = xd - mean
        var = xp.mean(centred * centred, axis=axes, keepdims=True)
        invstd = 1.0 / xp.sqrt(var + eps)
        xhat = centred * invstd
        if training and running_mean is not None and running_var is not None:
            # No graph: the running statistics are buffers, updated in place.
            f = momentum
            unbiased = var * (count / (count - 1))
            rm, rv = running_mean._data, running_var._data
            rm[...] = rm * (1.0 - f) + xp.astype(xp.reshape(mean, (c,)), rm.dtype) * f
            rv[...] = rv * (1.0 - f) + xp.astype(xp.reshape(unbiased, (c,)), rv.dtype) * f
    else:
        assert running_mean is not None and running_var is not None
        invstd = xp.reshape(1.0 / xp.sqrt(xp.astype(running_var._data, xd.dtype) + eps), bshape)
        xhat = (xd - xp.reshape(xp.astype(running_mean._data, xd.dtype), bshape)) * invstd
    w = None if weight is None else xp.reshape(weight._data, bshape)
    out = xhat if w is None or bias is None else xhat * w + xp.reshape(bias._data, bshape)
    needs = (x.requires_grad,) + (() if weight is None or bias is None else (weight.requires_grad, bias.requires_grad))
    if any(needs) and grad_mode.enabled:
        fn = BatchNormFn()
        fn.xp, fn.axes, fn.batch_stats = xp, axes, use_batch
        fn.xhat, fn.invstd, fn.w, fn.has_affine = xhat, invstd, w, weight is not None
        fn.parents = (x,) if weight is None or bias is None else (x, weight, bias)
        fn.needs = needs
        fn.seq = next_seq()
        return make(out, backend, fn)
    return make(out, backend, None)


def dropout2d(x: AnyTensor, p: float, who: str = "dropout2d") -> AnyTensor:
    """Zero whole channels of an ``(N, C, H, W)`` tensor with probability ``p``, scaling the rest by ``1 / (1 - p)``.

    The mask is drawn on the host from the generator ``tt.manual_seed`` seeds, one
    number per (sample, channel), so one seed drops the same channels on every device.

    >>> import typedtorch as tt
    >>> from typedtorch._ops.batchnorm import dropout2d
    >>> y = dropout2d(tt.ones(4, 8, 3, 3), 0.5)
    >>> sorted(set(y.tolist()[0][0][0]) | set(y.tolist()[1][1][1])) in ([0.0], [2.0], [0.0, 2.0])
    True
    """
    xd = x._data
    if xd.ndim != 4:
        raise ShapeError(f"{who}: expected a 4-D input (N, C, H, W), got shape {tuple(xd.shape)}")
    if p == 0.0:
        return x
    backend = x._backend
    xp = backend.xp
    n, c = xd.shape[0], xd.shape[1]
    if p >= 1.0:
        mask = xp.zeros((n, c, 1, 1), dtype=xd.dtype, device=xd.device)
    else:
        keep = backend.from_host(host_random("uniform", (n, c), None) >= p)
        mask = xp.reshape(xp.astype(keep, xd.dtype) * (1.0 / (1.0 - p)), (n, c, 1, 1))
    out = xd * mask
    if x.requires_grad and grad_mode.enabled:
        fn = DropoutFn()
        fn.mask = mask  # DropoutFn's backward, g * mask, broadcasts the channel mask
        fn.parents, fn.needs = (x,), (True,)
        fn.seq = next_seq()
        return make(out, backend, fn)
    return make(out, backend, None)
