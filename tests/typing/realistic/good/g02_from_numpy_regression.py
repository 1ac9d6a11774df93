"""Linear regression on numpy data: ``tt.from_numpy`` arrays (gradual) through a model.

Style: gradual data from numpy, ``nn.Sequential``, ``F.mse_loss``, Adam; a plain
function with loose annotations.
"""

import numpy as np

import typedtorch as tt
from typedtorch import nn, optim
from typedtorch.nn import functional as F

rng = np.random.default_rng(0)
features = rng.normal(size=(128, 3)).astype(np.float32)
true_w = np.array([[1.5], [-2.0], [0.5]], dtype=np.float32)
targets = (features @ true_w + 0.1).astype(np.float32)

X = tt.from_numpy(features)
Y = tt.from_numpy(targets)


def fit(steps: int) -> float:
    tt.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 16), nn.Tanh(), nn.Linear(16, 1))
    opt = optim.Adam(model.parameters(), lr=1e-2)
    last = 0.0
    for _ in range(steps):
        opt.zero_grad()
        loss = F.mse_loss(model(X), Y)
        loss.backward()
        opt.step()
        last = loss.item()
    return last


print(f"final loss {fit(20):.4f}")
