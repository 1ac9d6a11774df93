"""A model annotated the way a newcomer annotates: plain ``tt.Tensor``, no dims.

Style: barely annotated; bare ``Tensor`` parameters and returns (any shape), a
``forward()`` module, a helper returning a loss.
"""

import typedtorch as tt
from typedtorch import Tensor, nn
from typedtorch.nn import functional as F


class Classifier(nn.Module):
    def __init__(self, n_in: int, n_out: int) -> None:
        super().__init__()
        self.hidden = nn.Linear(n_in, 64)
        self.out = nn.Linear(64, n_out)

    def forward(self, x: Tensor) -> Tensor:
        return self.out(F.gelu(self.hidden(x)))


def loss_for(model: Classifier, x: Tensor, y: Tensor) -> Tensor:
    return F.cross_entropy(model(x), y)


tt.manual_seed(0)
clf = Classifier(12, 4)
loss = loss_for(clf, tt.randn(9, 12), tt.randint(0, 4, (9,)))
loss.backward()
print(loss.item())
