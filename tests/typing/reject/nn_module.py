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
        return self.fc2(self.fc1(x))  # E: Argument 1 to "__call__" of "Linear" has incompatible type "Tensor[B, Literal[128]]"; expected "Tensor[B, Literal[64]]"


net = Net()
net(tt.zeros(32, 100))  # E: Argument 2 to "zeros" has incompatible type "Literal[100]"; expected "Literal[784]"
y: Matrix[L[32], L[5]] = net(tt.zeros(32, 784))  # E: Incompatible types in assignment
net.to(0)  # E: Argument 1 to "to" of "Module" has incompatible type "int"; expected "str"
net.load_state_dict([("fc1.weight", tt.zeros(784, 128))])  # E: Argument 1 to "load_state_dict" of "Module" has incompatible type
net.train("yes")  # E: Argument 1 to "train" of "Module" has incompatible type "str"; expected "bool"
net.forward(tt.zeros(32, 784))  # E: "Net" has no attribute "forward"
nn.Module()(tt.zeros(3))  # E: Module not callable
