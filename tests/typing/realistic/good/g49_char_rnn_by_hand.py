"""A character RNN written out by hand: one-hot inputs, a loop over time, stacked outputs.

Style: weight matrices as leaves, ``x[:, t, :]`` per step, ``h @ Whh``,
``tt.stack(outputs, dim=1)``, ``reshape(-1, V)`` for the loss; literal sizes.
"""

import typedtorch as tt
from typedtorch.nn import functional as F

V, H, B, T = 12, 24, 3, 7

tt.manual_seed(0)
Wxh = (tt.randn(V, H) * 0.1).requires_grad_()
Whh = (tt.randn(H, H) * 0.1).requires_grad_()
Why = (tt.randn(H, V) * 0.1).requires_grad_()
bh = tt.zeros(H, requires_grad=True)

ids = tt.randint(0, V, (B, T + 1))
inputs = F.one_hot(ids[:, :-1], V).float()  # (B, T, V)
targets = ids[:, 1:]  # (B, T)

h = tt.zeros(B, H)
outputs = []
for t in range(T):
    h = tt.tanh(inputs[:, t, :] @ Wxh + h @ Whh + bh)
    outputs.append(h @ Why)
logits = tt.stack(outputs, dim=1)  # (B, T, V)
loss = F.cross_entropy(logits.reshape(-1, V), targets.reshape(-1))
loss.backward()
assert Whh.grad is not None
print(tuple(logits.shape), loss.item(), tuple(Whh.grad.shape))
