"""``nn.utils``: gradient clipping, ``clip_grad_norm_`` and ``clip_grad_value_``.

Both replace each ``.grad`` with the clipped values instead of writing into the
gradient array: backward may hand several leaves the very same array, and scaling
it once per parameter would scale it twice.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from typedtorch._backend import Array, Backend
from typedtorch._tensor import AnyTensor, Tensor, make

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def clip_grad_norm_(
    parameters: AnyTensor | Iterable[AnyTensor],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> AnyTensor:
    """Scale the gradients so that their joint ``norm_type``-norm is at most ``max_norm``.

    The total norm is the norm of the per-parameter norms (as if all gradients were
    one vector); each gradient is multiplied by ``min(max_norm / (total + 1e-6), 1)``,
    PyTorch's formula. Returns the total norm before clipping, a 0-d tensor.
    ``norm_type`` may be ``float("inf")``. With ``error_if_nonfinite`` a nan or
    infinite total norm is a ``RuntimeError`` and no gradient changes.

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> w = tt.zeros(2, requires_grad=True)
    >>> w.grad = tt.tensor([3.0, 4.0])
    >>> nn.utils.clip_grad_norm_([w], max_norm=1.0).item()
    5.0
    >>> [round(v, 4) for v in w.grad.tolist()]
    [0.6, 0.8]
    """
    params = _parameters(parameters, "clip_grad_norm_")
    max_norm = _number(max_norm, "clip_grad_norm_", "max_norm")
    norm_type = _number(norm_type, "clip_grad_norm_", "norm_type", allow_inf=True)
    if not isinstance(error_if_nonfinite, bool):
        raise TypeError("clip_grad_norm_: error_if_nonfinite must be a bool")
    with_grad = [p for p in params if p._grad is not None]
    if not with_grad:
        return make(_zero(params), _first_backend(params), None)
    first = with_grad[0]._backend
    norms: list[Array] = []
    for p in with_grad:
        n = _vector_norm(p._backend.xp, p._grad, norm_type)
        if p._backend is not first:  # gather on the first gradient's device
            n = first.from_host(p._backend.to_host(n))
        norms.append(n)
    xp = first.xp
    total = _vector_norm(xp, xp.stack(norms), norm_type)
    total_value = float(total)
    if error_if_nonfinite and not math.isfinite(total_value):
        raise RuntimeError(
            f"clip_grad_norm_: the total norm of order {norm_type} of the gradients is non-finite "
            f"({total_value}), so it cannot be clipped; set error_if_nonfinite=False to scale by it anyway"
        )
    coef = min(max_norm / (total_value + 1e-6), 1.0)
    for p in with_grad:
        grad: Array = p._grad
        p._grad = grad * coef
    return make(total, first, None)


def clip_grad_value_(parameters: AnyTensor | Iterable[AnyTensor], clip_value: float) -> None:
    """Clamp every gradient element to ``[-clip_value, clip_value]``.

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> w = tt.zeros(3, requires_grad=True)
    >>> w.grad = tt.tensor([-5.0, 0.5, 5.0])
    >>> nn.utils.clip_grad_value_(w, 1.0)
    >>> w.grad.tolist()
    [-1.0, 0.5, 1.0]
    """
    params = _parameters(parameters, "clip_grad_value_")
    clip_value = _number(clip_value, "clip_grad_value_", "clip_value")
    for p in params:
        if p._grad is not None:
            p._grad = p._backend.xp.clip(p._grad, min=-clip_value, max=clip_value)


def _parameters(parameters: object, fn: str) -> list[AnyTensor]:
    if isinstance(parameters, Tensor):
        return [parameters]
    if isinstance(parameters, str | bytes) or not isinstance(parameters, Iterable):
        raise TypeError(f"{fn}: parameters must be a Tensor or an iterable of tensors, got {type(parameters).__name__}")
    params = list(parameters)
    for p in params:
        if not isinstance(p, Tensor):
            raise TypeError(f"{fn}: expected tensors, got {type(p).__name__}")
    return params


def _number(value: object, fn: str, name: str, allow_inf: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{fn}: {name} must be a number, got {type(value).__name__}")
    v = float(value)
    if math.isnan(v) or (math.isinf(v) and not allow_inf):
        raise ValueError(f"{fn}: {name} must be a finite number, got {v}")
    if name != "norm_type" and v < 0:
        raise ValueError(f"{fn}: {name} must be >= 0, got {v}")
    if name == "norm_type" and v <= 0:
        raise ValueError(f"{fn}: norm_type must be positive (or inf), got {v}")
    return v


def _vector_norm(xp: Any, g: Array, p: float) -> Array:
    """The ``p``-norm of all elements of ``g`` as a 0-d array (``torch.linalg.vector_norm``)."""
    if math.prod(g.shape) == 0:
        return xp.zeros((), dtype=g.dtype, device=g.device)
    if p == math.inf:
        return xp.max(xp.abs(g))
    if p == 2.0:
        return xp.sqrt(xp.sum(g * g))
    if p == 1.0:
        return xp.sum(xp.abs(g))
    return xp.sum(xp.abs(g) ** p) ** (1.0 / p)


def _first_backend(params: list[AnyTensor]) -> Backend:
    from typedtorch._backend import get_backend

    return params[0]._backend if params else get_backend("cpu")


def _zero(params: list[AnyTensor]) -> Array:
    backend = _first_backend(params)
    dtype = params[0]._data.dtype if params else backend.xp.float32
    return backend.xp.zeros((), dtype=dtype, device=backend.native_device)
