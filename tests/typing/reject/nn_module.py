"""A ``Module`` subclass's typed ``__call__`` is enforced; the base's methods take what they say."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Matrix, nn

B = TypeVar("B")


class Net(nn.Module):
    def __init__(self) -> None:
        self.fc1 = nn.Linear(784, 128)
        self.fc2 = nn.Linear(128, 10)

    def __call__(self, x: Matrix[B, L[784]]) -> Matrix[B, L[10]]:
        return self.fc2(self.fc1(x).relu())


class Broken(nn.Module):
    def __init__(self) -> None:
        self.fc1 = nn.Linear(784, 128)
        self.fc2 = nn.Linear(64, 10)

    def __call__(self, x: Matrix[B, L[784]]) -> Matrix[B, L[10]]:
        return self.fc2(self.fc1(x))  # E: Linear[64, 10]: input is Tensor[B, 128], expected Tensor[B, 64] (last dim: 128 != 64)  [shape]


net = Net()
net(tt.zeros(32, 100))  # E: Net: input is Tensor[32, 100], expected Tensor[32, 784] (last dim: 100 != 784)  [shape]
y: Matrix[L[32], L[5]] = net(tt.zeros(32, 784))  # E: Incompatible types in assignment
net.to(0)  # E: Argument 1 to "to" of "Module" has incompatible type "int"; expected "str"
net.load_state_dict([("fc1.weight", tt.zeros(784, 128))])  # E: Argument 1 to "load_state_dict" of "Module" has incompatible type
net.train("yes")  # E: Argument 1 to "train" of "Module" has incompatible type "str"; expected "bool"
net.forward(tt.zeros(32, 784))  # E: "Net" has no attribute "forward"
