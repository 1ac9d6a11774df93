"""Outer products written explicitly, the broadcasting that is legal and meant.

Style: ``a[:, None] * b[None, :]``, ``Matrix[N, 1] * Matrix[1, M]``, ``unsqueeze``,
a rank-1 update of a weight matrix.
"""

import typedtorch as tt

tt.manual_seed(0)
a = tt.randn(5)
b = tt.randn(3)

outer = a[:, None] * b[None, :]  # (5, 3)
col = tt.randn(5, 1)
row = tt.randn(1, 3)
grid = col * row + col - row  # (5, 3)
also = a.unsqueeze(1) * b.unsqueeze(0)  # (5, 3)
assert (outer - also).abs().amax().item() == 0.0

W = tt.zeros(5, 3)
W = W + 0.1 * outer  # a Hebbian rank-1 update
print(tuple(outer.shape), tuple(grid.shape), tuple(W.shape))
