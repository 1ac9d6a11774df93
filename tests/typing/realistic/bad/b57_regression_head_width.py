"""A regression model whose head kept the classifier's 10 outputs.

Bug: ``self.head = nn.Linear(64, 10)`` but ``forward`` promises one value per sample,
``Tensor[B, 1]``.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

B = TypeVar("B")


class Regressor(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Linear(13, 64) >> nn.ReLU()
        self.head = nn.Linear(64, 10)

    @tt.checked
    def forward(self, x: Tensor[B, L[13]]) -> Tensor[B, L[1]]:
        return self.head(self.body(x))  # BUG: 10 outputs where the signature says 1


tt.manual_seed(0)
print(tuple(Regressor()(tt.randn(4, 13)).shape))
