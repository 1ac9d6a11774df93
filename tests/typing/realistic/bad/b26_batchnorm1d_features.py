"""An MLP with a ``BatchNorm1d`` sized for a different hidden width.

Bug: ``nn.Linear(20, 64)`` is followed by ``nn.BatchNorm1d(128)``.
"""

import typedtorch as tt
from typedtorch import nn

tt.manual_seed(0)
model = nn.Linear(20, 64) >> nn.BatchNorm1d(128) >> nn.ReLU() >> nn.Linear(64, 2)  # BUG: 64 features, BN(128)
print(tuple(model(tt.randn(8, 20)).shape))
