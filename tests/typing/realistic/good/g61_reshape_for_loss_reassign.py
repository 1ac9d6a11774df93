"""A sequence model's loss with the logits and targets flattened in place, nanoGPT-style.

Style: ``logits = logits.view(B * T, C)`` and ``targets = targets.view(B * T)``: locals
rebound to a new rank before ``F.cross_entropy`` (see g60 on ``allow_redefinition``);
``B, T, C = logits.shape``.
"""

import typedtorch as tt
from typedtorch import nn
from typedtorch.nn import functional as F

tt.manual_seed(0)
vocab, width = 30, 16
embed = nn.Embedding(vocab, width)
lm_head = nn.Linear(width, vocab)

idx = tt.randint(0, vocab, (4, 8))
targets = tt.randint(0, vocab, (4, 8))
logits = lm_head(tt.tanh(embed(idx)))  # (4, 8, 30)
B, T, C = logits.shape
logits = logits.view(B * T, C)
targets = targets.view(B * T)
loss = F.cross_entropy(logits, targets)
loss.backward()
print(loss.item())
