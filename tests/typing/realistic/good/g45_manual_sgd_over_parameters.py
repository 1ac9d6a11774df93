"""PyTorch's "Learning PyTorch with Examples", the nn version: a manual SGD step over ``model.parameters()``.

Style: ``param -= learning_rate * param.grad`` under ``no_grad`` (in place), then
``model.zero_grad()``; ``nn.MSELoss(reduction="sum")``; plain-int sizes.
"""

import typedtorch as tt
from typedtorch import nn

N, D_in, H, D_out = 64, 100, 50, 10
tt.manual_seed(0)
x = tt.randn(N, D_in)
y = tt.randn(N, D_out)

model = nn.Sequential(nn.Linear(D_in, H), nn.ReLU(), nn.Linear(H, D_out))
loss_fn = nn.MSELoss(reduction="sum")
learning_rate = 1e-4
losses: list[float] = []
for _ in range(5):
    y_pred = model(x)
    loss = loss_fn(y_pred, y)
    model.zero_grad()
    loss.backward()
    losses.append(loss.item())
    with tt.no_grad():
        for param in model.parameters():
            assert param.grad is not None
            param -= learning_rate * param.grad
print(losses[-1])
