"""Plugin: ``Sequential(...)`` typed layer by layer, for any mix and order of layers."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Any, Literal, TypeVar, reveal_type

import typedtorch as tt
from typedtorch import Matrix, Tensor, nn

B = TypeVar("B")

# Shape-preserving layers anywhere, the same class several times (plain mypy's hole).
reveal_type(nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10), nn.ReLU()))  # R: typedtorch.nn._compose.Sequential[Literal[784], Literal[10]]
reveal_type(nn.Sequential(nn.ReLU(), nn.Linear(784, 128), nn.ReLU(), nn.Dropout(), nn.Linear(128, 10), nn.Dropout()))  # R: typedtorch.nn._compose.Sequential[Literal[784], Literal[10]]
reveal_type(nn.Sequential(nn.Dropout(), nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 2), nn.Sigmoid()))  # R: typedtorch.nn._compose.Sequential[Literal[4], Literal[2]]
reveal_type(nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10), nn.ReLU()))  # R: typedtorch.nn._compose._Chain[*tuple[typedtorch.nn._flatten.Flatten, typedtorch.nn._linear.Linear[Literal[784], Literal[128]], typedtorch.nn._activations.ReLU, typedtorch.nn._linear.Linear[Literal[128], Literal[10]], typedtorch.nn._activations.ReLU]]
reveal_type(nn.Sequential(nn.Linear(3, 4)))  # R: typedtorch.nn._compose.Sequential[Literal[3], Literal[4]]
reveal_type(nn.Sequential(nn.ReLU(), nn.Linear(3, 4)))  # R: typedtorch.nn._compose.Sequential[Literal[3], Literal[4]]

# Sequentials, modules and functions are layers too.
inner = nn.Sequential(nn.Linear(128, 64), nn.ReLU())
reveal_type(nn.Sequential(nn.Linear(784, 128), nn.ReLU(), inner, nn.Linear(64, 10)))  # R: typedtorch.nn._compose.Sequential[Literal[784], Literal[10]]


class Block(nn.Module):
    def __call__(self, x: Matrix[B, Literal[64]]) -> Matrix[B, Literal[64]]:
        return x


def scale(x: Matrix[B, Literal[64]]) -> Matrix[B, Literal[64]]:
    return x * 2.0


reveal_type(nn.Sequential(nn.Linear(784, 64), nn.ReLU(), Block(), nn.ReLU(), scale, nn.Linear(64, 10)))  # R: typedtorch.nn._compose._Chain[*tuple[typedtorch.nn._linear.Linear[Literal[784], Literal[64]], typedtorch.nn._activations.ReLU, accept.plugin_sequential.Block, typedtorch.nn._activations.ReLU, def [B] (x: typedtorch._tensor.Tensor[B, Literal[64]]) -> typedtorch._tensor.Tensor[B, Literal[64]], typedtorch.nn._linear.Linear[Literal[64], Literal[10]]]]

# The typed model checks its input and gives its output.
mlp = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10), nn.ReLU())
reveal_type(mlp(tt.zeros(32, 784)))  # R: typedtorch._tensor.Tensor[Literal[32], Literal[10]]
mlp2: nn.Sequential[Literal[784], Literal[10]] = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10), nn.ReLU())


def forward(x: Matrix[B, Literal[784]]) -> Matrix[B, Literal[10]]:
    return mlp(x)


# `>>` agrees with Sequential(...).
reveal_type(nn.Linear(784, 128) >> nn.ReLU() >> nn.Linear(128, 10) >> nn.ReLU())  # R: typedtorch.nn._compose.Sequential[Literal[784], Literal[10]]
reveal_type(nn.Flatten() >> nn.Linear(784, 10))  # R: typedtorch.nn._compose._Chain[*tuple[typedtorch.nn._flatten.Flatten, typedtorch.nn._linear.Linear[Literal[784], Literal[10]]]]
reveal_type(inner >> nn.Linear(64, 10))  # R: typedtorch.nn._compose.Sequential[Literal[128], Literal[10]]

# Unknown sizes stay unknown.
loose: nn.Linear[Any, Any] = nn.Linear(3, 4)
reveal_type(nn.Sequential(loose, nn.ReLU(), nn.Linear(4, 2)))  # R: typedtorch.nn._compose.Sequential[Any, Literal[2]]
any_tensor: Tensor[*tuple[Any, ...]] = tt.tensor([[0.0] * 784])
reveal_type(mlp(any_tensor))  # R: typedtorch._tensor.Tensor[*tuple[Any, ...], Literal[10]]

# The overloads stop at ten layers; the plugin checks any number.
reveal_type(nn.Sequential(nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 4), nn.ReLU()))  # R: typedtorch.nn._compose.Sequential[Literal[8], Literal[4]]
