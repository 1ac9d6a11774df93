# pyright: reportInvalidTypeForm=false
"""``Flatten``: merge every dim after the first (the batch) into one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, Literal, TypeVar

from typing_extensions import TypeVarTuple

from typedtorch._dims import MypyOnly
from typedtorch._ops import check_tensor
from typedtorch._tensor import Tensor

from ._compose import Sequential, chain
from ._module import Module

A = TypeVar("A")
B = TypeVar("B")
Z = TypeVar("Z")
R = TypeVarTuple("R")


class Flatten(Module):
    """``Tensor[B, *R]`` to ``Tensor[B, Any]``: ``(64, 28, 28)`` becomes ``(64, 784)``.

    Keeps the first dim, as ``torch.nn.Flatten()`` does. Plain mypy cannot multiply
    the sizes, so the merged size is ``Any``; the mypy plugin computes it.

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> nn.Flatten()(tt.zeros(64, 28, 28)).shape
    (64, 784)
    """

    # Read by the mypy plugin (typedtorch/_rules.py): Tensor[B, 28, 28] -> Tensor[B, 784].
    __shape_rule__: Final = "B *R -> B prod(R)"

    def __init__(self, start_dim: Literal[1] = 1, end_dim: Literal[-1] = -1) -> None:
        # Only the default is typed; other ranges would need a different result type.
        if start_dim != 1 or end_dim != -1:
            raise ValueError(f"Flatten: only start_dim=1, end_dim=-1 is supported, got {start_dim}, {end_dim}")

    def __call__(self, x: Tensor[A, *R]) -> Tensor[A, Any]:
        check_tensor(x, "Flatten")
        return x.flatten(1)

    def __rshift__(self, other: MypyOnly[Callable[[Tensor[B, Any]], Tensor[B, Z]]]) -> Sequential[*tuple[Any, ...], Z]:
        """``Flatten() >> Linear(784, 10)`` accepts any ``Tensor[B, ...]``."""
        return chain(self, other)
