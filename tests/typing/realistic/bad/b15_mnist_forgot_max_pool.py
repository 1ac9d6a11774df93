"""pytorch/examples' MNIST ``Net`` with the max-pool left out of ``forward``.

Bug: without ``F.max_pool2d(x, 2)`` the features are 64 * 24 * 24 = 36864, not the 9216
that ``fc1`` was sized for.
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
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x: Tensor[B, L[1], L[28], L[28]]) -> Tensor[B, L[10]]:
        c2 = F.relu(self.conv2(F.relu(self.conv1(x))))  # (B, 64, 24, 24)
        hidden = F.relu(self.fc1(tt.flatten(c2, 1)))  # BUG: no max_pool2d: 36864 features, not 9216
        return F.log_softmax(self.fc2(hidden), dim=1)


tt.manual_seed(0)
print(tuple(Net()(tt.rand(2, 1, 28, 28)).shape))
