"""The original "Neural Networks" tutorial's LeNet, with its ``num_flat_features`` helper.

Style: ``F.max_pool2d(x, (2, 2))`` and ``F.max_pool2d(x, 2)``, ``x.view(-1, n)`` with
``n`` computed at run time from ``x.size()[1:]`` (unknown statically); barely annotated.
"""

import typedtorch as tt
from typedtorch import nn
from typedtorch.nn import functional as F


class LeNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 3)
        self.conv2 = nn.Conv2d(6, 16, 3)
        self.fc1 = nn.Linear(16 * 6 * 6, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x: tt.Tensor) -> tt.Tensor:
        a = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        b = F.max_pool2d(F.relu(self.conv2(a)), 2)
        flat = b.view(-1, self.num_flat_features(b))
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(flat)))))

    def num_flat_features(self, x: tt.Tensor) -> int:
        size = x.size()[1:]  # all dimensions except the batch dimension
        num_features = 1
        for s in size:
            num_features *= s
        return num_features


tt.manual_seed(0)
net = LeNet()
out = net(tt.randn(1, 1, 32, 32))
target = tt.randn(10).view(1, -1)
loss = nn.MSELoss()(out, target)
net.zero_grad()
loss.backward()
print(loss.item())
