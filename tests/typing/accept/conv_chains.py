"""Convolutional chains: ``Sequential(...)`` and ``>>`` of conv/pool layers, and blocks.

A chain whose output is not ``Tensor[B, Y]`` (a conv block) keeps its layers' types
(``_Chain[...]``), and each call pushes the input's sizes through them.
"""

from typing import Literal as L
from typing import TypeVar, reveal_type

import typedtorch as tt
from typedtorch import Tensor, nn

B = TypeVar("B")

features = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2))
head = nn.Sequential(nn.Flatten(), nn.Linear(9216, 128), nn.ReLU(), nn.Linear(128, 10))
images = tt.zeros(64, 1, 28, 28)
reveal_type(features(images))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[64], Literal[12], Literal[12]]
reveal_type(head(features(images)))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[10]]

# The whole network as one Sequential, and with `>>` (a chain of chains is spliced).
net = nn.Sequential(features, head)
reveal_type(net(images))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[10]]
piped = (
    nn.Conv2d(1, 32, 3) >> nn.ReLU() >> nn.Conv2d(32, 64, 3) >> nn.MaxPool2d(2) >> nn.Flatten() >> nn.Linear(9216, 10)
)
reveal_type(piped(images))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[10]]
reveal_type((features >> head)(images))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[10]]

# Batch norm, padding, stride, adaptive pooling; the batch dim may be a type variable.
resnet_stem = nn.Sequential(
    nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False),
    nn.BatchNorm2d(64),
    nn.ReLU(),
    nn.MaxPool2d(3, stride=2, padding=1),
)


def stem(x: Tensor[B, L[3], L[224], L[224]]) -> Tensor[B, L[64], L[56], L[56]]:
    return resnet_stem(x)


pooled = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10))


def classify(x: Tensor[B, L[3], L[32], L[32]]) -> Tensor[B, L[10]]:
    return pooled(x)


# A forward()-style block inside a Sequential is read through its forward().
class Block(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(16, 16, 3, padding=1)

    def forward(self, x: Tensor[B, L[16], L[8], L[8]]) -> Tensor[B, L[16], L[8], L[8]]:
        return self.conv(x).relu()


blocks = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), Block(), Block(), nn.Flatten(), nn.Linear(1024, 2))
reveal_type(blocks(tt.zeros(4, 3, 8, 8)))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]

# A chain is still a Sequential: it goes where one is expected.
model: nn.Sequential = net
layers = list(net)
