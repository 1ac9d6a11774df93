"""An MLP chain whose second layer was not updated when the hidden width changed.

Bug: ``nn.Linear(784, 256)`` is followed by ``nn.Linear(128, 10)``.
"""

import typedtorch as tt
from typedtorch import nn

tt.manual_seed(0)
model = nn.Linear(784, 256) >> nn.ReLU() >> nn.Linear(128, 10)  # BUG: 256 outputs into Linear(128, 10)
print(tuple(model(tt.rand(4, 784)).shape))
