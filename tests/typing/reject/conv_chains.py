"""Convolutional chains the plugin rejects: the error names the layer and the sizes."""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

B = TypeVar("B")

images = tt.zeros(64, 1, 28, 28)

# The 9216/9126 bug: the Linear after Flatten does not take what the convolutions give.
net = nn.Sequential(
    nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(9126, 128)
)
# The whole message: "Sequential: input is Tensor[64, 1, 28, 28]; layer 5 (Linear[9126, 128])
# cannot take Tensor[64, 9216] from layer 4 (Flatten): expected Tensor[64, 9126] (last dim: 9216 != 9126)"
net(images)  # E: cannot take Tensor[64, 9216] from layer 4 (Flatten): expected Tensor[64, 9126]

# A forgotten pool: the same check.
no_pool = nn.Conv2d(1, 32, 3) >> nn.ReLU() >> nn.Conv2d(32, 64, 3) >> nn.Flatten() >> nn.Linear(9216, 10)
no_pool(images)  # E: layer 4 (Linear[9216, 10]) cannot take Tensor[64, 36864] from layer 3 (Flatten)

# Channels that do not fit are caught where the chain is built, before any call.
nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(16, 64, 3))  # E: dim 1 is 32, expected CIn = 16
nn.Conv2d(1, 32, 3) >> nn.BatchNorm2d(64)  # E: >>: BatchNorm2d[64] cannot take Tensor[B, 32, Any, Any]

# The wrong input: too few channels, too small an image.
features = nn.Sequential(nn.Conv2d(3, 16, 5), nn.MaxPool2d(2), nn.Conv2d(16, 32, 5))
features(images)  # E: layer 0 (Conv2d[3, 16, 5, 1, 0, 1]) cannot take Tensor[64, 1, 28, 28] as input
features(tt.zeros(8, 3, 10, 10))  # E: Tensor[8, 16, 3, 3] from layer 1 (MaxPool2d[2, 2, 0, 1]): output dim 2


def stem(x: Tensor[B, L[3], L[32], L[32]]) -> Tensor[B, L[16], L[32], L[32]]:
    return features(x)  # E: got "Tensor[B, Literal[32], Literal[10], Literal[10]]", expected "Tensor[B, Literal[16]
