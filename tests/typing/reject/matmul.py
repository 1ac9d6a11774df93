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

a @ c  # E: Unsupported operand types for @ ("Tensor[Literal[4], Literal[2]]" and "Tensor[Literal[3], Literal[5]]")
a @ v3  # E: Unsupported operand types for @ ("Tensor[Literal[4], Literal[2]]" and "Tensor[Literal[3]]")
v3 @ v2  # E: Unsupported operand types for @ ("Tensor[Literal[3]]" and "Tensor[Literal[2]]")
v3 @ a  # E: Unsupported operand types for @ ("Tensor[Literal[3]]" and "Tensor[Literal[4], Literal[2]]")
tt.zeros(7, 4, 2) @ tt.zeros(7, 3, 5)  # E: Unsupported operand types for @
x3 = tt.zeros(7, 4, 2)
x3 @ tt.zeros(6, 2, 5)  # E: Unsupported operand types for @
y3 = tt.zeros(6, 2, 5)
x3 @ y3  # E: Unsupported operand types for @
tt.zeros() @ a  # E: Unsupported operand types for @
a @ 2.0  # E: No overload variant of "__matmul__" of "Tensor" matches argument type "float"
a @ a  # E: Unsupported operand types for @


def mm_bad(x: Matrix[M, K], w: Matrix[N, K]) -> Matrix[M, K]:
    return x @ w  # E: Unsupported operand types for @ ("Tensor[M, K]" and "Tensor[N, K]")


def bmm_bad(x: Tensor[M, K, N], w: Tensor[M, K, N]) -> Tensor[M, K, N]:
    return x @ w  # E: Unsupported operand types for @ ("Tensor[M, K, N]" and "Tensor[M, K, N]")


stack3 = tt.zeros(5, 4, 3)
w47 = tt.zeros(4, 7)
stack3 @ w47  # E: Unsupported operand types for @
