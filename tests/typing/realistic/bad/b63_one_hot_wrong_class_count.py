"""Multi-label targets one-hot encoded with a different number of classes than the model has.

Bug: the model has 6 outputs; ``F.one_hot(labels, 10)`` makes 10 columns.
"""

import typedtorch as tt
from typedtorch import nn
from typedtorch.nn import functional as F

N_CLASSES = 6
tt.manual_seed(0)
model = nn.Linear(20, 32) >> nn.ReLU() >> nn.Linear(32, N_CLASSES)
x = tt.randn(8, 20)
labels = tt.randint(0, N_CLASSES, (8,))
targets = F.one_hot(labels, 10).float()  # (8, 10)
loss = F.binary_cross_entropy_with_logits(model(x), targets)  # BUG: (8, 6) logits vs (8, 10) targets
print(loss.item())
