"""A 1-d conv classifier that averages over the channels instead of over time.

Bug: the conv output is ``(B, 8, 46)``; ``mean(dim=1)`` gives ``(B, 46)``, and the head is
``nn.Linear(8, 2)``. ``mean(dim=-1)`` was meant.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn
from typedtorch.nn import functional as F

B = TypeVar("B")


class SignalNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv1d(4, 8, kernel_size=5)
        self.fc = nn.Linear(8, 2)

    def forward(self, x: Tensor[B, L[4], L[50]]) -> Tensor[B, L[2]]:
        h = F.relu(self.conv(x))  # (B, 8, 46)
        return self.fc(h.mean(dim=1))  # BUG: averages the 8 channels, leaving 46 time steps


tt.manual_seed(0)
print(tuple(SignalNet()(tt.randn(3, 4, 50)).shape))
