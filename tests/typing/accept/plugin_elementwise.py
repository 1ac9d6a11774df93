"""Plugin: elementwise results come from the operands alone."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Any, TypeVar, reveal_type
from typing import Literal as L

import typedtorch as tt
from typedtorch import Matrix, Vector, nn

B = TypeVar("B")
N = TypeVar("N")

m = tt.zeros(4, 2)
reveal_type(m + tt.ones(4, 2))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(m * tt.zeros(2))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(tt.zeros(2) - m)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(m / tt.zeros())  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(m + 1.0)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(m // tt.ones(2))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(tt.zeros(2) % m)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(7 // m)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(m % 3)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(m.remainder(tt.ones(4, 1)))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(m.maximum(tt.zeros(2)))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(tt.maximum(m, tt.zeros(2)))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(tt.minimum(tt.zeros(4, 1), m))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(tt.floor_divide(m, 2))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]


def affine(x: Matrix[B, N], w: Vector[N]) -> Matrix[B, N]:
    return x * w + w


def bias(x: Matrix[B, L[10]]) -> Matrix[B, L[10]]:
    return x + tt.zeros(10)


def wrap(positions: Matrix[B, N], period: Vector[N]) -> Matrix[B, N]:
    return positions % period - positions // period


def floor_at(x: Matrix[B, N], lo: Vector[N]) -> Matrix[B, N]:
    return tt.maximum(x, lo) + x.minimum(lo)


# Unknown sizes are left to the overloads.
loose: Matrix[Any, Any] = tt.zeros(3, 3)
reveal_type(m + loose)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]

mismatch = m + tt.zeros(3)  # type: ignore[shape]
reveal_type(mismatch)  # R: typedtorch._tensor.Tensor[*tuple[Any, ...]]

# After a reported error the result keeps what does not depend on the failed shapes:
# a loss stays a Scalar, so its item() is still a float.
bad_loss = nn.mse_loss(tt.zeros(3, 1), tt.zeros(3))  # type: ignore[shape]
reveal_type(bad_loss)  # R: typedtorch._tensor.Tensor[()]
