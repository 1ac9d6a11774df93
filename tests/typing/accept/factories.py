"""Factories keep literal sizes for ranks 0 to 6; data of unknown shape is any-rank."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Any, reveal_type
from typing import Literal as L

import numpy as np

import typedtorch as tt
from typedtorch import Matrix, Scalar, Tensor, Vector

reveal_type(tt.zeros())  # R: typedtorch._tensor.Tensor[()]
reveal_type(tt.zeros(()))  # R: typedtorch._tensor.Tensor[()]
reveal_type(tt.randn((), dtype="float64"))  # R: typedtorch._tensor.Tensor[()]
reveal_type(tt.zeros(4))  # R: typedtorch._tensor.Tensor[Literal[4]]
reveal_type(tt.zeros(4, 2))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(tt.zeros(4, 2, 3))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2], Literal[3]]
reveal_type(tt.ones(1, 2, 3, 4))  # R: typedtorch._tensor.Tensor[Literal[1], Literal[2], Literal[3], Literal[4]]
reveal_type(tt.ones(1, 2, 3, 4, 5))  # R: typedtorch._tensor.Tensor[Literal[1], Literal[2], Literal[3], Literal[4], Literal[5]]
reveal_type(tt.ones(1, 2, 3, 4, 5, 6))  # R: typedtorch._tensor.Tensor[Literal[1], Literal[2], Literal[3], Literal[4], Literal[5], Literal[6]]
reveal_type(tt.ones(1, 2, 3, 4, 5, 6, 7))  # R: typedtorch._tensor.Tensor[*tuple[Any, ...]]
reveal_type(tt.randn(3, requires_grad=True))  # R: typedtorch._tensor.Tensor[Literal[3]]
reveal_type(tt.randn(784, 128))  # R: typedtorch._tensor.Tensor[Literal[784], Literal[128]]
reveal_type(tt.rand(2, 2, device="cpu", dtype="float64"))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[2]]
reveal_type(tt.full((), 1.0))  # R: typedtorch._tensor.Tensor[()]
reveal_type(tt.full((5,), 1.0))  # R: typedtorch._tensor.Tensor[Literal[5]]
reveal_type(tt.full((2, 3), 0.5))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[3]]
reveal_type(tt.full((2, 3, 4), 0))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[3], Literal[4]]
reveal_type(tt.arange(5))  # R: typedtorch._tensor.Tensor[Literal[5]]
reveal_type(tt.arange(0.0, 1.0, 0.25))  # R: typedtorch._tensor.Tensor[Any]

# Declared types agree with the factories.
m: Matrix[L[4], L[2]] = tt.zeros(4, 2)
v: Vector[L[3]] = tt.randn(3)
s: Scalar = tt.ones()
t3: Tensor[L[2], L[3], L[4]] = tt.rand(2, 3, 4)


# A size that is only an `int` gives an `int` dim.
def sized(n: int) -> None:
    reveal_type(tt.zeros(n))  # R: typedtorch._tensor.Tensor[Any]
    reveal_type(tt.zeros(n, 3))  # R: typedtorch._tensor.Tensor[Any, Literal[3]]
    reveal_type(tt.arange(n))  # R: typedtorch._tensor.Tensor[Any]


# Data whose shape mypy cannot see is any-rank, and flows into typed parameters.
data = tt.tensor([[0.0, 1.0], [1.0, 0.0]])
reveal_type(data)  # R: typedtorch._tensor.Tensor[*tuple[Any, ...]]
arr = tt.from_numpy(np.zeros((4, 2), np.float32))
reveal_type(arr)  # R: typedtorch._tensor.Tensor[*tuple[Any, ...]]


def needs_matrix(x: Matrix[L[4], L[2]]) -> Matrix[L[4], L[2]]:
    return x


def needs_vector(x: Vector[L[3]]) -> Scalar:
    return x.sum()


reveal_type(needs_matrix(data))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(needs_matrix(arr))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(needs_vector(tt.tensor([1.0, 2.0, 3.0])))  # R: typedtorch._tensor.Tensor[()]
reveal_type(needs_matrix(tt.zeros(4, 2)))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
typed: Matrix[L[4], L[2]] = tt.tensor([[0.0, 1.0]] * 4)
anything: Tensor[*tuple[Any, ...]] = tt.zeros(4, 2)
