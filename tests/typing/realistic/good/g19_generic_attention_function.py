"""Scaled dot-product attention as a generic function: queries and keys of different lengths.

Style: ``q @ k.transpose(-2, -1)``, ``softmax(dim=-1)``, TypeVar dims for batch, query
length, key length, key and value widths; cross-attention (T != S) and self-attention.
"""

import math
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor

B = TypeVar("B")
T = TypeVar("T")
S = TypeVar("S")
D = TypeVar("D")
E = TypeVar("E")


def attention(q: Tensor[B, T, D], k: Tensor[B, S, D], v: Tensor[B, S, E]) -> Tensor[B, T, E]:
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    weights = tt.softmax(scores, dim=-1)
    return weights @ v


tt.manual_seed(0)
queries = tt.randn(2, 5, 16)
memory = tt.randn(2, 9, 16)
values = tt.randn(2, 9, 24)
cross = attention(queries, memory, values)  # (2, 5, 24)
self_attn = attention(memory, memory, memory)  # (2, 9, 16)
print(tuple(cross.shape), tuple(self_attn.shape))
