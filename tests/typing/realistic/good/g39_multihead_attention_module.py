"""``nn.MultiheadAttention`` in both layouts: PyTorch's default ``(L, N, E)`` and ``batch_first``.

Style: default layout self-attention, ``batch_first=True`` with a boolean causal
``attn_mask`` from ``tt.triu(..., diagonal=1)``, a ``key_padding_mask`` of shape
``(N, S)``, and cross-attention with queries shorter than the keys.
"""

import typedtorch as tt
from typedtorch import nn

tt.manual_seed(0)
E, HEADS = 32, 4

mha = nn.MultiheadAttention(embed_dim=E, num_heads=HEADS)
seq = tt.randn(10, 2, E)  # (L, N, E): PyTorch's default layout
out, weights = mha(seq, seq, seq)  # (10, 2, E), (2, 10, 10)

mha_bf = nn.MultiheadAttention(E, HEADS, batch_first=True)
x = tt.randn(2, 10, E)  # (N, L, E)
causal = tt.triu(tt.ones(10, 10), diagonal=1).bool()
out2, _ = mha_bf(x, x, x, attn_mask=causal)
padding = tt.zeros(2, 10, dtype=tt.bool)
out3, _ = mha_bf(x, x, x, key_padding_mask=padding)

queries = tt.randn(2, 5, E)
out4, w4 = mha_bf(queries, x, x)  # (2, 5, E), (2, 5, 10)
print(tuple(out.shape), tuple(weights.shape), tuple(out2.shape), tuple(out3.shape), tuple(out4.shape), tuple(w4.shape))
