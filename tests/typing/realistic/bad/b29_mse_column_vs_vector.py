"""A regression loss between ``(B, 1)`` predictions and ``(B,)`` targets.

Bug: PyTorch broadcasts the pair to ``(B, B)`` with only a warning and trains on the
wrong loss; the targets needed ``unsqueeze(1)`` (or the predictions ``squeeze(1)``).
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn, optim
from typedtorch.nn import functional as F

B = TypeVar("B")

tt.manual_seed(0)
model = nn.Linear(8, 32) >> nn.ReLU() >> nn.Linear(32, 1)
opt = optim.SGD(model.parameters(), lr=0.01)


def train_step(x: Tensor[B, L[8]], y: Tensor[B]) -> float:
    opt.zero_grad()
    loss = F.mse_loss(model(x), y)  # BUG: (B, 1) predictions against (B,) targets
    loss.backward()
    opt.step()
    return loss.item()


x = tt.randn(16, 8)
print(train_step(x, x.sum(dim=1)))
