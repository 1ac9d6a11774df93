"""Import-time cost of checking a whole package: ``tt.install_import_hook`` against
``beartype.claw`` and jaxtyping's hook, on a generated module of 300 annotated
functions (tensor shapes, an annotated local, and plain ``int``/``float`` hints).

Each number is the median over fresh processes of the time ``import pkg`` takes,
with typedtorch, beartype and jaxtyping already imported (their own import is not
counted), twice: "cold", compiled from source (no ``.pyc`` read or written), and
"cached", with bytecode caching on and the cache filled by an earlier run (the
typedtorch hook and beartype.claw cache their rewritten code under their own names).
``@tt.checked`` builds each function's beartype wrapper at its first call, so the
script also times calling all 300 functions once after the (cold) import.

Run:  python benchmarks/import_hook_cost.py [--functions 300] [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

HEADER = '''
"""Generated: {n} annotated functions."""
from __future__ import annotations

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Matrix, Scalar, Vector

B = TypeVar("B")
N = TypeVar("N")
K = TypeVar("K")
'''

TEMPLATES = [
    """
def affine_{i}(x: Matrix[B, N], w: Matrix[N, K], b: Vector[K]) -> Matrix[B, K]:
    y: Matrix[B, K] = x @ w + b
    return y
""",
    """
def scale_{i}(x: Vector[N], factor: float) -> Vector[N]:
    return x * factor
""",
    """
def loss_{i}(pred: Matrix[B, L[10]], target: Matrix[B, L[10]]) -> Scalar:
    d = pred - target
    return (d * d).mean()
""",
    """
def count_{i}(n: int, names: list[str]) -> int:
    return n + len(names)
""",
]

PRELUDE = "import time, typedtorch, beartype, jaxtyping, beartype.claw\n"

VARIANTS = {
    "no hook": "",
    "tt.install_import_hook": "typedtorch.install_import_hook(PKG)\n",
    "beartype.claw.beartype_package": "beartype.claw.beartype_package(PKG)\n",
    "jaxtyping.install_import_hook(beartype)": "jaxtyping.install_import_hook(PKG, 'beartype.beartype')\n",
}

CALL_ALL = """
x, w, b, v = typedtorch.zeros(4, 3), typedtorch.zeros(3, 2), typedtorch.zeros(2), typedtorch.zeros(4, 10)
t = time.perf_counter()
for name, f in vars(mod).items():
    if name.startswith("affine_"): f(x, w, b)
    elif name.startswith("scale_"): f(b, 2.0)
    elif name.startswith("loss_"): f(v, v)
    elif name.startswith("count_"): f(1, ["a"])
print((time.perf_counter() - t) * 1000)
"""


def write_package(root: Path, n: int) -> str:
    name = "ttbench_generated"
    pkg = root / name
    pkg.mkdir()
    body = [HEADER.format(n=n)]
    body += [TEMPLATES[i % len(TEMPLATES)].format(i=i) for i in range(n)]
    (pkg / "__init__.py").write_text("".join(body))
    return name


def run(root: Path, pkg: str, hook: str, cached: bool) -> list[float]:
    code = PRELUDE + f"PKG = {pkg!r}\n" + hook
    code += f"t = time.perf_counter()\nimport {pkg} as mod\nprint((time.perf_counter() - t) * 1000)\n"
    code += CALL_ALL
    env = dict(os.environ)
    if cached:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        shutil.rmtree(root / pkg / "__pycache__", ignore_errors=True)
    out = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"{hook!r} failed:\n{out.stderr[-2000:]}")
    return [float(v) for v in out.stdout.split()]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--functions", type=int, default=300)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        pkg = write_package(root, args.functions)
        print(f"import of one module with {args.functions} annotated functions (median of {args.runs} processes)")
        print(f"{'variant':42s} {'cold ms':>9s} {'cached ms':>10s} {'first calls ms':>15s}")
        base = None
        for label, hook in VARIANTS.items():
            cold = [run(root, pkg, hook, cached=False) for _ in range(args.runs)]
            run(root, pkg, hook, cached=True)  # fill the cache
            warm = [run(root, pkg, hook, cached=True) for _ in range(args.runs)]
            imp = statistics.median(s[0] for s in cold)
            hit = statistics.median(s[0] for s in warm)
            first = statistics.median(s[1] for s in cold)
            base = imp if base is None else base
            extra = "" if label == "no hook" else f"  (cold: +{imp - base:.0f} ms)"
            print(f"{label:42s} {imp:9.1f} {hit:10.1f} {first:15.1f}{extra}")
    print(
        textwrap.dedent(
            """
            'first calls' = calling each of the functions once after the import: where
            @tt.checked builds its beartype wrappers (lazily), the other hooks pay at import.
            """
        ).strip()
    )


if __name__ == "__main__":
    main()
