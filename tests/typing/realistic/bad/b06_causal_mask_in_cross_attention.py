"""A decoder applies its causal self-attention mask in the cross-attention over the encoder.

Bug: cross-attention scores are ``(B, 8, 12)`` (8 target positions, 12 source
positions); the ``(8, 8)`` causal mask does not fit them.
"""

import math
from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor

B = TypeVar("B")
T_TGT, S_SRC, D = 8, 12, 16
causal = tt.tril(tt.ones(T_TGT, T_TGT))


def cross_attention(queries: Tensor[B, L[8], L[16]], memory: Tensor[B, L[12], L[16]]) -> Tensor[B, L[8], L[16]]:
    scores = queries @ memory.transpose(-2, -1) / math.sqrt(D)  # (B, 8, 12)
    scores = scores.masked_fill(causal == 0, float("-inf"))  # BUG: (8, 8) causal mask on (B, 8, 12)
    return tt.softmax(scores, dim=-1) @ memory


tt.manual_seed(0)
print(tuple(cross_attention(tt.randn(2, T_TGT, D), tt.randn(2, S_SRC, D)).shape))
