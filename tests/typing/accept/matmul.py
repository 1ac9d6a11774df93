"""``@``: matrix x matrix, matrix x vector, vector . vector, vector x matrix, batched."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Any, Literal, TypeVar, reveal_type

import typedtorch as tt
from typedtorch import Matrix, Scalar, Tensor, Vector

B = TypeVar("B")
M = TypeVar("M")
K = TypeVar("K")
N = TypeVar("N")

a = tt.zeros(4, 2)
b = tt.zeros(2, 5)
v2 = tt.zeros(2)
v4 = tt.zeros(4)
reveal_type(a @ b)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[5]]
reveal_type(a @ v2)  # R: typedtorch._tensor.Tensor[Literal[4]]
reveal_type(v2 @ v2)  # R: typedtorch._tensor.Tensor[()]
reveal_type(v4 @ a)  # R: typedtorch._tensor.Tensor[Literal[2]]
reveal_type(a @ b @ tt.zeros(5, 3))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[3]]
reveal_type(tt.zeros(4, 2) @ tt.zeros(2, 5))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[5]]
reveal_type(a @ tt.zeros(2))  # R: typedtorch._tensor.Tensor[Literal[4]]

# Batched: leading dims must agree, the last two multiply.
x3 = tt.zeros(7, 4, 2)
y3 = tt.zeros(7, 2, 5)
reveal_type(x3 @ y3)  # R: typedtorch._tensor.Tensor[Literal[7], Literal[4], Literal[5]]
reveal_type(tt.zeros(6, 7, 4, 2) @ tt.zeros(6, 7, 2, 3))  # R: typedtorch._tensor.Tensor[Literal[6], Literal[7], Literal[4], Literal[3]]


# Symbolic sizes.
def mm(x: Matrix[M, K], w: Matrix[K, N]) -> Matrix[M, N]:
    return x @ w


def mv(x: Matrix[M, K], w: Vector[K]) -> Vector[M]:
    return x @ w


def dot(x: Vector[K], y: Vector[K]) -> Scalar:
    return x @ y


def vm(x: Vector[K], w: Matrix[K, N]) -> Vector[N]:
    return x @ w


def bmm(x: Tensor[B, M, K], w: Tensor[B, K, N]) -> Tensor[B, M, N]:
    return x @ w


reveal_type(mm(a, b))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[5]]
reveal_type(bmm(x3, y3))  # R: typedtorch._tensor.Tensor[Literal[7], Literal[4], Literal[5]]

# Unknown shapes are accepted in any position.
u = tt.tensor([[1.0]])
reveal_type(u @ b)  # R: typedtorch._tensor.Tensor[*tuple[Any, ...]]
reveal_type(a @ u)  # R: typedtorch._tensor.Tensor[*tuple[Any, ...]]
w_in: Matrix[Any, Literal[5]] = tt.zeros(9, 5)
reveal_type(a @ w_in)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[5]]
w_out: Matrix[Literal[2], Any] = tt.zeros(2, 9)
reveal_type(a @ w_out)  # R: typedtorch._tensor.Tensor[Literal[4], Any]
# With every dim of an operand Any, mypy finds several overloads matching and falls
# back to an any-rank result: still accepted, just less precise.
w_any: Matrix[Any, Any] = tt.zeros(3, 3)
reveal_type(a @ w_any)  # R: typedtorch._tensor.Tensor[Literal[4], Any]
v_any: Vector[Any] = tt.zeros(7)
reveal_type(v_any @ v_any)  # R: typedtorch._tensor.Tensor[()]

# A stack of matrices times one matrix (a batched layer): leading dims carried through.
stack3 = tt.zeros(5, 4, 3)
reveal_type(stack3 @ tt.zeros(3, 7))  # R: typedtorch._tensor.Tensor[Literal[5], Literal[4], Literal[7]]
