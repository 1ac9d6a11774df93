"""Dropout as one node; the mask is drawn on the host so one seed drops the same elements everywhere."""

from __future__ import annotations

from typedtorch._backend import Array, host_random
from typedtorch._engine import Function, grad_mode, next_seq
from typedtorch._tensor import AnyTensor, make


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
