"""``squeeze(1)`` left over from a single-output head after the head grew to 3 outputs.

Bug: ``preds`` is ``(B, 3)``; dim 1 is not of size 1, so ``squeeze(1)`` does nothing in
PyTorch (silently) and is refused by typedtorch.
"""

import typedtorch as tt
from typedtorch import nn
from typedtorch.nn import functional as F

tt.manual_seed(0)
model = nn.Linear(6, 32) >> nn.ReLU() >> nn.Linear(32, 3)
x = tt.randn(16, 6)
preds = model(x).squeeze(1)  # BUG: dim 1 has size 3, not 1
loss = F.mse_loss(preds, tt.randn(16, 3))
print(loss.item())
