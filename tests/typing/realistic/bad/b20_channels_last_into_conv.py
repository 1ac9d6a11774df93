"""Channels-last images ``(B, H, W, C)`` (as numpy and PIL store them) given straight to a conv.

Bug: ``nn.Conv2d(3, 16, 3)`` reads dim 1 as the channels: 32, not 3. ``permute(0, 3, 1, 2)``
was needed.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

B = TypeVar("B")

conv = nn.Conv2d(3, 16, 3, padding=1)


def features(images_hwc: Tensor[B, L[32], L[32], L[3]]) -> tt.Tensor:
    return tt.relu(conv(images_hwc))  # BUG: (B, H, W, C) into a conv that wants (B, C, H, W)


print(tuple(features(tt.rand(2, 32, 32, 3)).shape))
