"""The convolutional benchmark models in PyTorch (CPU eager), when it is installed; never a dependency.

Dropout uses the masks the other implementations draw (a numpy generator seeded with
``DROPOUT_SEED``, one draw per dropout per step), applied as ``x * mask / (1 - p)``,
so all three do the same work on the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
import torch.nn.functional as F
from cnn_workloads import DROPOUT_SEED, ConvNet, data, dropout_mask, weights


class _Dropout(torch.nn.Module):
    def __init__(self, p: float, rng: np.random.Generator) -> None:
        super().__init__()
        self.p, self.rng = p, rng

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        keep = torch.from_numpy(dropout_mask(self.rng, tuple(x.shape), self.p))
        return x * (keep.to(x.dtype) * (1.0 / (1.0 - self.p)))


class NetA(torch.nn.Module):
    def __init__(self, rng: np.random.Generator) -> None:
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 32, 3, 1)
        self.conv2 = torch.nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = _Dropout(0.25, rng)
        self.dropout2 = _Dropout(0.5, rng)
        self.fc1 = torch.nn.Linear(9216, 128)
        self.fc2 = torch.nn.Linear(128, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = self.dropout2(x)
        return F.log_softmax(self.fc2(x), dim=1)


class NetB(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 16, 5, padding=2)
        self.conv2 = torch.nn.Conv2d(16, 32, 5, padding=2)
        self.fc1 = torch.nn.Linear(1568, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc1(torch.flatten(x, 1))


def make_step(w: ConvNet) -> Callable[[int], float]:
    torch.set_num_threads(1)
    rng = np.random.default_rng(DROPOUT_SEED)
    model: torch.nn.Module = NetA(rng) if w.optimizer == "adadelta" else NetB()
    model.load_state_dict({k: torch.from_numpy(v) for k, v in weights(w).items()})
    opt: torch.optim.Optimizer = (
        torch.optim.Adadelta(model.parameters(), lr=w.lr)
        if w.optimizer == "adadelta"
        else torch.optim.SGD(model.parameters(), lr=w.lr, momentum=w.momentum)
    )
    x_np, y_np, batches_np = data(w)
    x_all, y_all = torch.from_numpy(x_np), torch.from_numpy(y_np)
    batches = [torch.from_numpy(i) for i in batches_np]
    loss_fn = F.nll_loss if w.loss == "nll" else F.cross_entropy

    def step(i: int) -> float:
        idx = batches[i % len(batches)]
        x, y = x_all[idx], y_all[idx]
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss  # type: ignore[return-value]

    return step
