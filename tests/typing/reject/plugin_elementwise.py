"""Plugin: elementwise ops that do not broadcast name the dims."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Matrix, Vector

B = TypeVar("B")
N = TypeVar("N")

m = tt.zeros(4, 2)
m + tt.zeros(2, 4)  # E: add: shapes do not broadcast: Tensor[4, 2] + Tensor[2, 4] (dim 0: 4 != 2)  [shape]
m - tt.zeros(4, 3)  # E: sub: shapes do not broadcast: Tensor[4, 2] - Tensor[4, 3] (last dim: 2 != 3)
m * tt.zeros(4)  # E: mul: shapes do not broadcast: Tensor[4, 2] * Tensor[4] (last dim: 2 != 4)
tt.zeros(3) / m  # E: div: shapes do not broadcast: Tensor[3] / Tensor[4, 2] (last dim: 3 != 2)
m // tt.zeros(3)  # E: floor_divide: shapes do not broadcast: Tensor[4, 2] // Tensor[3] (last dim: 2 != 3)
tt.zeros(4) % m  # E: remainder: shapes do not broadcast: Tensor[4] % Tensor[4, 2] (last dim: 4 != 2)
m.floor_divide(tt.zeros(4))  # E: floor_divide: shapes do not broadcast: Tensor[4, 2] // Tensor[4] (last dim: 2 != 4)
m + tt.zeros(3, 4, 3)  # E: add: shapes do not broadcast: Tensor[4, 2] + Tensor[3, 4, 3] (last dim: 2 != 3)
tt.zeros(5) * tt.zeros(5, 1)  # E: mul: hidden outer product: Tensor[5] * Tensor[5, 1] would stretch dim 1 of Tensor[5, 1] (size 1) across 5 while adding a dim to Tensor[5]
m + "1"  # E: No overload variant of "__add__" of "Tensor" matches argument type "str"


def bias_wrong(x: Matrix[B, N], b: Vector[B]) -> Matrix[B, N]:
    return x + b  # E: add: shapes do not broadcast: Tensor[B, N] + Tensor[B] (last dim: N != B)


def bias_size(x: Matrix[B, L[10]]) -> Matrix[B, L[10]]:
    return x + tt.zeros(128)  # E: add: shapes do not broadcast: Tensor[B, 10] + Tensor[128] (last dim: 10 != 128)


# A comparison is reported as written, also when deciding its right operand came in
# between (mypy then tries the reflected `>`).
def above_mean(x: Matrix[B, L[3]]) -> Matrix[B, L[3]]:
    return x > x.mean(dim=1)  # E: gt: shapes do not broadcast: Tensor[B, 3] > Tensor[B] (last dim: 3 != B)


def below_shifted(x: Matrix[B, L[3]]) -> Matrix[B, L[3]]:
    return x < (x.sum(dim=1) + 1.0)  # E: lt: shapes do not broadcast: Tensor[B, 3] < Tensor[B] (last dim: 3 != B)
