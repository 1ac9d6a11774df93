"""A text classifier whose embedding width does not match the layer after the pooling.

Bug: ``nn.Embedding(1000, 64)`` gives 64 features per token; the classifier is
``nn.Linear(32, 5)``.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

B = TypeVar("B")
T = TypeVar("T")


class BagOfWords(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(1000, 64)
        self.fc = nn.Linear(32, 5)

    def forward(self, ids: Tensor[B, T]) -> Tensor[B, L[5]]:
        pooled = self.embed(ids).mean(dim=1)  # (B, 64)
        return self.fc(pooled)  # BUG: 64 features into Linear(32, 5)


tt.manual_seed(0)
print(tuple(BagOfWords()(tt.randint(0, 1000, (4, 9))).shape))
