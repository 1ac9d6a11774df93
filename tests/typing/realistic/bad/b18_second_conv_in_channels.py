"""Two stacked convolutions whose channel counts do not chain.

Bug: ``conv1`` outputs 32 channels; ``conv2`` is ``nn.Conv2d(16, 64, 3)``.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn
from typedtorch.nn import functional as F

B = TypeVar("B")


class Features(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(16, 64, 3)

    def forward(self, x: Tensor[B, L[1], L[28], L[28]]) -> tt.Tensor:
        h = F.relu(self.conv1(x))  # (B, 32, 26, 26)
        return F.relu(self.conv2(h))  # BUG: 32 channels into Conv2d(16, 64, 3)


tt.manual_seed(0)
print(tuple(Features()(tt.rand(2, 1, 28, 28)).shape))
