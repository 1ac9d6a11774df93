"""An MLP in PyTorch's own style: ``super().__init__()``, layers in ``__init__``, a typed ``forward``.

Style: ``forward()`` (``model(x)`` runs it), ``F.relu``, ``F.log_softmax``,
``F.nll_loss``, dropout, train/eval modes.
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
        self.fc1 = nn.Linear(784, 256)
        self.dropout = nn.Dropout(0.2)
        self.fc2 = nn.Linear(256, 10)

    def forward(self, x: Tensor[B, L[784]]) -> Tensor[B, L[10]]:
        h = self.dropout(F.relu(self.fc1(x)))
        return F.log_softmax(self.fc2(h), dim=1)


tt.manual_seed(0)
model = Net()
optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.5)
data, target = tt.rand(16, 784), tt.randint(0, 10, (16,))

model.train()
losses: list[float] = []
for _ in range(3):
    optimizer.zero_grad()
    output = model(data)
    loss = F.nll_loss(output, target)
    loss.backward()
    losses.append(loss.item())
    optimizer.step()

model.eval()
with tt.no_grad():
    test_out = model(tt.rand(4, 784))
print(losses[-1], tuple(test_out.shape))
