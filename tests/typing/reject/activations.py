"""Shape-preserving ops keep mismatches visible; ``where``/``maximum``/``remainder`` follow the broadcasting rule."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Matrix

B = TypeVar("B")
N = TypeVar("N")

m = tt.zeros(4, 2)
mt = tt.zeros(2, 4)
v3 = tt.zeros(3)

tt.where(m > 0, m, mt)  # E: where: shapes do not broadcast
tt.where(v3 > 0, m, 0.0)  # E: where: shapes do not broadcast
tt.maximum(m, mt)  # E: maximum: shapes do not broadcast: Tensor[4, 2] and Tensor[2, 4] (dim 0: 4 != 2)  [shape]
tt.maximum(m, v3)  # E: maximum: shapes do not broadcast: Tensor[4, 2] and Tensor[3] (last dim: 2 != 3)  [shape]
m.maximum(mt)  # E: maximum: shapes do not broadcast: Tensor[4, 2] and Tensor[2, 4] (dim 0: 4 != 2)  [shape]
tt.remainder(v3, m)  # E: remainder: shapes do not broadcast: Tensor[3] % Tensor[4, 2] (last dim: 3 != 2)  [shape]
tt.relu(m) + v3  # E: add: shapes do not broadcast: Tensor[4, 2] + Tensor[3] (last dim: 2 != 3)  [shape]
m.sigmoid() @ m  # E: matmul: inner dimensions differ: Tensor[4, 2] @ Tensor[4, 2] (2 != 4)  [shape]
a: Matrix[L[2], L[4]] = tt.softmax(m)  # E: Argument 1 to "softmax" has incompatible type "Tensor[Literal[4], Literal[2]]"; expected "Tensor[Literal[2], Literal[4]]"
tt.relu(1.0)  # E: Argument 1 to "relu" has incompatible type "float"
tt.softmax(m, dim="last")  # E: Argument "dim" to "softmax" has incompatible type "str"


def hidden(x: Matrix[B, N]) -> Matrix[N, B]:
    return tt.tanh(x)  # E: Argument 1 to "tanh" has incompatible type "Tensor[B, N]"; expected "Tensor[N, B]"
