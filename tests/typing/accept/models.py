"""User code with symbolic dims: a model typed ``Matrix[B, 784] -> Matrix[B, 10]`` checks."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Generic, TypeVar, reveal_type
from typing import Literal as L

import typedtorch as tt
from typedtorch import Matrix, Scalar, Vector

B = TypeVar("B")
I = TypeVar("I")  # noqa: E741
O = TypeVar("O")  # noqa: E741


def model(x: Matrix[B, L[784]]) -> Matrix[B, L[10]]:
    w1 = tt.randn(784, 128)
    b1 = tt.zeros(128)
    w2 = tt.randn(128, 10)
    h = (x @ w1 + b1).relu()
    return h @ w2


def linear(x: Matrix[B, I], w: Matrix[I, O], b: Vector[O]) -> Matrix[B, O]:
    return x @ w + b


def cross_entropy(logits: Matrix[B, L[10]], onehot: Matrix[B, L[10]]) -> Scalar:
    return -(onehot * logits.log_softmax(dim=-1)).sum(dim=1).mean()


reveal_type(model(tt.zeros(32, 784)))  # R: typedtorch._tensor.Tensor[Literal[32], Literal[10]]
reveal_type(model(tt.tensor([[0.0] * 784])))  # R: typedtorch._tensor.Tensor[Any, Literal[10]]
reveal_type(linear(tt.zeros(8, 3), tt.zeros(3, 5), tt.zeros(5)))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[5]]
reveal_type(cross_entropy(model(tt.zeros(32, 784)), tt.zeros(32, 10)))  # R: typedtorch._tensor.Tensor[()]


def batch_loop(n: int) -> None:
    x = tt.randn(n, 784)
    reveal_type(model(x))  # R: typedtorch._tensor.Tensor[Any, Literal[10]]


# A class holding typed weights.
class MLP(Generic[I, O]):
    def __init__(self, w1: Matrix[I, L[64]], w2: Matrix[L[64], O]) -> None:
        self.w1 = w1
        self.w2 = w2

    def __call__(self, x: Matrix[B, I]) -> Matrix[B, O]:
        return (x @ self.w1).tanh() @ self.w2


net = MLP(tt.randn(3, 64), tt.randn(64, 2))
reveal_type(net)  # R: accept.models.MLP[Literal[3], Literal[2]]
reveal_type(net(tt.zeros(16, 3)))  # R: typedtorch._tensor.Tensor[Literal[16], Literal[2]]
