"""Peak memory and time of ``typedtorch.io.save`` / ``load``, against the safetensors library on the same arrays.

Each measurement runs in a fresh process: the model (float32 tensors of random
values) is built, then the resident-set high-water mark is reset
(``/proc/self/clear_refs``, Linux) and the call is made; the figure is the call's
peak resident memory above what the process held just before it, divided by the
checkpoint file's size. The target of ``load`` is built before the reset, as it is
in a training script (the model exists, the checkpoint is loaded into it).

Two layouts of the same total size: ``uniform`` (many tensors of one size) and
``dominant`` (one tensor holding half of the bytes), since a module's
``load_state_dict`` stages a copy of every tensor before writing any (so that a
refusal changes nothing), while ``io.load`` hands it each tensor as it asks: the
peak is about the staging copy plus the largest tensor.

The reference is ``safetensors.numpy.save_file`` / ``load_file`` (no checks, no
module). ``--pythonpath DIR`` measures another checkout of typedtorch (the code
before a change, say).

Run:  python benchmarks/io_memory.py [--mb 256] [--runs 5] [--pythonpath DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DRIVER = r"""
import json, os, sys, time
import numpy as np

def status(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(key)

def measured(fn):
    import gc
    gc.collect()
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    before = status("VmRSS")
    t0 = time.perf_counter()
    fn()
    seconds = time.perf_counter() - t0
    return status("VmHWM") - before, seconds

impl, layout, total_mb, path, what = sys.argv[1:6]
total = int(total_mb) << 20
n_floats = total // 4
if layout == "uniform":
    sizes = [n_floats // 16] * 16
else:  # one tensor of half the bytes, the rest in 15 small ones
    sizes = [n_floats // 2] + [n_floats // 30 // 256 * 256] * 15
rng = np.random.default_rng(0)
arrays = {f"t{i}": rng.standard_normal(n, dtype=np.float32).reshape(-1, 256) for i, n in enumerate(sizes)}

if impl == "typedtorch":
    import typedtorch as tt
    from typedtorch import io, nn

    class Model(nn.Module):
        def __init__(self, arrays):
            self.tensors = {k: tt.from_numpy(v) for k, v in arrays.items()}

    model = Model(arrays)
    if what == "save":
        peak, seconds = measured(lambda: io.save(model, path))
    else:
        target = Model({k: np.zeros_like(v) for k, v in arrays.items()})
        del arrays, model
        peak, seconds = measured(lambda: io.load(target, path))
        assert float(target.tensors["t0"].numpy()[0, 0]) != 0.0
else:
    from safetensors.numpy import load_file, save_file

    if what == "save":
        peak, seconds = measured(lambda: save_file(arrays, path))
    else:
        del arrays
        box = {}
        peak, seconds = measured(lambda: box.update(load_file(path)))
print("RESULT" + json.dumps({"peak": peak, "seconds": seconds, "size": os.path.getsize(path)}))
"""


def run(impl: str, layout: str, mb: int, path: str, what: str, pythonpath: str | None) -> dict[str, float]:
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, impl, layout, str(mb), path, what],
        capture_output=True,
        text=True,
        env=env,
        cwd=pythonpath or ROOT,
        timeout=600,
    )
    line = [x for x in proc.stdout.splitlines() if x.startswith("RESULT")]
    if proc.returncode or not line:
        raise RuntimeError(proc.stdout + proc.stderr)
    result: dict[str, float] = json.loads(line[-1][6:])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=int, default=256, help="checkpoint size in MiB (default 256)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pythonpath", default=None, help="measure the typedtorch found in this directory")
    args = parser.parse_args()
    if not Path("/proc/self/clear_refs").exists():
        sys.exit("needs Linux's /proc/self/clear_refs to measure the peak of one call")
    impls = ["typedtorch"]
    try:
        import safetensors.numpy  # noqa: F401

        impls.append("safetensors")
    except ImportError:
        pass
    where = f" ({args.pythonpath})" if args.pythonpath else ""
    print(f"{args.mb} MiB checkpoints, {args.runs} runs, fresh processes interleaved; peak RSS above the")
    print(f"process's RSS before the call, as a multiple of the file size; medians [min-max]{where}\n")
    print(
        f"{'implementation':<14} {'layout':<9} {'save peak/size':>22} {'save s':>7} {'load peak/size':>22} {'load s':>7}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for layout in ("uniform", "dominant"):
            rows: dict[str, dict[str, list[float]]] = {
                i: {"save": [], "load": [], "save_s": [], "load_s": []} for i in impls
            }
            for _ in range(args.runs):
                for impl in impls:  # interleaved, so drifts of a shared machine hit both
                    path = os.path.join(tmp, f"{impl}.safetensors")
                    for what in ("save", "load"):
                        r = run(impl, layout, args.mb, path, what, args.pythonpath if impl == "typedtorch" else None)
                        rows[impl][what].append(r["peak"] / r["size"])
                        rows[impl][f"{what}_s"].append(r["seconds"])
            for impl in impls:
                cells = []
                for what in ("save", "load"):
                    xs, ts = rows[impl][what], rows[impl][f"{what}_s"]
                    cells.append(f"{statistics.median(xs):>8.2f} [{min(xs):.2f}-{max(xs):.2f}]")
                    cells.append(f"{statistics.median(ts):>7.2f}")
                print(f"{impl:<14} {layout:<9} {cells[0]:>22} {cells[1]} {cells[2]:>22} {cells[3]}")
    print(
        textwrap.dedent("""
        The machine may be shared: times vary more than memory, which does not depend on load.""")
    )


if __name__ == "__main__":
    main()
