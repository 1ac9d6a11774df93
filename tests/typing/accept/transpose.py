"""``.T`` swaps the two dims of a matrix."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Any, TypeVar, reveal_type

import typedtorch as tt
from typedtorch import Matrix

M = TypeVar("M")
N = TypeVar("N")

m = tt.zeros(4, 2)
reveal_type(m.T)  # R: typedtorch._tensor.Tensor[Literal[2], Literal[4]]
reveal_type(m.T.T)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(m.T @ m)  # R: typedtorch._tensor.Tensor[Literal[2], Literal[2]]
reveal_type(m @ m.T)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[4]]
reveal_type(tt.zeros(3, 3).T)  # R: typedtorch._tensor.Tensor[Literal[3], Literal[3]]
t: Matrix[Any, Any] = tt.zeros(5, 6)
reveal_type(t.T)  # R: typedtorch._tensor.Tensor[Any, Any]


def transpose(x: Matrix[M, N]) -> Matrix[N, M]:
    return x.T


def gram(x: Matrix[M, N]) -> Matrix[N, N]:
    return x.T @ x


reveal_type(transpose(m))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[4]]
reveal_type(gram(m))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[2]]
