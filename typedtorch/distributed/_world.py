"""The MPI world: ``init()``, who this process is, and the collectives on tensors.

Everything goes through mpi4py's buffer methods (``Allreduce``, ``Bcast``) on host
arrays: on the CPU a tensor's own memory (``Tensor.numpy()`` shares it), on other
devices a host copy that is written back afterwards. mpi4py is imported only by
``init()``, so ``import typedtorch.distributed`` works without the ``mpi`` extra.
"""

from __future__ import annotations

import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

from typedtorch._errors import ShapeError
from typedtorch._tensor import Tensor

if TYPE_CHECKING:
    from mpi4py import MPI

    from typedtorch._backend import HostArray
    from typedtorch._dims import S

_INSTALL_HINT = "pip install 'typedtorch[mpi]' (mpi4py and the MPICH wheel, which brings mpiexec)"


class _World:
    """The communicator of an initialised run and the facts every call needs."""

    __slots__ = ("comm", "mpi", "rank", "size")

    def __init__(self, mpi: Any, comm: MPI.Intracomm) -> None:
        self.mpi = mpi  # the mpi4py.MPI module (IN_PLACE, SUM, BYTE)
        self.comm = comm
        self.rank = int(comm.Get_rank())
        self.size = int(comm.Get_size())


_world: _World | None = None
_lock = threading.Lock()


def init() -> None:
    """Join the MPI world (``MPI_COMM_WORLD``); call once per process, before anything else here.

    Run the program under ``mpiexec -n N python train.py``; started without
    ``mpiexec`` it is a world of one process (MPI's singleton start), so the same
    script runs alone. Calling ``init()`` again does nothing.

    With more than one process, an uncaught exception on any rank prints its
    traceback and then aborts the whole job (``MPI_Abort``): the other ranks would
    otherwise wait forever in their next collective for a message that never comes.

    >>> import typedtorch.distributed as dist
    >>> dist.init()
    >>> dist.world_size() >= 1 and 0 <= dist.rank() < dist.world_size()
    True
    """
    global _world
    with _lock:
        if _world is not None:
            return
        try:
            from mpi4py import MPI
        except ImportError as e:
            raise ImportError(f"typedtorch.distributed needs mpi4py and an MPI library: {_INSTALL_HINT}") from e
        world = _World(MPI, MPI.COMM_WORLD)
        if world.size > 1:
            _install_abort_hook(world)
        _world = world


def is_available() -> bool:
    """Whether mpi4py can be imported (the ``mpi`` extra is installed), as ``torch.distributed.is_available``."""
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        return False
    return True


def is_initialized() -> bool:
    """Whether :func:`init` has run in this process."""
    return _world is not None


def world() -> _World:
    """The initialised world, for the other modules of this package."""
    return _require("typedtorch.distributed")


def _require(what: str) -> _World:
    if _world is None:
        raise RuntimeError(
            f"{what}: call typedtorch.distributed.init() first (and start the program with mpiexec -n N)"
        )
    return _world


def rank() -> int:
    """This process's number, ``0 .. world_size() - 1`` (``torch.distributed.get_rank``).

    >>> import typedtorch.distributed as dist
    >>> dist.init()
    >>> dist.rank() < dist.world_size()
    True
    """
    return _require("rank()").rank


def world_size() -> int:
    """How many processes take part (``torch.distributed.get_world_size``)."""
    return _require("world_size()").size


def is_main() -> bool:
    """Whether this is rank 0, the process that prints, saves and evaluates for everyone.

    >>> import typedtorch.distributed as dist
    >>> dist.init()
    >>> if dist.is_main():
    ...     pass  # print the log line, save the checkpoint
    """
    return _require("is_main()").rank == 0


# PyTorch's names for the same two facts, so ported code reads as before.
get_rank = rank
get_world_size = world_size


def barrier() -> None:
    """Wait until every rank has called ``barrier()``.

    >>> import typedtorch.distributed as dist
    >>> dist.init()
    >>> dist.barrier()
    """
    _require("barrier()").comm.Barrier()


def abort(code: int = 1) -> None:
    """End every process of the job now (``MPI_Abort``), with exit status ``code``.

    What an uncaught exception on any rank does by itself (see :func:`init`); call it
    where a rank knows the job cannot go on but the others may be waiting for it.
    """
    w = _require("abort()")
    _flush()
    w.comm.Abort(code)


# ------------------------------------------------------------------ collectives


def all_reduce(tensor: Tensor[*S], op: Literal["sum", "mean"] = "sum") -> Tensor[*S]:
    """Replace ``tensor``'s values, on every rank, by their sum (or mean) over all ranks; returns it.

    In place, as ``torch.distributed.all_reduce``, and not recorded by autograd: a
    tensor that an op computed under autograd is refused, since its backward may
    need the values it had. Every rank must pass a tensor of the same shape and
    dtype; if one differs, every rank raises the same ``ShapeError`` naming the
    ranks and their shapes (one small extra message checks this before the data
    moves, so no rank waits for data that never comes). ``"mean"`` needs a floating
    dtype. On a GPU or the strict backend the values travel through a host copy.

    >>> import typedtorch as tt, typedtorch.distributed as dist
    >>> dist.init()
    >>> correct = tt.tensor([97.0])           # this rank's count
    >>> dist.all_reduce(correct).shape        # now the count over all ranks
    (1,)
    """
    w = _require("all_reduce()")
    _check_tensor("all_reduce", tensor)
    if op not in ("sum", "mean"):
        raise ValueError(f"all_reduce: op must be 'sum' or 'mean', got {op!r}")
    if tensor._backend.dtype_name(tensor._data) == "bool":
        raise TypeError("all_reduce: bool tensors cannot be summed; convert with .int() first")
    if op == "mean" and tensor._backend.is_integral(tensor.dtype):
        raise TypeError(
            f"all_reduce: op='mean' needs a floating tensor, got {tensor._backend.dtype_name(tensor._data)} "
            "(reduce with 'sum' and divide by world_size())"
        )
    metas = w.comm.allgather(_meta(tensor))
    if any(m != metas[0] for m in metas):
        listing = ", ".join(f"rank {r} has {_describe(m)}" for r, m in enumerate(metas))
        raise ShapeError(f"all_reduce: every rank must pass the same shape and dtype, but {listing}")
    host, shared = _host_buffer(tensor, "all_reduce")
    w.comm.Allreduce(w.mpi.IN_PLACE, host, op=w.mpi.SUM)
    if op == "mean":
        host /= w.size
    if not shared:
        _write_back(tensor, host)
    return tensor


def broadcast(tensor: Tensor[*S], root: int = 0, *, src: int | None = None) -> Tensor[*S]:
    """Copy rank ``root``'s values into ``tensor`` on every other rank; returns it.

    In place, as ``torch.distributed.broadcast`` (whose ``src=`` keyword is accepted
    as another name for ``root``). Every rank must pass a tensor of the root's shape
    and dtype; if one differs, every rank raises a ``ShapeError`` naming it.

    >>> import typedtorch as tt, typedtorch.distributed as dist
    >>> dist.init()
    >>> seed = tt.tensor([1234])
    >>> int(dist.broadcast(seed, root=0).item())   # rank 0's value everywhere
    1234
    """
    w = _require("broadcast()")
    if src is not None:
        if root not in (0, src):
            raise ValueError(f"broadcast: root={root} and src={src} disagree; give one of them")
        root = src
    if isinstance(root, bool) or not isinstance(root, int) or not 0 <= root < w.size:
        raise ValueError(f"broadcast: root must be a rank in 0..{w.size - 1}, got {root!r}")
    _check_tensor("broadcast", tensor)
    metas = w.comm.allgather(_meta(tensor))
    wrong = [r for r, m in enumerate(metas) if m != metas[root]]
    if wrong:
        listing = ", ".join(f"rank {r} has {_describe(metas[r])}" for r in wrong)
        raise ShapeError(f"broadcast from rank {root}: the root has {_describe(metas[root])}, but {listing}")
    host, shared = _host_buffer(tensor, "broadcast")
    w.comm.Bcast([host, w.mpi.BYTE], root=root)
    if not shared and w.rank != root:
        _write_back(tensor, host)
    return tensor


# --------------------------------------------------------------------- helpers


def _check_tensor(what: str, tensor: object) -> None:
    if not isinstance(tensor, Tensor):
        raise TypeError(f"{what}: expected a Tensor, got {type(tensor).__name__}")
    if tensor._node is not None:
        raise ValueError(
            f"{what} works in place and is not differentiable, but this tensor was computed by an op "
            "that autograd recorded (its backward may need these values): pass a leaf, or a tensor "
            "computed under tt.no_grad()"
        )


def _meta(tensor: Tensor[*tuple[Any, ...]]) -> tuple[tuple[int, ...], str]:
    return tensor.shape, tensor._backend.dtype_name(tensor._data)


def _describe(meta: tuple[tuple[int, ...], str]) -> str:
    shape, dtype = meta
    return f"shape {shape} {dtype}"


def _host_buffer(tensor: Tensor[*tuple[Any, ...]], what: str) -> tuple[HostArray, bool]:
    """A contiguous, writable host array with the tensor's values, and whether it is the tensor's own memory."""
    host = tensor._backend.to_host(tensor._data)
    if not tensor._backend.is_host:
        return host, False  # already a fresh copy
    if not host.flags.writeable:
        raise ValueError(f"{what}: the tensor's memory is read-only")
    if host.flags.c_contiguous:
        return host, True
    return host.copy(), False


def _write_back(tensor: Tensor[*tuple[Any, ...]], host: HostArray) -> None:
    backend = tensor._backend
    tensor._data[...] = backend.from_host(host.reshape(tensor.shape))
    tensor._version[0] += 1  # an in-place change (see typedtorch._engine)


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # a closed or broken stream must not stop the abort
            pass


def _install_abort_hook(w: _World) -> None:
    """Make an uncaught exception on this rank end the whole job instead of hanging the others."""
    previous: Callable[[type[BaseException], BaseException, TracebackType | None], Any] = sys.excepthook

    def abort_on_uncaught(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        try:
            print(
                f"typedtorch.distributed: uncaught exception on rank {w.rank}; aborting all {w.size} ranks",
                file=sys.stderr,
            )
            previous(kind, value, tb)
        except Exception:
            traceback.print_exception(kind, value, tb)
        abort(1)

    sys.excepthook = abort_on_uncaught
