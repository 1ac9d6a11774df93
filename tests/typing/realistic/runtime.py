"""Run the realistic corpus: with typedtorch itself, or on PyTorch as an oracle.

Every program of the corpus must run: a correct one (``good/``) to the end, a buggy
one (``bad/``) until its bug, where typedtorch should raise ``tt.ShapeError``.

``--torch`` runs the programs on PyTorch instead, as proof that they mean what they
say: the corpus is written against typedtorch's public API (``../shared/DESIGN.md``),
which mirrors PyTorch's, so a thin PyTorch-backed stand-in for ``typedtorch``
(``tt.zeros`` is ``torch.zeros``, ``nn.Linear`` is ``torch.nn.Linear``, ``a >> b``
builds a ``torch.nn.Sequential``, shape annotations become plain ``torch.Tensor``) can
run them. A correct program must run to the end on PyTorch: independent evidence that
its shapes are right, whatever the type checkers say. For a buggy program it records
what PyTorch does with the bug: raises (and where), or runs silently (the bugs a shape
checker is most needed for).

    python tests/typing/realistic/runtime.py               # typedtorch
    python tests/typing/realistic/runtime.py --torch       # PyTorch (needs torch)
    python tests/typing/realistic/runtime.py --json out.json good/g01_xor_gradual_lists.py

Each program runs in this one process, after ``manual_seed(0)``, with its output
swallowed; programs are small (well under a second each).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import runpy
import sys
import time
import traceback
import types
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from realistic_corpus import BAD, GOOD, bug_markers, rel  # noqa: E402

# --------------------------------------------------------------------- the shim


def build_shim() -> dict[str, types.ModuleType]:
    """``typedtorch`` and its subpackages as thin wrappers over torch."""
    import torch
    import torch.nn as tnn
    import torch.nn.functional as tf
    import torch.optim as topt

    # Shape annotations (`Tensor[B, Literal[784]]`, `Matrix[...]`) evaluate to torch.Tensor.
    if "__class_getitem__" not in vars(torch.Tensor):
        torch.Tensor.__class_getitem__ = classmethod(lambda cls, item: cls)  # type: ignore[attr-defined]

    def rshift(a: Any, b: Any) -> Any:
        layers = [*(a if isinstance(a, tnn.Sequential) else [a]), *(b if isinstance(b, tnn.Sequential) else [b])]
        return tnn.Sequential(*layers)

    setattr(tnn.Module, "__rshift__", rshift)  # noqa: B010 (a monkeypatch, spelled so on purpose)

    tt = types.ModuleType("typedtorch")
    for name in (
        "tensor from_numpy zeros ones full eye arange randn rand randint zeros_like ones_like full_like"
        " randn_like relu sigmoid tanh exp log sqrt abs sin cos clamp maximum minimum where softmax"
        " log_softmax logsumexp flatten reshape transpose permute unsqueeze squeeze cat stack split chunk"
        " tril triu einsum matmul no_grad enable_grad manual_seed float32 float64 float16 int64 int32 bool"
    ).split():
        setattr(tt, name, getattr(torch, name))
    tt.gelu = tf.gelu  # type: ignore[attr-defined]
    tt.one_hot = tf.one_hot  # type: ignore[attr-defined]
    for alias in ("Tensor", "Scalar", "Vector", "Matrix"):
        setattr(tt, alias, torch.Tensor)
    tt.checked = lambda f: f  # type: ignore[attr-defined]
    tt.install_import_hook = lambda *a, **k: None  # type: ignore[attr-defined]
    tt.ShapeError = type("ShapeError", (TypeError,), {})  # type: ignore[attr-defined]
    tt.DeviceError = type("DeviceError", (ValueError,), {})  # type: ignore[attr-defined]

    def grad(f: Any) -> Any:
        def gradient(params: Any, *args: Any, **kwargs: Any) -> Any:
            flat, rebuild = _flatten(params)
            leaves = [p.detach().requires_grad_(True) for p in flat]
            out = f(rebuild(leaves), *args, **kwargs)
            gs = torch.autograd.grad(out, leaves, allow_unused=True)
            return rebuild([torch.zeros_like(p) if g is None else g for p, g in zip(leaves, gs, strict=True)])

        return gradient

    tt.grad = grad  # type: ignore[attr-defined]

    nn = types.ModuleType("typedtorch.nn")
    for name in dir(tnn):
        if not name.startswith("_"):
            setattr(nn, name, getattr(tnn, name))
    functional = types.ModuleType("typedtorch.nn.functional")
    for name in dir(tf):
        if not name.startswith("_"):
            setattr(functional, name, getattr(tf, name))
    for loss in (
        "mse_loss l1_loss cross_entropy nll_loss binary_cross_entropy binary_cross_entropy_with_logits"
    ).split():
        setattr(nn, loss, getattr(tf, loss))
    nn.functional = functional  # type: ignore[attr-defined]
    nn.init = tnn.init  # type: ignore[attr-defined]
    nn.utils = tnn.utils  # type: ignore[attr-defined]

    optim = types.ModuleType("typedtorch.optim")
    for name in dir(topt):
        if not name.startswith("_"):
            setattr(optim, name, getattr(topt, name))
    optim.lr_scheduler = topt.lr_scheduler  # type: ignore[attr-defined]

    data = types.ModuleType("typedtorch.data")

    class MNIST:
        """Random digits of MNIST's shapes (the oracle checks shapes, not accuracy)."""

        def __init__(self, root: object = None, train: bool = True, flatten: bool = False, **_: object) -> None:
            n = 60000 if train else 10000
            g = torch.Generator().manual_seed(0)
            self.images = torch.rand(n, 784, generator=g) if flatten else torch.rand(n, 28, 28, generator=g)
            self.labels = torch.randint(0, 10, (n,), generator=g)

        def __len__(self) -> int:
            return len(self.labels)

    class DataLoader:
        def __init__(
            self,
            *tensors: Any,
            batch_size: int = 1,
            shuffle: bool = False,
            seed: int | None = None,
            drop_last: bool = False,
        ) -> None:
            if len(tensors) == 1 and isinstance(tensors[0], MNIST):
                tensors = (tensors[0].images, tensors[0].labels)
            self.tensors, self.batch_size, self.shuffle, self.drop_last = tensors, batch_size, shuffle, drop_last
            self.single = len(tensors) == 1
            self.seed = seed

        def __len__(self) -> int:
            n = len(self.tensors[0])
            return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

        def __iter__(self) -> Any:
            n = len(self.tensors[0])
            order = torch.randperm(n) if self.shuffle else torch.arange(n)
            for i in range(len(self)):
                idx = order[i * self.batch_size : (i + 1) * self.batch_size]
                batch = tuple(t[idx] for t in self.tensors)
                yield batch[0] if self.single else batch

    data.MNIST = MNIST  # type: ignore[attr-defined]
    data.DataLoader = DataLoader  # type: ignore[attr-defined]

    tt.nn, tt.optim, tt.data = nn, optim, data  # type: ignore[attr-defined]
    return {
        "typedtorch": tt,
        "typedtorch.nn": nn,
        "typedtorch.nn.functional": functional,
        "typedtorch.nn.init": tnn.init,
        "typedtorch.nn.utils": tnn.utils,
        "typedtorch.optim": optim,
        "typedtorch.optim.lr_scheduler": topt.lr_scheduler,
        "typedtorch.data": data,
    }


def _flatten(params: Any) -> tuple[list[Any], Any]:
    """Leaves of a tensor / (nested) tuple, list or dict, and how to rebuild the structure."""
    import torch

    if isinstance(params, torch.Tensor):
        return [params], lambda leaves: leaves[0]
    if isinstance(params, dict):
        keys = list(params)
        parts = [_flatten(params[k]) for k in keys]
    elif isinstance(params, list | tuple):
        keys = None
        parts = [_flatten(p) for p in params]
    else:
        raise TypeError(f"grad: unsupported params {type(params).__name__}")
    flat = [leaf for leaves, _ in parts for leaf in leaves]
    sizes = [len(leaves) for leaves, _ in parts]

    def rebuild(leaves: list[Any]) -> Any:
        out, i = [], 0
        for (_, sub), n in zip(parts, sizes, strict=True):
            out.append(sub(leaves[i : i + n]))
            i += n
        if keys is not None:
            return dict(zip(keys, out, strict=True))
        return type(params)(out)

    return flat, rebuild


# --------------------------------------------------------------------- running


@dataclass
class Outcome:
    file: str  # relative to the corpus folder: good/x.py
    ok: bool  # ran to the end
    seconds: float
    error: str = ""  # the exception, one line
    shape_error: bool = False  # the exception is a tt.ShapeError (typedtorch runs only)
    warning: str = ""  # the first warning the program raised (PyTorch warns on some silent broadcasts)
    line: int = 0  # the program's line that raised (0 if none or not found)
    bug_line: int = 0  # bad programs: the line marked # BUG
    at_bug: bool = False  # it raised inside the statement marked # BUG


def run_program(path: Path, modules: dict[str, types.ModuleType], seed: Any) -> Outcome:
    saved = {k: sys.modules.get(k) for k in modules}
    sys.modules.update(modules)
    seed(0)
    start = time.perf_counter()
    bugs = bug_markers(path.read_text())
    caught: list[warnings.WarningMessage] = []
    outcome = Outcome(rel(path), True, 0.0, bug_line=bugs[0].line if bugs else 0)
    try:
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            runpy.run_path(str(path), run_name="__main__")
    except BaseException as e:  # SystemExit too: a program's exit status is its verdict
        if not (isinstance(e, SystemExit) and e.code in (0, None)):
            tb = traceback.extract_tb(e.__traceback__)
            lines = [f.lineno for f in tb if Path(f.filename).resolve() == path and f.lineno]
            outcome.ok = False
            outcome.error = f"{type(e).__name__}: {e}".splitlines()[0][:300]
            outcome.line = lines[-1] if lines else 0
            outcome.at_bug = any(b.covers(outcome.line) for b in bugs)
            shape_error = getattr(sys.modules.get("typedtorch"), "ShapeError", None)
            outcome.shape_error = isinstance(shape_error, type) and isinstance(e, shape_error) and not modules
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v
    outcome.seconds = time.perf_counter() - start
    if caught:
        outcome.warning = f"{caught[0].category.__name__}: {caught[0].message}".splitlines()[0][:300]
    return outcome


def run_all(files: list[Path] | None = None, on_torch: bool = False) -> list[Outcome]:
    """Run ``files`` (default: the whole corpus) with typedtorch, or on PyTorch."""
    files = files if files is not None else [*GOOD, *BAD]
    if not on_torch:
        import typedtorch as tt

        tt.manual_seed(0)
        return [run_program(p, {}, tt.manual_seed) for p in files]
    import torch

    torch.set_num_threads(1)  # tiny programs on a shared machine: threads only add contention
    modules = build_shim()
    # torch's first op and first backward pay one-off set-up costs; keep them out of the timings.
    w = torch.randn(4, 4, requires_grad=True)
    fc = torch.nn.Linear(4, 3)
    opt = torch.optim.SGD(fc.parameters(), lr=0.1)
    torch.nn.functional.cross_entropy(fc(w @ w), torch.zeros(4, dtype=torch.int64)).backward()  # type: ignore[no-untyped-call]
    opt.step()
    return [run_program(p, modules, torch.manual_seed) for p in files]


def summarize(outcomes: list[Outcome], on_torch: bool) -> list[str]:
    """The report: what ran, what raised where."""
    who = "PyTorch" if on_torch else "typedtorch"
    good = [o for o in outcomes if o.file.startswith("good/")]
    bad = [o for o in outcomes if o.file.startswith("bad/")]
    failed = [o for o in good if not o.ok]
    lines = [f"good/: {len(good) - len(failed)}/{len(good)} run to the end on {who}"]
    lines += [f"  FAILS {o.file}:{o.line}: {o.error}" for o in failed]
    raised = [o for o in bad if not o.ok]
    at_bug = [o for o in raised if o.at_bug]
    counts = f"{who} raises on {len(raised)}/{len(bad)} ({len(at_bug)} in the # BUG statement"
    if not on_torch:
        counts += f", {sum(o.shape_error for o in at_bug)} of them a ShapeError"
    lines.append(f"bad/: {counts}), silent on {len(bad) - len(raised)}")
    for o in bad:
        if o.ok:
            where = f"silent (warns: {o.warning})" if o.warning else "silent"
        else:
            place = "" if o.at_bug else f" (BUG at {o.bug_line})"
            where = f"raises at line {o.line}{place}: {o.error}"
        lines.append(f"  {o.file}: {where}")
    lines += [f"  SLOW {o.file}: {o.seconds:.2f} s" for o in outcomes if o.seconds > 1.0]
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path, help="programs to run (default: the whole corpus)")
    ap.add_argument("--torch", action="store_true", help="run on PyTorch through a stand-in for typedtorch")
    ap.add_argument("--json", help="write the outcomes to this file (- for stdout, instead of the summary)")
    args = ap.parse_args(argv)
    files = [(p if p.is_absolute() or p.exists() else HERE / p).resolve() for p in args.files] or None
    outcomes = run_all(files, on_torch=args.torch)
    report = json.dumps([asdict(o) for o in outcomes], indent=1)
    if args.json == "-":
        print(report)
    else:
        print("\n".join(summarize(outcomes, args.torch)))
        if args.json:
            Path(args.json).write_text(report)
    return 1 if any(not o.ok for o in outcomes if o.file.startswith("good/")) else 0


if __name__ == "__main__":
    sys.exit(main())
