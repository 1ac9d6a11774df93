"""``flatten()`` with the default ``start_dim=0`` merges the batch into the features.

Bug: ``images.flatten()`` of ``(B, 28, 28)`` is one long vector; ``flatten(1)`` keeps the
batch and gives ``(B, 784)``.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

B = TypeVar("B")

tt.manual_seed(0)
head = nn.Linear(784, 10)


def logits(images: Tensor[B, L[28], L[28]]) -> Tensor[B, L[10]]:
    return head(images.flatten())  # BUG: start_dim=0 flattens the batch too; flatten(1) was meant


print(tuple(logits(tt.rand(8, 28, 28)).shape))
