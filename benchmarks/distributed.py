"""Data-parallel step time at 1 and 2 processes, the allreduce's share, and the wire's latency and bandwidth.

    python benchmarks/distributed.py                 # 5 rounds of 60 steps, 2 minutes on 2 cores (more under load)
    python benchmarks/distributed.py --rounds 1 --steps 5    # a quick look
    python benchmarks/distributed.py --cnn-steps 30          # fewer timed steps for the CNN only

Three models, each with a fixed global batch split over the ranks (strong scaling):
MLP B from ``workloads.py`` (784-512-512-10, batch 128, SGD), the MNIST example's
MLP (784-512-10, batch 256, Adam), and the CNN example's default network
(``LightNet`` imported from ``examples/mnist_cnn.py``: conv 16 3x3 pad 1, pool,
conv 32 3x3 pad 1, pool, fc 128, fc 10, ``log_softmax`` + ``nll_loss``; batch 128,
Adadelta lr 1.0 with the example's per-batch cosine schedule, seeded as the example
seeds it). The inputs are synthetic (uniform pixels, normalised as the example
does, random labels): the timing and the loss identity do not need real digits.
Configurations, each in fresh processes, interleaved over the rounds (the order rotates):

* ``1 proc``: one process, one BLAS thread, no ``DistributedDataParallel`` at all;
* ``1 proc, 2 thr``: one process with two BLAS threads (the other way to use 2 cores);
* ``2 proc shm``: ``mpiexec -n 2``, MPICH's shared-memory transport (its default on one machine);
* ``2 proc tcp``: ``mpiexec -n 2`` over TCP on loopback (``MPIR_CVAR_NOLOCAL=1
  UCX_TLS=tcp,self``), the path a message between machines takes, minus the wire.

Per step every rank times its forward and backward, a barrier (only here, to
split the time: the wait for the slower rank), ``sync_gradients()`` (packing, the
bucketed allreduce, unpacking) and the optimizer step; the table shows rank 0's
medians (the ranks run in lockstep). The losses of
the 2-process runs (averaged over the ranks) are compared with the 1-process losses:
the same work, up to float32 rounding. After training, each 2-process run measures
a bare ``Allreduce`` of the gradient buffer's size and a ping-pong over message
sizes from 8 B to 8 MB: the per-message latency and the bandwidth that the ring
allreduce model in the README uses. The machine is shared: each number is the
median over rounds of per-round medians, with the range of the round medians.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from workloads import WORKLOADS, Workload, data, weights  # noqa: E402

MNIST_MODEL = Workload(
    "MNIST example model: 784-512-10, batch 256, Adam", (784, 512, 10), 256, 2e-3, "cross_entropy", 0
)
# The CNN example's default recipe (``RECIPES["light"]`` there): batch 128, Adadelta lr 1.0.
# ``sizes`` are only the flattened input and the classes, for the synthetic data.
CNN_MODEL = Workload(
    "CNN example model (light): conv16-pool-conv32-pool-128-10, batch 128, Adadelta", (784, 10), 128, 1.0, "nll", 0
)
MODELS = {"B": WORKLOADS["B"], "mnist": MNIST_MODEL, "cnn": CNN_MODEL}
CONFIGS = {
    "1 proc": {"procs": 1, "threads": 1, "env": {}},
    "1 proc, 2 thr": {"procs": 1, "threads": 2, "env": {}},
    "2 proc shm": {"procs": 2, "threads": 1, "env": {}},
    "2 proc tcp": {"procs": 2, "threads": 1, "env": {"MPIR_CVAR_NOLOCAL": "1", "UCX_TLS": "tcp,self"}},
}
PING_SIZES = [8, 64, 512, 4096, 32768, 262144, 1 << 20, 1 << 23]


# ---------------------------------------------------------------- inside a rank


def _model(w: Workload) -> Any:
    import typedtorch as tt
    from typedtorch import nn

    layers: list[Any] = []
    for (wt, b), (n_in, n_out) in zip(weights(w), zip(w.sizes, w.sizes[1:], strict=False), strict=True):
        fc = nn.Linear(n_in, n_out)
        fc.load_state_dict({"weight": tt.from_numpy(wt), "bias": tt.from_numpy(b)})
        layers += [fc, nn.ReLU()]
    return nn.Sequential(*layers[:-1])


def _cnn() -> tuple[Any, Any, Any, Any]:
    """The CNN example's default network, optimizer and schedule, built as ``mnist_cnn.train`` builds them."""
    import typedtorch as tt
    from typedtorch import optim

    sys.path.insert(0, str(ROOT / "examples"))
    import mnist_cnn

    recipe = mnist_cnn.RECIPES["light"]
    tt.manual_seed(mnist_cnn.SEED)
    model = mnist_cnn.LightNet()
    opt = optim.Adadelta(model.parameters(), lr=recipe.lr)
    # T_max as in the example: all steps of its default run (60,000 images, 2 epochs).
    per_epoch = -(-60_000 // recipe.batch_size)
    scheduler = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=recipe.epochs * per_epoch)
    return model, opt, scheduler, mnist_cnn


def _train(key: str, steps: int, warmup: int) -> dict[str, Any]:
    import numpy as np

    import typedtorch as tt
    import typedtorch.distributed as dist
    from typedtorch import nn, optim
    from typedtorch.nn import functional as F

    w = MODELS[key]
    rank, world = dist.rank(), dist.world_size()
    scheduler: Any = None
    opt: optim.Optimizer
    x_np, y_np, batches_np = data(w)
    if key == "cnn":
        model, opt, scheduler, example = _cnn()
        assert w.batch == example.RECIPES["light"].batch_size, "the CNN workload's batch is the example's"
        x_np = example.normalise(tt.from_numpy(x_np.reshape(-1, 28, 28))).numpy()
    else:
        model = _model(w)
        opt = optim.SGD(model.parameters(), lr=w.lr) if key == "B" else optim.Adam(model.parameters(), lr=w.lr)
    ddp = dist.DistributedDataParallel(model) if world > 1 else None
    # This rank's share of each global batch: the positions a sharded DataLoader gives it.
    batches = [(tt.from_numpy(x_np[i[rank::world]]), tt.from_numpy(y_np[i[rank::world]])) for i in batches_np]
    compute, wait, sync, total, losses = [], [], [], [], []
    for i in range(warmup + steps):
        x, y = batches[i % len(batches)]
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = F.nll_loss(model(x), y) if key == "cnn" else nn.cross_entropy(model(x), y)
        loss.backward()
        t1 = time.perf_counter()
        if ddp is not None:
            # Only to split the time: how long this rank waits for the other to finish its
            # backward, apart from what the gradient averaging itself costs.
            dist.barrier()
        t1b = time.perf_counter()
        if ddp is not None:
            ddp.sync_gradients()
        t2 = time.perf_counter()
        opt.step()
        if scheduler is not None:
            scheduler.step()
        t3 = time.perf_counter()
        losses.append(loss.item())
        if i >= warmup:
            compute.append((t1 - t0) + (t3 - t2))
            wait.append(t1b - t1)
            sync.append(t2 - t1b)
            total.append(t3 - t0)
    if world > 1:
        losses = dist.all_reduce(tt.tensor(losses, dtype="float64"), op="mean").tolist()
    out: dict[str, Any] = {
        "step": statistics.median(total),
        "compute": statistics.median(compute),
        "wait": statistics.median(wait),
        "sync": statistics.median(sync),
        "losses": losses,
        "params": sum(p.numel() for p in model.parameters()),
    }
    if ddp is not None:
        out["bytes_per_sync"] = ddp.bytes_per_sync
        out["buckets"] = len(ddp.bucket_sizes)
        # The bare collective on a buffer of the same size, both ranks already waiting.
        buf = np.zeros(sum(ddp.bucket_sizes), np.float32)
        comm, mpi = dist._world.world().comm, dist._world.world().mpi
        times = []
        for _ in range(max(10, steps // 2)):
            comm.Barrier()
            t = time.perf_counter()
            comm.Allreduce(mpi.IN_PLACE, buf, op=mpi.SUM)
            times.append(time.perf_counter() - t)
        out["bare_allreduce"] = statistics.median(times)
    return out


def _ping_pong() -> dict[str, float]:
    """Half the round trip of a message of each size between ranks 0 and 1 (median)."""
    import numpy as np

    import typedtorch.distributed as dist

    comm = dist._world.world().comm
    rank = dist.rank()
    out = {}
    for size in PING_SIZES:
        buf = np.zeros(size, np.uint8)
        reps = 50 if size < (1 << 20) else 10
        times = []
        for _ in range(reps):
            comm.Barrier()
            t = time.perf_counter()
            if rank == 0:
                comm.Send(buf, 1)
                comm.Recv(buf, 1)
            else:
                comm.Recv(buf, 0)
                comm.Send(buf, 0)
            times.append((time.perf_counter() - t) / 2)
        out[str(size)] = statistics.median(times)
    return out


def worker(out: str, steps: int, warmup: int, threads: int, cnn_steps: int) -> None:
    from threadpoolctl import threadpool_limits

    import typedtorch.distributed as dist

    dist.init()
    with threadpool_limits(limits=threads, user_api="blas"):
        result: dict[str, Any] = {key: _train(key, cnn_steps if key == "cnn" else steps, warmup) for key in MODELS}
    if dist.world_size() > 1:
        result["ping"] = _ping_pong()
    if dist.is_main():
        Path(out).write_text(json.dumps(result))


# ------------------------------------------------------------------ the driver


def _mpiexec() -> str:
    beside = Path(sys.executable).parent / "mpiexec"
    return str(beside) if beside.exists() else "mpiexec"


def run_config(name: str, steps: int, warmup: int, cnn_steps: int) -> dict[str, Any]:
    cfg = CONFIGS[name]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        script = [sys.executable, str(Path(__file__).resolve()), "--worker", str(out), str(steps), str(warmup)]
        script += [str(cfg["threads"]), str(cnn_steps)]
        cmd = script if cfg["procs"] == 1 else [_mpiexec(), "-n", str(cfg["procs"]), *script]
        env = {**os.environ, **cfg["env"], "OPENBLAS_NUM_THREADS": str(cfg["threads"])}
        subprocess.run(cmd, check=True, env=env, cwd=ROOT, timeout=600)
        result: dict[str, Any] = json.loads(out.read_text())
        return result


def _ms(values: list[float]) -> str:
    med = statistics.median(values) * 1e3
    return f"{med:.2f} [{min(values) * 1e3:.2f}-{max(values) * 1e3:.2f}]"


def _us(values: list[float]) -> str:
    med = statistics.median(values) * 1e6
    return f"{med:.0f} [{min(values) * 1e6:.0f}-{max(values) * 1e6:.0f}]"


def fit_latency_bandwidth(ping: dict[str, float]) -> tuple[float, float]:
    """(alpha seconds, bytes per second) from the ping-pong: alpha from 8 B, bandwidth from the two largest sizes."""
    alpha = ping["8"]
    big, bigger = PING_SIZES[-2], PING_SIZES[-1]
    bandwidth = (bigger - big) / (ping[str(bigger)] - ping[str(big)])
    return alpha, bandwidth


def ring_allreduce_seconds(nbytes: float, world: int, alpha: float, bandwidth: float) -> float:
    """The ring model: 2(W-1) messages of n/W bytes per rank (reduce-scatter, then allgather)."""
    return 2 * (world - 1) * (alpha + nbytes / world / bandwidth)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--steps", type=int, default=60, help="timed steps per model and run")
    p.add_argument("--cnn-steps", type=int, help="timed steps for the CNN (default: --steps)")
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument(
        "--worker", nargs=5, metavar=("OUT", "STEPS", "WARMUP", "THREADS", "CNN_STEPS"), help=argparse.SUPPRESS
    )
    args = p.parse_args()
    if args.worker:
        out, steps, warmup, threads, cnn_steps = args.worker
        worker(out, int(steps), int(warmup), int(threads), int(cnn_steps))
        return
    cnn_steps = args.steps if args.cnn_steps is None else args.cnn_steps

    names = list(CONFIGS)
    runs: dict[str, list[dict[str, Any]]] = {n: [] for n in names}
    started = time.perf_counter()
    for r in range(args.rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            runs[name].append(run_config(name, args.steps, args.warmup, cnn_steps))
        print(f"round {r + 1}/{args.rounds} done ({time.perf_counter() - started:.0f} s)", file=sys.stderr)

    print(
        f"\n{args.rounds} rounds x {args.steps} timed steps ({cnn_steps} for the CNN) after {args.warmup} warm-up; "
        "medians over rounds [range of round medians]; shared 2-core machine\n"
    )
    for key, w in MODELS.items():
        print(f"### {w.name}\n")
        print(
            "| configuration | step (ms) | compute (ms) | wait for the other rank (ms) | sync_gradients (ms) "
            "| sync's share of the step | bare Allreduce (ms) | speed-up |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        base = statistics.median(x[key]["step"] for x in runs["1 proc"])
        for name in names:
            res = [x[key] for x in runs[name]]
            step = [x["step"] for x in res]
            cells = [name, _ms(step), _ms([x["compute"] for x in res])]
            if "bare_allreduce" in res[0]:
                share = [x["sync"] / x["step"] for x in res]
                cells += [
                    _ms([x["wait"] for x in res]),
                    _ms([x["sync"] for x in res]),
                    f"{100 * statistics.median(share):.0f}% [{100 * min(share):.0f}-{100 * max(share):.0f}]",
                    _ms([x["bare_allreduce"] for x in res]),
                ]
            else:
                cells += ["-"] * 4
            cells.append(f"{base / statistics.median(step):.2f}")
            print("| " + " | ".join(cells) + " |")
        two = runs["2 proc shm"][0][key]
        one = runs["1 proc"][0][key]
        # Every 2-process run, both transports and all rounds, against the first 1-process run.
        diffs = [
            abs(a - b) / b
            for n in ("2 proc shm", "2 proc tcp")
            for x in runs[n]
            for a, b in zip(x[key]["losses"], one["losses"], strict=True)
        ]
        steps_each = len(one["losses"])
        print(
            f"\n{two['params']:,} parameters; {two['buckets']} bucket(s); each rank sends its "
            f"{two['bytes_per_sync']:,} B gradient buffer into the allreduce every step "
            f"(a ring moves 2(W-1)/W of that per rank each way: {two['bytes_per_sync']:,} B at W = 2). "
            f"Losses of 2 processes (shm and tcp, every round) vs 1 over {steps_each} steps: "
            f"max relative difference {max(diffs):.1e}.\n"
        )

    print("### Messages between 2 ranks (ping-pong, half a round trip; median over rounds)\n")
    print("| bytes | shm (µs) | tcp loopback (µs) |")
    print("|---:|---:|---:|")
    for size in PING_SIZES:
        cells = [_us([x["ping"][str(size)] for x in runs[n]]) for n in ("2 proc shm", "2 proc tcp")]
        print(f"| {size:,} | {cells[0]} | {cells[1]} |")
    nbytes = runs["2 proc shm"][0]["B"]["bytes_per_sync"]
    print(f"\n### Ring allreduce model for MLP B's {nbytes:,} B, from these latencies and bandwidths\n")
    print("| transport | latency (alpha) | bandwidth | W=2 | W=4 | W=8 | W=16 | W=64 | measured W=2 (bare) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in ("2 proc shm", "2 proc tcp"):
        fits = [fit_latency_bandwidth(x["ping"]) for x in runs[n]]
        alpha = statistics.median(f[0] for f in fits)
        bandwidth = statistics.median(f[1] for f in fits)
        cells = [
            f"{ring_allreduce_seconds(nbytes, wsize, alpha, bandwidth) * 1e3:.2f} ms" for wsize in (2, 4, 8, 16, 64)
        ]
        bare = statistics.median(x["B"]["bare_allreduce"] for x in runs[n]) * 1e3
        print(f"| {n[7:]} | {alpha * 1e6:.0f} µs | {bandwidth / 1e9:.2f} GB/s | {' | '.join(cells)} | {bare:.2f} ms |")


if __name__ == "__main__":
    main()
