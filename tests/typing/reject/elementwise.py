"""Elementwise ops between shapes that are neither equal nor a trailing-dim broadcast."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import TypeVar

import typedtorch as tt
from typedtorch import Matrix, Vector

B = TypeVar("B")
N = TypeVar("N")

m = tt.zeros(4, 2)
mt = tt.zeros(2, 4)
v2 = tt.zeros(2)
v3 = tt.zeros(3)
v4 = tt.zeros(4)
s = tt.zeros()
t3 = tt.zeros(3, 4, 2)

m + mt  # E: add: shapes do not broadcast: Tensor[4, 2] + Tensor[2, 4] (dim 0: 4 != 2)  [shape]
m - tt.zeros(3, 2)  # E: sub: shapes do not broadcast: Tensor[4, 2] - Tensor[3, 2] (dim 0: 4 != 3)  [shape]
m * mt  # E: mul: shapes do not broadcast: Tensor[4, 2] * Tensor[2, 4] (dim 0: 4 != 2)  [shape]
m / mt  # E: div: shapes do not broadcast: Tensor[4, 2] / Tensor[2, 4] (dim 0: 4 != 2)  [shape]
m + v3  # E: add: shapes do not broadcast: Tensor[4, 2] + Tensor[3] (last dim: 2 != 3)  [shape]
v3 + m  # E: add: shapes do not broadcast: Tensor[3] + Tensor[4, 2] (last dim: 3 != 2)  [shape]
m * v4  # E: mul: shapes do not broadcast: Tensor[4, 2] * Tensor[4] (last dim: 2 != 4)  [shape]
v4 / m  # E: div: shapes do not broadcast: Tensor[4] / Tensor[4, 2] (last dim: 4 != 2)  [shape]
v2 + v3  # E: add: shapes do not broadcast: Tensor[2] + Tensor[3] (dim 0: 2 != 3)  [shape]
m ** v3  # E: pow: shapes do not broadcast: Tensor[4, 2] ** Tensor[3] (last dim: 2 != 3)  [shape]
m + "1"  # E: No overload variant of "__add__" of "Tensor" matches argument type "str"
"1" * m  # E: Unsupported operand types for * ("str" and "Tensor[Literal[4], Literal[2]]")
m + None  # E: No overload variant of "__add__" of "Tensor" matches argument type "None"


def affine(x: Matrix[B, N], shift: Vector[B]) -> Matrix[B, N]:
    return x + shift  # E: add: shapes do not broadcast: Tensor[B, N] + Tensor[B] (last dim: N != B)  [shape]


def wrong_result(x: Matrix[B, N], y: Matrix[B, N]) -> Vector[N]:
    return x * y  # E: Incompatible return value type (got "Tensor[B, N]", expected "Tensor[N]")
