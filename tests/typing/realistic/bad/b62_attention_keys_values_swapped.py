"""A generic attention function called with the keys and values swapped.

Bug: the keys must have the queries' width (16); the call passes the 24-wide values as
keys and the 16-wide memory as values.
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
    return tt.softmax(scores, dim=-1) @ v


tt.manual_seed(0)
queries = tt.randn(2, 5, 16)
memory = tt.randn(2, 9, 16)
values = tt.randn(2, 9, 24)
out = attention(queries, values, memory)  # BUG: keys and values swapped
print(tuple(out.shape))
