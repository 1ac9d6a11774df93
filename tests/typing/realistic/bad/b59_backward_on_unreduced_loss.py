"""``backward()`` on a per-element loss (``reduction="none"``).

Bug: the loss is ``(B, 1)``, not a scalar; ``loss.mean().backward()`` was meant.
"""

import typedtorch as tt
from typedtorch import nn
from typedtorch.nn import functional as F

tt.manual_seed(0)
model = nn.Linear(3, 8) >> nn.ReLU() >> nn.Linear(8, 1)
x, y = tt.randn(10, 3), tt.randn(10, 1)
weights = tt.rand(10, 1)
loss = F.mse_loss(model(x), y, reduction="none") * weights  # (10, 1) per-sample weighted loss
loss.backward()  # BUG: backward() of a (10, 1) tensor; reduce it first
print(loss.shape)
