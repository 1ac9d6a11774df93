"""``DistributedDataParallel``: one model replicated on every rank, gradients averaged in flat buckets.

At construction every rank checks that its model has rank 0's parameter (and
buffer) names, shapes, dtypes and ``requires_grad`` flags, then takes rank 0's
values. After each ``backward()``, ``sync_gradients()`` (or the ``step()`` of an
optimizer wrapped by :func:`DistributedOptimizer`) averages the gradients over the
ranks: they are packed into a few flat buffers of at most ``bucket_cap_mb`` each,
one ``Allreduce`` per buffer, instead of one message per parameter.

The engine has no hooks that fire while ``backward()`` walks the graph, so the
averaging starts after ``backward()`` returns rather than overlapping it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Generic, Self, TypeVar

from typedtorch._backend import Array, Backend
from typedtorch._errors import ShapeError
from typedtorch._tensor import AnyTensor, Tensor
from typedtorch.nn import Module
from typedtorch.optim import Optimizer

from ._world import _require, _World

_M = TypeVar("_M", bound=Module)
_O = TypeVar("_O", bound=Optimizer)

_Meta = tuple[str, str, tuple[int, ...], str, bool]  # kind, name, shape, dtype, requires_grad


class _Bucket:
    """Tensors of one dtype and device that travel in one flat message."""

    __slots__ = ("backend", "dtype", "itemsize", "tensors", "offsets", "numel")

    def __init__(self, backend: Backend, dtype: Any, itemsize: int) -> None:
        self.backend = backend
        self.dtype = dtype
        self.itemsize = itemsize
        self.tensors: list[AnyTensor] = []
        self.offsets: list[int] = []
        self.numel = 0

    def add(self, t: AnyTensor) -> None:
        self.tensors.append(t)
        self.offsets.append(self.numel)
        self.numel += t.numel()


def _buckets(tensors: list[AnyTensor], cap_bytes: int) -> list[_Bucket]:
    """Group ``tensors`` (in the given order) by dtype and device, starting a new bucket past ``cap_bytes``."""
    open_: dict[tuple[str, str], _Bucket] = {}
    done: list[_Bucket] = []
    for t in tensors:
        key = (t.device, t._backend.dtype_name(t._data))
        b = open_.get(key)
        itemsize = _itemsize(key[1])
        if b is not None and b.numel and (b.numel + t.numel()) * itemsize > cap_bytes:
            done.append(b)
            b = None
        if b is None:
            b = open_[key] = _Bucket(t._backend, t._data.dtype, itemsize)
        b.add(t)
    return done + list(open_.values())


def _itemsize(dtype_name: str) -> int:
    """Bytes per element of ``"float32"``, ``"int64"``, ``"bool"``, ... (not every array library has ``dtype.itemsize``)."""
    bits = "".join(ch for ch in dtype_name if ch.isdigit())
    return int(bits) // 8 if bits else 1


def _named_buffers(module: Module) -> list[tuple[str, AnyTensor]]:
    """The module's buffers (``register_buffer``), where the module has them; ``[]`` otherwise."""
    named = getattr(module, "named_buffers", None)
    if not callable(named):
        return []
    # A buffer registered as None (PyTorch allows it) holds nothing to check or copy.
    return [(name, t) for name, t in named() if isinstance(t, Tensor)]


class DistributedDataParallel(Generic[_M]):
    """Replicate ``module`` over the ranks of :func:`init`'s world and average its gradients.

    ``DistributedDataParallel(model)`` must be called on every rank with the same
    architecture: it compares every rank's parameter and buffer names, shapes,
    dtypes and ``requires_grad`` flags with rank 0's, and if any differs, every rank
    raises the same ``ShapeError`` naming the rank and the parameter (no rank is
    left waiting, and nothing is averaged). Then rank 0's values are copied into
    every rank's tensors, in place (an optimizer built before keeps working).

    The model keeps its static type: ``ddp.module`` is the model itself and
    ``ddp(x)`` is ``model(x)``, typed as the model's own call, so mypy checks the
    shapes as before. Each rank runs the forward and ``backward()`` on its own part
    of the global batch; the gradients are then averaged by ``sync_gradients()``,
    or by the ``step()`` of an optimizer passed through :func:`DistributedOptimizer`
    (the recommended way: the training loop stays exactly as it was). The engine
    has no hooks inside ``backward()``, so, unlike PyTorch, ``backward()`` itself
    does not communicate.

    Gradients travel in flat buffers of at most ``bucket_cap_mb`` megabytes
    (PyTorch's default, 25 MB; one message for most models), one ``Allreduce``
    each, plus one number per parameter that records whether any rank had a
    gradient for it: a parameter that no rank used keeps ``.grad = None`` (the
    optimizer skips it, as in one process), one that some ranks used gets the
    average with zeros from the others.

    >>> import typedtorch as tt, typedtorch.distributed as dist
    >>> from typedtorch import nn, optim
    >>> dist.init()
    >>> ddp = dist.DistributedDataParallel(nn.Linear(4, 2))
    >>> opt = dist.DistributedOptimizer(optim.SGD(ddp.parameters(), lr=0.1), ddp)
    >>> loss = ddp(tt.ones(8, 4)).sum()      # this rank's share of the batch
    >>> loss.backward()
    >>> opt.step()                           # averages the gradients, then steps
    """

    def __init__(self, module: _M, *, bucket_cap_mb: float = 25.0) -> None:
        w = _require("DistributedDataParallel")
        if not isinstance(module, Module):
            raise TypeError(f"DistributedDataParallel: expected an nn.Module, got {type(module).__name__}")
        if isinstance(bucket_cap_mb, bool) or not isinstance(bucket_cap_mb, int | float) or not bucket_cap_mb > 0:
            raise ValueError(f"DistributedDataParallel: bucket_cap_mb must be a positive number, got {bucket_cap_mb!r}")
        params = list(module.named_parameters())
        buffers = _named_buffers(module)
        _check_same_structure(w, type(module).__name__, params, buffers)
        if not params:
            raise ValueError(f"DistributedDataParallel: {type(module).__name__} has no parameters to train")
        self._module = module
        self._world = w
        self._names = {id(p): name for name, p in params}
        cap = int(bucket_cap_mb * 1024 * 1024)
        # Reversed, as PyTorch does: backward produces the last layers' gradients first,
        # which is the order a bucketed overlap with the backward walk would send them in.
        trained = [p for _, p in reversed(params) if p.requires_grad]
        self._grad_buckets = _buckets(trained, cap)
        self._state_buckets = _buckets([p for _, p in params] + [b for _, b in buffers], cap)
        self._buffer_buckets = _buckets([b for _, b in buffers], cap)
        _broadcast_values(w, self._state_buckets)

    # ----------------------------------------------------------------- the model

    @property
    def module(self) -> _M:
        """The wrapped model, with its own static type."""
        return self._module

    @property
    def __call__(self) -> _M:
        """``ddp(x)`` calls the model itself, so mypy types it as the model's own ``__call__``."""
        return self._module

    def parameters(self) -> Iterator[AnyTensor]:
        """The model's parameters: ``optim.Adam(ddp.parameters(), lr=...)``."""
        return self._module.parameters()

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, AnyTensor]]:
        """The model's parameters by name (no ``module.`` prefix: checkpoints load into the bare model)."""
        return self._module.named_parameters(prefix)

    def state_dict(self) -> dict[str, AnyTensor]:
        """The model's ``state_dict()``, with the model's own names (unlike PyTorch, no ``module.`` prefix)."""
        return self._module.state_dict()

    def zero_grad(self) -> None:
        """Forget every parameter's gradient."""
        self._module.zero_grad()

    def train(self, mode: bool = True) -> Self:
        """Training mode for the model; returns this wrapper."""
        self._module.train(mode)
        return self

    def eval(self) -> Self:
        """Evaluation mode for the model; returns this wrapper."""
        self._module.eval()
        return self

    @property
    def bucket_sizes(self) -> list[int]:
        """Elements per gradient message of each ``sync_gradients()`` (one per-parameter flag each included)."""
        return [b.numel + len(b.tensors) for b in self._grad_buckets]

    @property
    def bytes_per_sync(self) -> int:
        """Bytes each rank contributes to one ``sync_gradients()`` (the payload of its ``Allreduce`` calls)."""
        return sum((b.numel + len(b.tensors)) * b.itemsize for b in self._grad_buckets)

    # ----------------------------------------------------------- communication

    def sync_gradients(self) -> None:
        """Average every parameter's ``.grad`` over the ranks, in place of the local gradient.

        Call on every rank after ``backward()`` and before the optimizer's
        ``step()`` (or let :func:`DistributedOptimizer` call it). A rank without a
        gradient for a parameter contributes zeros; a parameter with no gradient on
        any rank keeps ``.grad = None``. The new gradients are views of a fresh
        flat buffer per bucket, so a gradient tensor kept from an earlier step is
        never changed under its holder.
        """
        w = self._world
        for b in self._grad_buckets:
            _sync_bucket(w, b)

    def broadcast_buffers(self) -> None:
        """Copy rank 0's buffers (``register_buffer``: running statistics) into every rank's model.

        PyTorch does this before every forward; here it is explicit, for the ranks
        that use their buffers (evaluation on every rank): rank 0's own values are
        the same either way.
        """
        _broadcast_values(self._world, self._buffer_buckets)

    def __repr__(self) -> str:
        return (
            f"DistributedDataParallel(rank {self._world.rank} of {self._world.size}, "
            f"{len(self._grad_buckets)} gradient bucket(s) of {self.bucket_sizes} elements)\n  "
            + repr(self._module).replace("\n", "\n  ")
        )


def _sync_bucket(w: _World, b: _Bucket) -> None:
    backend, xp, dtype = b.backend, b.backend.xp, b.dtype
    device = backend.native_device
    parts: list[Array] = []
    flags: list[float] = []
    for t in b.tensors:
        g = t._grad
        if g is None:
            parts.append(xp.zeros((t.numel(),), dtype=dtype, device=device))
            flags.append(0.0)
        else:
            parts.append(xp.reshape(g, (-1,)))
            flags.append(1.0)
    parts.append(xp.asarray(flags, dtype=dtype, device=device))
    flat = xp.concat(parts)  # fresh memory: the views handed out below belong to these gradients alone
    host = backend.to_host(flat)  # the same memory on the CPU
    w.comm.Allreduce(w.mpi.IN_PLACE, host, op=w.mpi.SUM)
    host /= w.size
    present = host[b.numel :].tolist()
    if not backend.is_host:
        flat = backend.from_host(host)
    for t, offset, used in zip(b.tensors, b.offsets, present, strict=True):
        if used > 0:
            t._grad = xp.reshape(flat[offset : offset + t.numel()], t.shape)
        else:
            t._grad = None


def _broadcast_values(w: _World, buckets: list[_Bucket]) -> None:
    """Rank 0's values into every rank's tensors, one ``Bcast`` per bucket, written in place."""
    if w.size == 1:
        return
    for b in buckets:
        backend, xp = b.backend, b.backend.xp
        if w.rank == 0:
            flat = xp.concat([xp.reshape(t._data, (-1,)) for t in b.tensors])
        else:
            flat = xp.empty((b.numel,), dtype=b.dtype, device=backend.native_device)
        host = backend.to_host(flat)
        w.comm.Bcast([host, w.mpi.BYTE], root=0)
        if w.rank == 0:
            continue
        flat = backend.from_host(host)
        for t, offset in zip(b.tensors, b.offsets, strict=True):
            t._data[...] = xp.reshape(flat[offset : offset + t.numel()], t.shape)
            t._version[0] += 1  # an in-place change: ops that saved the old values refuse to backpropagate


def _structure(params: list[tuple[str, AnyTensor]], buffers: list[tuple[str, AnyTensor]]) -> list[_Meta]:
    out: list[_Meta] = []
    for kind, named in (("parameter", params), ("buffer", buffers)):
        for name, t in named:
            out.append((kind, name, t.shape, t._backend.dtype_name(t._data), bool(t.requires_grad)))
    return out


def _first_difference(mine: list[_Meta], ref: list[_Meta]) -> str | None:
    """How ``mine`` differs from rank 0's ``ref``, naming the first parameter that does; None if equal."""
    if mine == ref:
        return None
    by_name = {(m[0], m[1]): m for m in mine}
    ref_by_name = {(m[0], m[1]): m for m in ref}
    for kind, name, shape, dtype, grad in ref:
        other = by_name.get((kind, name))
        if other is None:
            return f"has no {kind} {name!r} (rank 0's is {shape} {dtype})"
        if other[2] != shape:
            return f"has {kind} {name!r} of shape {other[2]} where rank 0's has {shape}"
        if other[3] != dtype:
            return f"has {kind} {name!r} as {other[3]} where rank 0's is {dtype}"
        if other[4] != grad:
            return f"has {kind} {name!r} with requires_grad={other[4]} where rank 0's has requires_grad={grad}"
    for kind, name, shape, dtype, _ in mine:
        if (kind, name) not in ref_by_name:
            return f"has a {kind} {name!r} ({shape} {dtype}) that rank 0's lacks"
    return "lists its parameters in another order than rank 0's"


def _check_same_structure(
    w: _World, model: str, params: list[tuple[str, AnyTensor]], buffers: list[tuple[str, AnyTensor]]
) -> None:
    """Raise the same ``ShapeError`` on every rank if any rank's model differs from rank 0's.

    Every rank gets every rank's description (one ``allgather``) and so reaches the
    same verdict and the same message: all raise, or none does.
    """
    everyone: list[tuple[str, list[_Meta]]] = w.comm.allgather((model, _structure(params, buffers)))
    name0, ref = everyone[0]
    problems = []
    for r, (name, mine) in enumerate(everyone[1:], 1):
        diff = _first_difference(mine, ref)
        if diff is not None:
            problems.append(f"rank {r}'s {name} {diff}")
    if problems:
        raise ShapeError(
            f"DistributedDataParallel: every rank must build the same {name0} as rank 0, but " + "; ".join(problems)
        )


# A function with a class-like name, as Horovod's: it reads as the wrapper it makes.
def DistributedOptimizer(optimizer: _O, ddp: DistributedDataParallel[Any]) -> _O:
    """Make ``optimizer.step()`` average the gradients over the ranks first; returns the same optimizer.

    The optimizer stays the same object with the same static type (an ``Adam``
    stays an ``Adam`` for mypy and for ``isinstance``, its ``lr`` and state are its
    own); only its ``step()`` now calls ``ddp.sync_gradients()`` before updating.
    So the training loop is the one-process loop, unchanged: ``zero_grad()``,
    forward, ``backward()``, ``step()``. Gradients accumulated over several
    ``backward()`` calls are averaged once, at the ``step()``.

    Every parameter of the optimizer must belong to ``ddp``'s model (a parameter
    outside it would be updated from a local gradient and drift apart between
    ranks): otherwise a ``ValueError``.

    >>> import typedtorch.distributed as dist
    >>> from typedtorch import nn, optim
    >>> dist.init()
    >>> ddp = dist.DistributedDataParallel(nn.Linear(4, 2))
    >>> opt = dist.DistributedOptimizer(optim.Adam(ddp.parameters(), lr=1e-3), ddp)
    >>> isinstance(opt, optim.Adam)
    True
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"DistributedOptimizer: expected an optim.Optimizer, got {type(optimizer).__name__}")
    if not isinstance(ddp, DistributedDataParallel):
        raise TypeError(f"DistributedOptimizer: expected a DistributedDataParallel, got {type(ddp).__name__}")
    synced = {id(t) for b in ddp._grad_buckets for t in b.tensors}
    for i, p in enumerate(optimizer.params):
        if id(p) not in synced:
            what = "does not require grad" if id(p) in ddp._names else "is not a parameter of the wrapped model"
            raise ValueError(
                f"DistributedOptimizer: the optimizer's tensor {i} (shape {p.shape}) {what}, "
                "so its gradient would not be averaged and the ranks would drift apart"
            )
    base = type(optimizer)
    if getattr(base, "_typedtorch_ddp", None) is not None:
        raise ValueError(f"DistributedOptimizer: this {base.__mro__[1].__name__} is already distributed")
    optimizer.__class__ = _distributed_class(base, ddp)
    return optimizer


def _distributed_class(base: type[_O], ddp: DistributedDataParallel[Any]) -> type[_O]:
    """A subclass of ``base`` whose ``step()`` syncs ``ddp``'s gradients first (Horovod's approach)."""

    def step(self: Optimizer, *args: Any, **kwargs: Any) -> Any:
        ddp.sync_gradients()
        return base.step(self, *args, **kwargs)

    step.__doc__ = f"Average the gradients over the ranks, then {base.__name__}.step()."
    namespace = {"step": step, "_typedtorch_ddp": ddp, "__module__": base.__module__, "__doc__": base.__doc__}
    return type(f"Distributed{base.__name__}", (base,), namespace)
