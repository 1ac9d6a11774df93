"""``@`` with mismatched inner dims is an error in every form."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import TypeVar

import typedtorch as tt
from typedtorch import Matrix, Tensor

M = TypeVar("M")
K = TypeVar("K")
N = TypeVar("N")

a = tt.zeros(4, 2)
c = tt.zeros(3, 5)
v3 = tt.zeros(3)
v2 = tt.zeros(2)

a @ c  # E: matmul: inner dimensions differ: Tensor[4, 2] @ Tensor[3, 5] (2 != 3)  [shape]
a @ v3  # E: matmul: inner dimensions differ: Tensor[4, 2] @ Tensor[3] (2 != 3)  [shape]
v3 @ v2  # E: matmul: inner dimensions differ: Tensor[3] @ Tensor[2] (3 != 2)  [shape]
v3 @ a  # E: matmul: inner dimensions differ: Tensor[3] @ Tensor[4, 2] (3 != 4)  [shape]
tt.zeros(7, 4, 2) @ tt.zeros(7, 3, 5)  # E: matmul: inner dimensions differ: Tensor[7, 4, 2] @ Tensor[7, 3, 5] (2 != 3)  [shape]
x3 = tt.zeros(7, 4, 2)
x3 @ tt.zeros(6, 2, 5)  # E: matmul: batch dimensions do not broadcast: Tensor[7, 4, 2] @ Tensor[6, 2, 5] (dim 0: 7 != 6)  [shape]
y3 = tt.zeros(6, 2, 5)
x3 @ y3  # E: matmul: batch dimensions do not broadcast: Tensor[7, 4, 2] @ Tensor[6, 2, 5] (dim 0: 7 != 6)  [shape]
tt.zeros() @ a  # E: matmul: a Scalar operand: Tensor[()] @ Tensor[4, 2] (@ needs at least one dim on each side)  [shape]
a @ 2.0  # E: No overload variant of "__matmul__" of "Tensor" matches argument type "float"
a @ a  # E: matmul: inner dimensions differ: Tensor[4, 2] @ Tensor[4, 2] (2 != 4)  [shape]


def mm_bad(x: Matrix[M, K], w: Matrix[N, K]) -> Matrix[M, K]:
    return x @ w  # E: matmul: inner dimensions differ: Tensor[M, K] @ Tensor[N, K] (K != N)  [shape]


def bmm_bad(x: Tensor[M, K, N], w: Tensor[M, K, N]) -> Tensor[M, K, N]:
    return x @ w  # E: matmul: inner dimensions differ: Tensor[M, K, N] @ Tensor[M, K, N] (N != K)  [shape]


stack3 = tt.zeros(5, 4, 3)
w47 = tt.zeros(4, 7)
stack3 @ w47  # E: matmul: inner dimensions differ: Tensor[5, 4, 3] @ Tensor[4, 7] (3 != 4)  [shape]
