"""Losses as functions (``mse_loss``, ``cross_entropy``, ``binary_cross_entropy``) and modules.

Each is one fused node (see ``typedtorch._ops.losses``); the signatures here say which
shapes must agree, so mypy rejects a prediction and a target of different shapes
before the runtime check does.
"""

from __future__ import annotations

from typing import Literal, TypeVar

from typedtorch._dims import S
from typedtorch._ops import losses as _fused
from typedtorch._tensor import Tensor

from ._module import Module

B = TypeVar("B")
C = TypeVar("C")


def mse_loss(input: Tensor[*S], target: Tensor[*S], reduction: Literal["mean", "sum"] = "mean") -> Tensor[()]:
    """Mean squared error; ``input`` and ``target`` must have the same shape (never broadcasts).

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> nn.mse_loss(tt.ones(4, 1), tt.zeros(4, 1)).item()
    1.0
    """
    return _fused.mse_loss(input, target, reduction)


def cross_entropy(input: Tensor[B, C], target: Tensor[B]) -> Tensor[()]:
    """Mean softmax cross-entropy of logits ``Matrix[B, C]`` against integer labels ``Vector[B]``.

    Fused and stable (finite for logits of ``±1e4``); labels outside ``[0, C)`` are an
    ``IndexError``.

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> round(nn.cross_entropy(tt.zeros(2, 4), tt.tensor([0, 3])).item(), 4)  # log 4
    1.3863
    """
    return _fused.cross_entropy(input, target)


def binary_cross_entropy(input: Tensor[*S], target: Tensor[*S]) -> Tensor[()]:
    """Mean of ``-(t log p + (1 - t) log(1 - p))`` for probabilities ``p`` (e.g. after ``Sigmoid``).

    Logs are clamped at ``-100`` as in PyTorch, so ``p`` of exactly 0 or 1 stays finite.

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> round(nn.binary_cross_entropy(tt.full((2,), 0.5), tt.tensor([0.0, 1.0])).item(), 4)  # log 2
    0.6931
    """
    return _fused.binary_cross_entropy(input, target)


class MSELoss(Module):
    """Module form of :func:`mse_loss`: ``nn.MSELoss()(pred, target)``."""

    def __init__(self, reduction: Literal["mean", "sum"] = "mean") -> None:
        self.reduction: Literal["mean", "sum"] = reduction

    def __call__(self, input: Tensor[*S], target: Tensor[*S]) -> Tensor[()]:
        return _fused.mse_loss(input, target, self.reduction)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"


class CrossEntropyLoss(Module):
    """Module form of :func:`cross_entropy`: ``nn.CrossEntropyLoss()(logits, labels)``."""

    def __call__(self, input: Tensor[B, C], target: Tensor[B]) -> Tensor[()]:
        return _fused.cross_entropy(input, target)


class BCELoss(Module):
    """Module form of :func:`binary_cross_entropy`: ``nn.BCELoss()(probs, target)``."""

    def __call__(self, input: Tensor[*S], target: Tensor[*S]) -> Tensor[()]:
        return _fused.binary_cross_entropy(input, target)
