"""Convolutional training-step speed: typedtorch against hand-written numpy and PyTorch CPU eager.

    python benchmarks/cnn_step.py                    # CNN-A and CNN-B, 5 rounds
    python benchmarks/cnn_step.py --rounds 3 --workloads A
    python benchmarks/cnn_step.py --profile A        # where typedtorch's step spends its time

The workloads (``cnn_workloads.py``): CNN-A is the pytorch/examples MNIST net (batch
64, Adadelta), CNN-B a LeNet-style net (batch 128, SGD momentum), on real MNIST
digits. Every implementation starts from the same weights, sees the same batches and
applies the same dropout masks (drawn per step from one seeded numpy generator; CNN-B
has no dropout).

Each (implementation, workload) runs in a fresh process, interleaved round by round
(who goes first rotates), with BLAS pinned to one thread (threadpoolctl, and
``torch.set_num_threads(1)``). A child checks its first losses, warms up, then times
several repeats of a fixed number of steps. The table shows the median milliseconds
per step over every repeat of every round, with the spread (min-max of the per-round
medians); each ratio is the median over rounds of that round's ratio (children of one
round run back to back, so a machine that drifts affects both sides alike), with the
per-round ratios. Both wall-clock and CPU time (``time.process_time``) are shown: on
a shared machine the CPU time is the steadier of the two, since a descheduled
process accrues wall time but no CPU time.

typedtorch must match the numpy reference's losses exactly (proof of the same work);
PyTorch is shown with its largest relative difference (different kernels round
differently). PyTorch is skipped when not installed (``pip install torch==2.13.0``).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
IMPLS = {"numpy": "cnn_numpy", "typedtorch": "cnn_typedtorch", "torch": "cnn_torch"}
CHECK_STEPS = 10
WARMUP = 3
ENV = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")


def child(impl: str, workload: str, repeats: int) -> None:
    from threadpoolctl import threadpool_limits

    sys.path.insert(0, str(HERE))
    from cnn_workloads import WORKLOADS

    w = WORKLOADS[workload]
    module = __import__(IMPLS[impl])
    with threadpool_limits(1):
        step = module.make_step(w)
        losses = [float(step(i)) for i in range(CHECK_STEPS)]
        for i in range(WARMUP):
            step(CHECK_STEPS + i)
        times, cpu = [], []
        for r in range(repeats):
            start, cpu_start = time.perf_counter(), time.process_time()
            for i in range(w.steps):
                step(CHECK_STEPS + WARMUP + r * w.steps + i)
            times.append((time.perf_counter() - start) / w.steps * 1e3)
            cpu.append((time.process_time() - cpu_start) / w.steps * 1e3)
    print(json.dumps({"ms": times, "cpu": cpu, "losses": losses}))


def profile(workload: str, steps: int) -> None:
    """cProfile of typedtorch's step: time inside each op's forward and backward (the arrays' work included)."""
    import cProfile
    import pstats

    from threadpoolctl import threadpool_limits

    sys.path.insert(0, str(HERE))
    from cnn_workloads import WORKLOADS

    w = WORKLOADS[workload]
    step = __import__(IMPLS["typedtorch"]).make_step(w)
    with threadpool_limits(1):
        for i in range(WARMUP):
            step(i)
        # CPU time, not wall time: on a shared machine the process is often descheduled.
        prof = cProfile.Profile(time.process_time)
        start = time.process_time()
        prof.enable()
        for i in range(steps):
            float(step(WARMUP + i))
        prof.disable()
        total = (time.process_time() - start) / steps * 1e3
    print(f"{w.name}: {total:.1f} ms CPU per step under the profiler; by function (CPU time inside it, per step):")
    stats = pstats.Stats(prof)
    rows = []
    for (file, line, name), (_, ncalls, tottime, _cum, _) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append((tottime / steps * 1e3, ncalls / steps, f"{Path(file).name}:{line}({name})"))
    for ms, calls, where in sorted(rows, reverse=True)[:25]:
        print(f"  {ms:7.2f} ms  {100 * ms / total:5.1f}%  {calls:6.1f} calls  {where}")


def run(impl: str, workload: str, repeats: int) -> dict[str, list[float]]:
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", impl, workload, "--repeats", str(repeats)],
        check=True,
        capture_output=True,
        text=True,
        env=ENV,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=4, help="timed repeats per child process")
    parser.add_argument("--workloads", nargs="+", default=["A", "B"])
    parser.add_argument("--impls", nargs="+", default=list(IMPLS))
    parser.add_argument("--profile", metavar="WORKLOAD", help="instead: profile typedtorch's step on WORKLOAD")
    parser.add_argument("--profile-steps", type=int, default=10)
    parser.add_argument("--child", nargs=2, metavar=("IMPL", "WORKLOAD"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.repeats)
        return
    if args.profile:
        code = (
            f"import sys; sys.path.insert(0, {str(HERE)!r}); import cnn_step; "
            f"cnn_step.profile({args.profile!r}, {args.profile_steps})"
        )
        subprocess.run([sys.executable, "-c", code], check=True, env=ENV)
        return

    sys.path.insert(0, str(HERE))
    from cnn_workloads import WORKLOADS

    impls = [i for i in args.impls if i != "torch" or importlib.util.find_spec("torch") is not None]
    if "torch" in args.impls and "torch" not in impls:
        print("PyTorch not installed: skipping it (pip install torch==2.13.0)\n")
    results: dict[tuple[str, str], dict[str, list[float]]] = {}
    for r in range(args.rounds):
        for workload in args.workloads:
            order = impls[r % len(impls) :] + impls[: r % len(impls)]  # rotate who goes first
            for impl in order:
                got = run(impl, workload, args.repeats)
                prev = results.setdefault(
                    (impl, workload), {"ms": [], "cpu": [], "losses": got["losses"], "rounds": [], "cpu_rounds": []}
                )
                prev["ms"] += got["ms"]
                prev["cpu"] += got["cpu"]
                prev["rounds"].append(statistics.median(got["ms"]))
                prev["cpu_rounds"].append(statistics.median(got["cpu"]))
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr)

    for title, key, rounds in (("wall-clock", "ms", "rounds"), ("CPU time (process_time)", "cpu", "cpu_rounds")):
        print(f"{'ms per step, ' + title + ' (median; per-round min-max)':62s}" + "".join(f"{i:>22s}" for i in impls))
        for workload in args.workloads:
            line = f"{WORKLOADS[workload].name:62s}"
            for impl in impls:
                res = results[impl, workload]
                line += f"{statistics.median(res[key]):8.1f} ({min(res[rounds]):5.1f}-{max(res[rounds]):5.1f})"
            print(line)
        pairs = [
            (a, b)
            for a, b in (("typedtorch", "numpy"), ("typedtorch", "torch"), ("numpy", "torch"))
            if {a, b} <= set(impls)
        ]
        for workload in args.workloads:
            for a, b in pairs:
                ratios = sorted(
                    x / y for x, y in zip(results[a, workload][rounds], results[b, workload][rounds], strict=True)
                )
                print(
                    f"  {workload:2s} {a + '/' + b:18s} {statistics.median(ratios):5.2f}x  "
                    f"(per round: {' '.join(f'{x:.2f}' for x in ratios)})"
                )
        print()

    if "numpy" in impls:
        from _compare import loss_verdict  # benchmarks/ is on sys.path: the script's folder

        print(f"\nlosses over the first {CHECK_STEPS} steps, against the numpy reference:")
        for workload in args.workloads:
            ref = results["numpy", workload]["losses"]
            for impl in impls:
                if impl == "numpy":
                    continue
                got = results[impl, workload]["losses"]
                verdict = loss_verdict(got, ref)
                print(f"  {workload:2s} {impl:11s} {verdict}  (first loss {got[0]:.6f}, last {got[-1]:.6f})")


if __name__ == "__main__":
    main()
