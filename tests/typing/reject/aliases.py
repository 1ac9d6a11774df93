"""The aliases fix the rank: a Vector is not a Matrix, a Scalar is not a Vector."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L

import typedtorch as tt
from typedtorch import Matrix, Scalar, Tensor, Vector

v = tt.zeros(3)
m = tt.zeros(4, 2)
s = tt.zeros()

a: Matrix[L[4], L[2]] = v  # E: Incompatible types in assignment (expression has type "Tensor[Literal[3]]", variable has type "Tensor[Literal[4], Literal[2]]")
b: Vector[L[3]] = s  # E: Incompatible types in assignment
c: Scalar = v  # E: Incompatible types in assignment
d: Vector[L[4]] = m  # E: Incompatible types in assignment
e: Tensor[L[4], L[2]] = tt.zeros(2, 4)  # E: Incompatible types in assignment (expression has type "Tensor[Literal[2], Literal[4]]", variable has type "Tensor[Literal[4], Literal[2]]")  [assignment]


def matrix_only(x: Matrix[L[4], L[2]]) -> None: ...


def vector_only(x: Vector[L[3]]) -> None: ...


def scalar_only(x: Scalar) -> None: ...


matrix_only(v)  # E: Argument 1 to "matrix_only" has incompatible type "Tensor[Literal[3]]"; expected "Tensor[Literal[4], Literal[2]]"
vector_only(m)  # E: Argument 1 to "vector_only" has incompatible type
scalar_only(v)  # E: Argument 1 to "scalar_only" has incompatible type


def bad_arity(x: Matrix[L[4]]) -> None: ...  # E: Bad number of arguments for type alias


def bad_arity2(x: Vector[L[1], L[2]]) -> None: ...  # E: Bad number of arguments for type alias
