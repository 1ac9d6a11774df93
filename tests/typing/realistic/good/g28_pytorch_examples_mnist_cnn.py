"""pytorch/examples ``mnist/main.py``'s ``Net``: two convs, one pool, 9216 -> 128 -> 10.

Style: ``forward()`` with a fresh name per step, ``F.max_pool2d(x, 2)``,
``tt.flatten(x, 1)``, two Dropouts, ``F.log_softmax`` + ``F.nll_loss``, Adadelta with
StepLR, the ``train()``/``test()`` pair of the original.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn, optim
from typedtorch.nn import functional as F

B = TypeVar("B")


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x: Tensor[B, L[1], L[28], L[28]]) -> Tensor[B, L[10]]:
        c1 = F.relu(self.conv1(x))  # (B, 32, 26, 26)
        c2 = F.relu(self.conv2(c1))  # (B, 64, 24, 24)
        pooled = self.dropout1(F.max_pool2d(c2, 2))  # (B, 64, 12, 12)
        hidden = self.dropout2(F.relu(self.fc1(tt.flatten(pooled, 1))))
        return F.log_softmax(self.fc2(hidden), dim=1)


def train(model: Net, optimizer: optim.Optimizer, batches: list[tuple[tt.Tensor, tt.Tensor]]) -> float:
    model.train()
    total = 0.0
    for data, target in batches:
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        total += loss.item()
    return total / len(batches)


def test(model: Net, data: Tensor[B, L[1], L[28], L[28]], target: Tensor[B]) -> int:
    model.eval()
    with tt.no_grad():
        output = model(data)
        pred = output.argmax(dim=1, keepdim=True)
        return int(pred.eq(target.view_as(pred)).sum().item())


tt.manual_seed(1)
model = Net()
optimizer = optim.Adadelta(model.parameters(), lr=1.0)
scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.7)
batches = [(tt.rand(2, 1, 28, 28), tt.randint(0, 10, (2,))) for _ in range(2)]
print(train(model, optimizer, batches))
scheduler.step()
print(test(model, tt.rand(3, 1, 28, 28), tt.randint(0, 10, (3,))))
