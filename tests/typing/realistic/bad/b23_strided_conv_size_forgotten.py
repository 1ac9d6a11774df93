"""A strided conv halves the image, but the classifier was sized for the full resolution.

Bug: ``Conv2d(3, 16, 3, stride=2, padding=1)`` maps 32x32 to 16x16, so the features are
16 * 16 * 16 = 4096, not 16 * 32 * 32.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

B = TypeVar("B")


class Downsampler(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, stride=2, padding=1)
        self.fc = nn.Linear(16 * 32 * 32, 10)

    def forward(self, x: Tensor[B, L[3], L[32], L[32]]) -> Tensor[B, L[10]]:
        return self.fc(tt.relu(self.conv(x)).flatten(1))  # BUG: 4096 features, Linear wants 16384


tt.manual_seed(0)
print(tuple(Downsampler()(tt.randn(2, 3, 32, 32)).shape))
