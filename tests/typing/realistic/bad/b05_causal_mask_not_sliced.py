"""A causal mask built for the block size, applied unsliced to a shorter sequence.

Bug: the mask is ``(32, 32)`` (block size) but the scores are ``(B, 16, 16)``; nanoGPT
slices it ``mask[:T, :T]``.
"""

import math
from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor

B = TypeVar("B")
BLOCK, C = 32, 24
mask = tt.tril(tt.ones(BLOCK, BLOCK))


def causal_attention(q: Tensor[B, L[16], L[24]], k: Tensor[B, L[16], L[24]]) -> Tensor[B, L[16], L[16]]:
    att = q @ k.transpose(-2, -1) / math.sqrt(C)  # (B, 16, 16)
    att = att.masked_fill(mask == 0, float("-inf"))  # BUG: (32, 32) mask on (B, 16, 16) scores
    return tt.softmax(att, dim=-1)


x = tt.randn(3, 16, C)
print(tuple(causal_attention(x, x).shape))
