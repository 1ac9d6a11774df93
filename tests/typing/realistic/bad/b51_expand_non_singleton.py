"""A learned position table of the full block length expanded to a shorter batch of sequences.

Bug: ``pos_embed`` is ``(1, 32, 24)``; ``expand(b, 16, 24)`` can only stretch size-1 dims,
and dim 1 is 32. ``pos_embed[:, :16]`` was meant.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

B = TypeVar("B")


class AddPositions(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.pos_embed = nn.Parameter(tt.randn(1, 32, 24) * 0.02)

    def forward(self, x: Tensor[B, L[16], L[24]]) -> Tensor[B, L[16], L[24]]:
        pos = self.pos_embed.expand(x.shape[0], 16, 24)  # BUG: dim 1 is 32, not 1: cannot expand to 16
        return x + pos


tt.manual_seed(0)
print(tuple(AddPositions()(tt.randn(2, 16, 24)).shape))
