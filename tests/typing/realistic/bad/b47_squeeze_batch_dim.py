"""Squeezing the batch dim of ``(B, 1)`` predictions instead of the output dim.

Bug: ``squeeze(0)`` of ``(8, 1)``: dim 0 has size 8. PyTorch returns the tensor
unchanged and the next ``mse_loss`` broadcasts ``(8, 1)`` against ``(8,)``; ``squeeze(1)``
was meant.
"""

import typedtorch as tt
from typedtorch import nn
from typedtorch.nn import functional as F

tt.manual_seed(0)
model = nn.Linear(4, 16) >> nn.ReLU() >> nn.Linear(16, 1)
x = tt.randn(8, 4)
y = tt.randn(8)
pred = model(x).squeeze(0)  # BUG: dim 0 is the batch (8), not the size-1 output dim
loss = F.mse_loss(pred, y)
print(loss.item())
