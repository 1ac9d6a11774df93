"""Convolutional layers: a wrong channel count, an input too small, or a layer that no longer fits is an error naming the dims."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn
from typedtorch.nn import functional as F

B = TypeVar("B")

x = tt.zeros(64, 1, 28, 28)

# --- wrong channel counts
nn.Conv2d(3, 32, 3)(x)  # E: Conv2d[3, 32, 3, 1, 0, 1]: input is Tensor[64, 1, 28, 28], dim 1 is 1, expected CIn = 3 (rule 'B CIn H W -> B COut ((H + 2 * P - D * (K - 1) - 1) // S + 1) ((W + 2 * P - D * (K - 1) - 1) // S + 1)')  [shape]
nn.Conv2d(32, 64, 3)(nn.Conv2d(1, 16, 3)(x))  # E: Conv2d[32, 64, 3, 1, 0, 1]: input is Tensor[64, 16, 26, 26], dim 1 is 16, expected CIn = 32
nn.Conv2d(4, 8, 3, groups=2)(tt.zeros(2, 2, 10, 10))  # E: Conv2d[4, 8, 3, 1, 0, 1]: input is Tensor[2, 2, 10, 10], dim 1 is 2, expected CIn = 4
nn.Conv1d(3, 8, 5)(tt.zeros(4, 8, 50))  # E: Conv1d[3, 8, 5, 1, 0, 1]: input is Tensor[4, 8, 50], dim 1 is 8, expected CIn = 3 (rule 'B CIn L -> B COut ((L + 2 * P - D * (K - 1) - 1) // S + 1)')
nn.Conv2d(3, 16, 3, padding="same")(x)  # E: Conv2d[3, 16, 3, 1, 1, 1]: input is Tensor[64, 1, 28, 28], dim 1 is 1, expected CIn = 3

# --- padding="same" needs stride 1 (PyTorch and the run time refuse it, in these words)
nn.Conv2d(1, 16, 3, stride=2, padding="same")  # E: Conv2d: padding='same' is not supported for strided convolutions (stride (2, 2))  [shape]
nn.Conv1d(1, 16, 3, 2, "same")  # E: Conv1d: padding='same' is not supported for strided convolutions (stride 2)  [shape]
nn.BatchNorm2d(16)(tt.zeros(8, 15, 5, 5))  # E: BatchNorm2d[16]: input is Tensor[8, 15, 5, 5], dim 1 is 15, expected C = 16 (rule 'B C H W -> B C H W')  [shape]
nn.BatchNorm2d(32)(nn.Conv2d(1, 16, 3)(x))  # E: BatchNorm2d[32]: input is Tensor[64, 16, 26, 26], dim 1 is 16, expected C = 32
nn.BatchNorm1d(16)(tt.zeros(8, 15))  # E: BatchNorm1d[16]: input is Tensor[8, 15], dim 1 is 15, expected C = 16 (rule 'B C *R -> B C *R')
nn.BatchNorm1d(16)(tt.zeros(8, 15, 7))  # E: BatchNorm1d[16]: input is Tensor[8, 15, 7], dim 1 is 15, expected C = 16

# --- wrong ranks: PyTorch's unbatched (C, H, W) input is refused
nn.Conv2d(1, 32, 3)(tt.zeros(1, 28, 28))  # E: Conv2d[1, 32, 3, 1, 0, 1]: input is Tensor[1, 28, 28], expected 4 dims, got 3
nn.Conv1d(3, 8, 5)(tt.zeros(3, 50))  # E: Conv1d[3, 8, 5, 1, 0, 1]: input is Tensor[3, 50], expected 3 dims, got 2
nn.MaxPool2d(2)(tt.zeros(64, 24, 24))  # E: MaxPool2d[2, 2, 0, 1]: input is Tensor[64, 24, 24], expected 4 dims, got 3
nn.BatchNorm2d(16)(tt.zeros(8, 16))  # E: BatchNorm2d[16]: input is Tensor[8, 16], expected 4 dims, got 2
nn.Dropout2d(0.25)(tt.zeros(3, 4, 4))  # E: Dropout2d: input is Tensor[3, 4, 4], expected 4 dims, got 3 (rule 'B C H W -> B C H W')  [shape]

# --- inputs too small: an output size would be <= 0
nn.Conv2d(1, 32, 3)(tt.zeros(64, 1, 2, 28))  # E: Conv2d[1, 32, 3, 1, 0, 1]: input is Tensor[64, 1, 2, 28], output dim 2 would be 0
nn.Conv2d(1, 32, 5)(tt.zeros(64, 1, 28, 3))  # E: Conv2d[1, 32, 5, 1, 0, 1]: input is Tensor[64, 1, 28, 3], output dim 3 would be -1
nn.Conv2d(1, 32, 3, dilation=14)(x)  # E: Conv2d[1, 32, 3, 1, 0, 14]: input is Tensor[64, 1, 28, 28], output dim 2 would be 0
nn.Conv2d(1, 32, 7, stride=2, padding=1)(tt.zeros(1, 1, 4, 4))  # E: Conv2d[1, 32, 7, 2, 1, 1]: input is Tensor[1, 1, 4, 4], output dim 2 would be 0
nn.Conv1d(3, 8, 5)(tt.zeros(4, 3, 3))  # E: Conv1d[3, 8, 5, 1, 0, 1]: input is Tensor[4, 3, 3], output dim 2 would be -1
nn.MaxPool2d(2)(tt.zeros(1, 8, 1, 5))  # E: MaxPool2d[2, 2, 0, 1]: input is Tensor[1, 8, 1, 5], output dim 2 would be 0 (rule 'B C H W -> B C ((H + 2 * P - D * (K - 1) - 1) // S + 1) ((W + 2 * P - D * (K - 1) - 1) // S + 1)')  [shape]
nn.MaxPool2d(3, dilation=2)(tt.zeros(1, 8, 4, 4))  # E: MaxPool2d[3, 3, 0, 2]: input is Tensor[1, 8, 4, 4], output dim 2 would be 0
nn.AvgPool2d(3)(tt.zeros(8, 16, 2, 2))  # E: AvgPool2d[3, 3, 0]: input is Tensor[8, 16, 2, 2], output dim 2 would be 0 (rule 'B C H W -> B C ((H + 2 * P - K) // S + 1) ((W + 2 * P - K) // S + 1)')
# Convolutions and pools shrink 28 to nothing: 26, 13, 11, 5, 3, 1, then -1.
nn.Conv2d(64, 64, 3)(nn.MaxPool2d(2)(nn.Conv2d(32, 64, 3)(nn.MaxPool2d(2)(nn.Conv2d(32, 32, 3)(nn.MaxPool2d(2)(nn.Conv2d(1, 32, 3)(x)))))))  # E: Conv2d[64, 64, 3, 1, 0, 1]: input is Tensor[64, 64, 1, 1], output dim 2 would be -1


# --- a declared size that the arithmetic contradicts
def declared(images: Tensor[B, L[1], L[28], L[28]]) -> tuple[object, object]:
    h: Tensor[B, L[32], L[28], L[28]] = nn.Conv2d(1, 32, 3)(images)  # E: Incompatible types in assignment (expression has type "Tensor[B, Literal[32], Literal[26], Literal[26]]", variable has type "Tensor[B, Literal[32], Literal[28], Literal[28]]")  [assignment]
    s: Tensor[B, L[32], L[14], L[14]] = nn.Conv2d(1, 32, 3, stride=2)(images)  # E: Incompatible types in assignment (expression has type "Tensor[B, Literal[32], Literal[13], Literal[13]]", variable has type "Tensor[B, Literal[32], Literal[14], Literal[14]]")  [assignment]
    return h, s


def returned(images: Tensor[B, L[1], L[28], L[28]]) -> Tensor[B, L[16], L[14], L[14]]:
    return nn.MaxPool2d(2)(nn.Conv2d(1, 16, 3)(images))  # E: Incompatible return value type (got "Tensor[B, Literal[16], Literal[13], Literal[13]]", expected "Tensor[B, Literal[16], Literal[14], Literal[14]]")  [return-value]


# --- pytorch/examples' Net with fc1 mistyped: 64 * 12 * 12 = 9216, not 9126
class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.pool = nn.MaxPool2d(2)
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(9126, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x: Tensor[B, L[1], L[28], L[28]]) -> Tensor[B, L[10]]:
        h1 = F.relu(self.conv1(x))
        h2 = self.pool(F.relu(self.conv2(h1)))
        hidden = F.relu(self.fc1(tt.flatten(h2, 1)))  # E: Linear[9126, 128]: input is Tensor[B, 9216], expected Tensor[B, 9126] (last dim: 9216 != 9126)  [shape]
        return F.log_softmax(self.fc2(hidden), dim=1)

    def with_flatten_layer(self, x: Tensor[B, L[1], L[28], L[28]]) -> Tensor[B, L[10]]:
        h = self.pool(F.relu(self.conv2(F.relu(self.conv1(x)))))
        return self.fc2(F.relu(self.fc1(self.flatten(h))))  # E: Linear[9126, 128]: input is Tensor[B, 9216], expected Tensor[B, 9126] (last dim: 9216 != 9126)  [shape]


# --- the other classic: the pool forgotten (64 * 24 * 24 = 36864 features)
class NoPool(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.fc1 = nn.Linear(9216, 128)

    def forward(self, x: Tensor[B, L[1], L[28], L[28]]) -> Tensor[B, L[128]]:
        features = F.relu(self.conv2(F.relu(self.conv1(x))))
        return self.fc1(tt.flatten(features, 1))  # E: Linear[9216, 128]: input is Tensor[B, 36864], expected Tensor[B, 9216] (last dim: 36864 != 9216)


# --- a stride changed without updating the head: 32 * 13 * 13 = 5408, not 32 * 26 * 26
def strided_head(images: Tensor[B, L[1], L[28], L[28]]) -> None:
    nn.Linear(21632, 10)(nn.Flatten()(nn.Conv2d(1, 32, 3, stride=2)(images)))  # E: Linear[21632, 10]: input is Tensor[B, 5408], expected Tensor[B, 21632] (last dim: 5408 != 21632)


# --- a global pool's width: 512 channels, not 2048
nn.Linear(2048, 10)(nn.Flatten()(nn.AdaptiveAvgPool2d(1)(tt.zeros(2, 512, 7, 7))))  # E: Linear[2048, 10]: input is Tensor[2, 512], expected Tensor[2, 2048] (last dim: 512 != 2048)
# Conv1d: the length after a strided convolution, 23 not 50.
nn.Linear(8 * 50, 10)(nn.Flatten()(nn.Conv1d(3, 8, 5, stride=2)(tt.zeros(4, 3, 50))))  # E: Linear[400, 10]: input is Tensor[4, 184], expected Tensor[4, 400] (last dim: 184 != 400)


# padding="same" keeps the size: an annotation of the size without padding is wrong.
def same_block(images: Tensor[B, L[1], L[28], L[28]]) -> Tensor[B, L[8], L[26], L[26]]:
    return nn.Conv2d(1, 8, 3, padding="same")(images)  # E: Incompatible return value type (got "Tensor[B, Literal[8], Literal[28], Literal[28]]", expected "Tensor[B, Literal[8], Literal[26], Literal[26]]")
