"""The three training workloads of the speed comparison, and their shared inputs.

Every implementation (hand-written numpy, typedtorch, PyTorch) gets the same float32
weights and the same batches from here, so their losses can be compared step by step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Workload:
    name: str
    sizes: tuple[int, ...]  # layer widths, input first
    batch: int  # rows per step (the whole set for XOR)
    lr: float
    loss: str  # "cross_entropy" or "mse"
    steps: int  # timed steps per repeat


WORKLOADS = {
    "A": Workload("MLP A: 784-128-10, batch 64, SGD", (784, 128, 10), 64, 0.05, "cross_entropy", 400),
    "B": Workload("MLP B: 784-512-512-10, batch 128, SGD", (784, 512, 512, 10), 128, 0.05, "cross_entropy", 60),
    "XOR": Workload("XOR 2-8-1, full batch, SGD", (2, 8, 1), 4, 0.1, "mse", 4000),
}

N_SAMPLES = 8192  # a multiple of every batch size: each step takes one full slice


def weights(w: Workload, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """(W, b) per layer, W stored (in, out); uniform in +-1/sqrt(in) like PyTorch's default."""
    rng = np.random.default_rng(seed)
    out = []
    for n_in, n_out in zip(w.sizes, w.sizes[1:], strict=False):
        bound = 1.0 / np.sqrt(n_in)
        out.append(
            (
                rng.uniform(-bound, bound, (n_in, n_out)).astype(np.float32),
                rng.uniform(-bound, bound, (n_out,)).astype(np.float32),
            )
        )
    return out


def data(w: Workload, seed: int = 1) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Inputs, targets, and the index array of each step's batch (cycled)."""
    if w.loss == "mse":
        x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
        y = np.array([[0], [1], [1], [0]], np.float32)
        return x, y, [np.arange(4)]
    rng = np.random.default_rng(seed)
    x = rng.random((N_SAMPLES, w.sizes[0]), dtype=np.float32)
    y = rng.integers(0, w.sizes[-1], N_SAMPLES).astype(np.int64)
    order = rng.permutation(N_SAMPLES)
    batches = [order[i : i + w.batch] for i in range(0, N_SAMPLES, w.batch)]
    return x, y, batches
