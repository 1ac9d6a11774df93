"""``tt.grad``: the functional form of backprop, as in torch-autograd and JAX."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from ._engine import compute_grads, enable_grad
from ._errors import ShapeError
from ._tensor import Tensor, make

T = TypeVar("T")
PS = ParamSpec("PS")


def grad(f: Callable[Concatenate[T, PS], Tensor[()]]) -> Callable[Concatenate[T, PS], T]:
    """Turn a scalar-valued ``f(params, *args)`` into one returning d f / d params.

    ``params`` may be a tensor or a (nested) tuple, list or dict of tensors; the
    gradients come back in the same structure and with the same static type. The
    caller's tensors are untouched: ``f`` sees fresh leaves sharing their memory, and no
    ``.grad`` changes (neither theirs nor that of tensors ``f`` closes over).

    >>> import typedtorch as tt
    >>> def f(w: tt.Vector[int]) -> tt.Scalar:
    ...     return (w * w).sum()
    >>> tt.grad(f)(tt.tensor([1.0, 2.0])).tolist()
    [2.0, 4.0]
    """

    def gradient(params: T, /, *args: PS.args, **kwargs: PS.kwargs) -> T:
        leaves = _map(params, _fresh_leaf)
        with enable_grad():
            out = f(leaves, *args, **kwargs)
        if not isinstance(out, Tensor) or out.ndim != 0:
            shape = out.shape if isinstance(out, Tensor) else type(out).__name__
            raise ShapeError(f"grad: {getattr(f, '__name__', 'f')} must return a scalar tensor (shape ()), got {shape}")
        found: dict[Any, Any] = compute_grads(out, retain_graph=False) if out.requires_grad else {}
        # Only the fresh leaves receive gradients: tensors `f` closes over (a model's
        # parameters, say) keep their `.grad` exactly as it was.
        grads: T = _map(leaves, lambda t: _grad_or_zeros(t, found.get(t)))
        return grads

    gradient.__name__ = f"grad({getattr(f, '__name__', 'f')})"
    gradient.__doc__ = f.__doc__
    return gradient


def _fresh_leaf(t: Tensor[*tuple[Any, ...]]) -> Tensor[*tuple[Any, ...]]:
    leaf = make(t._data, t._backend, None)
    leaf.requires_grad = True
    return leaf


def _grad_or_zeros(t: Tensor[*tuple[Any, ...]], g: Any) -> Tensor[*tuple[Any, ...]]:
    if g is None:  # f did not depend on this tensor
        g = t._backend.xp.zeros_like(t._data)
    return make(g, t._backend, None)


def _map(obj: Any, fn: Callable[[Tensor[*tuple[Any, ...]]], Tensor[*tuple[Any, ...]]]) -> Any:
    if isinstance(obj, Tensor):
        return fn(obj)
    if isinstance(obj, tuple):
        items = [_map(v, fn) for v in obj]
        return type(obj)(*items) if hasattr(obj, "_fields") else tuple(items)
    if isinstance(obj, list):
        return [_map(v, fn) for v in obj]
    if isinstance(obj, dict):
        return {k: _map(v, fn) for k, v in obj.items()}
    raise TypeError(f"grad: parameters must be tensors or tuples, lists or dicts of them, got {type(obj).__name__}")
