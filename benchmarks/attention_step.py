"""One training step of a pre-LayerNorm decoder block: typedtorch, hand-written numpy, PyTorch.

    python benchmarks/attention_step.py                  # 7 rounds, all four
    python benchmarks/attention_step.py --rounds 3 --impls numpy typedtorch
    python benchmarks/attention_step.py --breakdown      # where the numpy reference's time goes
    python benchmarks/attention_step.py --profile        # typedtorch under cProfile, by function
    python benchmarks/attention_step.py --profile ops    # the same, the block written out with view/transpose

The block (``attention_workload.py``): vocab 64, d 128, 4 heads, MLP 512 with exact
GELU, batch 32 x seq 64, causal, token + position embeddings, three LayerNorms, an
untied head, cross-entropy, Adam; dropout off. Every (implementation, round) runs in a
fresh process, the order rotating round by round, BLAS pinned to one thread
(threadpoolctl, plus ``torch.set_num_threads(1)``). A child checks its losses over
the first steps, warms up, then times several repeats of a fixed number of steps.

The tables show the median milliseconds per step over every repeat of every round,
with the spread of the per-round medians, in wall time and in the process's CPU
time (steadier than wall time when other work competes for the cores); each ratio
is the median over rounds of that round's ratio (children of one round run back to
back, so a machine that drifts between fast and slow phases affects both alike). typedtorch must match
the numpy reference's losses exactly (the same arithmetic in the same order);
PyTorch's are shown with their largest relative difference. PyTorch is skipped when
it is not installed (``pip install torch==2.13.0``; never a dependency).

Memory: typedtorch's CPU backend tells glibc to keep freed memory (``mallopt``, see
``typedtorch/_backend.py``), so by default (``--malloc kept``) every child runs with the
same setting through ``MALLOC_MMAP_THRESHOLD_`` and ``MALLOC_TRIM_THRESHOLD_`` (see
``KEPT``): the numpy reference gets what typedtorch does by itself. ``--malloc default``
runs every child with glibc's defaults (``TYPEDTORCH_MALLOC=default`` for typedtorch):
numpy's fresh arrays for every op then come from pages the kernel has just handed
back, and the page faults cost the numpy-based implementations a third of their step
(PyTorch's allocator reuses its memory).
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
# name: (module, arguments of its make_step after the config)
IMPLS: dict[str, tuple[str, tuple[str, ...]]] = {
    "numpy": ("attention_numpy", ()),
    "typedtorch": ("attention_typedtorch", ("layer",)),
    "typedtorch-ops": ("attention_typedtorch", ("ops",)),
    "torch": ("attention_torch", ()),
}
CHECK_STEPS = 8
ENV = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
# --malloc kept: glibc keeps freed memory (up to 256 MiB at the top of the heap, and
# blocks under 64 MiB never go to mmap) instead of handing it back to the kernel,
# whose fresh pages then fault in on the next step's arrays.
KEPT = {"MALLOC_MMAP_THRESHOLD_": str(64 << 20), "MALLOC_TRIM_THRESHOLD_": str(256 << 20)}


def child(impl: str, repeats: int) -> None:
    from threadpoolctl import threadpool_limits

    sys.path.insert(0, str(HERE))
    from attention_workload import CONFIG

    name, extra = IMPLS[impl]
    module = __import__(name)
    with threadpool_limits(1):
        step = module.make_step(CONFIG, *extra)
        losses = [float(step(i)) for i in range(CHECK_STEPS)]
        for i in range(CONFIG.steps // 2):  # warm-up
            step(i)
        times, cpu = [], []
        for _ in range(repeats):
            start, start_cpu = time.perf_counter(), time.process_time()
            for i in range(CONFIG.steps):
                step(i)
            times.append((time.perf_counter() - start) / CONFIG.steps * 1e3)
            cpu.append((time.process_time() - start_cpu) / CONFIG.steps * 1e3)
    print(json.dumps({"ms": times, "cpu": cpu, "losses": losses}))


def run(impl: str, repeats: int, env: dict[str, str]) -> dict[str, list[float]]:
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", impl, "--repeats", str(repeats)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def breakdown(steps: int) -> None:
    """The numpy reference's step split into matmuls, LayerNorm, GELU, softmax, ..."""
    from threadpoolctl import threadpool_limits

    sys.path.insert(0, str(HERE))
    import attention_numpy
    from attention_workload import CONFIG

    sections: dict[str, float] = {}
    with threadpool_limits(1):
        step = attention_numpy.make_step(CONFIG, sections)
        for i in range(4):
            step(i)
        sections.clear()
        start = time.process_time()
        for i in range(steps):
            step(i)
        total = time.process_time() - start
    print(f"numpy reference, {steps} steps, {total / steps * 1e3:.1f} ms of CPU time per step:")
    for name, sec in sorted(sections.items(), key=lambda kv: -kv[1]):
        print(f"  {name:10s} {sec / steps * 1e3:7.2f} ms  {100 * sec / total:5.1f}%")


def profile(steps: int, variant: str = "layer") -> None:
    """typedtorch's step under cProfile: the functions with the most time of their own."""
    import cProfile
    import pstats

    from threadpoolctl import threadpool_limits

    sys.path.insert(0, str(HERE))
    import attention_typedtorch
    from attention_workload import CONFIG

    with threadpool_limits(1):
        step = attention_typedtorch.make_step(CONFIG, variant)  # type: ignore[arg-type]
        for i in range(4):
            step(i)
        prof = cProfile.Profile()
        prof.enable()
        for i in range(steps):
            step(i)
        prof.disable()
    pstats.Stats(prof).sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=3, help="timed repeats per child process")
    parser.add_argument("--impls", nargs="+", default=list(IMPLS))
    parser.add_argument("--breakdown", action="store_true", help="time the numpy reference's parts instead")
    parser.add_argument(
        "--profile",
        nargs="?",
        const="layer",
        choices=["layer", "ops"],
        help="profile typedtorch's step instead (ops: the block written out with the core's shape ops)",
    )
    parser.add_argument(
        "--malloc",
        choices=["default", "kept"],
        default="kept",
        help="kept (default): every child runs with glibc told to keep freed memory, as typedtorch's backend "
        "does by itself; default: glibc's defaults for all (page faults on fresh arrays)",
    )
    parser.add_argument("--child", metavar="IMPL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.repeats)
        return
    env = dict(ENV, **KEPT) if args.malloc == "kept" else dict(ENV, TYPEDTORCH_MALLOC="default")
    for name in KEPT if args.malloc == "default" else ():
        env.pop(name, None)
    if args.breakdown or args.profile:
        call = "breakdown(30)" if args.breakdown else f"profile(30, {args.profile!r})"
        code = f"import sys; sys.path.insert(0, {str(HERE)!r}); import attention_step; attention_step.{call}"
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
        return

    impls = [i for i in args.impls if i != "torch" or importlib.util.find_spec("torch") is not None]
    if "torch" in args.impls and "torch" not in impls:
        print("PyTorch not installed: skipping it (pip install torch==2.13.0)\n")
    results: dict[str, dict[str, list[float]]] = {}
    for r in range(args.rounds):
        order = impls[r % len(impls) :] + impls[: r % len(impls)]  # rotate who goes first
        for impl in order:
            got = run(impl, args.repeats, env)
            prev = results.setdefault(impl, {"losses": got["losses"], "ms": [], "cpu": [], "ms_r": [], "cpu_r": []})
            for key in ("ms", "cpu"):
                prev[key] += got[key]
                prev[key + "_r"].append(statistics.median(got[key]))
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr)

    pairs = [
        (a, b)
        for a, b in (
            ("typedtorch", "numpy"),
            ("typedtorch", "torch"),
            ("typedtorch-ops", "numpy"),
            ("typedtorch-ops", "torch"),
            ("numpy", "torch"),
        )
        if a in results and b in results
    ]
    for clock, key in (("wall", "ms"), ("CPU", "cpu")):
        print(f"\n{clock} time, ms per step: median (per-round medians min-max)")
        for impl in impls:
            rounds = sorted(results[impl][key + "_r"])
            print(f"  {impl:14s} {statistics.median(results[impl][key]):7.1f}  ({rounds[0]:.1f}-{rounds[-1]:.1f})")
        for a, b in pairs:
            ratios = sorted(x / y for x, y in zip(results[a][key + "_r"], results[b][key + "_r"], strict=True))
            print(f"  {a + ' / ' + b:23s} {statistics.median(ratios):.2f}  ({ratios[0]:.2f}-{ratios[-1]:.2f})")

    if "numpy" in results:
        from _compare import loss_verdict  # benchmarks/ is on sys.path: the script's folder

        print(f"\nlosses over the first {CHECK_STEPS} steps, against the numpy reference:")
        ref = results["numpy"]["losses"]
        for impl in impls:
            if impl == "numpy":
                continue
            got = results[impl]["losses"]
            verdict = loss_verdict(got, ref)
            print(f"  {impl:14s} {verdict}  (first loss {got[0]:.6f}, last {got[-1]:.6f})")


if __name__ == "__main__":
    main()
