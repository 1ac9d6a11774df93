"""Multi-head causal self-attention with every size a literal and every step annotated.

Style: separate q/k/v projections, ``view(b, T, H, D).transpose(1, 2)`` to
``(B, H, T, D)``, scores ``(B, H, T, T)``, a ``(T, T)`` mask broadcast by
``masked_fill``, heads merged with ``transpose(1, 2).reshape(b, T, C)``.
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
        self.q_proj = nn.Linear(C, C)
        self.k_proj = nn.Linear(C, C)
        self.v_proj = nn.Linear(C, C)
        self.out_proj = nn.Linear(C, C)
        self.mask: Tensor[L[16], L[16]] = tt.tril(tt.ones(T, T))

    def heads(self, x: Tensor[Bt, L[16], L[32]]) -> Tensor[Bt, L[4], L[16], L[8]]:
        return x.view(x.shape[0], T, H, D).transpose(1, 2)

    def forward(self, x: Tensor[Bt, L[16], L[32]]) -> Tensor[Bt, L[16], L[32]]:
        q = self.heads(self.q_proj(x))
        k = self.heads(self.k_proj(x))
        v = self.heads(self.v_proj(x))
        scores: Tensor[Bt, L[4], L[16], L[16]] = q @ k.transpose(-2, -1) / math.sqrt(D)
        masked = scores.masked_fill(self.mask == 0, float("-inf"))
        weights = tt.softmax(masked, dim=-1)
        mixed: Tensor[Bt, L[4], L[16], L[8]] = weights @ v
        merged = mixed.transpose(1, 2).reshape(x.shape[0], T, C)
        return self.out_proj(merged)


tt.manual_seed(0)
layer = SelfAttention()
y1 = layer(tt.randn(2, T, C))
y2 = layer(tt.randn(5, T, C))
print(tuple(y1.shape), tuple(y2.shape))
