"""A conv block whose ``BatchNorm2d`` has the wrong channel count.

Bug: ``nn.Conv2d(1, 16, 3)`` outputs 16 channels; the norm is ``nn.BatchNorm2d(32)``.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn
from typedtorch.nn import functional as F

B = TypeVar("B")


class ConvBlock(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, 16, 3, padding=1)
        self.bn = nn.BatchNorm2d(32)

    def forward(self, x: Tensor[B, L[1], L[28], L[28]]) -> tt.Tensor:
        return F.relu(self.bn(self.conv(x)))  # BUG: 16 channels into BatchNorm2d(32)


tt.manual_seed(0)
print(tuple(ConvBlock()(tt.rand(4, 1, 28, 28)).shape))
