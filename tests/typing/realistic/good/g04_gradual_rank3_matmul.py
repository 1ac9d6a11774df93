"""A batch of sequences typed in by hand (a 3-d nested list) projected by a weight matrix.

Style: gradual rank-3 data times a typed matrix (batched ``@``), plus a typed bias; the
untyped tensor must not be forced into the rank-2 ``@`` rule.
"""

import typedtorch as tt

tokens = tt.tensor(
    [
        [[1.0, 0.0, 0.0, 0.0, 0.5], [0.0, 1.0, 0.0, 0.0, 0.5], [0.0, 0.0, 1.0, 0.0, 0.5]],
        [[0.0, 0.0, 0.0, 1.0, 0.5], [1.0, 0.0, 0.0, 0.0, 0.5], [0.0, 1.0, 0.0, 0.0, 0.5]],
    ]
)
W = tt.randn(5, 8, requires_grad=True)
b = tt.zeros(8, requires_grad=True)

hidden = tt.tanh(tokens @ W + b)  # (2, 3, 8) at run time
pooled = hidden.mean(dim=1)  # (2, 8)
score = (pooled * pooled).sum()
score.backward()
assert W.grad is not None
print(tuple(hidden.shape), tuple(pooled.shape), tuple(W.grad.shape))
