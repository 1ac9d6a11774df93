"""``DataLoader``: minibatches of tensors that share their first dim, optionally one shard of them.

One permutation per epoch and one gather per tensor per batch (``take`` on the
device), so an epoch costs a few thousand array calls whatever the dataset size,
with no per-sample Python loop. Unshuffled batches are slices (views, no copy).

With ``num_shards=W, shard=r`` (data-parallel training: ``W`` ranks, this is rank
``r``) every rank draws the same permutation and keeps every ``W``-th entry from
position ``r`` on, as ``torch.utils.data.DistributedSampler`` does. That choice
makes rank ``r``'s ``k``-th batch of ``b`` samples the ``r``-th stride of the
``k``-th batch of ``W * b`` samples that one process would draw: together the
ranks see exactly the global batches of a one-process run.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Generic, TypeVar, overload

from typedtorch._backend import Array, host_permutation
from typedtorch._dims import N, R, S
from typedtorch._tensor import AnyTensor, Tensor, make

from ._mnist import MNIST

_Batch = TypeVar("_Batch", covariant=True)  # a loader only yields batches


class DataLoader(Generic[_Batch]):
    """Iterate over minibatches of one or more tensors, optionally shuffled by a seed.

    ``DataLoader(x, y, ...)`` with ``x: Tensor[N, *S]`` and ``y: Tensor[N, *R]`` yields
    ``(Tensor[Any, *S], Tensor[Any, *R])`` pairs: the batch size is not a static
    type (the last batch may be smaller) but the other dims are kept, so batches flow
    into ``Matrix[B, Literal[784]]`` parameters. An MNIST dataset may be passed
    instead of its two tensors; a single tensor yields plain tensors. Tensors
    passed together must have the same first size and device (mypy catches two
    different literal sizes too).

    With ``shuffle=True`` each epoch (each ``iter()``) visits a new permutation:
    ``seed=s`` makes epoch ``e``'s order a function of ``(s, e)`` only, reproducible
    across runs and devices; ``seed=None`` draws from the generator that
    ``tt.manual_seed`` sets. ``drop_last=True`` skips a final partial batch.
    ``len()`` is the number of batches per epoch. Batches carry no autograd graph.
    ``set_epoch(e)`` makes the next ``iter()`` epoch ``e`` (to resume a run; code
    ported from PyTorch's ``DistributedSampler`` that calls it every epoch works
    unchanged, and without it epochs advance by themselves).

    ``num_shards=W, shard=r`` yields only shard ``r`` of ``W`` disjoint shards of
    each epoch's order (positions ``r, r + W, r + 2W, ...``), for one rank of a
    data-parallel run (``num_shards=dist.world_size(), shard=dist.rank()``). Every
    shard has ``ceil(n / W)`` samples: when ``W`` does not divide ``n``, the order is
    padded with its own first entries, as PyTorch does, so that every rank runs the
    same number of steps (a rank with one step more would wait forever for the
    others). Shuffled shards need a ``seed``: every rank must draw the same order.
    With batch size ``b`` per shard the ranks together see exactly the batches of
    size ``W * b`` of one process with the same seed.

    >>> import typedtorch as tt, typedtorch.data as ttd
    >>> x, y = tt.zeros(10, 3), tt.arange(10)
    >>> loader = ttd.DataLoader(x, y, batch_size=4, shuffle=True, seed=0)
    >>> len(loader), [tuple(xb.shape) for xb, yb in loader]
    (3, [(4, 3), (4, 3), (2, 3)])
    >>> len(ttd.DataLoader(x, y, batch_size=4, drop_last=True))
    2
    >>> [yb.tolist() for yb in ttd.DataLoader(y, batch_size=2, num_shards=2, shard=1)]
    [[1, 3], [5, 7], [9]]
    """

    @overload
    def __init__(
        self: DataLoader[tuple[Tensor[Any, *S], Tensor[Any]]],
        dataset: MNIST[N, *S],
        /,
        *,
        batch_size: int = 1,
        shuffle: bool = False,
        seed: int | None = None,
        drop_last: bool = False,
        num_shards: int = 1,
        shard: int = 0,
    ) -> None: ...
    @overload
    def __init__(
        self: DataLoader[Tensor[Any, *S]],
        x: Tensor[N, *S],
        /,
        *,
        batch_size: int = 1,
        shuffle: bool = False,
        seed: int | None = None,
        drop_last: bool = False,
        num_shards: int = 1,
        shard: int = 0,
    ) -> None: ...
    @overload
    def __init__(
        self: DataLoader[tuple[Tensor[Any, *S], Tensor[Any, *R]]],
        x: Tensor[N, *S],
        y: Tensor[N, *R],
        /,
        *,
        batch_size: int = 1,
        shuffle: bool = False,
        seed: int | None = None,
        drop_last: bool = False,
        num_shards: int = 1,
        shard: int = 0,
    ) -> None: ...
    # Three or more tensors: batches are tuples of untyped tensors.
    @overload
    def __init__(
        self: DataLoader[tuple[AnyTensor, ...]],
        x: AnyTensor,
        y: AnyTensor,
        z: AnyTensor,
        /,
        *more: AnyTensor,
        batch_size: int = 1,
        shuffle: bool = False,
        seed: int | None = None,
        drop_last: bool = False,
        num_shards: int = 1,
        shard: int = 0,
    ) -> None: ...
    def __init__(
        self,
        *tensors: Any,
        batch_size: int = 1,
        shuffle: bool = False,
        seed: int | None = None,
        drop_last: bool = False,
        num_shards: int = 1,
        shard: int = 0,
    ) -> None:
        self._single = len(tensors) == 1 and not isinstance(tensors[0], MNIST)
        if len(tensors) == 1 and isinstance(tensors[0], MNIST):
            tensors = (tensors[0].images, tensors[0].labels)
        if not tensors:
            raise TypeError("DataLoader: give at least one tensor (or an MNIST dataset)")
        for i, t in enumerate(tensors):
            if not isinstance(t, Tensor):
                raise TypeError(f"DataLoader: argument {i} is a {type(t).__name__}, expected a Tensor")
            if t.ndim == 0:
                raise ValueError(f"DataLoader: argument {i} is 0-d; tensors need a first (sample) dim")
        sizes = [len(t) for t in tensors]
        if len(set(sizes)) != 1:
            shapes = ", ".join(str(t.shape) for t in tensors)
            raise ValueError(f"DataLoader: tensors must share their first dim, got shapes {shapes}")
        devices = {t.device for t in tensors}
        if len(devices) != 1:
            raise ValueError(f"DataLoader: tensors must be on one device, got {', '.join(sorted(devices))}")
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be a positive int, got {batch_size!r}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
            raise ValueError(f"DataLoader: seed must be a non-negative int or None, got {seed!r}")
        if isinstance(num_shards, bool) or not isinstance(num_shards, int) or num_shards < 1:
            raise ValueError(f"DataLoader: num_shards must be a positive int, got {num_shards!r}")
        if isinstance(shard, bool) or not isinstance(shard, int) or not 0 <= shard < num_shards:
            raise ValueError(f"DataLoader: shard must be an int in 0..{num_shards - 1}, got {shard!r}")
        if 1 < num_shards and sizes[0] < num_shards:
            raise ValueError(
                f"DataLoader: {sizes[0]} samples cannot be split into {num_shards} shards (fewer samples than shards)"
            )
        if num_shards > 1 and shuffle and seed is None:
            raise ValueError(
                "DataLoader: shuffled shards need seed= (an int): every rank must draw the same order, "
                "or the shards overlap"
            )
        self.tensors: tuple[AnyTensor, ...] = tuple(tensors)
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.seed = seed
        self.drop_last = drop_last
        self.num_shards = num_shards
        self.shard = shard
        self.epoch = 0
        """Epochs started so far; the next ``iter()`` uses this value, then bumps it."""
        self._n = sizes[0]
        self._shard_len = -(-self._n // num_shards)  # padded: every shard the same length
        self._backend = tensors[0]._backend
        self._arrays: tuple[Array, ...] = tuple(t._data for t in tensors)

    def __len__(self) -> int:
        """Batches per epoch (of this shard)."""
        if self.drop_last:
            return self._shard_len // self.batch_size
        return -(-self._shard_len // self.batch_size)

    def set_epoch(self, epoch: int) -> None:
        """Make the next ``iter()`` epoch ``epoch``: its order is a function of ``(seed, epoch)`` only.

        >>> import typedtorch as tt, typedtorch.data as ttd
        >>> loader = ttd.DataLoader(tt.arange(6), batch_size=6, shuffle=True, seed=0)
        >>> first = next(iter(loader)).tolist()
        >>> loader.set_epoch(0)
        >>> next(iter(loader)).tolist() == first
        True
        """
        if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0:
            raise ValueError(f"DataLoader.set_epoch: epoch must be a non-negative int, got {epoch!r}")
        self.epoch = epoch

    def __iter__(self) -> Iterator[_Batch]:
        epoch = self.epoch
        self.epoch += 1
        # Drawn now rather than at the first next(), so the draw from the global
        # generator (seed=None) happens in program order.
        perm = None
        backend, n, shards = self._backend, self._n, self.num_shards
        if self.shuffle:
            perm = backend.from_host(host_permutation(n, None if self.seed is None else (self.seed, epoch)))
        if shards > 1:
            xp = backend.xp
            if perm is None:
                perm = xp.arange(n, device=backend.native_device)
            pad = self._shard_len * shards - n
            if pad:
                perm = xp.concat([perm, perm[:pad]])
            perm = perm[self.shard :: shards]
        return self._batches(perm)

    def _batches(self, perm: Array | None) -> Iterator[Any]:
        backend, arrays, bs = self._backend, self._arrays, self.batch_size
        take = backend.xp.take
        n = self._shard_len
        stop = n - n % bs if self.drop_last else n
        for start in range(0, stop, bs):
            # Slice stops past the end are not in the array API standard: clip them.
            end = min(start + bs, stop)
            if perm is None:
                batch = tuple(make(a[start:end, ...], backend, None) for a in arrays)
            else:
                idx = perm[start:end]
                batch = tuple(make(take(a, idx, axis=0), backend, None) for a in arrays)
            yield batch[0] if self._single else batch

    def __repr__(self) -> str:
        shapes = ", ".join(str(t.shape) for t in self.tensors)
        shards = f", num_shards={self.num_shards}, shard={self.shard}" if self.num_shards > 1 else ""
        return (
            f"DataLoader({shapes}, batch_size={self.batch_size}, shuffle={self.shuffle}, "
            f"seed={self.seed}, drop_last={self.drop_last}{shards}, device={self._backend.device!r})"
        )
