"""Calling a ``forward``-style module is checked against ``forward``'s signature."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal, TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

B = TypeVar("B")


class Net(nn.Module):
    def __init__(self) -> None:
        self.fc: nn.Linear[Literal[784], Literal[10]] = nn.Linear(784, 10)

    def forward(self, x: Tensor[B, Literal[784]]) -> Tensor[B, Literal[10]]:
        return self.fc(x)


class Broken(nn.Module):
    def forward(self, x: Tensor[B, Literal[784]]) -> Tensor[B, Literal[10]]:
        return x  # E: Incompatible return value type (got "Tensor[B, Literal[784]]", expected "Tensor[B, Literal[10]]")


class Scaled(nn.Module):
    def forward(self, x: Tensor[B, Literal[3]], *, scale: float = 1.0) -> Tensor[B, Literal[3]]:
        return x * scale


net = Net()
wrong: Tensor[Literal[64], Literal[100]] = tt.zeros(64, 100)
net(wrong)  # E: Argument 1 has incompatible type "Tensor[Literal[64], Literal[100]]"; expected "Tensor[Literal[64], Literal[784]]"
net(tt.zeros(64, 784), tt.zeros(64, 784))  # E: Too many arguments
net()  # E: Too few arguments
y: Tensor[Literal[64], Literal[5]] = net(tt.zeros(64, 784))  # E: Incompatible types in assignment
Scaled()(tt.zeros(2, 3), 2.0)  # E: Too many positional arguments
Scaled()(tt.zeros(2, 3), scale="big")  # E: Argument "scale" has incompatible type "str"; expected "float"
Scaled()(tt.zeros(2, 3), shift=1.0)  # E: Unexpected keyword argument "shift"
