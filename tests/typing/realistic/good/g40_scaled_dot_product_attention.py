"""Attention through ``F.scaled_dot_product_attention`` (causal), as nanoGPT's flash path does.

Style: ``(B, nh, T, hs)`` queries, keys and values, ``is_causal=True``, an explicit
boolean mask variant, merge heads with ``transpose(1, 2).contiguous().view(B, T, C)``.
"""

import typedtorch as tt
from typedtorch.nn import functional as F

tt.manual_seed(0)
B, nh, T, hs = 2, 4, 12, 8
C = nh * hs
q = tt.randn(B, nh, T, hs)
k = tt.randn(B, nh, T, hs)
v = tt.randn(B, nh, T, hs)

y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
allowed = tt.tril(tt.ones(T, T)).bool()
y_masked = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed)
assert (y - y_masked).abs().amax().item() < 1e-5
merged = y.transpose(1, 2).contiguous().view(B, T, C)
print(tuple(merged.shape))
