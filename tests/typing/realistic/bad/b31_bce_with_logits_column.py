"""Binary classification with ``(B, 1)`` logits and ``(B,)`` labels.

Bug: ``F.binary_cross_entropy_with_logits`` needs target and input of the same shape;
``logits.squeeze(1)`` was meant.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn
from typedtorch.nn import functional as F

B = TypeVar("B")

classifier = nn.Linear(12, 16) >> nn.ReLU() >> nn.Linear(16, 1)


def loss_fn(x: Tensor[B, L[12]], labels: Tensor[B]) -> tt.Scalar:
    logits = classifier(x)  # (B, 1)
    return F.binary_cross_entropy_with_logits(logits, labels)  # BUG: (B, 1) logits vs (B,) labels


tt.manual_seed(0)
print(loss_fn(tt.randn(8, 12), tt.randint(0, 2, (8,)).float()).item())
