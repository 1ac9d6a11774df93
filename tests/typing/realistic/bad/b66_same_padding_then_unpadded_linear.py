"""A CNN switched to ``padding="same"`` whose head still expects the unpadded size.

Bug: with ``padding="same"`` the 28x28 digit stays 28x28 through both convolutions,
and the pool gives 14x14, so the head needs ``64 * 14 * 14`` inputs; the head was
sized for the unpadded net (``64 * 12 * 12``, 9216).
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
        self.conv1 = nn.Conv2d(1, 32, 3, padding="same")
        self.conv2 = nn.Conv2d(32, 64, 3, padding="same")
        self.fc = nn.Linear(9216, 10)

    def forward(self, x: Tensor[B, L[1], L[28], L[28]]) -> Tensor[B, L[10]]:
        h = F.max_pool2d(F.relu(self.conv2(F.relu(self.conv1(x)))), 2)
        return self.fc(tt.flatten(h, 1))  # BUG: 12544 features into Linear(9216, 10)


tt.manual_seed(0)
print(tuple(Net()(tt.randn(2, 1, 28, 28)).shape))
