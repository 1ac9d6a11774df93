"""A transformer block whose ``LayerNorm`` normalises the wrong width.

Bug: the residual stream is ``(B, T, 32)``; the norm is ``nn.LayerNorm(64)``.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

B = TypeVar("B")
T = TypeVar("T")


class MLPBlock(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.ln = nn.LayerNorm(64)
        self.mlp = nn.Linear(32, 128) >> nn.GELU() >> nn.Linear(128, 32)

    def forward(self, x: Tensor[B, T, L[32]]) -> Tensor[B, T, L[32]]:
        return x + self.mlp(self.ln(x))  # BUG: width 32 into LayerNorm(64)


tt.manual_seed(0)
print(tuple(MLPBlock()(tt.randn(2, 5, 32)).shape))
