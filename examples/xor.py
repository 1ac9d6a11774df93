"""XOR with a typed two-layer ReLU network: the Hasktorch example, with shapes in the types.

    python examples/xor.py          # trains, prints the loss and the four predictions
    mypy --strict examples/xor.py   # checks every shape below before anything runs

The data is a ``Matrix[Literal[4], Literal[2]]`` and the targets a
``Matrix[Literal[4], Literal[1]]``; the model is ``Linear(2, 16) >> ReLU() >>
Linear(16, 1)``, which mypy knows maps ``Matrix[B, Literal[2]]`` to
``Matrix[B, Literal[1]]``. Change any layer size and mypy reports the line.

Why 16 hidden units: a 2-2-1 ReLU network gets stuck for most initialisations (its
two units die or fall on the same side of the data; 4 of 50 seeds solve it in 2000
steps). With 16 units, plain SGD at lr 0.1 solves XOR (all four outputs within 0.1 of
the target) for 1000 of 1000 seeds in 500 steps; tests/test_xor.py re-checks 20 seeds.
Exits with status 1 if the predictions are not all within 0.1.
"""

from __future__ import annotations

import sys
import time
from typing import Literal

import typedtorch as tt
from typedtorch import nn, optim

SEED = 0
STEPS = 500
LR = 0.1
TOLERANCE = 0.1

X: tt.Matrix[Literal[4], Literal[2]] = tt.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y: tt.Matrix[Literal[4], Literal[1]] = tt.tensor([[0.0], [1.0], [1.0], [0.0]])


def make_model(seed: int) -> nn.Sequential[Literal[2], Literal[1]]:
    """A fresh 2-16-1 ReLU network, initialised from ``seed``."""
    tt.manual_seed(seed)
    return nn.Linear(2, 16) >> nn.ReLU() >> nn.Linear(16, 1)


def train(
    seed: int = SEED, steps: int = STEPS, lr: float = LR, log_every: int = 0
) -> nn.Sequential[Literal[2], Literal[1]]:
    """Full-batch SGD on the mean squared error; prints the loss every ``log_every`` steps."""
    model = make_model(seed)
    opt = optim.SGD(model.parameters(), lr=lr)
    for step in range(1, steps + 1):
        opt.zero_grad()
        loss = nn.mse_loss(model(X), Y)
        loss.backward()
        opt.step()
        if log_every and (step == 1 or step % log_every == 0):
            # .item() copies to the host, so it is only called when printing.
            print(f"step {step:4d}  loss {loss.item():.6f}")
    return model


def solved(pred: tt.Matrix[Literal[4], Literal[1]]) -> bool:
    """Whether every prediction lies within ``TOLERANCE`` of its XOR target."""
    return all(abs(p[0] - t[0]) < TOLERANCE for p, t in zip(pred.tolist(), Y.tolist(), strict=True))


def main() -> int:
    start = time.perf_counter()
    model = train(log_every=50)
    seconds = time.perf_counter() - start
    with tt.no_grad():
        pred = model(X)
    print(f"trained {STEPS} steps in {seconds:.3f} s")
    for (a, b), (p,), (t,) in zip(X.tolist(), pred.tolist(), Y.tolist(), strict=True):
        print(f"xor({a:.0f}, {b:.0f}) = {p:.4f}   (target {t:.0f})")
    if not solved(pred):
        print(f"FAILED: some prediction is more than {TOLERANCE} from its target", file=sys.stderr)
        return 1
    print("solved: every prediction is within 0.1 of its target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
