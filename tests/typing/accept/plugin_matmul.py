"""Plugin: ``@`` gets its result from the operands alone, so context cannot blur a mismatch."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Any, TypeVar, reveal_type
from typing import Literal as L

import typedtorch as tt
from typedtorch import Matrix, Tensor

B = TypeVar("B")
M = TypeVar("M")
K = TypeVar("K")
N = TypeVar("N")

a = tt.zeros(4, 2)
reveal_type(a @ tt.zeros(2, 5))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[5]]
reveal_type(tt.zeros(5, 4, 3) @ tt.zeros(3, 7))  # R: typedtorch._tensor.Tensor[Literal[5], Literal[4], Literal[7]]
reveal_type(tt.zeros(6, 4, 3) @ tt.zeros(6, 3, 7))  # R: typedtorch._tensor.Tensor[Literal[6], Literal[4], Literal[7]]
reveal_type(tt.zeros(3) @ tt.zeros(3, 7))  # R: typedtorch._tensor.Tensor[Literal[7]]


# Symbolic sizes pass through.
def mm(x: Matrix[M, K], w: Matrix[K, N]) -> Matrix[M, N]:
    return x @ w


def layer(x: Matrix[B, L[784]]) -> Matrix[B, L[128]]:
    return x @ tt.randn(784, 128)


# Unknown sizes stay unknown: the plugin leaves them to the overloads.
any_rank: Tensor[*tuple[Any, ...]] = tt.tensor([[1.0, 2.0]])
reveal_type(any_rank @ a)  # R: typedtorch._tensor.Tensor[*tuple[Any, ...]]
m_any: Matrix[Any, Any] = tt.zeros(3, 3)
reveal_type(a @ m_any)  # R: typedtorch._tensor.Tensor[Literal[4], Any]

# An error code of its own: `shape` silences exactly the plugin's error, and the
# result after an error is a tensor of unknown shape.
bad = a @ tt.zeros(3, 5)  # type: ignore[shape]
reveal_type(bad)  # R: typedtorch._tensor.Tensor[*tuple[Any, ...]]
