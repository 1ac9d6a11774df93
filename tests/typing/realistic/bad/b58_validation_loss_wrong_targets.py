"""A validation loss computed against the training targets.

Bug: the validation predictions are ``(40, 1)``; ``train_y`` is ``(100, 1)``. ``val_y``
was meant.
"""

import typedtorch as tt
from typedtorch import nn
from typedtorch.nn import functional as F

tt.manual_seed(0)
train_x, train_y = tt.randn(100, 8), tt.randn(100, 1)
val_x, val_y = tt.randn(40, 8), tt.randn(40, 1)
model = nn.Linear(8, 16) >> nn.ReLU() >> nn.Linear(16, 1)

loss = F.mse_loss(model(train_x), train_y)
loss.backward()
with tt.no_grad():
    val_loss = F.mse_loss(model(val_x), train_y)  # BUG: validation predictions against training targets
print(loss.item(), val_loss.item(), tuple(val_y.shape))
