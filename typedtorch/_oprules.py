"""Shape rules of the tensor ops, written once, read by the mypy plugin and the run time.

Each function takes the operands' dims and the op's arguments and returns

- :class:`Ok` with the result's dims, when they follow;
- :class:`Bad` with the message, naming the dims, when the op certainly fails;
- ``None`` when the dims are not known well enough to say (only statically: a
  group of unknown length, ``Any``...); the plugin then leaves the call to the
  overloads in ``_tensor.py``.

A dim is an ``int`` (a known size) or an opaque object whose behaviour the caller
describes with :class:`~typedtorch._rules.DimOps`: at run time every dim is an ``int``
(:data:`RUNTIME`); in the plugin, a dim may also be a type variable, ``Any`` or a
variadic group (``typedtorch/_mypy/ops.py``). Because both read the same function,
mypy and the run time accept the same programs and word their errors the same way:

>>> broadcast("mul", "*", (5,), (5, 1), RUNTIME)
Bad(message='mul: hidden outer product: Tensor[5] * Tensor[5, 1] would stretch dim 1 of Tensor[5, 1] (size 1) across 5 while adding a dim to Tensor[5]; write it out (x[:, None] * y[None, :]) if you mean it')

This module is pure Python (no numpy, no mypy).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

from ._rules import RUNTIME_OPS, UNKNOWN, Dim, DimOps, is_size

RUNTIME = RUNTIME_OPS


@dataclass(frozen=True)
class Ok:
    dims: tuple[Dim, ...]


@dataclass(frozen=True)
class Bad:
    message: str
    # A dim argument out of range: an IndexError at run time, as in PyTorch (other
    # failures are ShapeErrors).
    index_error: bool = False


Verdict: TypeAlias = Ok | Bad | None


def show(dims: Sequence[Dim], ops: DimOps) -> str:
    """``Tensor[4, 2]``, ``Tensor[B, 784]``, ``Tensor[()]``."""
    return f"Tensor[{', '.join(ops.show(d) for d in dims) if dims else '()'}]"


def _one(d: Dim) -> bool:
    return is_size(d) and d == 1


def _rank_known(dims: Sequence[Dim], ops: DimOps) -> bool:
    return not any(ops.is_variadic(d) for d in dims)


def _pos(i: int, n: int) -> str:
    return "last dim" if n > 1 and i == n - 1 else f"dim {i}"


def norm_dim(dim: int, rank: int) -> int | None:
    """``dim`` counted from the front, or None when it is out of range for ``rank``."""
    return dim % rank if -rank <= dim < rank else None


def _dim_range(op: str, dim: int, rank: int, dims: Sequence[Dim], ops: DimOps, extra: int = 0) -> Bad:
    r = rank + extra
    return Bad(f"{op}: dim {dim} is out of range for {show(dims, ops)} (rank {rank}: dims {-r} to {r - 1})", True)


# --------------------------------------------------------------------- broadcasting


def _rigid(d: Dim, ops: DimOps) -> bool:
    """A size known exactly, literally or symbolically (a type variable): not ``Any``."""
    return is_size(d) or (d is not UNKNOWN and ops.conflict(d, -(2**62)))


def _merge(x: Dim, y: Dim, ops: DimOps) -> Dim:
    """One dim for two that broadcast: the one that is not 1, else the certain one."""
    if _one(x):
        return y
    if _one(y):
        return x
    if is_size(x) or ops.same(x, y):
        return x
    if is_size(y):
        return y
    return x if _rigid(x, ops) or not _rigid(y, ops) else y


def broadcast(name: str, sym: str, a: Sequence[Dim], b: Sequence[Dim], ops: DimOps) -> Verdict:
    """The shape of ``a <sym> b``: numpy's broadcasting, refusing the hidden outer product.

    Equal ranks: a dim of size 1 stretches (``Tensor[B, C] - Tensor[B, 1]``, an explicit
    ``Tensor[N, 1] * Tensor[1, M]``). Lower rank: the smaller operand gains leading dims
    (``Tensor[B, C] + Tensor[C]``, scalars). Refused: rank promotion that also stretches a
    size-1 dim of the higher-rank operand (``Tensor[B] * Tensor[B, 1]`` would be ``(B, B)``).
    """
    out = _bcast(a, b, ops)
    if out is None or isinstance(out, tuple):
        return None if out is None else Ok(out)
    both = f"{show(a, ops)} {sym} {show(b, ops)}" if sym != "," else f"{show(a, ops)} and {show(b, ops)}"
    if out.outer:
        return Bad(
            f"{name}: hidden outer product: {both} would {out.detail}; write it out (x[:, None] * y[None, :]) if you mean it"
        )
    return Bad(f"{name}: shapes do not broadcast: {both} ({out.detail})")


@dataclass(frozen=True)
class _Clash:
    outer: bool  # the hidden outer product (else: two sizes that differ)
    detail: str


def _bcast(a: Sequence[Dim], b: Sequence[Dim], ops: DimOps) -> tuple[Dim, ...] | _Clash | None:
    """The broadcast dims, or ``(kind, detail)`` naming the first clash; None if unknown."""
    if not _rank_known(a, ops) or not _rank_known(b, ops):
        return None
    if len(a) == 0:
        return tuple(b)
    if len(b) == 0:
        return tuple(a)
    hi, lo = (a, b) if len(a) >= len(b) else (b, a)
    lead = len(hi) - len(lo)
    out: list[Dim] = list(hi[:lead])
    for j, y in enumerate(lo):
        i = lead + j
        x = hi[i]
        if lead and _one(x) and not _one(y) and (is_size(y) or ops.conflict(x, y)):
            return _Clash(
                True,
                f"stretch dim {i} of {show(hi, ops)} (size 1) across {ops.show(y)} while adding a dim to {show(lo, ops)}",
            )
        if ops.conflict(x, y) and not _one(x) and not _one(y):
            xa, ya = (x, y) if hi is a else (y, x)
            return _Clash(False, f"{_pos(i, len(hi))}: {ops.show(xa)} != {ops.show(ya)}")
        out.append(_merge(x, y, ops))
    return tuple(out)


def broadcast_all(name: str, shapes: Sequence[Sequence[Dim]], ops: DimOps) -> Verdict:
    """Several operands (``where``): broadcast them pairwise, left to right."""
    acc: Sequence[Dim] = shapes[0]
    for s in shapes[1:]:
        v = broadcast(name, ",", acc, s, ops)
        if not isinstance(v, Ok):
            return v
        acc = v.dims
    return Ok(tuple(acc))


def broadcast_to_self(name: str, x: Sequence[Dim], other: Sequence[Dim], ops: DimOps, what: str = "mask") -> Verdict:
    """``x.masked_fill(mask, v)``, ``x += y``: ``other`` broadcasts to ``x`` without changing its shape."""
    v = broadcast(name, "with", x, other, ops)
    if not isinstance(v, Ok):
        return v
    if len(v.dims) != len(x) or any(ops.conflict(p, q) for p, q in zip(v.dims, x, strict=True)):
        return Bad(
            f"{name}: the {what} {show(other, ops)} would change the shape of {show(x, ops)} to {show(v.dims, ops)}"
        )
    return Ok(tuple(x))


# --------------------------------------------------------------------------- matmul


def matmul(a: Sequence[Dim], b: Sequence[Dim], ops: DimOps) -> Verdict:
    """``a @ b``: matrix·matrix, matrix·vector, vector·vector (a Scalar), vector·matrix,
    and stacks of matrices whose batch dims broadcast by the rule above."""
    if not _rank_known(a, ops) or not _rank_known(b, ops):
        return None
    ra, rb = len(a), len(b)
    both = f"{show(a, ops)} @ {show(b, ops)}"
    if ra == 0 or rb == 0:
        return Bad(f"matmul: a Scalar operand: {both} (@ needs at least one dim on each side)")
    ka = a[-1]
    kb = b[-2] if rb >= 2 else b[0]
    if ops.conflict(ka, kb):
        return Bad(f"matmul: inner dimensions differ: {both} ({ops.show(ka)} != {ops.show(kb)})")
    if ra == 1 and rb == 1:
        return Ok(())
    if ra == 1:
        return Ok((*b[:-2], b[-1]))
    if rb == 1:
        return Ok(tuple(a[:-1]))
    batch = _bcast(a[:-2], b[:-2], ops)
    if batch is None:
        return None
    if isinstance(batch, _Clash):
        what = "hidden outer product: would " if batch.outer else ""
        return Bad(f"matmul: batch dimensions do not broadcast: {both} ({what}{batch.detail})")
    return Ok((*batch, a[-2], b[-1]))


# ----------------------------------------------------------------------- reductions


def reduce(name: str, x: Sequence[Dim], dim: int | Sequence[int] | None, keepdim: bool, ops: DimOps) -> Verdict:
    """``x.sum(dim, keepdim)`` and every reduction: the named dims removed (or kept as 1)."""
    if dim is None:
        if not keepdim:
            return Ok(())
        if not _rank_known(x, ops):
            return None
        return Ok(tuple(1 for _ in x))
    if not _rank_known(x, ops):
        return None
    rank = len(x)
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    seen: set[int] = set()
    for d in dims:
        k = norm_dim(d, max(rank, 1))
        if k is None:
            return _dim_range(name, d, rank, x, ops)
        if k in seen:
            return Bad(f"{name}: dim {d} appears twice in dim={tuple(dims)}")
        seen.add(k)
    if rank == 0:
        return Ok(())
    return Ok(tuple(1 if i in seen else d for i, d in enumerate(x) if keepdim or i not in seen))


# -------------------------------------------------------------------- shape changes


def transpose(x: Sequence[Dim], d0: int, d1: int, ops: DimOps) -> Verdict:
    if not _rank_known(x, ops):
        return None
    rank = len(x)
    out = list(x)
    ks = []
    for d in (d0, d1):
        k = norm_dim(d, rank) if rank else None
        if k is None:
            return _dim_range("transpose", d, rank, x, ops)
        ks.append(k)
    out[ks[0]], out[ks[1]] = out[ks[1]], out[ks[0]]
    return Ok(tuple(out))


def matrix_transpose(name: str, x: Sequence[Dim], ops: DimOps, exact_rank: int | None = None) -> Verdict:
    """``x.mT`` (the last two dims swapped, rank >= 2) and ``x.T`` (``exact_rank=2``)."""
    if not _rank_known(x, ops):
        return None
    if exact_rank is not None and len(x) != exact_rank:
        return Bad(f"{name} needs a matrix (rank 2), got {show(x, ops)}; use x.mT or x.transpose(d0, d1)")
    if len(x) < 2:
        return Bad(f"{name} needs at least 2 dims, got {show(x, ops)}")
    return Ok((*x[:-2], x[-1], x[-2]))


def permute(x: Sequence[Dim], dims: Sequence[int], ops: DimOps) -> Verdict:
    if not _rank_known(x, ops):
        return None
    rank = len(x)
    if len(dims) != rank:
        return Bad(f"permute: {tuple(dims)} names {len(dims)} dims but {show(x, ops)} has {rank}")
    ks = []
    for d in dims:
        k = norm_dim(d, rank)
        if k is None:
            return _dim_range("permute", d, rank, x, ops)
        ks.append(k)
    if len(set(ks)) != rank:
        return Bad(f"permute: {tuple(dims)} is not a permutation of the {rank} dims of {show(x, ops)}")
    return Ok(tuple(x[k] for k in ks))


def unsqueeze(x: Sequence[Dim], dim: int, ops: DimOps) -> Verdict:
    if not _rank_known(x, ops):
        return None
    rank = len(x)
    k = norm_dim(dim, rank + 1)
    if k is None:
        return _dim_range("unsqueeze", dim, rank, x, ops, extra=1)
    return Ok((*x[:k], 1, *x[k:]))


def squeeze(x: Sequence[Dim], dim: int | Sequence[int] | None, ops: DimOps) -> Verdict:
    """``squeeze(d)`` removes dim ``d``, which must be 1: unlike PyTorch (which leaves the
    tensor unchanged), squeezing a dim that is not 1 is an error. ``squeeze()`` removes
    every dim of size 1 (statically only when all sizes are known)."""
    if not _rank_known(x, ops):
        return None
    rank = len(x)
    if dim is None:
        if all(is_size(d) for d in x):
            return Ok(tuple(d for d in x if d != 1))
        return None
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    ks = set()
    for d in dims:
        k = norm_dim(d, rank) if rank else None
        if k is None:
            return _dim_range("squeeze", d, rank, x, ops)
        if not _one(x[k]) and (is_size(x[k]) or ops.conflict(x[k], 1)):
            return Bad(
                f"squeeze: dim {d} of {show(x, ops)} is {ops.show(x[k])}, not 1 "
                "(typedtorch refuses what PyTorch silently ignores)"
            )
        ks.add(k)
    return Ok(tuple(d for i, d in enumerate(x) if i not in ks))


def expand(x: Sequence[Dim], sizes: Sequence[Dim], ops: DimOps) -> Verdict:
    """``x.expand(*sizes)``: size-1 dims stretch, ``-1`` keeps a dim, new dims go in front."""
    if not _rank_known(x, ops):
        return None
    rank, n = len(x), len(sizes)
    target = "(" + ", ".join(ops.show(s) for s in sizes) + ")"
    if n < rank:
        return Bad(f"expand: {show(x, ops)} has {rank} dims, more than the {n} sizes in {target}")
    lead = n - rank
    out: list[Dim] = []
    for i, s in enumerate(sizes):
        if i < lead:
            if is_size(s) and s < 0:
                return Bad(f"expand: size {s} for a new leading dim in {target}")
            out.append(s)
            continue
        d = x[i - lead]
        if is_size(s) and s == -1:
            out.append(d)
        elif ops.conflict(d, s) and not _one(d):
            return Bad(
                f"expand: dim {i - lead} of {show(x, ops)} is {ops.show(d)}, which cannot expand to {ops.show(s)} (only size-1 dims stretch)"
            )
        else:
            out.append(s)
    return Ok(tuple(out))


def _prod(dims: Sequence[Dim]) -> int | None:
    total = 1
    for d in dims:
        if not is_size(d):
            return None
        total *= d
    return total


def flatten(x: Sequence[Dim], start: int, end: int, ops: DimOps) -> Verdict:
    """``x.flatten(start, end)``: the dims ``start..end`` merged into their product."""
    if not _rank_known(x, ops):
        return None
    n = len(x)
    rank = max(n, 1)  # a Scalar flattens to one element, as at run time
    s, e = norm_dim(start, rank), norm_dim(end, rank)
    for what, value, norm in (("start_dim", start, s), ("end_dim", end, e)):
        if norm is None:
            return Bad(f"flatten: {what}={value} is out of range for {show(x, ops)} (rank {n})", True)
    assert s is not None and e is not None
    if s > e:
        return Bad(f"flatten: start_dim={start} comes after end_dim={end} for {show(x, ops)}")
    if n == 0:
        return Ok((1,))
    merged = x[s : e + 1]
    size: Dim = merged[0] if len(merged) == 1 else (_prod(merged) if _prod(merged) is not None else UNKNOWN)
    return Ok((*x[:s], size, *x[e + 1 :]))


def reshape(name: str, x: Sequence[Dim], sizes: Sequence[Dim], ops: DimOps) -> Verdict:
    """``x.reshape(*sizes)`` / ``x.view(*sizes)``: the element count is kept; one ``-1`` is inferred.

    A size that is not an ``int`` (statically: a symbolic or unknown size) is copied to
    the result; the count is checked only where it is known.
    """
    shown = [ops.show(s) for s in sizes]
    target = "(" + ", ".join(shown) + ("," if len(sizes) == 1 else "") + ")"
    if sum(1 for s in sizes if is_size(s) and s == -1) > 1:
        return Bad(f"{name}: only one size can be -1, got {target}")
    for s in sizes:
        if is_size(s) and s < -1:
            return Bad(f"{name}: invalid size {s} in {target}")
    given = [s for s in sizes if not (is_size(s) and s == -1)]
    known_target = _prod(given)
    if not _rank_known(x, ops):
        count: int | None = None
    else:
        count = _prod(x)
    have = f"{show(x, ops)} ({_elements(count)})" if count is not None else show(x, ops)
    if not any(is_size(s) and s == -1 for s in sizes):
        if count is not None and known_target is not None and count != known_target:
            return Bad(f"{name}: cannot reshape {have} into {target} ({_elements(known_target)})")
        return Ok(tuple(sizes))
    inferred: Dim = UNKNOWN
    if count is not None and known_target is not None:
        if known_target == 0 or count % known_target != 0:
            return Bad(f"{name}: cannot reshape {have} into {target}: {count} is not a multiple of {known_target}")
        inferred = count // known_target
    elif _rank_known(x, ops):
        # Symbolic sizes cancel: Tensor[B, 28, 28].reshape(-1, 784) is Tensor[B, 784], and
        # Tensor[B, T, 4, 32].view(B, T, -1) is Tensor[B, T, 128]; otherwise -1 is unknown.
        remaining = [d for d in x if not is_size(d)]
        cancelled = True
        for t in given:
            if is_size(t):
                continue
            for j, d in enumerate(remaining):
                if ops.same(d, t):
                    del remaining[j]
                    break
            else:
                cancelled = False
                break
        lits_x = _prod([d for d in x if is_size(d)])
        lits_t = _prod([t for t in given if is_size(t)])
        if cancelled and not remaining and lits_x is not None and lits_t and lits_x % lits_t != 0:
            return Bad(
                f"{name}: cannot reshape {have} into {target}: the sizes it shares with the tensor "
                f"leave {lits_x} elements per item, not a multiple of {lits_t}"
            )
        if cancelled and lits_x is not None and lits_t and lits_x % lits_t == 0:
            k = lits_x // lits_t
            if not remaining:
                inferred = k
            elif len(remaining) == 1 and k == 1:
                inferred = remaining[0]
    return Ok(tuple(inferred if is_size(s) and s == -1 else s for s in sizes))


def _elements(n: int | None) -> str:
    return "1 element" if n == 1 else f"{n} elements"


def cat(shapes: Sequence[Sequence[Dim]], dim: int, ops: DimOps) -> Verdict:
    """``tt.cat(shapes, dim)``: sizes along ``dim`` add up, every other dim must agree."""
    if not shapes:
        return Bad("cat: expected a non-empty sequence of tensors")
    if not all(_rank_known(s, ops) for s in shapes):
        return None
    first = shapes[0]
    r = len(first)
    for i, s in enumerate(shapes[1:], 1):
        if len(s) != r:
            return Bad(f"cat: tensors 0 and {i} have different ranks: {show(first, ops)} and {show(s, ops)}")
    if r == 0:
        return Bad("cat: Scalars cannot be concatenated (use stack)")
    k = norm_dim(dim, r)
    if k is None:
        return Bad(f"cat: dim={dim} is out of range for rank-{r} tensors", True)
    for i, s in enumerate(shapes[1:], 1):
        for j in range(r):
            if j != k and ops.conflict(first[j], s[j]):
                return Bad(
                    f"cat: tensors 0 and {i} differ in dim {j}: {show(first, ops)} and {show(s, ops)} "
                    f"({ops.show(first[j])} != {ops.show(s[j])}); only dim {k} may differ"
                )
    along = [s[k] for s in shapes]
    total: Dim = sum(int(d) for d in along if is_size(d)) if all(is_size(d) for d in along) else UNKNOWN
    return Ok(tuple(total if j == k else _common([s[j] for s in shapes], ops) for j in range(r)))


def stack(shapes: Sequence[Sequence[Dim]], dim: int, ops: DimOps) -> Verdict:
    """``tt.stack(shapes, dim)``: equal shapes, and a new dim of size ``len(shapes)`` at ``dim``."""
    if not shapes:
        return Bad("stack: expected a non-empty sequence of tensors")
    if not all(_rank_known(s, ops) for s in shapes):
        return None
    first = shapes[0]
    r = len(first)
    for i, s in enumerate(shapes[1:], 1):
        diff = f"{show(first, ops)} and {show(s, ops)}"
        if len(s) != r:
            return Bad(f"stack: tensors 0 and {i} have different shapes: {diff}; stack needs equal shapes")
        for j in range(r):
            if ops.conflict(first[j], s[j]):
                return Bad(
                    f"stack: tensors 0 and {i} have different shapes: {diff} "
                    f"(dim {j}: {ops.show(first[j])} != {ops.show(s[j])}); stack needs equal shapes"
                )
    k = norm_dim(dim, r + 1)
    if k is None:
        return Bad(f"stack: dim={dim} is out of range for stacking rank-{r} tensors (from {-r - 1} to {r})", True)
    merged = [_common([s[j] for s in shapes], ops) for j in range(r)]
    return Ok((*merged[:k], len(shapes), *merged[k:]))


def _common(dims: Sequence[Dim], ops: DimOps) -> Dim:
    first = dims[0]
    if all(ops.same(first, d) for d in dims[1:]):
        return first
    for d in dims:
        if is_size(d):
            return d
    return first


def split(
    x: Sequence[Dim], sizes: int | Sequence[int], dim: int, ops: DimOps
) -> tuple[tuple[Dim, ...], ...] | Bad | None:
    """``x.split(size, dim)`` (pieces of ``size``, the last smaller) or ``x.split([a, b], dim)``."""
    if not _rank_known(x, ops):
        return None
    rank = len(x)
    k = norm_dim(dim, rank) if rank else None
    if k is None:
        return _dim_range("split", dim, rank, x, ops)
    n = x[k]
    if isinstance(sizes, int):
        if sizes <= 0:
            return Bad(f"split: split_size must be positive, got {sizes}")
        if not is_size(n):
            return None
        pieces = [sizes] * (n // sizes) + ([n % sizes] if n % sizes else [])
        if n == 0:
            pieces = [0]
    else:
        pieces = list(sizes)
        if any(p < 0 for p in pieces):
            return Bad(f"split: sizes must be non-negative, got {tuple(pieces)}")
        if is_size(n) and sum(pieces) != n:
            return Bad(f"split: sizes {tuple(pieces)} add up to {sum(pieces)}, but dim {dim} of {show(x, ops)} is {n}")
    return tuple(tuple(p if i == k else d for i, d in enumerate(x)) for p in pieces)


def chunk(x: Sequence[Dim], chunks: int, dim: int, ops: DimOps) -> tuple[tuple[Dim, ...], ...] | Bad | None:
    """``x.chunk(n, dim)``: PyTorch's rule: pieces of ``ceil(size / n)``, maybe fewer than ``n``."""
    if chunks <= 0:
        return Bad(f"chunk: chunks must be positive, got {chunks}")
    if not _rank_known(x, ops):
        return None
    rank = len(x)
    k = norm_dim(dim, rank) if rank else None
    if k is None:
        return _dim_range("chunk", dim, rank, x, ops)
    n = x[k]
    if not is_size(n):
        return None
    size = -(-n // chunks) if n else 0
    return split(x, max(size, 1), dim, ops) if n else split(x, [0] * chunks, dim, ops)


def tri(name: str, x: Sequence[Dim], ops: DimOps) -> Verdict:
    """``tril``/``triu``: the same shape, at least 2 dims."""
    if not _rank_known(x, ops):
        return None
    if len(x) < 2:
        return Bad(f"{name}: needs at least 2 dims, got {show(x, ops)}")
    return Ok(tuple(x))


def one_hot(x: Sequence[Dim], num_classes: Dim) -> Verdict:
    return Ok((*x, num_classes))


# ------------------------------------------------------------------------- indexing


@dataclass(frozen=True)
class Slice:
    """A slice with its bounds as ints where known (None: omitted; UNKNOWN: not known)."""

    start: object
    stop: object
    step: object


@dataclass(frozen=True)
class Gather:
    """An integer index tensor of the given dims (``x[idx]``)."""

    dims: tuple[Dim, ...]


def _slice_len(n: Dim, s: Slice) -> Dim:
    step = 1 if s.step is None else s.step
    if not is_size(n) or not all(v is None or is_size(v) for v in (s.start, s.stop)) or not is_size(step):
        # `x[:]` keeps the dim whatever it is.
        if s.start is None and s.stop is None and s.step is None:
            return n
        return UNKNOWN
    if step == 0:
        return UNKNOWN
    return len(range(n)[slice(s.start, s.stop, step)])  # type: ignore[arg-type]


def getitem(x: Sequence[Dim], key: Sequence[object], ops: DimOps) -> Verdict:
    """``x[key]`` for a tuple of ints, :class:`Slice`, ``None``, ``...`` and one :class:`Gather`."""
    if not _rank_known(x, ops):
        return None
    consumed = sum(1 for k in key if k is not None and k is not Ellipsis)
    rank = len(x)
    if consumed > rank:
        return Bad(f"index: {consumed} indices for {show(x, ops)} (rank {rank})", True)
    if sum(1 for k in key if k is Ellipsis) > 1:
        return Bad("index: an index can only have a single ellipsis ('...')")
    if sum(1 for k in key if isinstance(k, Gather)) > 1:
        return Bad("index: at most one index tensor (or list) per index")
    items = list(key)
    if Ellipsis in items:
        e = items.index(Ellipsis)
        items[e : e + 1] = [Slice(None, None, None)] * (rank - consumed)
    else:
        items += [Slice(None, None, None)] * (rank - consumed)
    out: list[Dim] = []
    i = 0
    for k in items:
        if k is None:
            out.append(1)
            continue
        n = x[i]
        if isinstance(k, Slice):
            out.append(_slice_len(n, k))
        elif isinstance(k, Gather):
            out.extend(k.dims)
        elif isinstance(k, int):
            if is_size(n) and not -n <= k < n:
                return Bad(f"index: index {k} is out of range for dim {i} of {show(x, ops)} (size {n})", True)
        else:  # an int of unknown value
            pass
        i += 1
    return Ok(tuple(out))


# --------------------------------------------------------------------------- einsum

_EINSUM = re.compile(r"^\s*([a-zA-Z.\s]+(?:,[a-zA-Z.\s]+)*)\s*(?:->\s*([a-zA-Z.\s]*))?\s*$")


def parse_einsum(equation: str, n_operands: int) -> tuple[list[str], str] | str:
    """The operands' subscripts and the output's, or an error message. No ``...``."""
    m = _EINSUM.match(equation)
    if m is None or "." in equation:
        return f"einsum: cannot read the equation {equation!r} (letters, commas and one '->'; no '...')"
    inputs = [s.replace(" ", "") for s in m.group(1).split(",")]
    if len(inputs) != n_operands:
        return f"einsum: {equation!r} has {len(inputs)} operands but {n_operands} tensors were given"
    if m.group(2) is None:
        counts: dict[str, int] = {}
        for s in inputs:
            for c in s:
                counts[c] = counts.get(c, 0) + 1
        output = "".join(sorted(c for c, n in counts.items() if n == 1))
    else:
        output = m.group(2).replace(" ", "")
    for s in inputs:
        if len(set(s)) != len(s):
            return f"einsum: {equation!r} repeats a letter within one operand (diagonals are not supported)"
    if len(set(output)) != len(output):
        return f"einsum: {equation!r} repeats a letter in the output"
    for c in output:
        if not any(c in s for s in inputs):
            return f"einsum: output letter {c!r} of {equation!r} is in no operand"
    return inputs, output


def einsum(equation: str, shapes: Sequence[Sequence[Dim]], ops: DimOps) -> Verdict:
    """The result of ``tt.einsum(equation, *operands)``; a letter must mean one size everywhere."""
    parsed = parse_einsum(equation, len(shapes))
    if isinstance(parsed, str):
        return Bad(parsed)
    inputs, output = parsed
    if not all(_rank_known(s, ops) for s in shapes):
        return None
    size: dict[str, tuple[Dim, int]] = {}
    for j, (subs, dims) in enumerate(zip(inputs, shapes, strict=True)):
        if len(subs) != len(dims):
            return Bad(f"einsum: operand {j} is {show(dims, ops)} but {subs!r} names {len(subs)} dims in {equation!r}")
        for c, d in zip(subs, dims, strict=True):
            if c in size:
                prev, where = size[c]
                if ops.conflict(prev, d):
                    return Bad(
                        f"einsum: {c!r} is {ops.show(prev)} in operand {where} but {ops.show(d)} in operand {j} "
                        f"of {equation!r}"
                    )
                if not is_size(prev) and is_size(d):
                    size[c] = (d, j)
            else:
                size[c] = (d, j)
    return Ok(tuple(size[c][0] for c in output))
