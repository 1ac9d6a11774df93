"""A hand-written RNN whose hidden state was initialised with the input width.

Bug: ``h = tt.zeros(B, N_IN)`` is ``(3, 10)``; ``h @ Whh`` needs ``(3, H)`` = ``(3, 16)``.
"""

import typedtorch as tt

N_IN, H, B, T = 10, 16, 3, 5
tt.manual_seed(0)
Wxh = tt.randn(N_IN, H) * 0.1
Whh = tt.randn(H, H) * 0.1
xs = tt.randn(T, B, N_IN)

h = tt.zeros(B, N_IN)
h = tt.tanh(xs[0] @ Wxh + h @ Whh)  # BUG: (3, 10) @ (16, 16)
print(tuple(h.shape))
