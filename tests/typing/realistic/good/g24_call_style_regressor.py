"""A regressor with a typed ``__call__`` (typedtorch's own style), trained on a column target.

Style: ``__call__`` instead of ``forward``, ``Matrix[B, 1]`` predictions against a
``Matrix[B, 1]`` target (the target reshaped with ``unsqueeze(1)``), ``nn.mse_loss``.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Matrix, nn, optim

B = TypeVar("B")


class Regressor(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Linear(8, 32) >> nn.Tanh()
        self.head = nn.Linear(32, 1)

    def __call__(self, x: Matrix[B, L[8]]) -> Matrix[B, L[1]]:
        return self.head(self.body(x))


tt.manual_seed(0)
reg = Regressor()
x = tt.randn(50, 8)
y = x.sum(dim=1).unsqueeze(1)  # (50, 1), matching the predictions
opt = optim.Adam(reg.parameters(), lr=1e-2)
losses: list[float] = []
for _ in range(5):
    opt.zero_grad()
    loss = nn.mse_loss(reg(x), y)
    loss.backward()
    losses.append(loss.item())
    opt.step()
print(losses[-1])
