"""A ``Module`` subclass may define PyTorch's ``forward``; calling the module is typed from it."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Any, Literal, TypeVar, reveal_type

import typedtorch as tt
from typedtorch import Matrix, Tensor, nn

B = TypeVar("B")
T = TypeVar("T")
L64 = Literal[64]


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc1: nn.Linear[Literal[784], Literal[128]] = nn.Linear(784, 128)
        self.fc2: nn.Linear[Literal[128], Literal[10]] = nn.Linear(128, 10)
        self.drop = nn.Dropout(0.25)

    def forward(self, x: Tensor[B, Literal[784]]) -> Tensor[B, Literal[10]]:
        return self.fc2(self.drop(self.fc1(x).relu()))


x: Tensor[L64, Literal[784]] = tt.zeros(64, 784)
net = Net()
reveal_type(net(x))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[10]] | Any
out: Tensor[L64, Literal[10]] = net(x)
reveal_type(net.forward(x))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[10]]
nn.cross_entropy(net(x), tt.zeros(64, dtype="int64")).backward()
reveal_type(net.eval())  # R: accept.nn_forward.Net


# Several arguments, keywords and defaults come from forward's signature too.
class Scaled(nn.Module):
    def forward(self, x: Matrix[B, Literal[3]], scale: float = 1.0, *, shift: float = 0.0) -> Matrix[B, Literal[3]]:
        return x * scale + shift


s = Scaled()
reveal_type(s(tt.zeros(2, 3), 2.0, shift=1.0))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[3]] | Any


# A generic forward keeps its type variables.
class Identity(nn.Module):
    def forward(self, x: T) -> T:
        return x


reveal_type(Identity()(tt.zeros(5)))  # R: typedtorch._tensor.Tensor[Literal[5]] | Any


# A subclass with its own typed __call__ still works (both styles side by side).
class Explicit(nn.Module):
    def __init__(self) -> None:
        self.fc: nn.Linear[Literal[3], Literal[1]] = nn.Linear(3, 1)

    def __call__(self, x: Matrix[B, Literal[3]]) -> Matrix[B, Literal[1]]:
        return self.fc(x)


reveal_type(Explicit()(tt.zeros(4, 3)))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[1]]


# Forward-style modules compose inside other forward-style modules.
class Outer(nn.Module):
    def __init__(self) -> None:
        self.inner = Net()
        self.blocks = nn.ModuleList([Scaled(), Scaled()])

    def forward(self, x: Tensor[B, Literal[784]]) -> Tensor[B, Literal[10]]:
        y: Tensor[B, Literal[10]] = self.inner(x)
        return y


reveal_type(Outer()(x))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[10]] | Any


def train_step(model: nn.Module, batch: Any) -> None:
    # A model known only as nn.Module is still callable (with unchecked arguments).
    model(batch)
