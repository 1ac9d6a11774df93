"""Batch-first data given to ``nn.MultiheadAttention`` with PyTorch's default ``(L, N, E)`` layout.

Bug: the layer reads ``(4, 16, 32)`` as 4 positions of a batch of 16, so it expects a
key padding mask of shape ``(16, 4)``; the mask is ``(4, 16)`` (batch, positions).
``batch_first=True`` was meant.
"""

import typedtorch as tt
from typedtorch import nn

tt.manual_seed(0)
mha = nn.MultiheadAttention(32, 4)
x = tt.randn(4, 16, 32)  # (batch, positions, embed)
padding = tt.arange(16).expand(4, 16) >= 12  # (batch, positions): the last 4 are padding
out, _ = mha(x, x, x, key_padding_mask=padding)  # BUG: default layout wants a (16, 4) mask here
print(tuple(out.shape))
