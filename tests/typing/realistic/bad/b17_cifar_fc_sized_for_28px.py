"""The CIFAR-10 tutorial net with ``fc1`` sized as if the images were 28x28.

Bug: on 32x32 inputs the features after two conv5 + pool stages are 16 * 5 * 5 = 400;
``nn.Linear(16 * 4 * 4, 120)`` expects 256.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn
from typedtorch.nn import functional as F

B = TypeVar("B")


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 4 * 4, 120)
        self.fc2 = nn.Linear(120, 10)

    def forward(self, x: Tensor[B, L[3], L[32], L[32]]) -> Tensor[B, L[10]]:
        a = self.pool(F.relu(self.conv1(x)))  # (B, 6, 14, 14)
        b = self.pool(F.relu(self.conv2(a)))  # (B, 16, 5, 5)
        return self.fc2(F.relu(self.fc1(tt.flatten(b, 1))))  # BUG: 400 features into Linear(256, 120)


tt.manual_seed(0)
print(tuple(Net()(tt.randn(2, 3, 32, 32)).shape))
