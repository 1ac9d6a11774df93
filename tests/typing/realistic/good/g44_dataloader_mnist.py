"""MNIST from ``typedtorch.data`` through a ``DataLoader``: a few batches of the test split.

Style: the library's typed dataset (``(N, 28, 28)`` images, ``(N,)`` labels), a loader
of ``(images, labels)`` batches, ``flatten(1)`` into a ``>>`` MLP, an early ``break``.
"""

import typedtorch as tt
import typedtorch.data as ttd
from typedtorch import nn, optim

tt.manual_seed(0)
test_set = ttd.MNIST(train=False)
loader = ttd.DataLoader(test_set, batch_size=64, shuffle=True, seed=0)

model = nn.Linear(784, 64) >> nn.ReLU() >> nn.Linear(64, 10)
opt = optim.Adam(model.parameters(), lr=1e-3)
losses: list[float] = []
for step, (images, labels) in enumerate(loader):
    opt.zero_grad()
    loss = nn.cross_entropy(model(images.flatten(1)), labels)
    loss.backward()
    losses.append(loss.item())
    opt.step()
    if step == 3:
        break
print(len(loader), losses[-1])
