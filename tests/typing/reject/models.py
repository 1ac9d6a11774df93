"""Inside a typed model a wrong weight size is an error, and so is a wrong input or output."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Generic, TypeVar
from typing import Literal as L

import typedtorch as tt
from typedtorch import Matrix, Vector

B = TypeVar("B")
I = TypeVar("I")  # noqa: E741
O = TypeVar("O")  # noqa: E741


def model(x: Matrix[B, L[784]]) -> Matrix[B, L[10]]:
    w1 = tt.randn(784, 128)
    w2 = tt.randn(100, 10)
    h = (x @ w1).relu()
    return h @ w2  # E: matmul: inner dimensions differ: Tensor[B, 128] @ Tensor[100, 10] (128 != 100)  [shape]


def model_bias(x: Matrix[B, L[784]]) -> Matrix[B, L[10]]:
    w = tt.randn(784, 10)
    b = tt.zeros(128)
    return x @ w + b  # E: add: shapes do not broadcast: Tensor[B, 10] + Tensor[128] (last dim: 10 != 128)  [shape]


def model_output(x: Matrix[B, L[784]]) -> Matrix[B, L[10]]:
    w = tt.randn(784, 128)
    # The mypy plugin types the product from its operands, so the wrong declared result is what is reported.
    return x @ w  # E: Incompatible return value type (got "Tensor[B, Literal[128]]", expected "Tensor[B, Literal[10]]")


def model_batch(x: Matrix[B, L[784]]) -> Vector[B]:
    w = tt.randn(784, 10)
    return (x @ w).sum(dim=0)  # E: Incompatible return value type (got "Tensor[Literal[10]]", expected "Tensor[B]")


def linear(x: Matrix[B, I], w: Matrix[I, O], b: Vector[O]) -> Matrix[B, O]:
    return x @ w + b


def good(x: Matrix[B, L[784]]) -> Matrix[B, L[10]]:
    return x @ tt.randn(784, 10)


good(tt.zeros(32, 100))  # E: Argument 1 to "good" has incompatible type "Tensor[Literal[32], Literal[100]]"; expected "Tensor[Literal[32], Literal[784]]"  [arg-type]
x100 = tt.zeros(32, 100)
good(x100)  # E: Argument 1 to "good" has incompatible type "Tensor[Literal[32], Literal[100]]"; expected "Tensor[Literal[32], Literal[784]]"
y: Matrix[L[16], L[10]] = good(tt.zeros(32, 784))  # E: Argument 1 to "good" has incompatible type "Tensor[Literal[32], Literal[784]]"; expected "Tensor[Literal[16], Literal[784]]"  [arg-type]
linear(tt.zeros(8, 3), tt.zeros(4, 5), tt.zeros(5))  # E: Cannot infer value of type parameter "I" of "linear"
linear(tt.zeros(8, 3), tt.zeros(3, 5), tt.zeros(6))  # E: Cannot infer value of type parameter "O" of "linear"


class MLP(Generic[I, O]):
    def __init__(self, w1: Matrix[I, L[64]], w2: Matrix[L[64], O]) -> None:
        self.w1 = w1
        self.w2 = w2

    def __call__(self, x: Matrix[B, I]) -> Matrix[B, O]:
        return (x @ self.w1).tanh() @ self.w2


MLP(tt.randn(3, 64), tt.randn(32, 2))  # E: Argument 2 to "MLP" has incompatible type "Tensor[Literal[32], Literal[2]]"; expected "Tensor[Literal[64], Literal[2]]"  [arg-type]
net = MLP(tt.randn(3, 64), tt.randn(64, 2))
net(tt.zeros(16, 4))  # E: Argument 1 to "__call__" of "MLP" has incompatible type "Tensor[Literal[16], Literal[4]]"; expected "Tensor[Literal[16], Literal[3]]"  [arg-type]
