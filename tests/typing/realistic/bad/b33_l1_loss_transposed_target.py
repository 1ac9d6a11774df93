"""A forecasting loss whose target is laid out ``(T, B)`` while the predictions are ``(B, T)``.

Bug: predictions ``(4, 6)`` against targets ``(6, 4)``; ``target.T`` was meant.
"""

import typedtorch as tt
from typedtorch import nn
from typedtorch.nn import functional as F

HORIZON, BATCH = 6, 4
tt.manual_seed(0)
forecaster = nn.Linear(24, 64) >> nn.Tanh() >> nn.Linear(64, HORIZON)
history = tt.randn(BATCH, 24)
future = tt.randn(HORIZON, BATCH)  # time-major, as the data file stores it
loss = F.l1_loss(forecaster(history), future)  # BUG: (4, 6) predictions vs (6, 4) targets
print(loss.item())
