"""Token embeddings ``(B, T, C)`` handed to a ``Conv1d`` after swapping the wrong two dims.

Bug: ``Conv1d`` wants ``(B, C, T)``: ``x.transpose(1, 2)``. ``x.transpose(0, 1)`` gives
``(T, B, C)`` = ``(50, 4, 16)``, read as 4 channels.
"""

import typedtorch as tt
from typedtorch import nn

tt.manual_seed(0)
embed = nn.Embedding(100, 16)
conv = nn.Conv1d(16, 32, 3, padding=1)
tokens = tt.randint(0, 100, (4, 50))
x = embed(tokens)  # (4, 50, 16)
features = conv(x.transpose(0, 1))  # BUG: transpose(0, 1) gives (T, B, C); (1, 2) was meant
print(tuple(features.shape))
