"""PyTorch's "Learning PyTorch with Examples" with the first weight matrix created the wrong way round.

Bug: ``w1`` is ``(H, D_in)`` = ``(100, 1000)``; ``x.mm(w1)`` needs ``(D_in, H)``.
"""

import typedtorch as tt

N, D_in, H, D_out = 64, 1000, 100, 10
tt.manual_seed(0)
x = tt.randn(N, D_in)
y = tt.randn(N, D_out)
w1 = tt.randn(H, D_in, requires_grad=True)
w2 = tt.randn(H, D_out, requires_grad=True)

y_pred = x.mm(w1).clamp(min=0).mm(w2)  # BUG: (64, 1000) mm (100, 1000)
loss = (y_pred - y).pow(2).sum()
loss.backward()
print(loss.item())
