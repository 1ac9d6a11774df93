"""Mixing the values with the attention weights in the wrong order.

Bug: ``v @ weights`` is ``(B, H, 16, 8) @ (B, H, 16, 16)``: inner dims 8 and 16 differ;
``weights @ v`` was meant.
"""

import math
from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor

B = TypeVar("B")


def attend(
    q: Tensor[B, L[4], L[16], L[8]], k: Tensor[B, L[4], L[16], L[8]], v: Tensor[B, L[4], L[16], L[8]]
) -> Tensor[B, L[4], L[16], L[8]]:
    weights = tt.softmax(q @ k.transpose(-2, -1) / math.sqrt(8), dim=-1)  # (B, 4, 16, 16)
    return v @ weights  # BUG: values times weights; weights @ v was meant


x = tt.randn(2, 4, 16, 8)
print(tuple(attend(x, x, x).shape))
