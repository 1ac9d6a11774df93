"""``F.nll_loss`` given one-hot targets instead of class indices.

Bug: ``nll_loss`` takes ``(B,)`` class indices; the one-hot ``(B, 10)`` matrix is what
``binary_cross_entropy`` or a probability target would take.
"""

import typedtorch as tt
from typedtorch import nn
from typedtorch.nn import functional as F

tt.manual_seed(0)
model = nn.Linear(784, 128) >> nn.ReLU() >> nn.Linear(128, 10) >> nn.LogSoftmax(dim=1)
images = tt.rand(16, 784)
labels = tt.randint(0, 10, (16,))
targets = F.one_hot(labels, 10)  # (16, 10)
loss = F.nll_loss(model(images), targets)  # BUG: (16, 10) one-hot targets, nll_loss wants (16,)
print(loss.item())
