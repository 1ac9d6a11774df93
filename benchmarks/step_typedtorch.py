"""The benchmark models in typedtorch, written as a user would (layers, loss, optimizer)."""

from __future__ import annotations

from collections.abc import Callable

from workloads import Workload, data, weights

import typedtorch as tt
from typedtorch import nn, optim


def make_step(w: Workload) -> Callable[[int], float]:
    layers: list[nn.Module] = []
    linears = []
    for (wt, b), (n_in, n_out) in zip(weights(w), zip(w.sizes, w.sizes[1:], strict=False), strict=True):
        fc = nn.Linear(n_in, n_out)
        fc.load_state_dict({"weight": tt.from_numpy(wt), "bias": tt.from_numpy(b)})
        linears.append(fc)
        layers += [fc, nn.ReLU()]
    model = nn.Sequential(*layers[:-1])
    opt = optim.SGD(model.parameters(), lr=w.lr)
    x_np, y_np, batches_np = data(w)
    x_all, y_all = tt.from_numpy(x_np), tt.from_numpy(y_np)
    batches = [tt.from_numpy(i) for i in batches_np]
    loss_fn = nn.mse_loss if w.loss == "mse" else nn.cross_entropy

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
        return loss  # type: ignore[return-value]  # read with float() only when checked

    return step
