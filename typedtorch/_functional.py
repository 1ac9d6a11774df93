"""Functions mirroring the Tensor methods (``tt.relu(x)`` is ``x.relu()``), plus the
ops that take several tensors: ``cat``, ``stack``, ``where``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, overload

from . import _ops
from ._dims import A, R, S
from ._tensor import AnyTensor, Tensor


def relu(x: Tensor[*S]) -> Tensor[*S]:
    """``max(x, 0)`` elementwise: ``tt.relu(tt.tensor([-1.0, 2.0]))`` is ``[0, 2]``."""
    return x.relu()


def sigmoid(x: Tensor[*S]) -> Tensor[*S]:
    """``1 / (1 + exp(-x))``, computed without overflow."""
    return x.sigmoid()


def tanh(x: Tensor[*S]) -> Tensor[*S]:
    """Hyperbolic tangent elementwise."""
    return x.tanh()


def exp(x: Tensor[*S]) -> Tensor[*S]:
    """``e ** x`` elementwise."""
    return x.exp()


def log(x: Tensor[*S]) -> Tensor[*S]:
    """Natural logarithm elementwise."""
    return x.log()


def softmax(x: Tensor[*S], dim: int = -1) -> Tensor[*S]:
    """Softmax along ``dim`` (stable: the max is subtracted first)."""
    return x.softmax(dim)


def log_softmax(x: Tensor[*S], dim: int = -1) -> Tensor[*S]:
    """``log(softmax(x))`` along ``dim``, computed stably in one op."""
    return x.log_softmax(dim)


def maximum(a: Tensor[*S], b: Tensor[*S] | float) -> Tensor[*S]:
    """Elementwise maximum; at ties each side gets half the gradient."""
    return a.maximum(b)


def where(cond: Tensor[*S], a: Tensor[*S] | float, b: Tensor[*S] | float) -> Tensor[*S]:
    """``a`` where ``cond`` holds, else ``b``; ``cond`` is a boolean tensor.

    >>> import typedtorch as tt
    >>> x = tt.tensor([-1.0, 2.0])
    >>> tt.where(x > 0, x, 0.0).tolist()
    [0.0, 2.0]
    """
    return _ops.where(cond, a, b)


@overload
def flatten(x: Tensor[*tuple[Any, ...]], start_dim: Literal[0] = 0, end_dim: Literal[-1] = -1) -> Tensor[Any]: ...
@overload
def flatten(x: Tensor[A, *R], start_dim: Literal[1], end_dim: Literal[-1] = -1) -> Tensor[A, Any]: ...
@overload
def flatten(x: Tensor[*tuple[Any, ...]], start_dim: int = 0, end_dim: int = -1) -> AnyTensor: ...
def flatten(x: AnyTensor, start_dim: int = 0, end_dim: int = -1) -> AnyTensor:
    """Merge dims ``start_dim..end_dim``: ``tt.flatten(x, start_dim=1)`` keeps the batch dim."""
    return x.flatten(start_dim, end_dim)


def reshape(x: AnyTensor, shape: tuple[int, ...]) -> AnyTensor:
    """``x`` with a new shape of the same element count; one size may be ``-1``."""
    return x.reshape(shape)


def cat(tensors: Sequence[AnyTensor], dim: int = 0) -> AnyTensor:
    """Join tensors along an existing dim: ``tt.cat([a, b], dim=0)``.

    All other dims must agree (else ``ShapeError``). Statically untyped until the
    mypy plugin adds the sizes.
    """
    return _ops.apply_n(_ops.Cat(dim), tensors)


def stack(tensors: Sequence[AnyTensor], dim: int = 0) -> AnyTensor:
    """Join equal-shaped tensors along a new dim of size ``len(tensors)``."""
    return _ops.apply_n(_ops.Stack(dim), tensors)
