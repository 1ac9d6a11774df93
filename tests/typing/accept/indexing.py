"""Indexing the first dim: an int drops it, a slice makes it Any, an index vector replaces it."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Any, TypeVar, reveal_type

import typedtorch as tt
from typedtorch import Matrix, Tensor, Vector

K = TypeVar("K")
M = TypeVar("M")
N = TypeVar("N")

m = tt.zeros(4, 2)
t3 = tt.zeros(3, 4, 2)
v = tt.zeros(5)

reveal_type(m[0])  # R: typedtorch._tensor.Tensor[Literal[2]]
reveal_type(m[-1])  # R: typedtorch._tensor.Tensor[Literal[2]]
reveal_type(t3[0])  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(t3[0][1])  # R: typedtorch._tensor.Tensor[Literal[2]]
reveal_type(v[0])  # R: typedtorch._tensor.Tensor[()]
reveal_type(m[1:])  # R: typedtorch._tensor.Tensor[Literal[3], Literal[2]]
reveal_type(m[:2])  # R: typedtorch._tensor.Tensor[Literal[2], Literal[2]]
reveal_type(t3[::2])  # R: typedtorch._tensor.Tensor[Literal[2], Literal[4], Literal[2]]
reveal_type(v[1:3])  # R: typedtorch._tensor.Tensor[Literal[2]]

# An integer index vector gathers rows: its length replaces the first dim.
idx = tt.arange(3)
reveal_type(m[idx])  # R: typedtorch._tensor.Tensor[Literal[3], Literal[2]]
reveal_type(t3[tt.arange(6)])  # R: typedtorch._tensor.Tensor[Literal[6], Literal[4], Literal[2]]
reveal_type(v[idx])  # R: typedtorch._tensor.Tensor[Literal[3]]


def gather(x: Matrix[M, N], rows: Vector[K]) -> Matrix[K, N]:
    return x[rows]


reveal_type(gather(m, tt.zeros(7)))  # R: typedtorch._tensor.Tensor[Literal[7], Literal[2]]

# A tuple index (several dims, or an Ellipsis) gives an any-rank tensor.
reveal_type(m[0, 1])  # R: typedtorch._tensor.Tensor[()]
reveal_type(m[:, 0])  # R: typedtorch._tensor.Tensor[Literal[4]]
reveal_type(t3[..., 0])  # R: typedtorch._tensor.Tensor[Literal[3], Literal[4]]
reveal_type(m[None, :])  # R: typedtorch._tensor.Tensor[Literal[1], Literal[4], Literal[2]]
column: Vector[Any] = m[:, 0]


def first_row(x: Tensor[M, N]) -> Tensor[N]:
    return x[0]
