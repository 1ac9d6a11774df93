"""A 1-d convolutional classifier over a multichannel signal ``(B, C, L)``.

Style: ``nn.Conv1d`` with and without padding (50 -> 46 -> 46), global average over
time with ``mean(dim=-1)``, ``nn.BatchNorm1d``, ``nn.Linear(8, 2)``.
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
        self.conv1 = nn.Conv1d(4, 8, kernel_size=5)
        self.conv2 = nn.Conv1d(8, 8, kernel_size=3, padding=1)
        self.norm = nn.BatchNorm1d(8)
        self.fc = nn.Linear(8, 2)

    def forward(self, x: Tensor[B, L[4], L[50]]) -> Tensor[B, L[2]]:
        h = F.relu(self.conv2(F.relu(self.conv1(x))))  # (B, 8, 46)
        pooled = self.norm(h.mean(dim=-1))  # (B, 8)
        return self.fc(pooled)


tt.manual_seed(0)
net = SignalNet()
logits = net(tt.randn(6, 4, 50))
loss = F.cross_entropy(logits, tt.randint(0, 2, (6,)))
loss.backward()
print(tuple(logits.shape), loss.item())
