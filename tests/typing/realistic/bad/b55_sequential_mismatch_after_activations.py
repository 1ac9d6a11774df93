"""A deep ``nn.Sequential`` with activations between the layers and one size wrong.

Bug: the third ``Linear`` takes 4 features; the layer before it outputs 8.
"""

import typedtorch as tt
from typedtorch import nn

tt.manual_seed(0)
model = nn.Sequential(
    nn.Linear(2, 8),
    nn.Tanh(),
    nn.Linear(8, 8),
    nn.ReLU(),
    nn.Linear(4, 1),  # BUG: 8 features into Linear(4, 1)
)
print(tuple(model(tt.randn(5, 2)).shape))
