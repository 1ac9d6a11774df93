"""Accuracy computed with the argmax taken over the batch dim.

Bug: ``logits.argmax(dim=0)`` of ``(32, 10)`` gives 10 indices (one per class); the labels
are 32. ``dim=1`` was meant.
"""

import typedtorch as tt
from typedtorch import nn

tt.manual_seed(0)
model = nn.Linear(20, 10)
x, labels = tt.randn(32, 20), tt.randint(0, 10, (32,))
with tt.no_grad():
    logits = model(x)
    correct = (logits.argmax(dim=0) == labels).float().mean()  # BUG: (10,) predictions vs (32,) labels
print(correct.item())
