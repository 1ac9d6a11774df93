"""Elementwise ops between shapes that are neither equal nor a trailing-dim broadcast."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import TypeVar

import typedtorch as tt
from typedtorch import Matrix, Vector

B = TypeVar("B")
N = TypeVar("N")

m = tt.zeros(4, 2)
mt = tt.zeros(2, 4)
v2 = tt.zeros(2)
v3 = tt.zeros(3)
v4 = tt.zeros(4)
s = tt.zeros()
t3 = tt.zeros(3, 4, 2)

m + mt  # E: Unsupported operand types for + ("Tensor[Literal[4], Literal[2]]" and "Tensor[Literal[2], Literal[4]]")
m - tt.zeros(3, 2)  # E: [arg-type]
m * mt  # E: Unsupported operand types for *
m / mt  # E: Unsupported operand types for /
m + v3  # E: Unsupported operand types for + ("Tensor[Literal[4], Literal[2]]" and "Tensor[Literal[3]]")
v3 + m  # E: Unsupported operand types for + ("Tensor[Literal[3]]" and "Tensor[Literal[4], Literal[2]]")
m * v4  # E: Unsupported operand types for * ("Tensor[Literal[4], Literal[2]]" and "Tensor[Literal[4]]")
v4 / m  # E: Unsupported operand types for /
m - t3  # E: Unsupported operand types for - ("Tensor[Literal[4], Literal[2]]" and "Tensor[Literal[3], Literal[4], Literal[2]]")
v2 + v3  # E: Unsupported operand types for +
m ** m  # E: Unsupported operand types for ** ("Tensor[Literal[4], Literal[2]]" and "Tensor[Literal[4], Literal[2]]")
m ** s  # E: Unsupported operand types for ** ("Tensor[Literal[4], Literal[2]]" and "Tensor[()]")
2.0 ** m  # E: No overload variant of "__pow__" of "float" matches argument type "Tensor[Literal[4], Literal[2]]"
m + "1"  # E: No overload variant of "__add__" of "Tensor" matches argument type "str"
"1" * m  # E: Unsupported operand types for * ("str" and "Tensor[Literal[4], Literal[2]]")
m + None  # E: No overload variant of "__add__" of "Tensor" matches argument type "None"


def affine(x: Matrix[B, N], shift: Vector[B]) -> Matrix[B, N]:
    return x + shift  # E: Unsupported operand types for + ("Tensor[B, N]" and "Tensor[B]")


def wrong_result(x: Matrix[B, N], y: Matrix[B, N]) -> Vector[N]:
    return x * y  # E: Incompatible return value type (got "Tensor[B, N]", expected "Tensor[N]")
