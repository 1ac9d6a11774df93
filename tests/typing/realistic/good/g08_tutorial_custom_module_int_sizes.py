"""PyTorch's "Learning PyTorch with Examples", custom nn.Module: the sizes are constructor arguments.

Style: sizes are plain ``int`` parameters (unknown statically), a ``forward()`` method,
``super().__init__()``; the model is built from the tutorial's constants.
"""

import typedtorch as tt
from typedtorch import nn, optim


class TwoLayerNet(nn.Module):
    def __init__(self, D_in: int, H: int, D_out: int) -> None:
        super().__init__()
        self.linear1 = nn.Linear(D_in, H)
        self.linear2 = nn.Linear(H, D_out)

    def forward(self, x: tt.Tensor) -> tt.Tensor:
        h_relu = self.linear1(x).clamp(min=0)
        return self.linear2(h_relu)


N, D_in, H, D_out = 64, 1000, 100, 10
tt.manual_seed(0)
x = tt.randn(N, D_in)
y = tt.randn(N, D_out)

model = TwoLayerNet(D_in, H, D_out)
criterion = nn.MSELoss(reduction="sum")
optimizer = optim.SGD(model.parameters(), lr=1e-4)
losses: list[float] = []
for _ in range(5):
    y_pred = model(x)
    loss = criterion(y_pred, y)
    optimizer.zero_grad()
    loss.backward()
    losses.append(loss.item())
    optimizer.step()
print(losses[-1])
