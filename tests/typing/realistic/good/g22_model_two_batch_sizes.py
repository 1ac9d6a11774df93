"""One model, trained on batches of 64 and evaluated on the whole test set and on one sample.

Style: a typed ``__call__`` module (typedtorch style), a ``>>`` chain inside it,
calls at batch sizes 64, 200 and 1, ``no_grad`` evaluation.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn, optim

B = TypeVar("B")


class MLP(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Linear(20, 64) >> nn.ReLU() >> nn.Linear(64, 3)

    def __call__(self, x: Tensor[B, L[20]]) -> Tensor[B, L[3]]:
        return self.net(x)


tt.manual_seed(0)
model = MLP()
opt = optim.SGD(model.parameters(), lr=0.1)
train_x, train_y = tt.randn(64, 20), tt.randint(0, 3, (64,))
for _ in range(3):
    opt.zero_grad()
    loss = nn.cross_entropy(model(train_x), train_y)
    loss.backward()
    opt.step()

with tt.no_grad():
    test_logits = model(tt.randn(200, 20))
    one = model(tt.randn(1, 20))
print(tuple(test_logits.shape), tuple(one.shape))
