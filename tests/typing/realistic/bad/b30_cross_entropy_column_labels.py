"""Class labels loaded as a column ``(B, 1)`` and passed to ``cross_entropy``.

Bug: ``F.cross_entropy`` wants class indices of shape ``(B,)`` (or probabilities of
shape ``(B, 10)``); ``labels.squeeze(1)`` was needed.
"""

import typedtorch as tt
from typedtorch import nn
from typedtorch.nn import functional as F

tt.manual_seed(0)
model = nn.Linear(20, 64) >> nn.ReLU() >> nn.Linear(64, 10)
features = tt.randn(32, 20)
labels = tt.randint(0, 10, (32, 1))  # as read from a CSV column
logits = model(features)
loss = F.cross_entropy(logits, labels)  # BUG: (32, 1) labels, expected (32,)
print(loss.item())
