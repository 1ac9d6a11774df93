"""``nn.Linear`` keeps literal sizes without annotations and maps ``Tensor[*P, I]`` to ``Tensor[*P, O]``."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L
from typing import TypeVar, reveal_type

import typedtorch as tt
from typedtorch import Matrix, nn

B = TypeVar("B")

fc = nn.Linear(784, 128)
reveal_type(fc)  # R: typedtorch.nn._linear.Linear[Literal[784], Literal[128]]
reveal_type(nn.Linear(2, 1, bias=False))  # R: typedtorch.nn._linear.Linear[Literal[2], Literal[1]]
reveal_type(nn.Linear(3, 4, seed=0, device="cpu", dtype="float64"))  # R: typedtorch.nn._linear.Linear[Literal[3], Literal[4]]
reveal_type(fc.weight)  # R: typedtorch._tensor.Tensor[Literal[784], Literal[128]]
reveal_type(fc.bias)  # R: typedtorch._tensor.Tensor[Literal[128]] | None
reveal_type(fc.in_features)  # R: Literal[784]

# Calls: a matrix, a batch of matrices, a single vector.
reveal_type(fc(tt.zeros(64, 784)))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[128]]
reveal_type(fc(tt.zeros(5, 64, 784)))  # R: typedtorch._tensor.Tensor[Literal[5], Literal[64], Literal[128]]
reveal_type(fc(tt.zeros(784)))  # R: typedtorch._tensor.Tensor[Literal[128]]
reveal_type(fc(tt.tensor([[0.0] * 784])))  # R: typedtorch._tensor.Tensor[*tuple[Any, ...], Literal[128]]


# A size known only at run time stays `int`; the literal one is kept (the bound's doing).
def from_data(n: int) -> None:
    reveal_type(nn.Linear(n, 10))  # R: typedtorch.nn._linear.Linear[Any, Literal[10]]
    reveal_type(nn.Linear(10, n))  # R: typedtorch.nn._linear.Linear[Literal[10], Any]


# Symbolic batch sizes flow through.
def head(x: Matrix[B, L[128]]) -> Matrix[B, L[10]]:
    return nn.Linear(128, 10)(x)


def two_layers(x: Matrix[B, L[784]]) -> Matrix[B, L[10]]:
    h = fc(x).relu()
    reveal_type(h)  # R: typedtorch._tensor.Tensor[B, Literal[128]]
    return head(h)


# With a declared type, the annotation is checked against the constructor.
declared: nn.Linear[L[784], L[128]] = nn.Linear(784, 128)
reveal_type(declared(tt.zeros(2, 784)))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[128]]
