"""typedtorch.distributed under ``mpiexec -n 2``: collectives, DistributedDataParallel, faults.

Each test starts ``mpiexec -n 2 python tests/test_distributed.py WORKER OUTDIR``: the
``worker_*`` functions below run on both ranks (this file is their script), write what
they saw to ``OUTDIR/WORKER.RANK.json``, and the test asserts on both ranks' files.
One launch checks many things, since each costs about a second (two interpreters
importing numpy and MPI on a 2-core machine).

Skipped, with the reason, when mpi4py or ``mpiexec`` is missing; ``pip install -e
'.[dev]'`` brings both (the ``mpi`` extra: mpi4py and the MPICH wheel, which installs
``mpiexec`` next to the venv's python).
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from _scripts import load_file

ROOT = Path(__file__).resolve().parent.parent
THIS = Path(__file__).resolve()
EXAMPLE = ROOT / "examples" / "mnist.py"


def find_mpiexec() -> str | None:
    """The ``mpiexec`` next to this interpreter (where the MPICH wheel puts it in a venv), else on PATH."""
    beside = Path(sys.executable).parent / "mpiexec"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("mpiexec")


def _skip_reason() -> str | None:
    if importlib.util.find_spec("mpi4py") is None:
        return "mpi4py is not installed (pip install -e '.[mpi]')"
    if find_mpiexec() is None:
        return "no mpiexec next to the interpreter or on PATH (pip install -e '.[mpi]' brings MPICH's)"
    return None


SKIP = _skip_reason()
needs_mpi = pytest.mark.skipif(SKIP is not None, reason=SKIP or "")

# One BLAS thread per rank: two ranks on two cores, no oversubscription.
ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}


def mpirun(
    worker: str, out: Path, *args: str, n: int = 2, timeout: float = 90
) -> tuple[subprocess.CompletedProcess[str], list[dict[str, Any]]]:
    """Run ``worker`` on ``n`` ranks; the process and each rank's JSON result."""
    mpiexec = find_mpiexec()
    assert mpiexec is not None
    cmd = [mpiexec, "-n", str(n), sys.executable, str(THIS), worker, str(out), *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=ENV, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = [json.loads((out / f"{worker}.{r}.json").read_text()) for r in range(n)]
    return proc, results


# =========================================================== workers (on every rank)


def _error(f: Callable[[], object]) -> str:
    """``"Type: message"`` of what ``f`` raises, or ``"no error"``."""
    try:
        f()
    except Exception as e:
        return f"{type(e).__name__}: {e}"
    return "no error"


def worker_collectives(out: str) -> dict[str, Any]:
    import typedtorch as tt
    import typedtorch.distributed as dist

    dist.init()
    r = dist.rank()
    res: dict[str, Any] = {
        "rank": r,
        "world": dist.world_size(),
        "main": dist.is_main(),
        "aliases": [dist.get_rank(), dist.get_world_size()],
        "initialized": dist.is_initialized(),
    }
    dist.barrier()
    x = tt.tensor([1.0 + r, 10.0 * (r + 1)])
    res["sum_returns_same"] = dist.all_reduce(x) is x
    res["sum"] = x.tolist()
    m = tt.tensor([1.0 + r, 10.0 * (r + 1)])
    res["mean"] = dist.all_reduce(m, op="mean").tolist()
    res["int_sum"] = dist.all_reduce(tt.tensor([r, 5])).tolist()
    res["scalar"] = dist.all_reduce(tt.tensor(float(r) + 0.5)).item()
    res["f64"] = dist.all_reduce(tt.tensor([r / 3], dtype="float64")).tolist()
    res["f16"] = dist.all_reduce(tt.tensor([1.5, 2.0], dtype="float16")).tolist()
    # A transposed (non-contiguous) view: reduced through a copy, written back into the base.
    base = tt.tensor([[1.0 + r, 2.0], [3.0, 4.0 * (r + 1)], [0.0, r]])
    view = base.T
    dist.all_reduce(view)
    res["view"] = view.tolist()
    res["view_base"] = base.tolist()
    # The strict backend: values go through a host copy and are written back.
    s = tt.ones(2, 3, device="strict") * (r + 1.0)
    dist.all_reduce(s, op="mean")
    res["strict_device"] = s.device
    res["strict"] = s.tolist()
    sb = tt.ones(2, device="strict") * (7.0 + r)
    dist.broadcast(sb, root=1)
    res["strict_bcast"] = sb.tolist()
    # A parameter (a leaf that requires grad) may be reduced: it is data, not a graph.
    w = tt.tensor([float(r)], requires_grad=True)
    dist.all_reduce(w)
    res["leaf"] = w.tolist()

    b0 = tt.tensor([10 * (r + 1), 20 * (r + 1)])
    dist.broadcast(b0)
    res["bcast0"] = b0.tolist()
    b1 = tt.tensor([[1.5 * (r + 1)]])
    dist.broadcast(b1, root=1)
    res["bcast1"] = b1.tolist()
    b2 = tt.tensor([float(r)])
    dist.broadcast(b2, src=1)
    res["bcast_src"] = b2.tolist()
    bb = tt.tensor([r == 1, True])
    dist.broadcast(bb, root=1)
    res["bcast_bool"] = bb.tolist()

    # Errors: raised on every rank alike, so no rank is left waiting (the barrier below returns).
    res["shape_mismatch"] = _error(lambda: dist.all_reduce(tt.zeros(3 + r)))
    res["dtype_mismatch"] = _error(lambda: dist.all_reduce(tt.zeros(2, dtype="float64" if r else "float32")))
    res["bcast_mismatch"] = _error(lambda: dist.broadcast(tt.zeros(2, 2 + r), root=0))
    res["bad_op"] = _error(lambda: dist.all_reduce(tt.zeros(2), op="max"))  # type: ignore[arg-type]
    res["int_mean"] = _error(lambda: dist.all_reduce(tt.tensor([1, 2]), op="mean"))
    res["bool_sum"] = _error(lambda: dist.all_reduce(tt.tensor([True])))
    res["bad_root"] = _error(lambda: dist.broadcast(tt.zeros(2), root=2))
    res["roots_disagree"] = _error(lambda: dist.broadcast(tt.zeros(2), 1, src=0))
    res["not_tensor"] = _error(lambda: dist.all_reduce([1.0, 2.0]))  # type: ignore[arg-type]
    g = tt.ones(2, requires_grad=True)
    res["graph"] = _error(lambda: dist.all_reduce(g * 2.0))
    dist.barrier()
    res["after_errors"] = dist.all_reduce(tt.tensor([1.0])).tolist()

    # The docstring examples, on both ranks.
    res["doctests"] = _run_doctests()
    return res


def worker_core(out: str) -> dict[str, Any]:
    return {"collectives": worker_collectives(out), "ddp": worker_ddp(out)}


def _run_doctests() -> list[int]:
    """[examples attempted, failed] over the docstrings of typedtorch.distributed."""
    failed = attempted = 0
    for name in ("typedtorch.distributed", "typedtorch.distributed._world", "typedtorch.distributed._ddp"):
        result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
        failed += result.failed
        attempted += result.attempted
    return [attempted, failed]


def _net(seed: int, hidden: int = 5) -> Any:
    import typedtorch as tt
    from typedtorch import nn

    tt.manual_seed(seed)
    return nn.Linear(6, hidden) >> nn.ReLU() >> nn.Linear(hidden, 3)


def _data(seed: int, n: int = 4) -> tuple[Any, Any]:
    import typedtorch as tt

    rng = np.random.default_rng(seed)
    return tt.tensor(rng.standard_normal((n, 6))), tt.tensor(rng.standard_normal((n, 3)))


def _grads(model: Any) -> dict[str, Any]:
    return {name: None if p.grad is None else p.grad.tolist() for name, p in model.named_parameters()}


def _values(model: Any) -> dict[str, Any]:
    return {name: p.tolist() for name, p in model.named_parameters()}


class _CountingComm:
    """Stands in for the communicator to count the messages a sync sends."""

    def __init__(self, comm: Any) -> None:
        self.comm = comm
        self.allreduce_calls = 0

    def Allreduce(self, *args: Any, **kwargs: Any) -> Any:  # mpi4py's name
        self.allreduce_calls += 1
        return self.comm.Allreduce(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.comm, name)


def _count_allreduces(f: Callable[[], object]) -> int:
    from typedtorch.distributed import _world

    w = _world.world()
    counting = _CountingComm(w.comm)
    w.comm = counting  # type: ignore[assignment]
    try:
        f()
    finally:
        w.comm = counting.comm
    return counting.allreduce_calls


def worker_ddp(out: str) -> dict[str, Any]:
    import typedtorch as tt
    import typedtorch.distributed as dist
    from typedtorch import nn, optim

    dist.init()
    r, world = dist.rank(), dist.world_size()
    res: dict[str, Any] = {}

    # Every rank initialises differently; the wrapper gives every rank rank 0's values.
    model = _net(seed=10 + r)
    before = _values(model)
    weight = model[0].weight
    ddp = dist.DistributedDataParallel(model)
    res["init_from_rank0"] = _values(model) == _values(_net(seed=10))
    res["changed_here"] = _values(model) != before
    res["same_objects"] = model[0].weight is weight
    res["module_is_model"] = ddp.module is model
    x, y = _data(100 + r)
    res["call_is_model_call"] = ddp(x).tolist() == model(x).tolist()
    res["names"] = [name for name, _ in ddp.named_parameters()]
    res["state_names"] = sorted(ddp.state_dict())
    res["train_returns_wrapper"] = ddp.eval() is ddp and not model.training and ddp.train() is ddp and model.training
    res["bucket_sizes"] = ddp.bucket_sizes
    res["bytes_per_sync"] = ddp.bytes_per_sync
    res["repr"] = repr(ddp).splitlines()[0]

    # Gradients: each rank backpropagates its own 4 rows; sync averages them.
    nn.mse_loss(ddp(x), y).backward()
    res["local_grads"] = _grads(model)
    res["allreduces_per_sync"] = _count_allreduces(ddp.sync_gradients)
    res["synced"] = _grads(model)
    # The reference, computed here in one process: every rank's gradient, averaged, and
    # the gradient of the whole 8-row batch (the mean of two 4-row means).
    per_rank = []
    for q in range(world):
        ref = _net(seed=10)
        nn.mse_loss(ref(_data(100 + q)[0]), _data(100 + q)[1]).backward()
        per_rank.append(_grads(ref))
    res["reference_mean"] = {k: np.mean([np.array(g[k]) for g in per_rank], axis=0).tolist() for k in per_rank[0]}
    full = _net(seed=10)
    xs, ys = zip(*(_data(100 + q) for q in range(world)), strict=True)
    nn.mse_loss(full(tt.cat(list(xs))), tt.cat(list(ys))).backward()
    res["full_batch"] = _grads(full)
    kept = model[0].weight.grad
    assert kept is not None
    kept_values = kept.tolist()
    ddp.zero_grad()
    res["zero_grad"] = all(p.grad is None for p in model.parameters())

    # Small buckets: more messages, the same averages.
    small = _net(seed=10 + r)
    ddp_small = dist.DistributedDataParallel(small, bucket_cap_mb=100 / 2**20)  # 100 bytes
    res["small_bucket_sizes"] = ddp_small.bucket_sizes
    nn.mse_loss(ddp_small(x), y).backward()
    res["small_allreduces"] = _count_allreduces(ddp_small.sync_gradients)
    res["small_synced"] = _grads(small)

    # A second sync of new gradients leaves the gradient tensor taken before untouched.
    model.zero_grad()
    nn.mse_loss(ddp(x * 2.0), y).backward()
    ddp.sync_gradients()
    res["kept_grad_unchanged"] = kept.tolist() == kept_values

    # MLP B (784-512-512-10): one message by default, three with 1 MB buckets.
    big = nn.Linear(784, 512) >> nn.ReLU() >> nn.Linear(512, 512) >> nn.ReLU() >> nn.Linear(512, 10)
    res["mlp_b_buckets"] = dist.DistributedDataParallel(big).bucket_sizes
    res["mlp_b_buckets_1mb"] = dist.DistributedDataParallel(big, bucket_cap_mb=1).bucket_sizes

    # Parameters used on some ranks only, or on none.
    class Heads(nn.Module):
        def __init__(self) -> None:
            tt.manual_seed(3)
            self.a = nn.Linear(6, 3)
            self.b = nn.Linear(6, 3)
            self.c = nn.Linear(6, 3)

    heads = Heads()
    dist.DistributedDataParallel(heads).sync_gradients()  # no gradient anywhere: all stay None
    res["none_anywhere"] = _grads(heads)
    hx = tt.ones(2, 6) * (r + 1.0)
    loss = heads.a(hx).sum()
    if r == 1:
        loss = loss + heads.b(hx).sum()
    loss.backward()
    hddp = dist.DistributedDataParallel(heads)
    hddp.sync_gradients()
    res["heads"] = _grads(heads)

    # The optimizer wrapper: the loop is the one-process loop; step() syncs first.
    m2 = _net(seed=20 + r)
    d2 = dist.DistributedDataParallel(m2)
    opt = optim.SGD(d2.parameters(), lr=0.5, momentum=0.9)
    wrapped = dist.DistributedOptimizer(opt, d2)
    res["opt_same_object"] = wrapped is opt
    res["opt_isinstance"] = isinstance(opt, optim.SGD)
    res["opt_type"] = type(opt).__name__
    res["opt_repr"] = repr(opt)
    for step in range(3):
        opt.zero_grad()
        xs2, ys2 = _data(200 + 10 * step + r)
        nn.mse_loss(d2(xs2), ys2).backward()
        opt.step()
    res["after_steps"] = _values(m2)
    ref2 = _net(seed=20)
    ropt = optim.SGD(ref2.parameters(), lr=0.5, momentum=0.9)
    for step in range(3):
        ropt.zero_grad()
        batches = [_data(200 + 10 * step + q) for q in range(world)]
        nn.mse_loss(ref2(tt.cat([b[0] for b in batches])), tt.cat([b[1] for b in batches])).backward()
        ropt.step()
    res["reference_steps"] = _values(ref2)
    res["double_wrap"] = _error(lambda: dist.DistributedOptimizer(opt, d2))
    stray = tt.zeros(3, requires_grad=True)
    res["stray_param"] = _error(lambda: dist.DistributedOptimizer(optim.SGD([*d2.parameters(), stray], lr=0.1), d2))
    res["not_optimizer"] = _error(lambda: dist.DistributedOptimizer(object(), d2))  # type: ignore[type-var]
    res["not_ddp"] = _error(lambda: dist.DistributedOptimizer(optim.SGD(m2.parameters(), lr=0.1), m2))  # type: ignore[arg-type]

    # Different models on different ranks: the same ShapeError on every rank, no hang.
    class Frozen(nn.Module):
        def __init__(self, dtype: str, grad: bool) -> None:
            self.w = tt.zeros(3, dtype=dtype, requires_grad=grad)
            self.v = tt.zeros(2, requires_grad=True)

    res["mismatch_size"] = _error(lambda: dist.DistributedDataParallel(_net(0, hidden=5 + 2 * r)))
    longer = _net(0) >> nn.ReLU() >> nn.Linear(3, 3) if r == 1 else _net(0)
    res["mismatch_extra"] = _error(lambda: dist.DistributedDataParallel(longer))
    shorter = nn.Linear(6, 5) if r == 1 else nn.Linear(6, 5) >> nn.ReLU()
    res["mismatch_names"] = _error(lambda: dist.DistributedDataParallel(shorter))
    res["mismatch_dtype"] = _error(lambda: dist.DistributedDataParallel(Frozen("float64" if r else "float32", True)))
    res["mismatch_grad"] = _error(lambda: dist.DistributedDataParallel(Frozen("float32", r == 0)))
    res["no_params"] = _error(lambda: dist.DistributedDataParallel(nn.ReLU()))
    res["not_module"] = _error(lambda: dist.DistributedDataParallel(lambda t: t))  # type: ignore[type-var]
    res["bad_cap"] = _error(lambda: dist.DistributedDataParallel(_net(0), bucket_cap_mb=0))
    # A frozen parameter is broadcast but not synced, and an optimizer over it is refused.
    fr = Frozen("float32", False)
    dfr = dist.DistributedDataParallel(fr)
    res["frozen_buckets"] = dfr.bucket_sizes
    res["frozen_in_optimizer"] = _error(lambda: dist.DistributedOptimizer(optim.SGD(fr.parameters(), lr=0.1), dfr))

    # Buffers (a module that has named_buffers(), as register_buffer gives): checked and broadcast.
    class Holder:
        def __init__(self, t: Any) -> None:
            self.t = t

    class WithBuffer(nn.Module):
        def __init__(self, size: int) -> None:
            self.fc = nn.Linear(2, 2)
            self.stats = Holder(tt.ones(size) * (r + 1.0))

        def named_buffers(self) -> Any:
            yield "running", self.stats.t

    wb = WithBuffer(3)
    dwb = dist.DistributedDataParallel(wb)
    res["buffer_after_init"] = wb.stats.t.tolist()
    wb.stats.t._data[...] = wb.stats.t._data * 0 + 5.0 * (r + 1)
    dwb.broadcast_buffers()
    res["buffer_after_broadcast"] = wb.stats.t.tolist()
    res["buffer_mismatch"] = _error(lambda: dist.DistributedDataParallel(WithBuffer(3 + r)))

    # The same training on the strict backend goes through host copies and agrees.
    ms = _net(seed=10 + r).to("strict")
    ds = dist.DistributedDataParallel(ms)
    sx, sy = _data(100 + r)
    nn.mse_loss(ds(sx.to("strict")), sy.to("strict")).backward()
    ds.sync_gradients()
    res["strict_synced"] = _grads(ms)
    res["strict_devices"] = sorted(
        {p.device for p in ms.parameters()} | {p.grad.device for p in ms.parameters() if p.grad is not None}
    )

    dist.barrier()
    return res


def worker_mnist(out: str, batch: str, seed: str) -> dict[str, Any]:
    """Train the example's model for one epoch on every rank, on the digits the test saved."""
    import typedtorch as tt
    import typedtorch.distributed as dist

    mnist = _load_example()
    dist.init()
    with np.load(Path(out) / "digits.npz") as saved:
        digits = [tt.from_numpy(saved[k]) for k in ("x", "y", "tx", "ty")]
    lines: list[str] = []
    model, history = mnist.train(
        *digits, epochs=1, batch_size=int(batch), seed=int(seed), log=lines.append, distributed=True
    )
    return {
        "step_loss": history.step_loss,
        "loss": history.loss,
        "acc": history.acc,
        "val_acc": history.val_acc,
        "lines": lines,
        "weight": model.layers[0].weight.numpy()[:50, :50].tolist(),
    }


def worker_fail(out: str) -> None:
    """Rank 1 raises; rank 0 waits in a collective for it."""
    import typedtorch as tt
    import typedtorch.distributed as dist

    dist.init()
    if dist.rank() == 1:
        time.sleep(0.2)
        raise RuntimeError("rank 1 fails on purpose")
    dist.all_reduce(tt.zeros(3))
    raise AssertionError("rank 0 got past the all_reduce")


def worker_wait(out: str) -> None:
    """Both ranks record their pid; rank 0 then waits in a barrier for rank 1, which sleeps."""
    import typedtorch.distributed as dist

    dist.init()
    (Path(out) / f"pid.{dist.rank()}").write_text(str(os.getpid()))
    if dist.rank() == 1:
        time.sleep(120)
    dist.barrier()
    raise AssertionError("rank 0 got past the barrier")


def worker_single(out: str) -> dict[str, Any]:
    """Started without mpiexec: a world of one process."""
    import typedtorch as tt
    import typedtorch.distributed as dist
    from typedtorch import nn, optim

    res: dict[str, Any] = {"before_init": _error(dist.rank), "available": dist.is_available()}
    dist.init()
    model = _net(1)
    before = _values(model)
    ddp = dist.DistributedDataParallel(model)
    res["unchanged_at_init"] = _values(model) == before
    opt = dist.DistributedOptimizer(optim.SGD(ddp.parameters(), lr=0.1), ddp)
    x, y = _data(5)
    nn.mse_loss(ddp(x), y).backward()
    local = _grads(model)
    opt.step()
    ref = _net(1)
    ropt = optim.SGD(ref.parameters(), lr=0.1)
    nn.mse_loss(ref(x), y).backward()
    ropt.step()
    res.update(
        world=dist.world_size(),
        rank=dist.rank(),
        sum=dist.all_reduce(tt.tensor([2.0])).tolist(),
        grads_kept=_grads(model) == local,
        same_as_plain_sgd=_values(model) == _values(ref),
        hook=sys.excepthook is sys.__excepthook__,
    )
    res["doctests"] = _run_doctests()
    return res


def _load_example() -> ModuleType:
    return load_file(EXAMPLE, "mnist_example")


def _worker_main(argv: list[str]) -> None:
    """``python tests/test_distributed.py WORKER OUTDIR [ARGS]``: run ``worker_WORKER``, save what it returns."""
    name, out, *args = argv
    result = globals()[f"worker_{name}"](out, *args)
    if result is not None:
        import typedtorch.distributed as dist

        Path(out, f"{name}.{dist.rank()}.json").write_text(json.dumps(result))


# ================================================================ the tests (pytest)


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """The collectives and DistributedDataParallel workers, in one launch."""
    return mpirun("core", tmp_path_factory.mktemp("core"))[1]


@pytest.fixture(scope="module")
def collectives(core: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r["collectives"] for r in core]


@pytest.fixture(scope="module")
def ddp(core: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r["ddp"] for r in core]


@needs_mpi
def test_world(collectives: list[dict[str, Any]]) -> None:
    assert [r["rank"] for r in collectives] == [0, 1]
    assert [r["world"] for r in collectives] == [2, 2]
    assert [r["main"] for r in collectives] == [True, False]
    assert [r["aliases"] for r in collectives] == [[0, 2], [1, 2]]
    assert all(r["initialized"] for r in collectives)


@needs_mpi
def test_all_reduce_and_broadcast_values(collectives: list[dict[str, Any]]) -> None:
    for r in collectives:
        assert r["sum_returns_same"]
        assert r["sum"] == [3.0, 30.0]
        assert r["mean"] == [1.5, 15.0]
        assert r["int_sum"] == [1, 10]
        assert r["scalar"] == 2.0
        assert r["f64"] == pytest.approx([1 / 3], rel=1e-15)
        assert r["f16"] == [3.0, 4.0]
        # The transposed view, reduced, and its base, written through.
        assert r["view"] == [[1.0 + 2.0, 6.0, 0.0], [4.0, 4.0 * 3, 1.0]]
        assert r["view_base"] == [[3.0, 4.0], [6.0, 12.0], [0.0, 1.0]]
        assert r["strict_device"] == "strict"
        assert r["strict"] == [[1.5] * 3] * 2
        assert r["strict_bcast"] == [8.0, 8.0]
        assert r["leaf"] == [1.0]
        assert r["bcast0"] == [10, 20]
        assert r["bcast1"] == [[3.0]]
        assert r["bcast_src"] == [1.0]
        assert r["bcast_bool"] == [True, True]
        assert r["after_errors"] == [2.0]


@needs_mpi
def test_collective_errors_are_the_same_on_every_rank(collectives: list[dict[str, Any]]) -> None:
    r0, r1 = collectives
    for key in ("shape_mismatch", "dtype_mismatch", "bcast_mismatch", "bad_op", "int_mean", "bad_root", "graph"):
        assert r0[key] == r1[key], key
    assert r0["shape_mismatch"] == (
        "ShapeError: all_reduce: every rank must pass the same shape and dtype, "
        "but rank 0 has shape (3,) float32, rank 1 has shape (4,) float32"
    )
    assert r0["dtype_mismatch"] == (
        "ShapeError: all_reduce: every rank must pass the same shape and dtype, "
        "but rank 0 has shape (2,) float32, rank 1 has shape (2,) float64"
    )
    assert r0["bcast_mismatch"] == (
        "ShapeError: broadcast from rank 0: the root has shape (2, 2) float32, but rank 1 has shape (2, 3) float32"
    )
    assert r0["bad_op"] == "ValueError: all_reduce: op must be 'sum' or 'mean', got 'max'"
    assert r0["int_mean"].startswith("TypeError: all_reduce: op='mean' needs a floating tensor, got int64")
    assert r0["bool_sum"] == "TypeError: all_reduce: bool tensors cannot be summed; convert with .int() first"
    assert r0["bad_root"] == "ValueError: broadcast: root must be a rank in 0..1, got 2"
    assert r0["roots_disagree"] == "ValueError: broadcast: root=1 and src=0 disagree; give one of them"
    assert r0["not_tensor"] == "TypeError: all_reduce: expected a Tensor, got list"
    assert r0["graph"].startswith("ValueError: all_reduce works in place and is not differentiable")


@needs_mpi
def test_docstring_examples_run_on_two_ranks(collectives: list[dict[str, Any]]) -> None:
    for r in collectives:
        attempted, failed = r["doctests"]
        assert attempted > 10 and failed == 0


@needs_mpi
def test_ddp_starts_every_rank_from_rank_0(ddp: list[dict[str, Any]]) -> None:
    r0, r1 = ddp
    assert r0["init_from_rank0"] and r1["init_from_rank0"]
    assert not r0["changed_here"] and r1["changed_here"]  # rank 1 had other values before
    assert r1["same_objects"] and r1["module_is_model"] and r1["call_is_model_call"]
    assert r0["names"] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert r0["state_names"] == ["0.bias", "0.weight", "2.bias", "2.weight"]  # no "module." prefix
    assert r0["train_returns_wrapper"] and r0["zero_grad"]
    assert r0["repr"] == "DistributedDataParallel(rank 0 of 2, 1 gradient bucket(s) of [57] elements)"


@needs_mpi
def test_ddp_averages_gradients_in_few_messages(ddp: list[dict[str, Any]]) -> None:
    r0, r1 = ddp
    assert r0["local_grads"] != r1["local_grads"]  # each rank had its own data
    assert r0["synced"] == r1["synced"]  # the same average, bit for bit, on both
    for name, g in r0["synced"].items():
        np.testing.assert_allclose(g, r0["reference_mean"][name], rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(g, r0["full_batch"][name], rtol=1e-5, atol=1e-6)
    # 6*5 + 5 + 5*3 + 3 = 53 values and one flag per parameter, in one message.
    assert r0["bucket_sizes"] == [57] and r0["allreduces_per_sync"] == 1
    assert r0["bytes_per_sync"] == 57 * 4
    # 100-byte buckets (25 floats), filled last layer first: 2.bias, 2.weight and 0.bias
    # (23 values and 3 flags), then 0.weight (30 and 1); one message each, the same averages.
    assert r0["small_bucket_sizes"] == [26, 31] and r0["small_allreduces"] == 2
    assert r0["small_synced"] == r0["synced"]
    assert r0["kept_grad_unchanged"] and r1["kept_grad_unchanged"]
    n_b = 784 * 512 + 512 + 512 * 512 + 512 + 512 * 10 + 10
    assert r0["mlp_b_buckets"] == [n_b + 6]
    # 1 MB buckets (262144 floats), last layer first; a parameter never splits, so the
    # 512x512 and 784x512 weights travel alone and 0.bias cannot join the bucket after it.
    assert r0["mlp_b_buckets_1mb"] == [512 * 10 + 10 + 512 + 3, 512 * 512 + 1, 512 + 1, 784 * 512 + 1]


@needs_mpi
def test_ddp_parameters_used_on_some_ranks(ddp: list[dict[str, Any]]) -> None:
    r0, r1 = ddp
    assert all(g is None for g in r0["none_anywhere"].values())
    assert r0["heads"] == r1["heads"]
    heads = r0["heads"]
    # a: rows of ones times 1 (rank 0) and 2 (rank 1), averaged; b: only rank 1's (x2), halved.
    np.testing.assert_allclose(heads["a.weight"], np.full((6, 3), (2 * 1 + 2 * 2) / 2))
    np.testing.assert_allclose(heads["b.weight"], np.full((6, 3), (2 * 2) / 2))
    np.testing.assert_allclose(heads["b.bias"], np.full(3, 2 / 2))
    assert heads["c.weight"] is None and heads["c.bias"] is None


@needs_mpi
def test_distributed_optimizer_matches_one_process_on_the_whole_batch(ddp: list[dict[str, Any]]) -> None:
    r0, r1 = ddp
    assert r0["opt_same_object"] and r0["opt_isinstance"] and r0["opt_type"] == "DistributedSGD"
    assert r0["opt_repr"].startswith("DistributedSGD (") and "momentum: 0.9" in r0["opt_repr"]
    assert r0["after_steps"] == r1["after_steps"]
    for name, v in r0["after_steps"].items():
        np.testing.assert_allclose(v, r0["reference_steps"][name], rtol=1e-5, atol=1e-6)
    assert r0["double_wrap"] == "ValueError: DistributedOptimizer: this SGD is already distributed"
    assert r0["stray_param"] == (
        "ValueError: DistributedOptimizer: the optimizer's tensor 4 (shape (3,)) is not a parameter of the "
        "wrapped model, so its gradient would not be averaged and the ranks would drift apart"
    )
    assert r0["not_optimizer"] == "TypeError: DistributedOptimizer: expected an optim.Optimizer, got object"
    assert r0["not_ddp"] == "TypeError: DistributedOptimizer: expected a DistributedDataParallel, got Sequential"


@needs_mpi
def test_different_models_raise_the_same_shape_error_on_every_rank(ddp: list[dict[str, Any]]) -> None:
    r0, r1 = ddp
    prefix = "ShapeError: DistributedDataParallel: every rank must build the same"
    expected = {
        "mismatch_size": f"{prefix} Sequential as rank 0, but rank 1's Sequential has parameter '0.weight' "
        "of shape (6, 7) where rank 0's has (6, 5)",
        "mismatch_extra": f"{prefix} Sequential as rank 0, but rank 1's Sequential has a parameter '4.weight' "
        "((3, 3) float32) that rank 0's lacks",
        "mismatch_names": f"{prefix} Sequential as rank 0, but rank 1's Linear has no parameter '0.weight' "
        "(rank 0's is (6, 5) float32)",
        "mismatch_dtype": f"{prefix} Frozen as rank 0, but rank 1's Frozen has parameter 'w' as float64 "
        "where rank 0's is float32",
        "mismatch_grad": f"{prefix} Frozen as rank 0, but rank 1's Frozen has parameter 'w' with "
        "requires_grad=False where rank 0's has requires_grad=True",
        "buffer_mismatch": f"{prefix} WithBuffer as rank 0, but rank 1's WithBuffer has buffer 'running' "
        "of shape (4,) where rank 0's has (3,)",
    }
    for key, message in expected.items():
        assert r0[key] == message, key
        assert r1[key] == message, key
    assert r0["no_params"] == "ValueError: DistributedDataParallel: ReLU has no parameters to train"
    assert r0["not_module"] == "TypeError: DistributedDataParallel: expected an nn.Module, got function"
    assert r0["bad_cap"] == "ValueError: DistributedDataParallel: bucket_cap_mb must be a positive number, got 0"


@needs_mpi
def test_frozen_parameters_and_buffers(ddp: list[dict[str, Any]]) -> None:
    r0, r1 = ddp
    assert r0["frozen_buckets"] == [2 + 1]  # only 'v' trains
    assert r0["frozen_in_optimizer"].startswith(
        "ValueError: DistributedOptimizer: the optimizer's tensor 0 (shape (3,)) does not require grad"
    )
    assert r0["buffer_after_init"] == r1["buffer_after_init"] == [1.0, 1.0, 1.0]
    assert r0["buffer_after_broadcast"] == r1["buffer_after_broadcast"] == [5.0, 5.0, 5.0]


@needs_mpi
def test_ddp_on_the_strict_backend_agrees_with_the_cpu(ddp: list[dict[str, Any]]) -> None:
    r0, r1 = ddp
    assert r0["strict_devices"] == ["strict"]
    assert r0["strict_synced"] == r1["strict_synced"]
    for name, g in r0["strict_synced"].items():
        np.testing.assert_allclose(g, r0["synced"][name], rtol=1e-6, atol=1e-7)


# ------------------------------------------------------------ the MNIST example


@pytest.fixture(scope="module")
def mnist() -> ModuleType:
    before = dict(os.environ)
    module = _load_example()
    os.environ.clear()
    os.environ.update(before)
    return module


@needs_mpi
def test_two_processes_follow_the_one_process_run(mnist: ModuleType, tmp_path: Path) -> None:
    """Same seed, same global batch: the first 30 losses of 2 ranks are the 1-process losses to float32 rounding."""
    import typedtorch.data as ttd

    limit, batch = 30 * 64, 64
    train, test = ttd.MNIST(flatten=True), ttd.MNIST(train=False, flatten=True)
    digits = (train.images[:limit], train.labels[:limit], test.images[:500], test.labels[:500])
    # The ranks read these digits from a file: loading all of MNIST twice more would cost seconds.
    np.savez(tmp_path / "digits.npz", **{k: t.numpy() for k, t in zip(("x", "y", "tx", "ty"), digits, strict=True)})
    _, (r0, r1) = mpirun("mnist", tmp_path, str(batch), "0")
    lines: list[str] = []
    model, one = mnist.train(*digits, epochs=1, batch_size=batch, seed=0, log=lines.append)
    assert len(one.step_loss) == len(r0["step_loss"]) == 30
    assert r0["step_loss"] == r1["step_loss"]  # every rank holds the global numbers
    two, single = np.array(r0["step_loss"]), np.array(one.step_loss)
    # float32 rounding: sums over the batch are split in two and added in another order.
    # The losses agree to a few float32 ulps (eps = 1.2e-7) all along, not bit for bit.
    relative = np.abs(two - single) / single
    assert relative.max() < 2e-6, relative
    assert relative.max() > 0
    np.testing.assert_allclose(r0["weight"], model.layers[0].weight.numpy()[:50, :50], rtol=1e-4, atol=1e-6)
    assert abs(r0["val_acc"][0] - one.val_acc[0]) <= 2 / 500
    assert r0["lines"] and not r1["lines"]  # only rank 0 logs
    assert r0["lines"][0].split()[:2] == lines[0].split()[:2] == ["epoch", "1/1"]
    # The comparison can fail: another seed's losses are far from these.
    _, other = mnist.train(*digits, epochs=1, batch_size=batch, seed=1, log=lambda line: None)
    assert np.max(np.abs(np.array(other.step_loss) - single)) > 1e-3


@needs_mpi
def test_the_distributed_command_line(mnist: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``mpiexec -n 2 python examples/mnist.py --distributed``: one log, and one checkpoint that holds what was reported.

    That two processes reach the one-process accuracy is the test above, on the same ``train()``.
    """
    pytest.importorskip("safetensors", reason="the io extra (safetensors) is not installed")
    mpiexec = find_mpiexec()
    assert mpiexec is not None
    path = tmp_path / "mnist.safetensors"
    quick = ["--limit", "1500", "--epochs", "1", "--batch-size", "100"]
    cmd = [mpiexec, "-n", "2", sys.executable, str(EXAMPLE), "--distributed", *quick, "--save", str(path)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=ENV, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 4, proc.stdout
    assert lines[0].startswith("training 784-512-10 on 1500 images, cpu, 1 epochs, batch 100 = 2 processes x 50,")
    assert lines[1].startswith("epoch 1/1 loss=")
    assert lines[2] == f"saved {path}"
    assert path.read_bytes()[8:9] == b"{"
    # The saved model evaluates, in one process, to the accuracy the distributed run reported.
    assert mnist.main(["--limit", "1500", "--load", str(path)]) == 0
    loaded = capsys.readouterr().out
    assert lines[3].startswith("test accuracy 0.")
    assert f"test accuracy {lines[3].split()[2]} " in loaded
    # A global batch that does not split evenly is refused on every rank, before any data loads.
    bad = subprocess.run(
        [mpiexec, "-n", "2", sys.executable, str(EXAMPLE), "--distributed", "--batch-size", "101"],
        capture_output=True, text=True, timeout=60, env=ENV, cwd=ROOT,
    )  # fmt: skip
    assert bad.returncode == 2
    assert bad.stderr.count("error: --batch-size 101 must be a multiple of the 2 processes") == 1


# ------------------------------------------------------------------------ faults


@needs_mpi
def test_a_rank_that_raises_ends_the_job(tmp_path: Path) -> None:
    mpiexec = find_mpiexec()
    assert mpiexec is not None
    started = time.monotonic()
    proc = subprocess.run(
        [mpiexec, "-n", "2", sys.executable, str(THIS), "fail", str(tmp_path)],
        capture_output=True, text=True, timeout=60, env=ENV, cwd=ROOT,
    )  # fmt: skip
    seconds = time.monotonic() - started
    assert proc.returncode != 0
    assert seconds < 20, f"the job took {seconds:.1f} s to end"
    assert "RuntimeError: rank 1 fails on purpose" in proc.stderr
    assert "typedtorch.distributed: uncaught exception on rank 1; aborting all 2 ranks" in proc.stderr
    assert "rank 0 got past" not in proc.stderr


@needs_mpi
def test_a_killed_rank_ends_the_job(tmp_path: Path) -> None:
    mpiexec = find_mpiexec()
    assert mpiexec is not None
    job = subprocess.Popen(
        [mpiexec, "-n", "2", sys.executable, str(THIS), "wait", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV, cwd=ROOT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        pid_files = [tmp_path / "pid.0", tmp_path / "pid.1"]
        while not all(p.exists() and p.read_text() for p in pid_files):
            assert job.poll() is None, job.communicate()
            assert time.monotonic() < deadline, "the ranks never started"
            time.sleep(0.05)
        time.sleep(0.3)  # rank 0 is in its barrier by now
        os.kill(int(pid_files[1].read_text()), signal.SIGKILL)
        killed = time.monotonic()
        _, err = job.communicate(timeout=30)
        seconds = time.monotonic() - killed
    finally:
        if job.poll() is None:
            job.kill()
            job.wait()
    assert job.returncode != 0
    assert seconds < 10, f"the job took {seconds:.1f} s to end after the kill"
    assert "rank 0 got past" not in err


# -------------------------------------------------------------- one process


@needs_mpi
def test_without_mpiexec_a_program_is_a_world_of_one(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(THIS), "single", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        env=ENV,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    res = json.loads((tmp_path / "single.0.json").read_text())
    assert res["before_init"] == (
        "RuntimeError: rank(): call typedtorch.distributed.init() first (and start the program with mpiexec -n N)"
    )
    assert res["available"] and res["world"] == 1 and res["rank"] == 0
    assert res["sum"] == [2.0]
    assert res["unchanged_at_init"] and res["grads_kept"] and res["same_as_plain_sgd"]
    assert res["hook"]  # one process: nothing to abort, the default excepthook stays
    attempted, failed = res["doctests"]
    assert attempted > 10 and failed == 0


def test_not_initialized_errors_name_the_call() -> None:
    import typedtorch.distributed as dist

    if dist.is_initialized():  # pragma: no cover - only if some test initialised MPI in this process
        pytest.skip("MPI was initialised in this process")
    for f, name in ((dist.world_size, "world_size()"), (dist.barrier, "barrier()"), (dist.is_main, "is_main()")):
        with pytest.raises(RuntimeError, match="^" + re.escape(f"{name}: call typedtorch.distributed.init() first")):
            f()
    import typedtorch as tt

    with pytest.raises(RuntimeError, match=r"^all_reduce\(\): call typedtorch.distributed.init\(\) first"):
        dist.all_reduce(tt.zeros(2))
    from typedtorch import nn

    with pytest.raises(RuntimeError, match=r"^DistributedDataParallel: call typedtorch.distributed.init\(\) first"):
        dist.DistributedDataParallel(nn.Linear(2, 2))


def test_init_without_mpi4py_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from typedtorch.distributed import _world

    monkeypatch.setattr(_world, "_world", None)
    monkeypatch.setitem(sys.modules, "mpi4py", None)  # `import mpi4py` now raises ImportError
    monkeypatch.setitem(sys.modules, "mpi4py.MPI", None)
    assert not _world.is_available()
    with pytest.raises(ImportError, match=r"needs mpi4py and an MPI library: pip install 'typedtorch\[mpi\]'"):
        _world.init()
    assert not _world.is_initialized()


if __name__ == "__main__":
    _worker_main(sys.argv[1:])
