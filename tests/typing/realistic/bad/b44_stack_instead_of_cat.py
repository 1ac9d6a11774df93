"""Two feature vectors combined with ``stack`` where ``cat`` was meant.

Bug: ``tt.stack([user, item], dim=1)`` of two ``(B, 16)`` is ``(B, 2, 16)``; the scorer
is ``nn.Linear(32, 1)`` and wants ``(B, 32)`` (``tt.cat(..., dim=1)``).
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

B = TypeVar("B")

tt.manual_seed(0)
user_tower = nn.Linear(10, 16)
item_tower = nn.Linear(20, 16)
scorer = nn.Linear(32, 1)


def score(users: Tensor[B, L[10]], items: Tensor[B, L[20]]) -> Tensor[B, L[1]]:
    pair = tt.stack([user_tower(users), item_tower(items)], dim=1)  # (B, 2, 16)
    return scorer(pair)  # BUG: last dim 16 into Linear(32, 1): cat was meant


print(tuple(score(tt.randn(4, 10), tt.randn(4, 20)).shape))
