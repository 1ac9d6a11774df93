"""Plugin: literal sizes survive where plain mypy widens them to ``int``."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Final, reveal_type

import typedtorch as tt
from typedtorch import nn

# A shape kept in a Final tuple, spread into a factory or given whole to `full`.
SHAPE: Final = (4, 2)
reveal_type(tt.zeros(*SHAPE))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(tt.randn(*SHAPE, requires_grad=True))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(tt.ones(3, *SHAPE))  # R: typedtorch._tensor.Tensor[Literal[3], Literal[4], Literal[2]]
reveal_type(tt.zeros(*(5, 6)))  # R: typedtorch._tensor.Tensor[Literal[5], Literal[6]]
reveal_type(tt.full(SHAPE, 0.5))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]

# Sizes in Final names: inferred (plain mypy keeps these) or declared `Final[int]`.
n: Final = 784
N_IN: Final[int] = 784
DIMS: Final = (784, 10)
reveal_type(nn.Linear(n, 10))  # R: typedtorch.nn._linear.Linear[Literal[784], Literal[10]]
reveal_type(nn.Linear(N_IN, 10))  # R: typedtorch.nn._linear.Linear[Literal[784], Literal[10]]
reveal_type(nn.Linear(*DIMS))  # R: typedtorch.nn._linear.Linear[Literal[784], Literal[10]]
reveal_type(nn.Linear(in_features=N_IN, out_features=10))  # R: typedtorch.nn._linear.Linear[Literal[784], Literal[10]]
reveal_type(tt.zeros(N_IN))  # R: typedtorch._tensor.Tensor[Literal[784]]


class Config:
    hidden: Final[int] = 128


reveal_type(nn.Linear(N_IN, Config.hidden))  # R: typedtorch.nn._linear.Linear[Literal[784], Literal[128]]


# What may change stays an int.
def sized(k: int) -> None:
    reveal_type(nn.Linear(k, 10))  # R: typedtorch.nn._linear.Linear[Any, Literal[10]]
    reveal_type(tt.zeros(*(k, 2)))  # R: typedtorch._tensor.Tensor[Any, Literal[2]]


mutable = (4, 2)
reveal_type(tt.zeros(*mutable))  # R: typedtorch._tensor.Tensor[Any, Any]

# Size tuples written out keep the values of plain-int constants (`B, T = 4, 8`).
Bs, Ts, VOCAB = 4, 8, 65
reveal_type(tt.randint(0, VOCAB, (Bs, Ts)))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[8]]
reveal_type(tt.zeros((Bs, Ts)))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[8]]


def sized_tuple(k: int) -> None:
    reveal_type(tt.zeros((k, Ts)))  # R: typedtorch._tensor.Tensor[Any, Literal[8]]


# x.item() takes the number type its context expects (no "Returning Any" under --strict).
def step_loss() -> float:
    return tt.zeros(3).sum().item()


def predicted_class() -> int:
    label: int = tt.zeros(10).argmax().item()
    return label
