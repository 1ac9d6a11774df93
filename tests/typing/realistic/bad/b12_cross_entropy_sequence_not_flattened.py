"""A language-model loss on ``(B, T, V)`` logits without flattening: PyTorch reads dim 1 as classes.

Bug: ``F.cross_entropy`` wants ``(N, C, ...)`` logits and ``(N, ...)`` targets; with
``(4, 8, 65)`` logits it expects ``(4, 65)`` targets, got ``(4, 8)``. Flatten both (or
``logits.transpose(1, 2)``).
"""

import typedtorch as tt
from typedtorch import nn
from typedtorch.nn import functional as F

B, T, VOCAB = 4, 8, 65
tt.manual_seed(0)
embed = nn.Embedding(VOCAB, 32)
lm_head = nn.Linear(32, VOCAB)

idx = tt.randint(0, VOCAB, (B, T))
targets = tt.randint(0, VOCAB, (B, T))
logits = lm_head(embed(idx))  # (4, 8, 65)
loss = F.cross_entropy(logits, targets)  # BUG: (B, T, V) logits read as (N, C, d1)
print(loss.item())
