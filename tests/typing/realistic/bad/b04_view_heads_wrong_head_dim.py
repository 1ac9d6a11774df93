"""Splitting 32 channels into heads with a mistyped head size.

Bug: ``view(2, 16, 4, 6)`` of a ``(2, 16, 32)`` tensor: 768 elements asked of 1024
(4 heads x 6 is 24, not 32).
"""

import typedtorch as tt
from typedtorch import nn

N_HEAD, HEAD_DIM = 4, 6

tt.manual_seed(0)
proj = nn.Linear(32, 32)
x = tt.randn(2, 16, 32)
q = proj(x)
heads = q.view(2, 16, N_HEAD, HEAD_DIM).transpose(1, 2)  # BUG: 4 * 6 = 24 != 32 channels
print(tuple(heads.shape))
