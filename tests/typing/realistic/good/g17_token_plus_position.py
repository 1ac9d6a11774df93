"""Token plus positional embeddings: ``(B, T, C) + (T, C)``, the GPT input layer.

Style: ``nn.Embedding`` on an index tensor of shape ``(B, T)`` and on ``tt.arange(T)``,
lower-rank broadcasting, module-level constants.
"""

import typedtorch as tt
from typedtorch import nn

VOCAB, BLOCK, C = 50, 8, 16
B, T = 4, 8

tt.manual_seed(0)
tok_emb = nn.Embedding(VOCAB, C)
pos_emb = nn.Embedding(BLOCK, C)

idx = tt.randint(0, VOCAB, (B, T))
tok = tok_emb(idx)  # (B, T, C)
pos = pos_emb(tt.arange(T))  # (T, C)
x = tok + pos
print(tuple(x.shape))
