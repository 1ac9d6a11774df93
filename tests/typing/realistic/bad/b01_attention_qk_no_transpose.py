"""Attention scores computed as ``q @ k``: the keys are not transposed.

Bug: ``(B, H, T, D) @ (B, H, T, D)`` with T=16, D=8: inner dims 8 and 16 differ;
``k.transpose(-2, -1)`` was meant.
"""

import math
from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor

B = TypeVar("B")


def attention(
    q: Tensor[B, L[4], L[16], L[8]], k: Tensor[B, L[4], L[16], L[8]], v: Tensor[B, L[4], L[16], L[8]]
) -> Tensor[B, L[4], L[16], L[8]]:
    scores = q @ k / math.sqrt(8)  # BUG: q @ k without k.transpose(-2, -1)
    return tt.softmax(scores, dim=-1) @ v


x = tt.randn(2, 4, 16, 8)
print(tuple(attention(x, x, x).shape))
