"""Convolutional layers: with literal arguments the plugin computes every output size.

Each layer states its arithmetic once (``__shape_rule__``); the plugin applies it to
``Tensor`` arguments of known sizes, and symbolic sizes (a ``TypeVar`` batch) pass
through. ``padding="same"`` is the padding that keeps the size (``D * (K - 1) / 2``,
where that is a whole number). Settings the rule cannot state (``"same"`` with an even
kernel, a non-square kernel, ``ceil_mode=True``) give ``Any`` spatial sizes: those
lines record what the plugin computes today.
"""
# fmt: off
# pyright: reportInvalidTypeForm=false
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Any, TypeVar, reveal_type
from typing import Literal as L

import typedtorch as tt
from typedtorch import Tensor, nn
from typedtorch.nn import functional as F

B = TypeVar("B")

x = tt.zeros(64, 1, 28, 28)

# --- Conv2d: (H + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1
reveal_type(nn.Conv2d(1, 32, 3))  # R: typedtorch.nn._conv.Conv2d[Literal[1], Literal[32], Literal[3], Literal[1], Literal[0], Literal[1]]
reveal_type(nn.Conv2d(1, 32, 3)(x))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[32], Literal[26], Literal[26]]
reveal_type(nn.Conv2d(1, 32, 3, 1)(x))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[32], Literal[26], Literal[26]]
reveal_type(nn.Conv2d(1, 32, 3, stride=2)(x))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[32], Literal[13], Literal[13]]
reveal_type(nn.Conv2d(1, 32, 3, stride=2, padding=1)(x))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[32], Literal[14], Literal[14]]
reveal_type(nn.Conv2d(1, 32, 5, padding=2)(x))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[32], Literal[28], Literal[28]]
reveal_type(nn.Conv2d(1, 32, 3, padding=1, dilation=2)(x))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[32], Literal[26], Literal[26]]
reveal_type(nn.Conv2d(1, 32, 3, dilation=3)(x))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[32], Literal[22], Literal[22]]
reveal_type(nn.Conv2d(1, 32, 3, 3, 1, 2)(x))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[32], Literal[9], Literal[9]]
reveal_type(nn.Conv2d(1, 32, 7, stride=4, padding=3)(tt.zeros(2, 1, 224, 224)))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[32], Literal[56], Literal[56]]
reveal_type(nn.Conv2d(1, 32, 3, padding="valid")(x))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[32], Literal[26], Literal[26]]
reveal_type(nn.Conv2d(4, 8, 3, groups=2)(tt.zeros(2, 4, 10, 10)))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[8], Literal[8], Literal[8]]
reveal_type(nn.Conv2d(4, 4, 3, padding=1, groups=4, bias=False)(tt.zeros(2, 4, 10, 10)))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[4], Literal[10], Literal[10]]
reveal_type(nn.Conv2d(16, 32, 1)(tt.zeros(8, 16, 7, 7)))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[32], Literal[7], Literal[7]]
# The smallest input that fits: output size 1.
reveal_type(nn.Conv2d(1, 8, 3)(tt.zeros(1, 1, 3, 3)))  # R: typedtorch._tensor.Tensor[Literal[1], Literal[8], Literal[1], Literal[1]]
# padding="same" (stride 1): the padding that keeps the size, for odd D * (K - 1) too.
reveal_type(nn.Conv2d(1, 32, 3, padding="same"))  # R: typedtorch.nn._conv.Conv2d[Literal[1], Literal[32], Literal[3], Literal[1], Literal[1], Literal[1]]
reveal_type(nn.Conv2d(1, 32, 3, padding="same")(x))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[32], Literal[28], Literal[28]]
reveal_type(nn.Conv2d(1, 32, 5, 1, "same", 3)(x))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[32], Literal[28], Literal[28]]
# Not computed (the rule cannot state them): channels known, spatial sizes Any.
reveal_type(nn.Conv2d(1, 32, 4, padding="same")(x))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[32], Any, Any]
reveal_type(nn.Conv2d(1, 32, (3, 5))(x))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[32], Any, Any]
reveal_type(nn.Conv2d(1, 32, 3, padding=(1, 2))(x))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[32], Any, Any]
# Input of unknown spatial size: the channels are still checked and computed.
unknown_hw: Tensor[L[8], L[1], Any, Any] = tt.zeros(8, 1, 28, 28)
reveal_type(nn.Conv2d(1, 32, 3)(unknown_hw))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[32], Any, Any]

# --- Conv1d: the same arithmetic on one length
seq = tt.zeros(4, 3, 50)
reveal_type(nn.Conv1d(3, 8, 5))  # R: typedtorch.nn._conv.Conv1d[Literal[3], Literal[8], Literal[5], Literal[1], Literal[0], Literal[1]]
reveal_type(nn.Conv1d(3, 8, 5)(seq))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[8], Literal[46]]
reveal_type(nn.Conv1d(3, 8, 5, stride=2)(seq))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[8], Literal[23]]
reveal_type(nn.Conv1d(3, 8, 5, padding=2)(seq))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[8], Literal[50]]
reveal_type(nn.Conv1d(3, 8, 3, dilation=4)(seq))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[8], Literal[42]]
reveal_type(nn.Conv1d(3, 8, 3, 2, 1, 2)(seq))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[8], Literal[24]]
reveal_type(nn.Conv1d(3, 6, 3, groups=3)(seq))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[6], Literal[48]]
reveal_type(nn.Conv1d(3, 8, 5, padding="valid")(seq))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[8], Literal[46]]
reveal_type(nn.Conv1d(3, 8, 5, padding="same")(seq))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[8], Literal[50]]

# --- MaxPool2d: the stride defaults to the kernel size
maps = tt.zeros(64, 64, 24, 24)
reveal_type(nn.MaxPool2d(2))  # R: typedtorch.nn._pool.MaxPool2d[Literal[2], Literal[2], Literal[0], Literal[1]]
reveal_type(nn.MaxPool2d(2)(maps))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[64], Literal[12], Literal[12]]
reveal_type(nn.MaxPool2d(3)(maps))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[64], Literal[8], Literal[8]]
reveal_type(nn.MaxPool2d(2)(tt.zeros(1, 8, 7, 7)))  # R: typedtorch._tensor.Tensor[Literal[1], Literal[8], Literal[3], Literal[3]]
reveal_type(nn.MaxPool2d(3, stride=2)(maps))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[64], Literal[11], Literal[11]]
reveal_type(nn.MaxPool2d(3, stride=2, padding=1)(maps))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[64], Literal[12], Literal[12]]
reveal_type(nn.MaxPool2d(3, 1, 1)(maps))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[64], Literal[24], Literal[24]]
reveal_type(nn.MaxPool2d(3, 2, 1, 2)(maps))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[64], Literal[11], Literal[11]]
reveal_type(nn.MaxPool2d(2, dilation=2)(maps))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[64], Literal[11], Literal[11]]
reveal_type(nn.MaxPool2d(3, stride=2, ceil_mode=True)(tt.zeros(1, 8, 10, 10)))  # R: typedtorch._tensor.Tensor[Literal[1], Literal[8], Any, Any]

# --- AvgPool2d: (H + 2 * padding - kernel) // stride + 1
reveal_type(nn.AvgPool2d(2))  # R: typedtorch.nn._pool.AvgPool2d[Literal[2], Literal[2], Literal[0]]
reveal_type(nn.AvgPool2d(2)(tt.zeros(8, 16, 28, 28)))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[16], Literal[14], Literal[14]]
reveal_type(nn.AvgPool2d(3, stride=2, padding=1)(tt.zeros(8, 16, 28, 28)))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[16], Literal[14], Literal[14]]
reveal_type(nn.AvgPool2d(3, 1, 1, count_include_pad=False)(tt.zeros(8, 16, 5, 5)))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[16], Literal[5], Literal[5]]
reveal_type(nn.AvgPool2d(5)(tt.zeros(8, 16, 28, 28)))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[16], Literal[5], Literal[5]]

# --- AdaptiveAvgPool2d: the output size is the argument, whatever the input's
reveal_type(nn.AdaptiveAvgPool2d(1))  # R: typedtorch.nn._pool.AdaptiveAvgPool2d[Literal[1], Literal[1]]
reveal_type(nn.AdaptiveAvgPool2d(1)(tt.zeros(2, 512, 7, 7)))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[512], Literal[1], Literal[1]]
reveal_type(nn.AdaptiveAvgPool2d((7, 5))(tt.zeros(2, 512, 9, 9)))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[512], Literal[7], Literal[5]]
reveal_type(nn.AdaptiveAvgPool2d((None, 5))(tt.zeros(2, 512, 9, 9)))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[512], Any, Any]
reveal_type(nn.Flatten()(nn.AdaptiveAvgPool2d(1)(tt.zeros(2, 512, 7, 7))))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[512]]

# --- BatchNorm and Dropout2d keep the shape (and check the channels)
reveal_type(nn.BatchNorm2d(16))  # R: typedtorch.nn._batchnorm.BatchNorm2d[Literal[16]]
reveal_type(nn.BatchNorm2d(16)(tt.zeros(8, 16, 5, 5)))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[16], Literal[5], Literal[5]]
reveal_type(nn.BatchNorm2d(16, momentum=None, affine=False)(tt.zeros(8, 16, 5, 5)))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[16], Literal[5], Literal[5]]
reveal_type(nn.BatchNorm1d(10))  # R: typedtorch.nn._batchnorm.BatchNorm1d[Literal[10]]
reveal_type(nn.BatchNorm1d(10)(tt.zeros(32, 10)))  # R: typedtorch._tensor.Tensor[Literal[32], Literal[10]]
reveal_type(nn.BatchNorm1d(10)(tt.zeros(32, 10, 7)))  # R: typedtorch._tensor.Tensor[Literal[32], Literal[10], Literal[7]]
reveal_type(nn.Dropout2d(0.25)(tt.zeros(2, 3, 4, 4)))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[3], Literal[4], Literal[4]]

# --- A whole stack of literal layers, as nested calls
reveal_type(nn.MaxPool2d(2)(nn.Conv2d(32, 64, 3)(nn.Conv2d(1, 32, 3)(x))))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[64], Literal[12], Literal[12]]
reveal_type(nn.Flatten()(nn.MaxPool2d(2)(nn.Conv2d(32, 64, 3)(nn.Conv2d(1, 32, 3)(x)))))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[9216]]
reveal_type(tt.flatten(nn.MaxPool2d(2)(nn.Conv2d(32, 64, 3)(nn.Conv2d(1, 32, 3)(x))), 1))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[9216]]


# --- TypeVar batch dims pass through every rule
def features(images: Tensor[B, L[1], L[28], L[28]]) -> Tensor[B, L[64], L[12], L[12]]:
    conv1, conv2, pool = nn.Conv2d(1, 32, 3), nn.Conv2d(32, 64, 3), nn.MaxPool2d(2)
    reveal_type(conv1(images))  # R: typedtorch._tensor.Tensor[B, Literal[32], Literal[26], Literal[26]]
    reveal_type(nn.BatchNorm2d(32)(conv1(images)))  # R: typedtorch._tensor.Tensor[B, Literal[32], Literal[26], Literal[26]]
    reveal_type(nn.AdaptiveAvgPool2d(1)(conv1(images)))  # R: typedtorch._tensor.Tensor[B, Literal[32], Literal[1], Literal[1]]
    return pool(conv2(conv1(images)))


def sequence(x: Tensor[B, L[3], L[50]]) -> Tensor[B, L[8], L[23]]:
    return nn.Conv1d(3, 8, 5, stride=2)(x)


# --- pytorch/examples' Net, forward() style: 64 * 12 * 12 = 9216 checked against fc1
class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.pool = nn.MaxPool2d(2)
        self.dropout1 = nn.Dropout2d(0.25)
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x: Tensor[B, L[1], L[28], L[28]]) -> Tensor[B, L[10]]:
        h1 = F.relu(self.conv1(x))
        reveal_type(h1)  # R: typedtorch._tensor.Tensor[B, Literal[32], Literal[26], Literal[26]]
        h2 = self.pool(F.relu(self.conv2(h1)))
        reveal_type(h2)  # R: typedtorch._tensor.Tensor[B, Literal[64], Literal[12], Literal[12]]
        flat = tt.flatten(self.dropout1(h2), 1)
        reveal_type(flat)  # R: typedtorch._tensor.Tensor[B, Literal[9216]]
        hidden = F.relu(self.fc1(flat))
        return F.log_softmax(self.fc2(hidden), dim=1)

    def with_flatten_layer(self, x: Tensor[B, L[1], L[28], L[28]]) -> Tensor[B, L[10]]:
        h = self.pool(F.relu(self.conv2(F.relu(self.conv1(x)))))
        return self.fc2(F.relu(self.fc1(self.flatten(h))))


reveal_type(Net().forward(x))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[10]]


# A name reused along the layers (mypy.ini allows redefinition) takes each new type.
def reused_name(x: Tensor[B, L[1], L[28], L[28]]) -> Tensor[B, L[128]]:
    h = nn.Conv2d(1, 16, 3, padding=1)(x)
    h = nn.MaxPool2d(2)(F.relu(h))
    h = nn.Conv2d(16, 32, 3, padding=1)(h)
    h = nn.MaxPool2d(2)(F.relu(h))
    reveal_type(h)  # R: typedtorch._tensor.Tensor[B, Literal[32], Literal[7], Literal[7]]
    return nn.Linear(1568, 128)(tt.flatten(h, 1))


# --- The functional forms: what the plugin computes for them today (spatial sizes Any)
maps28 = tt.zeros(64, 32, 28, 28)
reveal_type(F.conv2d(x, tt.zeros(32, 1, 3, 3)))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[32], Literal[26], Literal[26]]
reveal_type(F.conv1d(seq, tt.zeros(8, 3, 5)))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[8], Literal[46]]
reveal_type(F.max_pool2d(maps28, 2))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[32], Literal[14], Literal[14]]
reveal_type(F.avg_pool2d(maps28, 2))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[32], Literal[14], Literal[14]]
reveal_type(F.adaptive_avg_pool2d(maps28, 1))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[32], Literal[1], Literal[1]]
reveal_type(F.batch_norm(maps28, tt.zeros(32), tt.ones(32)))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[32], Literal[28], Literal[28]]
reveal_type(F.dropout2d(maps28, 0.5))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[32], Literal[28], Literal[28]]
reveal_type(tt.flatten(F.max_pool2d(maps28, 2), 1))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[6272]]


def functional(x: Tensor[B, L[64], L[24], L[24]]) -> None:
    reveal_type(F.max_pool2d(x, 2))  # R: typedtorch._tensor.Tensor[B, Literal[64], Literal[12], Literal[12]]
    # A declared type is accepted where the plugin computes nothing (and is then what mypy checks against).
    pooled: Tensor[B, L[64], L[12], L[12]] = F.max_pool2d(x, 2)
    reveal_type(tt.flatten(pooled, 1))  # R: typedtorch._tensor.Tensor[B, Literal[9216]]
