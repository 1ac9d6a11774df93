"""micrograd's demo notebook, in tensors: a 2-16-16-1 MLP, SVM max-margin loss with L2, SGD.

Style: data from numpy (labels +-1), ``scores.squeeze(1)`` before comparing with the
``(N,)`` labels, ``(1 + -y * scores).relu().mean()``, a regulariser summed over
``parameters()``, accuracy as in the notebook, a decaying learning rate.
"""

import numpy as np

import typedtorch as tt
from typedtorch import nn

rng = np.random.default_rng(1337)
n = 100
angles = rng.uniform(0, np.pi, n)
upper = np.stack([np.cos(angles), np.sin(angles)], axis=1)
lower = np.stack([1 - np.cos(angles), 0.5 - np.sin(angles)], axis=1)
X_np = np.concatenate([upper[: n // 2], lower[n // 2 :]]) + rng.normal(scale=0.1, size=(n, 2))
y_np = np.concatenate([np.ones(n // 2), -np.ones(n - n // 2)])
X = tt.tensor(X_np.astype(np.float32))
y = tt.tensor(y_np.astype(np.float32))

tt.manual_seed(1337)
model = nn.Linear(2, 16) >> nn.ReLU() >> nn.Linear(16, 16) >> nn.ReLU() >> nn.Linear(16, 1)


def loss_and_accuracy() -> tuple[tt.Scalar, float]:
    scores = model(X).squeeze(1)  # (N,)
    losses = (1 + -y * scores).relu()  # svm "max-margin" loss
    data_loss = losses.mean()
    alpha = 1e-4
    reg_loss = alpha * sum((p * p).sum() for p in model.parameters())
    total = data_loss + reg_loss
    accuracy = ((y > 0) == (scores > 0)).float().mean().item()
    return total, accuracy


total_loss, acc = loss_and_accuracy()
for k in range(10):
    model.zero_grad()
    total_loss.backward()
    learning_rate = 1.0 - 0.9 * k / 10
    with tt.no_grad():
        for p in model.parameters():
            assert p.grad is not None
            p -= learning_rate * p.grad
    total_loss, acc = loss_and_accuracy()
print(f"loss {total_loss.item():.3f}, accuracy {acc:.0%}")
