"""A one-``Sequential`` CNN whose linear layer was sized for 14x14 maps.

Bug: conv3 turns 28 into 26 and the pool 26 into 13, so ``Flatten`` gives 8 * 13 * 13 =
1352 features; the layer is ``nn.Linear(8 * 14 * 14, 10)`` (1568).
"""

import typedtorch as tt
from typedtorch import nn

tt.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(1, 8, 3),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Flatten(),
    nn.Linear(8 * 14 * 14, 10),
)
images = tt.rand(4, 1, 28, 28)
logits = model(images)  # BUG: Flatten gives 1352 features, the Linear expects 1568
print(tuple(logits.shape))
