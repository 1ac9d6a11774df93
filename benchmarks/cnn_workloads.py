"""The two convolutional workloads of ``cnn_step.py`` and their shared inputs.

CNN-A is the pytorch/examples MNIST network (conv 1->32 3x3, relu, conv 32->64 3x3,
relu, max-pool 2, dropout 0.25, flatten 9216, fc 128, relu, dropout 0.5, fc 10,
log_softmax + nll_loss; batch 64; Adadelta lr=1.0). CNN-B is LeNet-style (conv
1->16 5x5 pad 2, relu, max-pool 2, conv 16->32 5x5 pad 2, relu, max-pool 2, flatten
1568, fc 10, cross-entropy; batch 128; SGD lr 0.05 momentum 0.9).

Every implementation gets the same float32 weights (PyTorch's layouts and init
bounds, drawn here), the same batches of real MNIST digits (the bundled files,
normalised as pytorch/examples does: the flat background makes max-pool ties
common, as in training), and the same dropout masks: each draws them per step from
a numpy generator seeded with ``DROPOUT_SEED``, in the same order and shapes as
``typedtorch.nn.Dropout`` (``rng.random(shape, float32) >= p``).
"""

from __future__ import annotations

import gzip
import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent.parent / "examples" / "data" / "mnist"
N_SAMPLES = 8192  # a multiple of both batch sizes: each step takes one full slice
DROPOUT_SEED = 1234


@dataclass(frozen=True)
class ConvNet:
    name: str
    batch: int
    steps: int  # timed steps per repeat
    # (out channels, kernel, padding) per conv layer; each followed by relu,
    # and by a 2x2 max-pool where `pool_after` says so.
    convs: tuple[tuple[int, int, int], ...]
    pool_after: tuple[bool, ...]
    hidden: tuple[int, ...]  # fully connected widths between flatten and the 10 classes
    dropout: tuple[float, float]  # after the pool, after the hidden layer (0: none)
    loss: str  # "nll" (log_softmax + nll_loss) or "cross_entropy"
    optimizer: str  # "adadelta" or "sgd"
    lr: float
    momentum: float = 0.0

    def flat_size(self) -> int:
        size, channels = 28, 1
        for (out, k, p), pool in zip(self.convs, self.pool_after, strict=True):
            size = size + 2 * p - k + 1
            if pool:
                size //= 2
            channels = out
        return channels * size * size


WORKLOADS = {
    "A": ConvNet(
        "CNN-A: pytorch/examples net, batch 64, Adadelta",
        batch=64,
        steps=6,
        convs=((32, 3, 0), (64, 3, 0)),
        pool_after=(False, True),
        hidden=(128,),
        dropout=(0.25, 0.5),
        loss="nll",
        optimizer="adadelta",
        lr=1.0,
    ),
    "B": ConvNet(
        "CNN-B: LeNet-style 16/32 5x5, batch 128, SGD momentum",
        batch=128,
        steps=10,
        convs=((16, 5, 2), (32, 5, 2)),
        pool_after=(True, True),
        hidden=(),
        dropout=(0.0, 0.0),
        loss="cross_entropy",
        optimizer="sgd",
        lr=0.05,
        momentum=0.9,
    ),
}


def weights(w: ConvNet, seed: int = 0) -> dict[str, np.ndarray]:
    """PyTorch-layout float32 parameters, uniform in +-1/sqrt(fan_in) (PyTorch's default init).

    ``conv{i}.weight`` is ``(out, in, k, k)``, ``fc{i}.weight`` is ``(out, in)`` as in
    torch; implementations that store ``(in, out)`` transpose once at setup.
    """
    rng = np.random.default_rng(seed)
    out: dict[str, np.ndarray] = {}
    channels = 1
    for i, (c, k, _) in enumerate(w.convs, 1):
        bound = 1.0 / np.sqrt(channels * k * k)
        out[f"conv{i}.weight"] = rng.uniform(-bound, bound, (c, channels, k, k)).astype(np.float32)
        out[f"conv{i}.bias"] = rng.uniform(-bound, bound, c).astype(np.float32)
        channels = c
    widths = (w.flat_size(), *w.hidden, 10)
    for i, (n_in, n_out) in enumerate(itertools.pairwise(widths), 1):
        bound = 1.0 / np.sqrt(n_in)
        out[f"fc{i}.weight"] = rng.uniform(-bound, bound, (n_out, n_in)).astype(np.float32)
        out[f"fc{i}.bias"] = rng.uniform(-bound, bound, n_out).astype(np.float32)
    return out


def data(w: ConvNet, seed: int = 1) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """The first ``N_SAMPLES`` training digits ``(N, 1, 28, 28)`` normalised, their labels, and each step's indices."""
    with gzip.open(DATA / "train-images-idx3-ubyte.gz") as f:
        pixels = np.frombuffer(f.read(), np.uint8, offset=16)[: N_SAMPLES * 784]
    with gzip.open(DATA / "train-labels-idx1-ubyte.gz") as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)[:N_SAMPLES].astype(np.int64)
    x = ((pixels.astype(np.float32) / np.float32(255.0) - np.float32(0.1307)) / np.float32(0.3081)).reshape(
        N_SAMPLES, 1, 28, 28
    )
    order = np.random.default_rng(seed).permutation(N_SAMPLES)
    return x, labels, [order[i : i + w.batch] for i in range(0, N_SAMPLES, w.batch)]


def dropout_mask(rng: np.random.Generator, shape: tuple[int, ...], p: float) -> np.ndarray:
    """The keep mask ``typedtorch.nn.Dropout`` draws: ``rng.random(shape, float32) >= p``."""
    return rng.random(shape, dtype=np.float32) >= p
