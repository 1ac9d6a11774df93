"""Composition typed end to end: ``a >> b >> c`` and ``Sequential(a, b, c)``.

``Sequential[In, Out]`` maps ``Matrix[B, In]`` to ``Matrix[B, Out]``. ``>>`` is
checked one step at a time and accepts every well-sized chain. ``Sequential(...)``
accepts the orders below; for the one pattern it gets wrong under plain mypy see
nn_sequential_hole.py.
"""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L
from typing import TypeVar, reveal_type

import typedtorch as tt
from typedtorch import Matrix, nn

B = TypeVar("B")

# ---- `>>`
mlp = nn.Linear(784, 128) >> nn.ReLU() >> nn.Linear(128, 10)
reveal_type(mlp)  # R: typedtorch.nn._compose.Sequential[Literal[784], Literal[10]]
reveal_type(mlp(tt.zeros(64, 784)))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[10]]
reveal_type(nn.Linear(784, 128) >> nn.ReLU() >> nn.Linear(128, 64) >> nn.ReLU() >> nn.Linear(64, 10))  # R: typedtorch.nn._compose.Sequential[Literal[784], Literal[10]]
reveal_type(nn.Linear(2, 8) >> nn.Tanh() >> nn.Dropout(0.1) >> nn.Linear(8, 8) >> nn.Sigmoid() >> nn.Linear(8, 1))  # R: typedtorch.nn._compose.Sequential[Literal[2], Literal[1]]
reveal_type(nn.Linear(3, 5) >> nn.Linear(5, 7))  # R: typedtorch.nn._compose.Sequential[Literal[3], Literal[7]]
reveal_type(nn.Linear(3, 5) >> nn.ReLU())  # R: typedtorch.nn._compose.Sequential[Literal[3], Literal[5]]
reveal_type(nn.ReLU() >> nn.Linear(3, 5))  # R: typedtorch.nn._compose.Sequential[Literal[3], Literal[5]]
reveal_type(nn.Linear(10, 10) >> nn.LogSoftmax(dim=-1))  # R: typedtorch.nn._compose.Sequential[Literal[10], Literal[10]]
reveal_type(nn.Linear(10, 10) >> nn.Softmax())  # R: typedtorch.nn._compose.Sequential[Literal[10], Literal[10]]

# Chains of chains, and chains continued after the fact.
encoder = nn.Linear(784, 64) >> nn.ReLU()
decoder = nn.Linear(64, 784) >> nn.Sigmoid()
autoencoder = encoder >> decoder
reveal_type(autoencoder)  # R: typedtorch.nn._compose.Sequential[Literal[784], Literal[784]]
reveal_type(autoencoder >> nn.Linear(784, 2))  # R: typedtorch.nn._compose.Sequential[Literal[784], Literal[2]]

# A leading Flatten: the chain keeps its layers' types (a `_Chain`), and the plugin
# checks each call: what the input flattens to must be the Linear's 784.
images = nn.Flatten() >> nn.Linear(784, 10)
reveal_type(images)  # R: typedtorch.nn._compose._Chain[*tuple[typedtorch.nn._flatten.Flatten, typedtorch.nn._linear.Linear[Literal[784], Literal[10]]]]
reveal_type(images(tt.zeros(64, 28, 28)))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[10]]


# Any callable with a `Matrix[B, X] -> Matrix[B, Y]` signature composes on the right.
class Residual(nn.Module):
    def __init__(self) -> None:
        self.fc = nn.Linear(16, 16)

    def __call__(self, x: Matrix[B, L[16]]) -> Matrix[B, L[16]]:
        return x + self.fc(x).relu()


def scale(x: Matrix[B, L[16]]) -> Matrix[B, L[16]]:
    return x * 0.5


reveal_type(nn.Linear(4, 16) >> Residual() >> nn.Linear(16, 2))  # R: typedtorch.nn._compose._Chain[*tuple[typedtorch.nn._linear.Linear[Literal[4], Literal[16]], accept.nn_compose.Residual, typedtorch.nn._linear.Linear[Literal[16], Literal[2]]]]
reveal_type(nn.Linear(4, 16) >> scale)  # R: typedtorch.nn._compose._Chain[*tuple[typedtorch.nn._linear.Linear[Literal[4], Literal[16]], def [B] (x: typedtorch._tensor.Tensor[B, Literal[16]]) -> typedtorch._tensor.Tensor[B, Literal[16]]]]

# ---- Sequential(...)
seq = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
reveal_type(seq)  # R: typedtorch.nn._compose.Sequential[Literal[784], Literal[10]]
reveal_type(seq(tt.zeros(32, 784)))  # R: typedtorch._tensor.Tensor[Literal[32], Literal[10]]
reveal_type(nn.Sequential(nn.Linear(784, 128)))  # R: typedtorch.nn._compose.Sequential[Literal[784], Literal[128]]
reveal_type(nn.Sequential(nn.Linear(784, 128), nn.Linear(128, 10)))  # R: typedtorch.nn._compose.Sequential[Literal[784], Literal[10]]
reveal_type(nn.Sequential(nn.Linear(784, 128), nn.ReLU()))  # R: typedtorch.nn._compose.Sequential[Literal[784], Literal[128]]
reveal_type(nn.Sequential(nn.ReLU(), nn.Linear(784, 128)))  # R: typedtorch.nn._compose.Sequential[Literal[784], Literal[128]]
reveal_type(nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10)))  # R: typedtorch.nn._compose.Sequential[Literal[784], Literal[10]]
reveal_type(nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.Linear(64, 10)))  # R: typedtorch.nn._compose.Sequential[Literal[784], Literal[10]]
reveal_type(nn.Sequential(nn.Linear(4, 16), Residual(), nn.Linear(16, 2)))  # R: typedtorch.nn._compose._Chain[*tuple[typedtorch.nn._linear.Linear[Literal[4], Literal[16]], accept.nn_compose.Residual, typedtorch.nn._linear.Linear[Literal[16], Literal[2]]]]
reveal_type(nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10)))  # R: typedtorch.nn._compose._Chain[*tuple[typedtorch.nn._flatten.Flatten, typedtorch.nn._linear.Linear[Literal[784], Literal[128]], typedtorch.nn._activations.ReLU, typedtorch.nn._linear.Linear[Literal[128], Literal[10]]]]
reveal_type(nn.Sequential(nn.Linear(784, 128), nn.ReLU()) >> nn.Linear(128, 64) >> nn.ReLU())  # R: typedtorch.nn._compose.Sequential[Literal[784], Literal[64]]


# Declared types and typed functions.
net: nn.Sequential[L[784], L[10]] = nn.Linear(784, 128) >> nn.ReLU() >> nn.Linear(128, 10)


def predict(model: nn.Sequential[L[784], L[10]], x: Matrix[B, L[784]]) -> Matrix[B, L[10]]:
    return model(x)


reveal_type(predict(mlp, tt.zeros(8, 784)))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[10]]
reveal_type(predict(seq, tt.zeros(8, 784)))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[10]]
