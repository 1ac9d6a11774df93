"""Splitting and joining: ``split`` with sizes, ``chunk``, ``cat`` along a dim, ``stack`` into a new one.

Style: a two-tower model whose towers see different column groups, joined by
``tt.cat(dim=1)``; an ensemble of heads stacked along a new dim 0 and averaged.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

B = TypeVar("B")

tt.manual_seed(0)
user_tower = nn.Linear(6, 8)
item_tower = nn.Linear(10, 8)
heads = [nn.Linear(16, 3) for _ in range(4)]


def score(features: Tensor[B, L[16]]) -> Tensor[B, L[3]]:
    user, item = features.split([6, 10], dim=1)
    joined = tt.cat([tt.relu(user_tower(user)), tt.relu(item_tower(item))], dim=1)  # (B, 16)
    votes = tt.stack([h(joined) for h in heads], dim=0)  # (4, B, 3)
    return votes.mean(dim=0)


x = tt.randn(5, 16)
first, second = x.chunk(2, dim=1)  # two (5, 8)
print(tuple(score(x).shape), tuple(first.shape), tuple(second.shape))
