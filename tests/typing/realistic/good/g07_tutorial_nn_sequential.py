"""PyTorch's "Learning PyTorch with Examples", the nn + optim version.

Style: plain-int sizes, ``nn.Sequential`` of Linear/ReLU/Linear, ``nn.MSELoss(reduction="sum")``,
``optim.Adam``; a script.
"""

import typedtorch as tt
from typedtorch import nn, optim

N, D_in, H, D_out = 64, 1000, 100, 10

tt.manual_seed(0)
x = tt.randn(N, D_in)
y = tt.randn(N, D_out)

model = nn.Sequential(
    nn.Linear(D_in, H),
    nn.ReLU(),
    nn.Linear(H, D_out),
)
loss_fn = nn.MSELoss(reduction="sum")
optimizer = optim.Adam(model.parameters(), lr=1e-4)

for t in range(5):
    y_pred = model(x)
    loss = loss_fn(y_pred, y)
    print(t, loss.item())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
