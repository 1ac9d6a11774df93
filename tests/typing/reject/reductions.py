"""A reduction's result has the reduced type, not the input's or any other."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Matrix, Scalar, Vector

B = TypeVar("B")
N = TypeVar("N")

m = tt.zeros(4, 2)
v2 = tt.zeros(2)

a: Scalar = m.sum(dim=0)  # E: Incompatible types in assignment (expression has type "Tensor[Literal[2]]", variable has type "Tensor[()]")
b: Vector[L[4]] = m.sum(dim=0)  # E: Incompatible types in assignment (expression has type "Tensor[Literal[2]]", variable has type "Tensor[Literal[4]]")
c: Vector[L[2]] = m.mean(dim=1)  # E: Incompatible types in assignment (expression has type "Tensor[Literal[4]]", variable has type "Tensor[Literal[2]]")
d: Vector[L[2]] = m.max(dim=-1)  # E: Incompatible types in assignment
e: Matrix[L[4], L[2]] = m.sum(dim=0, keepdim=True)  # E: Incompatible types in assignment (expression has type "Tensor[Literal[1], Literal[2]]", variable has type "Tensor[Literal[4], Literal[2]]")
f: Matrix[L[4], L[2]] = m.mean()  # E: Incompatible types in assignment (expression has type "Tensor[()]", variable has type "Tensor[Literal[4], Literal[2]]")
g: Vector[L[2]] = m.argmax(dim=1)  # E: Incompatible types in assignment (expression has type "Tensor[Literal[4]]", variable has type "Tensor[Literal[2]]")
m.sum(dim=1) + v2  # E: add: shapes do not broadcast: Tensor[4] + Tensor[2] (dim 0: 4 != 2)  [shape]
m.sum(dim=0).backward()  # E: Invalid self argument "Tensor[Literal[2]]" to attribute function "backward"
m.sum(dim="rows")  # E: No overload variant of "sum" of "Tensor" matches argument type "str"


def row_sums(x: Matrix[B, N]) -> Vector[B]:
    return x.sum(dim=0)  # E: Incompatible return value type (got "Tensor[N]", expected "Tensor[B]")


def per_row(x: Matrix[B, N]) -> Vector[B]:
    return x.sum()  # E: Incompatible return value type (got "Tensor[()]", expected "Tensor[B]")
