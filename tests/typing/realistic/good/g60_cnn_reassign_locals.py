"""A CNN ``forward`` that reuses one local name for every stage, as most PyTorch code does.

Style: ``h = self.conv1(x)``; ``h = F.relu(h)``; ``h = self.pool(h)``; ...: one local
variable rebound to tensors of different shapes (the parameter itself is not rebound).
Python and pyright accept this; mypy accepts it with ``allow_redefinition`` (mypy 2's
flexible redefinition), without which every rebinding to a new shape is an
``[assignment]`` error.
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
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 10)

    def forward(self, x: Tensor[B, L[3], L[32], L[32]]) -> Tensor[B, L[10]]:
        h = self.conv1(x)
        h = F.relu(h)
        h = self.pool(h)
        h = self.pool(F.relu(self.conv2(h)))
        h = tt.flatten(h, 1)
        h = F.relu(self.fc1(h))
        return self.fc2(h)


tt.manual_seed(0)
print(tuple(Net()(tt.randn(2, 3, 32, 32)).shape))
