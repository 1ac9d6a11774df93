"""MNIST images ``(B, 28, 28)`` fed to a ``Conv2d`` without adding the channel dim.

Bug: a conv needs ``(B, 1, 28, 28)`` (``images.unsqueeze(1)``); PyTorch reads the
3-d input as one unbatched image with 8 channels, and the conv has 1.
"""

import typedtorch as tt
from typedtorch import nn

tt.manual_seed(0)
conv = nn.Conv2d(1, 8, 3)
pool = nn.MaxPool2d(2)
images = tt.rand(8, 28, 28)
features = pool(tt.relu(conv(images)))  # BUG: (8, 28, 28) has no channel dim; unsqueeze(1) was meant
print(tuple(features.shape))
