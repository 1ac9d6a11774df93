"""``nn.MultiheadAttention`` with an embedding width the number of heads does not divide.

Bug: ``embed_dim=30, num_heads=4``: 30 % 4 != 0, so the heads cannot split the width.
"""

import typedtorch as tt
from typedtorch import nn

tt.manual_seed(0)
mha = nn.MultiheadAttention(embed_dim=30, num_heads=4)  # BUG: 30 is not divisible by 4 heads
seq = tt.randn(10, 2, 30)
out, weights = mha(seq, seq, seq)
print(tuple(out.shape))
