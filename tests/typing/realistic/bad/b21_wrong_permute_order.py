"""Channels-last images permuted with the wrong order before a conv.

Bug: ``permute(0, 2, 3, 1)`` of ``(B, 24, 32, 3)`` gives ``(B, 32, 3, 24)``; the
channels-first order is ``permute(0, 3, 1, 2)``.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

B = TypeVar("B")

conv = nn.Conv2d(3, 8, 3, padding=1)


def to_features(images_hwc: Tensor[B, L[24], L[32], L[3]]) -> tt.Tensor:
    chw = images_hwc.permute(0, 2, 3, 1)  # meant (0, 3, 1, 2)
    return conv(chw)  # BUG: 32 "channels" into Conv2d(3, 8, 3)


print(tuple(to_features(tt.rand(2, 24, 32, 3)).shape))
