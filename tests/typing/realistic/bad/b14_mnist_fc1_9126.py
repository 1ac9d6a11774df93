"""pytorch/examples' MNIST ``Net`` with the first linear layer's size mistyped.

Bug: after two 3x3 convs and a 2x2 pool the features are 64 * 12 * 12 = 9216; the layer
is ``nn.Linear(9126, 128)``.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn
from typedtorch.nn import functional as F

B = TypeVar("B")


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.fc1 = nn.Linear(9126, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x: Tensor[B, L[1], L[28], L[28]]) -> Tensor[B, L[10]]:
        c2 = F.relu(self.conv2(F.relu(self.conv1(x))))  # (B, 64, 24, 24)
        pooled = self.dropout1(F.max_pool2d(c2, 2))  # (B, 64, 12, 12)
        hidden = F.relu(self.fc1(tt.flatten(pooled, 1)))  # BUG: 9216 features into Linear(9126, 128)
        return F.log_softmax(self.fc2(hidden), dim=1)


tt.manual_seed(0)
print(tuple(Net()(tt.rand(2, 1, 28, 28)).shape))
