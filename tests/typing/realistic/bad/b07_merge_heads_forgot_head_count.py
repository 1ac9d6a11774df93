"""Merging heads back with the width of one head instead of all of them.

Bug: ``reshape(b, T, D)`` keeps 8 channels where ``C = H * D = 32`` were meant; the
output projection ``Linear(32, 32)`` then gets width 8.
"""

import math
from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

Bt = TypeVar("Bt")
T, C, H, D = 16, 32, 4, 8


class SelfAttention(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.qkv = nn.Linear(C, 3 * C)
        self.out_proj = nn.Linear(C, C)

    def forward(self, x: Tensor[Bt, L[16], L[32]]) -> Tensor[Bt, L[16], L[32]]:
        b = x.shape[0]
        q, k, v = (t.view(b, T, H, D).transpose(1, 2) for t in self.qkv(x).split(C, dim=2))
        y = tt.softmax(q @ k.transpose(-2, -1) / math.sqrt(D), dim=-1) @ v  # (B, H, T, D)
        return self.out_proj(y.transpose(1, 2).reshape(b, T, D))  # BUG: width D = 8, not C = 32


tt.manual_seed(0)
print(tuple(SelfAttention()(tt.randn(2, T, C)).shape))
