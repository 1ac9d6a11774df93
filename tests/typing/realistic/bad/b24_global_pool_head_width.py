"""A global-average-pool head sized for the wrong number of channels.

Bug: the last conv has 64 channels, so pooling and flattening give 64 features; the
head is ``nn.Linear(128, 10)``.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

B = TypeVar("B")


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Conv2d(3, 32, 3, padding=1) >> nn.ReLU() >> nn.Conv2d(32, 64, 3, padding=1) >> nn.ReLU()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(128, 10)

    def forward(self, x: Tensor[B, L[3], L[16], L[16]]) -> Tensor[B, L[10]]:
        pooled = self.pool(self.body(x)).flatten(1)  # (B, 64)
        return self.head(pooled)  # BUG: 64 features into Linear(128, 10)


tt.manual_seed(0)
print(tuple(Net()(tt.randn(2, 3, 16, 16)).shape))
