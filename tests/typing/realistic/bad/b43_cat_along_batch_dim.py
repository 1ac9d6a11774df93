"""Forward and backward RNN features joined along the batch dim instead of the feature dim.

Bug: ``tt.cat([fwd, bwd], dim=0)`` of two ``(B, 32)`` gives ``(2B, 32)``; the classifier
is ``nn.Linear(64, 3)`` and needed ``dim=1``.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

B = TypeVar("B")

tt.manual_seed(0)
classifier = nn.Linear(64, 3)


def classify(fwd: Tensor[B, L[32]], bwd: Tensor[B, L[32]]) -> Tensor[B, L[3]]:
    return classifier(tt.cat([fwd, bwd], dim=0))  # BUG: joined along the batch; dim=1 was meant


h = tt.randn(5, 32)
print(tuple(classify(h, h).shape))
