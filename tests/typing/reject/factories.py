"""A factory's literal sizes are checked against the declared or expected shape."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L

import typedtorch as tt
from typedtorch import Matrix, Scalar, Tensor, Vector

a: Matrix[L[4], L[3]] = tt.zeros(4, 2)  # E: Incompatible types in assignment (expression has type "Tensor[Literal[4], Literal[2]]", variable has type "Tensor[Literal[4], Literal[3]]")  [assignment]
b: Matrix[L[4], L[3]] = tt.ones(3, 4)  # E: Incompatible types in assignment (expression has type "Tensor[Literal[3], Literal[4]]", variable has type "Tensor[Literal[4], Literal[3]]")  [assignment]
c: Vector[L[4]] = tt.randn(5)  # E: Incompatible types in assignment (expression has type "Tensor[Literal[5]]", variable has type "Tensor[Literal[4]]")  [assignment]
d: Tensor[L[2], L[3], L[4]] = tt.rand(2, 3, 5)  # E: Incompatible types in assignment (expression has type "Tensor[Literal[2], Literal[3], Literal[5]]", variable has type "Tensor[Literal[2], Literal[3], Literal[4]]")  [assignment]
e: Matrix[L[4], L[3]] = tt.full((4, 2), 0.5)  # E: Incompatible types in assignment (expression has type "Tensor[Literal[4], Literal[2]]", variable has type "Tensor[Literal[4], Literal[3]]")  [assignment]
f: Vector[L[4]] = tt.arange(5)  # E: Incompatible types in assignment (expression has type "Tensor[Literal[5]]", variable has type "Tensor[Literal[4]]")  [assignment]
g: Scalar = tt.zeros(1)  # E: Incompatible types in assignment
h: Matrix[L[4], L[2]] = tt.zeros(4)  # E: Incompatible types in assignment
i: Vector[L[4]] = tt.zeros(4, 1)  # E: Incompatible types in assignment
j: Tensor[L[1], L[2], L[3], L[4], L[5], L[6]] = tt.ones(1, 2, 3, 4, 5, 7)  # E: Incompatible types in assignment (expression has type "Tensor[Literal[1], Literal[2], Literal[3], Literal[4], Literal[5], Literal[7]]", variable has type "Tensor[Literal[1], Literal[2], Literal[3], Literal[4], Literal[5], Literal[6]]")  [assignment]
m = tt.zeros(4, 2)
k: Matrix[L[4], L[3]] = m  # E: Incompatible types in assignment (expression has type "Tensor[Literal[4], Literal[2]]", variable has type "Tensor[Literal[4], Literal[3]]")


def needs_matrix(x: Matrix[L[4], L[3]]) -> None: ...


needs_matrix(tt.zeros(4, 2))  # E: Argument 1 to "needs_matrix" has incompatible type "Tensor[Literal[4], Literal[2]]"; expected "Tensor[Literal[4], Literal[3]]"  [arg-type]
needs_matrix(m)  # E: Argument 1 to "needs_matrix" has incompatible type "Tensor[Literal[4], Literal[2]]"
tt.zeros(4.0)  # E: No overload variant of "zeros" matches argument type "float"
tt.zeros("4")  # E: No overload variant of "zeros"
tt.tensor()  # E: Missing positional argument "data"
