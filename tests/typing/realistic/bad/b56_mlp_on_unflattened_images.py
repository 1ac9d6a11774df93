"""A 784-input MLP called on image batches that were never flattened.

Bug: ``(B, 28, 28)`` images: the first ``Linear`` sees a last dim of 28, not 784.
``images.flatten(1)`` was needed.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

B = TypeVar("B")


class MLP(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Linear(784, 128) >> nn.ReLU() >> nn.Linear(128, 10)

    def forward(self, x: Tensor[B, L[784]]) -> Tensor[B, L[10]]:
        return self.net(x)


tt.manual_seed(0)
model = MLP()
images = tt.rand(16, 28, 28)
logits = model(images)  # BUG: (16, 28, 28) images into an MLP for (B, 784)
print(tuple(logits.shape))
