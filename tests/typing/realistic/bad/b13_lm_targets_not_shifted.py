"""Next-token training where the inputs were shifted but the targets were not.

Bug: inputs are ``tokens[:, :-1]`` (16 positions) but the targets are all 17 tokens:
the flattened logits ``(64, V)`` meet ``68`` targets. ``tokens[:, 1:]`` was meant.
"""

import typedtorch as tt
from typedtorch import nn
from typedtorch.nn import functional as F

VOCAB = 50
tt.manual_seed(0)
model = nn.Embedding(VOCAB, 32) >> nn.Linear(32, VOCAB)

tokens = tt.randint(0, VOCAB, (4, 17))
inputs = tokens[:, :-1]  # (4, 16)
targets = tokens  # should be tokens[:, 1:]
logits = model(inputs)  # (4, 16, 50)
loss = F.cross_entropy(logits.reshape(-1, VOCAB), targets.reshape(-1))  # BUG: 64 predictions, 68 targets
print(loss.item())
