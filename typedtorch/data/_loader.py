"""``DataLoader``: minibatches of tensors that share their first dim.

One permutation per epoch and one gather per tensor per batch (``take`` on the
device), so an epoch costs a few thousand array calls whatever the dataset size,
with no per-sample Python loop. Unshuffled batches are slices (views, no copy).
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

    >>> import typedtorch as tt, typedtorch.data as ttd
    >>> x, y = tt.zeros(10, 3), tt.arange(10)
    >>> loader = ttd.DataLoader(x, y, batch_size=4, shuffle=True, seed=0)
    >>> len(loader), [tuple(xb.shape) for xb, yb in loader]
    (3, [(4, 3), (4, 3), (2, 3)])
    >>> len(ttd.DataLoader(x, y, batch_size=4, drop_last=True))
    2
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
    ) -> None: ...
    def __init__(
        self,
        *tensors: Any,
        batch_size: int = 1,
        shuffle: bool = False,
        seed: int | None = None,
        drop_last: bool = False,
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
        self.tensors: tuple[AnyTensor, ...] = tuple(tensors)
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.seed = seed
        self.drop_last = drop_last
        self.epoch = 0
        """Epochs started so far; the next ``iter()`` uses this value, then bumps it."""
        self._n = sizes[0]
        self._backend = tensors[0]._backend
        self._arrays: tuple[Array, ...] = tuple(t._data for t in tensors)

    def __len__(self) -> int:
        """Batches per epoch."""
        if self.drop_last:
            return self._n // self.batch_size
        return -(-self._n // self.batch_size)

    def __iter__(self) -> Iterator[_Batch]:
        epoch = self.epoch
        self.epoch += 1
        # Drawn now rather than at the first next(), so the draw from the global
        # generator (seed=None) happens in program order.
        perm = None
        if self.shuffle:
            perm = self._backend.from_host(host_permutation(self._n, None if self.seed is None else (self.seed, epoch)))
        return self._batches(perm)

    def _batches(self, perm: Array | None) -> Iterator[Any]:
        backend, arrays, bs = self._backend, self._arrays, self.batch_size
        take = backend.xp.take
        stop = self._n - self._n % bs if self.drop_last else self._n
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
        return (
            f"DataLoader({shapes}, batch_size={self.batch_size}, shuffle={self.shuffle}, "
            f"seed={self.seed}, drop_last={self.drop_last}, device={self._backend.device!r})"
        )
