"""A VGG-style classifier whose convolutions keep the image size with ``padding="same"``.

Style: two 3x3 convolutions per block, spelled ``padding="same"`` (Keras' spelling,
which PyTorch has taken since 1.9), then a 2x2 max-pool; a learned per-class scale of
the logits kept above 0.1 with ``tt.maximum``; one training step with ``clip_grad_norm_``.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn, optim
from typedtorch.nn import functional as F

B = TypeVar("B")


class VGGNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding="same")
        self.conv2 = nn.Conv2d(16, 16, 3, padding="same")
        self.conv3 = nn.Conv2d(16, 32, 3, padding="same")
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(32 * 8 * 8, 10)
        self.scale = nn.Parameter(tt.ones(10))

    def forward(self, x: Tensor[B, L[3], L[32], L[32]]) -> Tensor[B, L[10]]:
        h = self.pool(F.relu(self.conv2(F.relu(self.conv1(x)))))  # (B, 16, 16, 16)
        h = self.pool(F.relu(self.conv3(h)))  # (B, 32, 8, 8)
        logits = self.fc(tt.flatten(h, 1))
        return logits * tt.maximum(self.scale, tt.tensor(0.1))


tt.manual_seed(0)
model = VGGNet()
opt = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
images, labels = tt.randn(4, 3, 32, 32), tt.randint(0, 10, (4,))
loss = F.cross_entropy(model(images), labels)
opt.zero_grad()
loss.backward()
nn.utils.clip_grad_norm_(model.parameters(), 1.0)
opt.step()
print(round(loss.item(), 4))
