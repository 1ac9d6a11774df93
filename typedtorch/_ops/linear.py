"""``x @ W + b`` as one node: the body of ``nn.Linear``.

Weights are stored ``(in, out)``, so the forward pass needs no transpose.
"""

from __future__ import annotations

from typing import Any

from typedtorch._backend import Array
from typedtorch._engine import Function, grad_mode, next_seq
from typedtorch._errors import DeviceError, ShapeError
from typedtorch._tensor import AnyTensor, make


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
    >>> from typedtorch._ops.linear import linear
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
    if xd.ndim > 2:
        # (B, T, in) @ (in, out) as one 2-D product: a batched matmul of small matrices
        # costs 2-3x more than one (B*T, in) @ (in, out) in numpy.
        xp = backend.xp
        out = xp.reshape(xp.reshape(xd, (-1, xd.shape[-1])) @ wd, (*xd.shape[:-1], wd.shape[1]))
    else:
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
