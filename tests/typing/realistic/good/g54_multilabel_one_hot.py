"""Multi-label classification: targets built with ``one_hot``, loss with logits, thresholds with ``where``.

Style: ``tt.one_hot(labels, C).sum(dim=1).clamp(max=1)`` for several labels per row,
``F.binary_cross_entropy_with_logits`` of equal shapes, ``tt.where`` on a comparison.
"""

import typedtorch as tt
from typedtorch import nn
from typedtorch.nn import functional as F

C = 6
tt.manual_seed(0)
model = nn.Linear(20, 32) >> nn.ReLU() >> nn.Linear(32, C)
x = tt.randn(8, 20)
labels = tt.randint(0, C, (8, 2))  # two labels per sample
targets = tt.one_hot(labels, C).sum(dim=1).clamp(max=1).float()  # (8, C)

logits = model(x)
loss = F.binary_cross_entropy_with_logits(logits, targets)
loss.backward()
probs = tt.sigmoid(logits)
predicted = tt.where(probs > 0.5, tt.ones_like(probs), tt.zeros_like(probs))
print(loss.item(), tuple(predicted.shape))
