"""Shape ops: reshape/view, permute/transpose, expand, cat, stack, tril/triu.

Each checks its arguments through ``typedtorch._oprules`` (the rule the mypy plugin
reads), so the run-time message is the static one. Reshapes, permutations and
expansions are views: the output shares the input's memory and version counter.
"""

from __future__ import annotations

import math
from typing import Any

from typedtorch import _oprules
from typedtorch._backend import Array
from typedtorch._errors import ShapeError

from ._apply import ManyOp, UnaryOp, _axis


def _raise(verdict: _oprules.Verdict) -> None:
    if isinstance(verdict, _oprules.Bad):
        raise (IndexError if verdict.index_error else ShapeError)(verdict.message)


class Reshape(UnaryOp):
    __slots__ = ("shape", "src", "name")
    saves_inputs = False
    view = True

    def __init__(self, shape: tuple[int, ...], name: str = "reshape") -> None:
        self.shape = shape
        self.name = name

    def forward(self, x: Array) -> Array:
        self.src = tuple(x.shape)
        verdict = _oprules.reshape(self.name, self.src, self.shape, _oprules.RUNTIME)
        _raise(verdict)
        assert isinstance(verdict, _oprules.Ok)
        target = tuple(int(d) for d in verdict.dims)  # type: ignore[call-overload]
        try:
            return self.xp.reshape(x, target)
        except ValueError as e:  # pragma: no cover - the rule above has checked the count
            raise ShapeError(
                f"{self.name}: cannot reshape {self.src} ({math.prod(self.src)} elements) to {self.shape}"
            ) from e

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        return (self.xp.reshape(g, self.src),)


class Contiguous(UnaryOp):
    """``contiguous()`` of a tensor laid out by a transpose or permute: a row-major copy."""

    __slots__ = ()
    name = "contiguous"
    saves_inputs = False

    def forward(self, x: Array) -> Array:
        # Flattening a strided array copies it in row-major order (in every namespace;
        # `asarray(copy=True)` would keep the strided order), and the reshape back is a view.
        return self.xp.reshape(self.xp.reshape(x, (-1,)), tuple(x.shape))

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        return (g,)


class Permute(UnaryOp):
    """``permute``, ``transpose``, ``.mT``, ``.T``: dims reordered (a view)."""

    __slots__ = ("dims", "inverse")
    name = "permute"
    saves_inputs = False
    view = True

    def __init__(self, dims: tuple[int, ...]) -> None:
        self.dims = dims
        inverse = [0] * len(dims)
        for i, d in enumerate(dims):
            inverse[d] = i
        self.inverse = tuple(inverse)

    def forward(self, x: Array) -> Array:
        return self.xp.permute_dims(x, self.dims)

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        return (self.xp.permute_dims(g, self.inverse),)


def permutation(op: str, shape: tuple[int, ...], verdict: _oprules.Verdict, dims: tuple[int, ...]) -> tuple[int, ...]:
    _raise(verdict)
    rank = len(shape)
    return tuple(d % rank for d in dims)


class Expand(UnaryOp):
    __slots__ = ("shape", "src")
    name = "expand"
    saves_inputs = False
    view = True

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape

    def forward(self, x: Array) -> Array:
        self.src = tuple(x.shape)
        return self.xp.broadcast_to(x, self.shape)

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        from typedtorch._engine import unbroadcast

        return (unbroadcast(self.xp, g, self.src),)


class Tri(UnaryOp):
    """``tril``/``triu``: elements on one side of a diagonal of the last two dims kept, the rest 0."""

    __slots__ = ("mask", "name")
    saves_inputs = False

    def __init__(self, lower: bool, diagonal: int) -> None:
        self.name = "tril" if lower else "triu"
        self.mask: Any = (lower, diagonal)

    def forward(self, x: Array) -> Array:
        _raise(_oprules.tri(self.name, tuple(x.shape), _oprules.RUNTIME))
        xp = self.xp
        lower, k = self.mask
        n, m = x.shape[-2], x.shape[-1]
        rows = xp.reshape(xp.arange(n, device=x.device), (n, 1))
        cols = xp.reshape(xp.arange(m, device=x.device), (1, m))
        keep = (cols - rows <= k) if lower else (cols - rows >= k)
        self.mask = keep
        return xp.where(keep, x, xp.zeros_like(x))

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        xp = self.xp
        return (xp.where(self.mask, g, xp.zeros_like(g)),)


class Cat(ManyOp):
    __slots__ = ()
    name = "cat"
    saves_inputs = False

    def check(self, shapes: list[tuple[int, ...]]) -> _oprules.Verdict:
        return _oprules.cat(shapes, self.dim, _oprules.RUNTIME)

    def forward(self, arrays: list[Array]) -> Array:
        self.dim = _axis(arrays[0].ndim, self.dim, "cat") or 0
        self.sizes = [a.shape[self.dim] for a in arrays]
        return self.xp.concat(arrays, axis=self.dim)

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        out: list[Array | None] = []
        start = 0
        lead = (slice(None),) * self.dim
        for size, need in zip(self.sizes, self.needs, strict=True):
            out.append(g[(*lead, slice(start, start + size), ...)] if need else None)
            start += size
        return tuple(out)


class Stack(ManyOp):
    __slots__ = ()
    name = "stack"
    saves_inputs = False

    def check(self, shapes: list[tuple[int, ...]]) -> _oprules.Verdict:
        return _oprules.stack(shapes, self.dim, _oprules.RUNTIME)

    def forward(self, arrays: list[Array]) -> Array:
        self.dim = _axis(arrays[0].ndim + 1, self.dim, "stack") or 0
        return self.xp.stack(arrays, axis=self.dim)

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        lead = (slice(None),) * self.dim
        return tuple(g[(*lead, i, ...)] if need else None for i, need in enumerate(self.needs))
