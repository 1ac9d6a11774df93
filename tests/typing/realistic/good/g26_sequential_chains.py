"""Layer chains in both spellings, with shape-preserving layers in between (L, R, L, R).

Style: ``nn.Sequential(...)`` and ``a >> b >> c``; Tanh/ReLU/Dropout between Linears;
``nn.LogSoftmax`` + ``F.nll_loss``; ``nn.Sigmoid`` + ``F.binary_cross_entropy``.
"""

import typedtorch as tt
from typedtorch import nn
from typedtorch.nn import functional as F

tt.manual_seed(0)
binary = nn.Sequential(
    nn.Linear(2, 8),
    nn.Tanh(),
    nn.Linear(8, 8),
    nn.ReLU(),
    nn.Linear(8, 1),
    nn.Sigmoid(),
)
multi = nn.Linear(10, 32) >> nn.ReLU() >> nn.Dropout(0.1) >> nn.Linear(32, 32) >> nn.ReLU() >> nn.Linear(32, 5)
head = multi >> nn.LogSoftmax(dim=1)

p = binary(tt.randn(6, 2))
bce = F.binary_cross_entropy(p, (tt.rand(6, 1) > 0.5).float())
nll = F.nll_loss(head(tt.randn(7, 10)), tt.randint(0, 5, (7,)))
(bce + nll).backward()
print(bce.item(), nll.item())
