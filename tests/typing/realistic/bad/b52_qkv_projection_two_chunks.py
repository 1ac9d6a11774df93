"""A fused q/k/v projection sized for two chunks.

Bug: ``nn.Linear(C, 2 * C)`` (``3 * C`` was meant): ``split(C, dim=2)`` of width 64 gives
two pieces, not the three unpacked.
"""

import math
from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

Bt = TypeVar("Bt")
C = 32


class Attention(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.c_attn = nn.Linear(C, 2 * C)

    def forward(self, x: Tensor[Bt, L[10], L[32]]) -> Tensor[Bt, L[10], L[32]]:
        q, k, v = self.c_attn(x).split(C, dim=2)  # BUG: width 64 splits into 2 chunks of 32, not 3
        return tt.softmax(q @ k.transpose(-2, -1) / math.sqrt(C), dim=-1) @ v


tt.manual_seed(0)
print(tuple(Attention()(tt.randn(2, 10, C)).shape))
