"""The benchmark models in PyTorch (CPU), when it is installed; never a dependency."""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from workloads import Workload, data, weights


def make_step(w: Workload) -> Callable[[int], float]:
    torch.set_num_threads(1)
    layers: list[torch.nn.Module] = []
    for wt, b in weights(w):
        fc = torch.nn.Linear(wt.shape[0], wt.shape[1])
        with torch.no_grad():
            fc.weight.copy_(torch.from_numpy(wt.T.copy()))  # torch stores (out, in)
            fc.bias.copy_(torch.from_numpy(b))
        layers += [fc, torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])
    opt = torch.optim.SGD(model.parameters(), lr=w.lr)
    x_np, y_np, batches_np = data(w)
    x_all, y_all = torch.from_numpy(x_np), torch.from_numpy(y_np)
    batches = [torch.from_numpy(i) for i in batches_np]
    loss_fn = F.mse_loss if w.loss == "mse" else F.cross_entropy

    def step(i: int) -> float:
        if w.loss == "mse":
            x, y = x_all, y_all
        else:
            idx = batches[i % len(batches)]
            x, y = x_all[idx], y_all[idx]
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss  # type: ignore[return-value]

    return step
