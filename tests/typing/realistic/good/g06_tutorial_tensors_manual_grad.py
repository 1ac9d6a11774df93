"""PyTorch's "Learning PyTorch with Examples", the autograd version: two weight matrices, manual SGD.

Style: plain-int sizes (``N, D_in, H, D_out = 64, 1000, 100, 10``), ``mm``/``clamp``,
``pow(2).sum()``, in-place updates under ``no_grad``, gradients reset with ``w.grad = None``; a script, as in the tutorial.
"""

import typedtorch as tt

N, D_in, H, D_out = 64, 1000, 100, 10

tt.manual_seed(0)
x = tt.randn(N, D_in)
y = tt.randn(N, D_out)

w1 = tt.randn(D_in, H, requires_grad=True)
w2 = tt.randn(H, D_out, requires_grad=True)

learning_rate = 1e-6
for t in range(5):
    y_pred = x.mm(w1).clamp(min=0).mm(w2)
    loss = (y_pred - y).pow(2).sum()
    if t % 2 == 0:
        print(t, loss.item())
    loss.backward()
    with tt.no_grad():
        assert w1.grad is not None and w2.grad is not None
        w1 -= learning_rate * w1.grad
        w2 -= learning_rate * w2.grad
    w1.grad = None
    w2.grad = None
