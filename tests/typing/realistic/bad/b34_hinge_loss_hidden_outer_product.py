"""micrograd's max-margin loss with the model's ``(N, 1)`` scores not squeezed.

Bug: ``labels * scores`` is ``(N,) * (N, 1)``: numpy/PyTorch broadcasting silently makes
an ``(N, N)`` matrix of every label times every score. ``scores.squeeze(1)`` was meant.
"""

import typedtorch as tt
from typedtorch import nn

tt.manual_seed(0)
model = nn.Linear(2, 16) >> nn.ReLU() >> nn.Linear(16, 1)
points = tt.randn(100, 2)
labels = (tt.rand(100) > 0.5).float() * 2 - 1  # (100,) of +-1
scores = model(points)  # (100, 1)
losses = (1 + -labels * scores).relu()  # BUG: (100,) * (100, 1) is a hidden (100, 100) outer product
print(tuple(losses.shape), losses.mean().item())
