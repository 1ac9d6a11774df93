"""Heads split with ``view(B, T, H, D)`` but never moved in front of T: attention runs across heads.

Bug: without ``.transpose(1, 2)`` the scores are ``(B, T, H, H)`` = ``(B, 16, 4, 4)``, and
the causal ``(T, T)`` = ``(16, 16)`` mask does not broadcast against them.
"""

import math
from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

Bt = TypeVar("Bt")
T, C, H, D = 16, 32, 4, 8


class CausalAttention(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.qkv = nn.Linear(C, 3 * C)
        self.proj = nn.Linear(C, C)
        self.mask = tt.tril(tt.ones(T, T))

    def forward(self, x: Tensor[Bt, L[16], L[32]]) -> Tensor[Bt, L[16], L[32]]:
        b = x.shape[0]
        q, k, v = self.qkv(x).split(C, dim=2)
        qh = q.view(b, T, H, D)  # (B, T, H, D): the .transpose(1, 2) is missing
        kh = k.view(b, T, H, D)
        vh = v.view(b, T, H, D)
        att = qh @ kh.transpose(-2, -1) / math.sqrt(D)
        att = att.masked_fill(self.mask == 0, float("-inf"))  # BUG: (B, T, H, H) scores vs (T, T) mask
        y = tt.softmax(att, dim=-1) @ vh
        return self.proj(y.reshape(b, T, C))


tt.manual_seed(0)
print(tuple(CausalAttention()(tt.randn(2, T, C)).shape))
