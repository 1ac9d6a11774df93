"""Feature columns sliced out of a typed table, each fed to its own small layer.

Style: slices of several dims (``x[:, i:j]``) with literal and with variable bounds,
reassembled by ``tt.cat``; fully annotated helper.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

B = TypeVar("B")

numeric = nn.Linear(3, 4)
categorical = nn.Linear(5, 4)


def encode(table: Tensor[B, L[8]]) -> Tensor[B, L[8]]:
    """Columns 0-2 are numeric, 3-7 a one-hot category."""
    num = numeric(table[:, 0:3])
    cat = categorical(table[:, 3:8])
    return tt.cat([num, cat], dim=1)


def split_point(table: Tensor[B, L[8]], at: int) -> tuple[tt.Tensor, tt.Tensor]:
    return table[:, :at], table[:, at:]


rows = tt.rand(6, 8)
encoded = encode(rows)
left, right = split_point(rows, 3)
print(tuple(encoded.shape), tuple(left.shape), tuple(right.shape))
