"""An MNIST-style ``view(-1, 784)`` applied to CIFAR images.

Bug: a batch of 8 RGB 32x32 images has 8 * 3 * 32 * 32 = 24576 elements, not a multiple
of 784; the per-image size is 3 * 32 * 32 = 3072.
"""

import typedtorch as tt
from typedtorch import nn

tt.manual_seed(0)
model = nn.Linear(784, 128) >> nn.ReLU() >> nn.Linear(128, 10)
images = tt.rand(8, 3, 32, 32)
logits = model(images.view(-1, 784))  # BUG: 24576 elements do not make rows of 784
print(tuple(logits.shape))
