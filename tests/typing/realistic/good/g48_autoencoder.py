"""A fully connected autoencoder on 28x28 images: 784 -> 128 -> 32 -> 128 -> 784, reshaped back.

Style: encoder and decoder as ``>>`` chains, ``view(-1, 1, 28, 28)`` back to image shape,
``F.mse_loss`` of the reconstruction against the input (same shape), Adam.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn, optim
from typedtorch.nn import functional as F

B = TypeVar("B")


class AutoEncoder(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.encoder = nn.Linear(784, 128) >> nn.ReLU() >> nn.Linear(128, 32)
        self.decoder = nn.Linear(32, 128) >> nn.ReLU() >> nn.Linear(128, 784) >> nn.Sigmoid()

    def forward(self, images: Tensor[B, L[1], L[28], L[28]]) -> Tensor[B, L[1], L[28], L[28]]:
        code = self.encoder(images.flatten(1))
        return self.decoder(code).view(images.shape[0], 1, 28, 28)


tt.manual_seed(0)
ae = AutoEncoder()
opt = optim.Adam(ae.parameters(), lr=1e-3)
batch = tt.rand(8, 1, 28, 28)
losses: list[float] = []
for _ in range(3):
    opt.zero_grad()
    loss = F.mse_loss(ae(batch), batch)
    loss.backward()
    losses.append(loss.item())
    opt.step()
print(losses[-1])
