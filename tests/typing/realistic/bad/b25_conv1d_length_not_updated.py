"""A 1-d conv shortens the signal (20 -> 16) but the classifier uses the input length.

Bug: ``Conv1d(4, 8, 5)`` without padding gives length 20 - 5 + 1 = 16; the layer is
``nn.Linear(8 * 20, 2)``.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

B = TypeVar("B")
SEQ, KERNEL = 20, 5

conv = nn.Conv1d(4, 8, KERNEL)
fc = nn.Linear(8 * SEQ, 2)


def classify(signal: Tensor[B, L[4], L[20]]) -> Tensor[B, L[2]]:
    return fc(tt.relu(conv(signal)).flatten(1))  # BUG: 8 * 16 = 128 features, Linear wants 160


tt.manual_seed(0)
print(tuple(classify(tt.randn(3, 4, SEQ)).shape))
