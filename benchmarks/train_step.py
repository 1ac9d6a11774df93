"""Training-step speed: typedtorch against hand-written numpy and PyTorch CPU.

    python benchmarks/train_step.py                 # all workloads, 7 rounds
    python benchmarks/train_step.py --rounds 5 --workloads A XOR
    python benchmarks/train_step.py --paired 16     # numpy and typedtorch alternating in one process

Each (implementation, workload) runs in a fresh process, interleaved round by round so
that machine noise hits every implementation alike, with BLAS pinned to one thread
(threadpoolctl, plus ``torch.set_num_threads(1)``). A child warms up, then times
several repeats of a fixed number of steps. The table shows the median microseconds
per step over every repeat of every round; each ratio to hand-written numpy is the
median over rounds of that round's ratio (children of one round run back to back), so
a machine that drifts between fast and slow phases, as shared ones do, affects both
sides of a ratio alike. The spread of the per-round ratios is printed too.

Before timing, each child also records its first losses from the same weights and
batches: typedtorch must match the numpy reference exactly (the same work is done);
PyTorch is shown with its largest relative difference (different kernels round
differently). PyTorch is skipped when it is not installed (``pip install
torch==2.13.0``; never a dependency).
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
IMPLS = {"numpy": "step_numpy", "typedtorch": "step_typedtorch", "torch": "step_torch"}
CHECK_STEPS = 30


def child(impl: str, workload: str, repeats: int) -> None:
    from threadpoolctl import threadpool_limits

    sys.path.insert(0, str(HERE))
    from workloads import WORKLOADS

    w = WORKLOADS[workload]
    module = __import__(IMPLS[impl])
    with threadpool_limits(1):
        step = module.make_step(w)
        losses = [float(step(i)) for i in range(CHECK_STEPS)]
        for i in range(max(20, w.steps // 10)):  # warm-up
            step(i)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            for i in range(w.steps):
                step(i)
            times.append((time.perf_counter() - start) / w.steps * 1e6)
    print(json.dumps({"us": times, "losses": losses}))


def paired(workload: str, blocks: int) -> None:
    """numpy and typedtorch alternating block by block in one process (``--paired``).

    Both see the same process state and the same machine phases, so this ratio is the
    steadiest on a noisy machine; the fresh-process table remains the headline.
    """
    from threadpoolctl import threadpool_limits

    sys.path.insert(0, str(HERE))
    from workloads import WORKLOADS

    w = WORKLOADS[workload]
    steps = {impl: __import__(IMPLS[impl]).make_step(w) for impl in ("numpy", "typedtorch")}
    times: dict[str, list[float]] = {impl: [] for impl in steps}
    with threadpool_limits(1):
        for step in steps.values():
            for i in range(max(20, w.steps // 10)):
                step(i)
        for _ in range(blocks):
            for impl, step in steps.items():
                start = time.perf_counter()
                for i in range(w.steps):
                    step(i)
                times[impl].append((time.perf_counter() - start) / w.steps * 1e6)
    ratios = sorted(a / b for a, b in zip(times["typedtorch"], times["numpy"], strict=True))
    print(
        f"{w.name:40s} numpy {statistics.median(times['numpy']):9.1f} us  "
        f"typedtorch {statistics.median(times['typedtorch']):9.1f} us  "
        f"ratio {statistics.median(ratios):.3f} (blocks {ratios[0]:.2f}-{ratios[-1]:.2f})"
    )


def run(impl: str, workload: str, repeats: int) -> dict[str, list[float]]:
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", impl, workload, "--repeats", str(repeats)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats per child process")
    parser.add_argument("--workloads", nargs="+", default=["A", "B", "XOR"])
    parser.add_argument("--impls", nargs="+", default=list(IMPLS))
    parser.add_argument(
        "--paired", type=int, metavar="BLOCKS", help="instead: numpy and typedtorch alternating in one process"
    )
    parser.add_argument("--child", nargs=2, metavar=("IMPL", "WORKLOAD"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.repeats)
        return
    if args.paired:
        env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
        for workload in args.workloads:  # one fresh process per workload
            code = f"import sys; sys.argv = ['x']; sys.path.insert(0, {str(HERE)!r}); import train_step; train_step.paired({workload!r}, {args.paired})"
            subprocess.run([sys.executable, "-c", code], check=True, env=env)
        return

    sys.path.insert(0, str(HERE))
    from workloads import WORKLOADS

    impls = [i for i in args.impls if i != "torch" or importlib.util.find_spec("torch") is not None]
    if "torch" in args.impls and "torch" not in impls:
        print("PyTorch not installed: skipping it (pip install torch==2.13.0)\n")
    results: dict[tuple[str, str], dict[str, list[float]]] = {}
    for r in range(args.rounds):
        for workload in args.workloads:
            order = impls[r % len(impls) :] + impls[: r % len(impls)]  # rotate who goes first
            for impl in order:
                got = run(impl, workload, args.repeats)
                prev = results.setdefault((impl, workload), {"us": [], "losses": got["losses"], "rounds": []})
                prev["us"] += got["us"]
                prev["rounds"].append(statistics.median(got["us"]))
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr)

    header = f"{'workload':40s}" + "".join(f"{impl + ' us/step':>20s}" for impl in impls)
    header += "".join(f"{impl + '/numpy':>20s}" for impl in impls if impl != "numpy")
    print(header)
    spreads = []
    for workload in args.workloads:
        med = {impl: statistics.median(results[impl, workload]["us"]) for impl in impls}
        line = f"{WORKLOADS[workload].name:40s}" + "".join(f"{med[i]:20.1f}" for i in impls)
        if "numpy" in med:
            ref = results["numpy", workload]["rounds"]
            for impl in impls:
                if impl == "numpy":
                    continue
                ratios = [a / b for a, b in zip(results[impl, workload]["rounds"], ref, strict=True)]
                line += f"{statistics.median(ratios):20.2f}"
                spreads.append(f"  {workload:4s} {impl:11s} " + " ".join(f"{r:.2f}" for r in sorted(ratios)))
        print(line)
    if spreads:
        print("\nper-round ratios to numpy, sorted:")
        print("\n".join(spreads))

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
                print(f"  {workload:4s} {impl:11s} {verdict}  (first loss {got[0]:.6f}, last {got[-1]:.6f})")


if __name__ == "__main__":
    main()
