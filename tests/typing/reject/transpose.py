"""``.T`` exists only on matrices (use a reshape or a plugin-typed op for other ranks)."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Matrix

M = TypeVar("M")
N = TypeVar("N")

m = tt.zeros(4, 2)
v = tt.zeros(3)
t3 = tt.zeros(3, 4, 5)
s = tt.zeros()

a = v.T  # E: Invalid self argument "Tensor[Literal[3]]" to attribute function "T"
b = t3.T  # E: Invalid self argument "Tensor[Literal[3], Literal[4], Literal[5]]" to attribute function "T"
c = s.T  # E: Invalid self argument "Tensor[()]" to attribute function "T"
d: Matrix[L[4], L[2]] = m.T  # E: Incompatible types in assignment (expression has type "Tensor[Literal[2], Literal[4]]", variable has type "Tensor[Literal[4], Literal[2]]")
m.T @ m.T  # E: matmul: inner dimensions differ: Tensor[2, 4] @ Tensor[2, 4] (4 != 2)  [shape]


def not_a_transpose(x: Matrix[M, N]) -> Matrix[N, M]:
    return x  # E: Incompatible return value type (got "Tensor[M, N]", expected "Tensor[N, M]")
