"""pyright rejects a layer called on a tensor of the wrong annotated size (plain typing)."""

from typing import Literal as L
from typing import TypeVar

from typedtorch import Matrix, nn

B = TypeVar("B")

fc: nn.Linear[L[784], L[10]] = nn.Linear(784, 10)


def classify(x: Matrix[B, L[100]]) -> Matrix[B, L[10]]:
    return fc(x)  # E: reportArgumentType


def classify_ok(x: Matrix[B, L[784]]) -> Matrix[B, L[10]]:
    return fc(x)


class Net(nn.Module):
    def __init__(self) -> None:
        self.hidden: nn.Linear[L[784], L[128]] = nn.Linear(784, 128)
        self.out: nn.Linear[L[128], L[10]] = nn.Linear(128, 10)

    def __call__(self, x: Matrix[B, L[784]]) -> Matrix[B, L[10]]:
        return self.out(self.hidden(x).relu())


def predict(net: Net, rows: Matrix[B, L[28]]) -> Matrix[B, L[10]]:
    return net(rows)  # E: reportArgumentType


def skipped_layer(net: Net, x: Matrix[B, L[784]]) -> Matrix[B, L[10]]:
    return net.out(x)  # E: reportArgumentType
