"""pytorch/examples ``mnist/main.py`` in PyTorch (CPU, one thread), as the oracle for ``examples/mnist_cnn.py --arch pytorch-examples``.

    python benchmarks/cnn_torch_mnist.py               # 3 epochs, torch.manual_seed(1) as pytorch/examples
    python benchmarks/cnn_torch_mnist.py --seed 2 --epochs 14
    python benchmarks/cnn_torch_mnist.py --batch-size 32   # the recipe with a smaller batch
    python benchmarks/cnn_torch_mnist.py --shift 2         # ... or with random shifts of up to 2 pixels

The same network, recipe (batch 64, Adadelta lr 1.0, StepLR gamma 0.7 per epoch,
shuffled batches, test batch 1000) and normalisation as pytorch/examples, on the MNIST
files bundled in ``examples/data/mnist``; it prints the test accuracy after each epoch,
so that typedtorch's figures can be read against what PyTorch itself reaches.
``--batch-size`` and ``--shift`` (each training image moved by up to N pixels, a common
augmentation pytorch/examples does not use) try the recipe's free choices.
PyTorch is never a dependency: ``pip install torch==2.13.0`` to run this.
"""

from __future__ import annotations

import argparse
import gzip
import time
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent.parent / "examples" / "data" / "mnist"


def idx(name: str, offset: int) -> np.ndarray:
    with gzip.open(DATA / name) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1, help="torch.manual_seed (pytorch/examples: 1)")
    parser.add_argument("--batch-size", type=int, default=64, help="training minibatch (pytorch/examples: 64)")
    parser.add_argument(
        "--shift", type=int, default=0, help="random translation of each training image by up to N pixels (default 0)"
    )
    args = parser.parse_args()

    import torch
    import torch.nn.functional as F

    def images(name: str) -> torch.Tensor:
        x = idx(name, 16).reshape(-1, 1, 28, 28).astype(np.float32) / 255.0
        return torch.from_numpy((x - 0.1307) / 0.3081)

    def labels(name: str) -> torch.Tensor:
        return torch.from_numpy(idx(name, 8).astype(np.int64))

    x_train, y_train = images("train-images-idx3-ubyte.gz"), labels("train-labels-idx1-ubyte.gz")
    x_test, y_test = images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz")

    background = float(x_train.min())

    def shifted(x: torch.Tensor, k: int) -> torch.Tensor:
        # Each image moves by its own (dy, dx) in [-k, k]; what moves in is background.
        n = len(x)
        padded = torch.nn.functional.pad(x, (k, k, k, k), value=background)
        dy, dx = torch.randint(0, 2 * k + 1, (2, n))
        rows = (dy[:, None] + torch.arange(28))[:, :, None]
        cols = (dx[:, None] + torch.arange(28))[:, None, :]
        return padded[torch.arange(n)[:, None, None], 0, rows, cols][:, None]

    class Net(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv1 = torch.nn.Conv2d(1, 32, 3, 1)
            self.conv2 = torch.nn.Conv2d(32, 64, 3, 1)
            self.dropout1 = torch.nn.Dropout(0.25)
            self.dropout2 = torch.nn.Dropout(0.5)
            self.fc1 = torch.nn.Linear(9216, 128)
            self.fc2 = torch.nn.Linear(128, 10)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            x = F.max_pool2d(F.relu(self.conv2(F.relu(self.conv1(x)))), 2)
            x = F.relu(self.fc1(torch.flatten(self.dropout1(x), 1)))
            return F.log_softmax(self.fc2(self.dropout2(x)), dim=1)

    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    model = Net()
    opt = torch.optim.Adadelta(model.parameters(), lr=1.0)
    scheduler = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.7)
    start = time.perf_counter()
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(len(y_train))
        for i in range(0, len(y_train), args.batch_size):
            batch = order[i : i + args.batch_size]
            opt.zero_grad()
            x = x_train[batch] if args.shift == 0 else shifted(x_train[batch], args.shift)
            F.nll_loss(model(x), y_train[batch]).backward()
            opt.step()
        scheduler.step()
        model.eval()
        with torch.no_grad():
            correct = sum(
                int((model(x_test[j : j + 1000]).argmax(1) == y_test[j : j + 1000]).sum())
                for j in range(0, len(y_test), 1000)
            )
        elapsed = time.perf_counter() - start
        print(f"epoch {epoch + 1}/{args.epochs} test accuracy {correct / len(y_test):.4f} {elapsed:.0f}s", flush=True)


if __name__ == "__main__":
    main()
