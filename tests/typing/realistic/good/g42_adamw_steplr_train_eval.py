"""A full training loop: AdamW, StepLR, train/eval modes, a validation pass, best-model tracking.

Style: typed ``forward`` model, ``nn.BatchNorm1d`` + ``nn.Dropout``, ``zero_grad(set_to_none=True)``,
accuracy from ``max(dim=1)``, ``state_dict()`` of the best epoch.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn, optim
from typedtorch.nn import functional as F

B = TypeVar("B")


class Model(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(30, 64)
        self.bn = nn.BatchNorm1d(64)
        self.drop = nn.Dropout(0.3)
        self.fc2 = nn.Linear(64, 4)

    def forward(self, x: Tensor[B, L[30]]) -> Tensor[B, L[4]]:
        return self.fc2(self.drop(F.relu(self.bn(self.fc1(x)))))


tt.manual_seed(0)
train_x, train_y = tt.randn(96, 30), tt.randint(0, 4, (96,))
val_x, val_y = tt.randn(40, 30), tt.randint(0, 4, (40,))

model = Model()
optimizer = optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
best_acc, best_state = 0.0, model.state_dict()
for _ in range(4):
    model.train()
    for i in range(0, 96, 32):
        xb, yb = train_x[i : i + 32], train_y[i : i + 32]
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        optimizer.step()
    scheduler.step()
    model.eval()
    with tt.no_grad():
        _, pred = model(val_x).max(dim=1)
        acc = (pred == val_y).float().mean().item()
    if acc >= best_acc:
        best_acc, best_state = acc, model.state_dict()
model.load_state_dict(best_state)
print(f"best val acc {best_acc:.2f}")
