"""Images loaded as a numpy array (shape unknown statically) through a typed CNN and a loss.

Style: gradual data (``tt.from_numpy``) flowing into a conv/pool/flatten/linear stack and
``F.cross_entropy`` with labels also from numpy; nothing annotated on the data.
"""

import numpy as np

import typedtorch as tt
from typedtorch import nn
from typedtorch.nn import functional as F

rng = np.random.default_rng(0)
images = tt.from_numpy(rng.random((5, 3, 16, 16), dtype=np.float32))
labels = tt.from_numpy(rng.integers(0, 4, size=5))

tt.manual_seed(0)
conv = nn.Conv2d(3, 8, 3, padding=1)
pool = nn.MaxPool2d(2)
fc = nn.Linear(8 * 8 * 8, 4)

logits = fc(pool(F.relu(conv(images))).flatten(1))
loss = F.cross_entropy(logits, labels)
loss.backward()
print(tuple(logits.shape), loss.item())
