"""Layer sizes written as arithmetic: ``32 * 32``, ``n // 2``, ``h - k + 1``.

Style: module-level constants combined with ``*``, ``//``, ``-`` and ``+`` to size
``Linear`` and ``Conv1d`` layers; images flattened with ``flatten(1)``.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

B = TypeVar("B")

SIDE = 32
HIDDEN = 256
HALF = HIDDEN // 2
SEQ, KERNEL = 20, 5
CONV_OUT = SEQ - KERNEL + 1  # 16

tt.manual_seed(0)
mlp = nn.Linear(SIDE * SIDE, HIDDEN) >> nn.ReLU() >> nn.Linear(HIDDEN, HALF) >> nn.ReLU() >> nn.Linear(HALF, 10)
conv = nn.Conv1d(1, 4, KERNEL)
head = nn.Linear(4 * CONV_OUT, 10)


def classify_image(img: Tensor[B, L[32], L[32]]) -> Tensor[B, L[10]]:
    return mlp(img.flatten(1))


def classify_signal(sig: Tensor[B, L[1], L[20]]) -> Tensor[B, L[10]]:
    return head(conv(sig).flatten(1))


print(tuple(classify_image(tt.rand(3, 32, 32)).shape), tuple(classify_signal(tt.rand(3, 1, 20)).shape))
