"""Memory stays flat over a long training run: every step's graph is freed."""

from __future__ import annotations

import gc
import tracemalloc

import typedtorch as tt
from typedtorch import nn, optim


def test_memory_flat_over_10000_training_steps() -> None:
    tt.manual_seed(0)
    model = nn.Linear(2, 8) >> nn.ReLU() >> nn.Linear(8, 1)
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x = tt.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = tt.tensor([[0.0], [1.0], [1.0], [0.0]])

    def train(steps: int) -> None:
        for _ in range(steps):
            opt.zero_grad()
            loss = nn.mse_loss(model(x), y)
            loss.backward()
            opt.step()

    gc.collect()
    tracemalloc.start()
    try:
        train(1000)  # caches, momentum buffers and the like settle first
        gc.collect()
        settled, _ = tracemalloc.get_traced_memory()
        train(9000)
        gc.collect()
        final, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # A graph kept alive per step would hold ~1 KB each: 9 MB over 9000 steps.
    assert final - settled < 64 * 1024, f"memory grew by {final - settled} bytes over 9000 steps"
