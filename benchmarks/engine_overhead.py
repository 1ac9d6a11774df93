"""Per-op bookkeeping cost of the engine, against the same arithmetic in plain numpy.

Tiny arrays, so the numbers are almost all Python overhead: what the engine adds to
every op (building the output tensor, recording the op, the reverse walk). Run:

    python benchmarks/engine_overhead.py

BLAS is pinned to one thread (threadpoolctl) so results compare across machines.
"""

from __future__ import annotations

import sys
import timeit
from collections.abc import Callable
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

import typedtorch as tt


def best_us(fn: Callable[[], object], number: int = 2000, repeat: int = 15) -> float:
    """Fastest of `repeat` runs of the mean time per call, in microseconds.

    The minimum, as timeit recommends: this is deterministic CPU-bound code, so the
    slower runs measure the machine's other work, not ours.
    """
    fn()
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def main() -> None:
    rng = np.random.default_rng(0)
    a_np = rng.standard_normal((4, 8)).astype(np.float32)
    w_np = rng.standard_normal((8, 8)).astype(np.float32)
    a = tt.from_numpy(a_np.copy()).requires_grad_()
    w = tt.from_numpy(w_np.copy()).requires_grad_()
    c = tt.from_numpy(a_np.copy())  # no grad: the op is not recorded

    rows: list[tuple[str, float, float]] = []

    def row(name: str, ours: Callable[[], object], ref: Callable[[], object]) -> None:
        rows.append((name, best_us(ours), best_us(ref)))

    row("add, no grad (forward)", lambda: c + c, lambda: a_np + a_np)
    row("add, recorded (forward)", lambda: a + a, lambda: a_np + a_np)
    row("matmul, recorded (forward)", lambda: a @ w, lambda: a_np @ w_np)
    row("relu, recorded (forward)", lambda: a.relu(), lambda: np.maximum(a_np, 0))

    def ours_step() -> None:
        loss = ((a @ w).relu() * a).sum()
        loss.backward()
        a._grad = w._grad = None

    def numpy_step() -> None:
        h = a_np @ w_np
        r = np.maximum(h, 0)
        _ = (r * a_np).sum()
        g_r = a_np  # d(sum(r * a))/dr
        g_h = g_r * (h > 0)
        _ = a_np.T @ g_h  # dW
        _ = g_h @ w_np.T + r  # dA through both uses

    row("matmul+relu+mul+sum, forward+backward", ours_step, numpy_step)

    # A whole MLP training step (gather, 2 layers, cross-entropy, backward, SGD) on
    # tiny arrays: what is left is the engine's own cost per step.
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import step_numpy
    import step_typedtorch
    import workloads

    tiny = workloads.Workload("tiny MLP", (8, 4, 2), 2, 0.05, "cross_entropy", 100)
    ours_mlp, ref_mlp = step_typedtorch.make_step(tiny), step_numpy.make_step(tiny)
    counter = iter(range(10**9))
    row("MLP training step, 8-4-2, batch 2", lambda: ours_mlp(next(counter)), lambda: ref_mlp(next(counter)))

    print(f"{'case':42s} {'typedtorch us':>14s} {'numpy us':>10s} {'ratio':>7s}")
    for name, ours_us, ref_us in rows:
        print(f"{name:42s} {ours_us:14.2f} {ref_us:10.2f} {ours_us / ref_us:7.2f}")


if __name__ == "__main__":
    with threadpool_limits(1):
        main()
