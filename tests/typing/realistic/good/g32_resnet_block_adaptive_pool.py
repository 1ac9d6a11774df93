"""A residual block (conv-BN-ReLU-conv-BN plus the input) and a global-pool head.

Style: ``padding=1`` convs that keep the size, ``nn.BatchNorm2d``, residual add of equal
shapes, ``nn.AdaptiveAvgPool2d((1, 1))`` then ``flatten(1)`` into ``nn.Linear(16, 10)``.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn
from typedtorch.nn import functional as F

B = TypeVar("B")
H = TypeVar("H")
W = TypeVar("W")


class BasicBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x: Tensor[B, L[16], H, W]) -> Tensor[B, L[16], H, W]:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + x)


class TinyResNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, padding=1)
        self.block = BasicBlock(16)
        self.pool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(16, 10)

    def forward(self, x: Tensor[B, L[3], L[24], L[24]]) -> Tensor[B, L[10]]:
        features = self.block(F.relu(self.stem(x)))
        return self.fc(self.pool(features).flatten(1))


tt.manual_seed(0)
net = TinyResNet()
print(tuple(net(tt.randn(2, 3, 24, 24)).shape))
