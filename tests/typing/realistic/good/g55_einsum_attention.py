"""Attention scores and mixing written with ``einsum`` (the equation names every dim).

Style: ``tt.einsum("bhtd,bhsd->bhts", q, k)`` and ``"bhts,bhsd->bhtd"``, equal to the
``@`` form; a bilinear score ``"bi,ij,bj->b"``.
"""

import typedtorch as tt

tt.manual_seed(0)
q = tt.randn(2, 4, 6, 8)
k = tt.randn(2, 4, 9, 8)
v = tt.randn(2, 4, 9, 8)

scores = tt.einsum("bhtd,bhsd->bhts", q, k) / 8**0.5  # (2, 4, 6, 9)
weights = tt.softmax(scores, dim=-1)
mixed = tt.einsum("bhts,bhsd->bhtd", weights, v)  # (2, 4, 6, 8)
same = tt.softmax(q @ k.transpose(-2, -1) / 8**0.5, dim=-1) @ v
assert (mixed - same).abs().amax().item() < 1e-5

x, W, y = tt.randn(5, 3), tt.randn(3, 4), tt.randn(5, 4)
bilinear = tt.einsum("bi,ij,bj->b", x, W, y)  # (5,)
print(tuple(mixed.shape), tuple(bilinear.shape))
