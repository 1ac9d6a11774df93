"""Indexing results have the indexed type; a Scalar cannot be indexed."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Matrix, Tensor, Vector

M = TypeVar("M")
N = TypeVar("N")

m = tt.zeros(4, 2)
s = tt.zeros()
v = tt.zeros(5)

a: Vector[L[4]] = m[0]  # E: Incompatible types in assignment (expression has type "Tensor[Literal[2]]", variable has type "Tensor[Literal[4]]")
b: Matrix[L[4], L[3]] = m[1:]  # E: Incompatible types in assignment (expression has type "Tensor[Literal[3], Literal[2]]", variable has type "Tensor[Literal[4], Literal[3]]")
idx = tt.arange(3)
c: Matrix[L[4], L[2]] = m[idx]  # E: Incompatible types in assignment (expression has type "Tensor[Literal[3], Literal[2]]", variable has type "Tensor[Literal[4], Literal[2]]")
s[0]  # E: index: 1 indices for Tensor[()] (rank 0)  [shape]
m["a"]  # E: No overload variant of "__getitem__" of "Tensor" matches argument type "str"
m[5]  # E: index: index 5 is out of range for dim 0 of Tensor[4, 2] (size 4)  [shape]
m[0, 0, 0]  # E: index: 3 indices for Tensor[4, 2] (rank 2)  [shape]
m[1.5]  # E: No overload variant of "__getitem__" of "Tensor" matches argument type "float"
m[1:] @ m  # E: matmul: inner dimensions differ: Tensor[3, 2] @ Tensor[4, 2] (2 != 4)  [shape]
m[1:] + m  # E: add: shapes do not broadcast: Tensor[3, 2] + Tensor[4, 2] (dim 0: 3 != 4)  [shape]
v[0] @ m[0]  # E: matmul: a Scalar operand: Tensor[()] @ Tensor[2] (@ needs at least one dim on each side)  [shape]
m[0] + v  # E: add: shapes do not broadcast: Tensor[2] + Tensor[5] (dim 0: 2 != 5)  [shape]


def first_row(x: Tensor[M, N]) -> Tensor[M]:
    return x[0]  # E: Incompatible return value type (got "Tensor[N]", expected "Tensor[M]")
