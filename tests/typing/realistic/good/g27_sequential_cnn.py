"""A small CNN as one ``nn.Sequential``: conv, ReLU, pool, flatten, linear, sized by hand.

Style: ``nn.Conv2d(1, 8, 3)`` (28 -> 26), ``nn.MaxPool2d(2)`` (26 -> 13),
``nn.Flatten()``, ``nn.Linear(8 * 13 * 13, 10)``; MNIST-shaped input.
"""

import typedtorch as tt
from typedtorch import nn, optim

tt.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(1, 8, 3),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Flatten(),
    nn.Linear(8 * 13 * 13, 10),
)
opt = optim.Adam(model.parameters(), lr=1e-3)
images, labels = tt.rand(4, 1, 28, 28), tt.randint(0, 10, (4,))
losses: list[float] = []
for _ in range(2):
    opt.zero_grad()
    loss = nn.cross_entropy(model(images), labels)
    loss.backward()
    losses.append(loss.item())
    opt.step()
print(losses[-1])
