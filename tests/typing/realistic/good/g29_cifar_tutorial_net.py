"""The CIFAR-10 tutorial's ``Net``: conv 5x5, pool, conv 5x5, pool, 16 * 5 * 5 -> 120 -> 84 -> 10.

Style: one ``nn.MaxPool2d(2, 2)`` reused twice, sizes as arithmetic (``16 * 5 * 5``),
``nn.CrossEntropyLoss()``, SGD with momentum, the tutorial's training loop.
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
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x: Tensor[B, L[3], L[32], L[32]]) -> Tensor[B, L[10]]:
        a = self.pool(F.relu(self.conv1(x)))  # (B, 6, 14, 14)
        b = self.pool(F.relu(self.conv2(a)))  # (B, 16, 5, 5)
        flat = tt.flatten(b, 1)  # flatten all dimensions except batch
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(flat)))))


tt.manual_seed(0)
net = Net()
criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
running_loss = 0.0
for _ in range(3):
    inputs, labels = tt.randn(4, 3, 32, 32), tt.randint(0, 10, (4,))
    optimizer.zero_grad()
    outputs = net(inputs)
    loss = criterion(outputs, labels)
    loss.backward()
    optimizer.step()
    running_loss += loss.item()
print(f"loss: {running_loss / 3:.3f}")
