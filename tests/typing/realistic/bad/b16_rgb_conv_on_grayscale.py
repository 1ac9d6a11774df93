"""A CNN written for RGB images (``in_channels=3``) trained on grayscale MNIST.

Bug: ``nn.Conv2d(3, 16, 3)`` gets ``(B, 1, 28, 28)`` images: 1 channel, not 3.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

B = TypeVar("B")

tt.manual_seed(0)
conv = nn.Conv2d(3, 16, 3)
pool = nn.MaxPool2d(2)
fc = nn.Linear(16 * 13 * 13, 10)


def logits(images: Tensor[B, L[1], L[28], L[28]]) -> Tensor[B, L[10]]:
    features = pool(tt.relu(conv(images)))  # BUG: 1-channel images into Conv2d(3, ...)
    return fc(features.flatten(1))


print(tuple(logits(tt.rand(4, 1, 28, 28)).shape))
