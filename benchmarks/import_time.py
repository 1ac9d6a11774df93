"""Import cost: typedtorch (everything a training script touches) against numpy and torch.

    python benchmarks/import_time.py [--runs 7]

Each figure is the median wall time of a fresh interpreter running the import;
interpreter start-up is included for all alike. Bytecode caching is switched on for
the children (a warm-up run writes it), as in any normal install, even where the
environment sets PYTHONDONTWRITEBYTECODE.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import time

CASES = {
    "python (start-up only)": "pass",
    "numpy": "import numpy",
    "typedtorch (+ nn, optim, data, io)": (
        "import typedtorch as tt, typedtorch.nn, typedtorch.optim, typedtorch.data, typedtorch.io; tt.Tensor"
    ),
    "torch": "import torch",
}
LAZY = ("cupy", "safetensors", "tqdm", "matplotlib", "beartype", "jaxtyping", "mypy")


ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def wall(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=ENV)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    for name, code in CASES.items():
        if name == "torch" and importlib.util.find_spec("torch") is None:
            print(f"{name:38s} not installed")
            continue
        wall(code)  # warm-up: writes bytecode, fills the OS file cache
        times = [wall(code) for _ in range(args.runs)]
        print(f"{name:38s} {statistics.median(times):6.3f} s  (min {min(times):.3f})")
    probe = (
        CASES["typedtorch (+ nn, optim, data, io)"] + f"; import sys; print([m for m in {LAZY!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    print(f"optional modules imported by that: {out.stdout.strip()} (all should load lazily)")


if __name__ == "__main__":
    main()
