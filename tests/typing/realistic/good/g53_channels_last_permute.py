"""Images stored channels-last ``(B, H, W, C)`` (as numpy/PIL give them), permuted for the conv.

Style: ``permute(0, 3, 1, 2)`` to ``(B, C, H, W)``, a conv, and ``permute(0, 2, 3, 1)``
back for a per-pixel classifier applied with a ``Linear`` on the last dim.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

B = TypeVar("B")

tt.manual_seed(0)
conv = nn.Conv2d(3, 8, 3, padding=1)
per_pixel = nn.Linear(8, 5)


def segment(images_hwc: Tensor[B, L[16], L[16], L[3]]) -> Tensor[B, L[16], L[16], L[5]]:
    chw = images_hwc.permute(0, 3, 1, 2)  # (B, 3, 16, 16)
    features = tt.relu(conv(chw))  # (B, 8, 16, 16)
    return per_pixel(features.permute(0, 2, 3, 1))  # (B, 16, 16, 5)


out = segment(tt.rand(2, 16, 16, 3))
labels = tt.randint(0, 5, (2, 16, 16))
loss = nn.cross_entropy(out.reshape(-1, 5), labels.reshape(-1))
print(tuple(out.shape), loss.item())
