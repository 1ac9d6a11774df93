"""A model trained on 20 features, then called on a test table that still has its id column.

Bug: the test table is ``(200, 21)``; the model takes 20 features (drop column 0 first).
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

B = TypeVar("B")


class Scorer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Linear(20, 32) >> nn.ReLU() >> nn.Linear(32, 1)

    def forward(self, x: Tensor[B, L[20]]) -> Tensor[B, L[1]]:
        return self.net(x)


tt.manual_seed(0)
model = Scorer()
train_scores = model(tt.randn(64, 20))
test_table = tt.randn(200, 21)  # column 0 is the row id
with tt.no_grad():
    test_scores = model(test_table)  # BUG: 21 columns into a model for 20 features
print(tuple(train_scores.shape), tuple(test_scores.shape))
