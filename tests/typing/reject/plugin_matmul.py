"""Plugin: a mismatched ``@`` names the dims that differ."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Matrix, Tensor, Vector

B = TypeVar("B")
M = TypeVar("M")
K = TypeVar("K")
N = TypeVar("N")

a = tt.zeros(4, 2)
c = tt.zeros(3, 5)
a @ c  # E: matmul: inner dimensions differ: Tensor[4, 2] @ Tensor[3, 5] (2 != 3)  [shape]
a @ tt.zeros(3)  # E: matmul: inner dimensions differ: Tensor[4, 2] @ Tensor[3] (2 != 3)
tt.zeros(3) @ tt.zeros(2)  # E: matmul: inner dimensions differ: Tensor[3] @ Tensor[2] (3 != 2)
tt.zeros(3) @ a  # E: matmul: inner dimensions differ: Tensor[3] @ Tensor[4, 2] (3 != 4)
tt.zeros(7, 4, 2) @ tt.zeros(6, 2, 5)  # E: matmul: batch dimensions do not broadcast: Tensor[7, 4, 2] @ Tensor[6, 2, 5] (dim 0: 7 != 6)
tt.zeros(5, 4, 3) @ tt.zeros(4, 7)  # E: matmul: inner dimensions differ: Tensor[5, 4, 3] @ Tensor[4, 7] (3 != 4)
a @ tt.zeros(7, 3, 5)  # E: matmul: inner dimensions differ: Tensor[4, 2] @ Tensor[7, 3, 5] (2 != 3)
tt.zeros(7, 4, 2) @ tt.zeros(3)  # E: matmul: inner dimensions differ: Tensor[7, 4, 2] @ Tensor[3] (2 != 3)
tt.zeros() @ a  # E: matmul: a Scalar operand: Tensor[()] @ Tensor[4, 2]  # E: Invalid self argument "Tensor[()]"
a @ 2.0  # E: No overload variant of "__matmul__" of "Tensor" matches argument type "float"


def mm_bad(x: Matrix[M, K], w: Matrix[N, K]) -> Matrix[M, K]:
    return x @ w  # E: matmul: inner dimensions differ: Tensor[M, K] @ Tensor[N, K] (K != N)


def mv_bad(x: Matrix[B, L[784]], v: Vector[L[10]]) -> Vector[B]:
    return x @ v  # E: matmul: inner dimensions differ: Tensor[B, 784] @ Tensor[10] (784 != 10)


# The product is typed from its operands, so a wrong declared result is reported as
# what it is (plain mypy pushes the return type into the product and blames `@`).
def wrong_output(x: Matrix[B, L[784]]) -> Matrix[B, L[10]]:
    return x @ tt.randn(784, 128)  # E: Incompatible return value type (got "Tensor[B, Literal[128]]", expected "Tensor[B, Literal[10]]")


wrong: Tensor[L[4], L[3]] = a @ tt.zeros(2, 5)  # E: Incompatible types in assignment (expression has type "Tensor[Literal[4], Literal[5]]"
