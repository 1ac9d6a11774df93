"""The shape arithmetic of tensor ops: ``@``, ``+ - * /``, ``flatten``, ``reshape``, ``cat``, ``stack``.

Each function takes the operands' shapes and returns

- :class:`Ok` with the result's dims, when they are certain;
- :class:`Bad` with a message naming the dims, when the op certainly fails;
- ``None`` when the shapes are not known well enough (a variadic group, ``Any``...):
  the plugin then leaves the call to the overloads, exactly as plain mypy types it.

``@`` and the elementwise ops follow the overloads in ``typedtorch/_tensor.py`` (the
plugin only names the dims where plain mypy says "Unsupported operand types");
the others add what plain mypy cannot do: multiply, add and divide literal sizes.
Arithmetic involving a symbolic size gives ``Any``, never a wrong size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

from mypy.types import AnyType, TypeOfAny, TypeVarType, get_proper_type

from .shapes import Dim, Shape, conflict, is_size, rigid, same, show_dim, show_shape

ANY = AnyType(TypeOfAny.special_form)


@dataclass(frozen=True)
class Ok:
    dims: tuple[Dim, ...]


@dataclass(frozen=True)
class Bad:
    message: str


Verdict: TypeAlias = Ok | Bad | None


# ----------------------------------------------------------------------- matmul


def matmul(a: Shape, b: Shape) -> Verdict:
    """``a @ b`` as the ``__matmul__`` overloads allow it.

    Matrix @ matrix, matrix @ vector, vector @ vector, vector @ matrix, a stack of
    matrices @ one matrix, and batched matrices of the same batch dims.
    """
    if not a.fixed or not b.fixed:
        return None
    ra, rb = len(a), len(b)
    ops = f"{show_shape(a)} @ {show_shape(b)}"
    if ra == 0 or rb == 0:
        return Bad(f"matmul: a Scalar operand: {ops} (@ needs at least one dim on each side)")
    batched = ra > 2 and rb > 2
    if (ra > 2 or rb > 2) and not (batched and ra == rb) and not (ra > 2 and rb == 2):
        return Bad(
            f"matmul: ranks {ra} and {rb} do not multiply: {ops} "
            "(a stack of matrices takes one matrix, or a stack of the same batch dims)"
        )
    certain = True
    if batched:
        for i in range(ra - 2):
            if conflict(a.dims[i], b.dims[i]):
                return Bad(f"matmul: batch dimensions differ: {ops} (dim {i}: {_d(a.dims[i])} != {_d(b.dims[i])})")
            certain = certain and same(a.dims[i], b.dims[i])
    ka, kb = a.dims[-1], b.dims[-2] if rb >= 2 else b.dims[0]
    if conflict(ka, kb):
        return Bad(f"matmul: inner dimensions differ: {ops} ({_d(ka)} != {_d(kb)})")
    if not (certain and same(ka, kb)):
        return None
    if ra == 1:
        return Ok(() if rb == 1 else (b.dims[1],))
    if rb == 1:
        return Ok((a.dims[0],))
    return Ok((*a.dims[:-1], b.dims[-1]))


# ------------------------------------------------------------------ elementwise

OPERATORS = {"__add__": ("add", "+"), "__sub__": ("sub", "-"), "__mul__": ("mul", "*"), "__truediv__": ("div", "/")}


def elementwise(method: str, a: Shape, b: Shape) -> Verdict:
    """``a + b`` (and ``- * /``): equal shapes, a trailing ``Vector``, or a ``Scalar``."""
    if not a.fixed or not b.fixed or len(a) == 0 or len(b) == 0:
        return None  # a Scalar goes with anything; unknown ranks are left to the overloads
    name, sym = OPERATORS[method]
    ops = f"{name}: shapes do not broadcast: {show_shape(a)} {sym} {show_shape(b)}"
    if len(a) == len(b):
        for i, (x, y) in enumerate(zip(a.dims, b.dims, strict=True)):
            if conflict(x, y):
                return Bad(f"{ops} (dim {i}: {_d(x)} != {_d(y)})")
        return Ok(a.dims) if all(same(x, y) for x, y in zip(a.dims, b.dims, strict=True)) else None
    if len(b) == 1 or len(a) == 1:
        x, y = a.dims[-1], b.dims[-1]
        if conflict(x, y):
            return Bad(f"{ops} (last dim: {_d(x)} != {_d(y)})")
        if same(x, y):
            return Ok(a.dims if len(b) == 1 else b.dims)
        return None
    return Bad(
        f"{ops} (ranks {len(a)} and {len(b)}: only equal shapes, a Scalar or a Vector of the last dim broadcast)"
    )


# ---------------------------------------------------------------------- flatten


def flatten(x: Shape, start: int, end: int) -> Verdict:
    """``x.flatten(start, end)``: the dims ``start..end`` merged into their product."""
    if not x.fixed:
        return None
    n = len(x)
    rank = max(n, 1)  # a Scalar flattens to one element, as at run time
    s, e = start + rank if start < 0 else start, end + rank if end < 0 else end
    for name, value, norm in (("start_dim", start, s), ("end_dim", end, e)):
        if not 0 <= norm < rank:
            return Bad(f"flatten: {name}={value} is out of range for {show_shape(x)} (rank {n})")
    if s > e:
        return Bad(f"flatten: start_dim={start} comes after end_dim={end} for {show_shape(x)}")
    if n == 0:
        return Ok((1,))
    return Ok((*x.dims[:s], product(x.dims[s : e + 1]), *x.dims[e + 1 :]))


def product(dims: Sequence[Dim]) -> Dim:
    """The size of several dims merged: literal if all are, the dim itself if alone, else Any."""
    if len(dims) == 1:
        return dims[0]
    total = 1
    for d in dims:
        if not isinstance(d, int):
            return ANY
        total *= d
    return total


# ---------------------------------------------------------------------- reshape


def reshape(x: Shape, sizes: Sequence[int | None]) -> Verdict:
    """``x.reshape(*sizes)``; ``None`` is a size mypy only knows as ``int``; one ``-1`` is inferred."""
    target = "(" + ", ".join("int" if s is None else str(s) for s in sizes) + ("," if len(sizes) == 1 else "") + ")"
    if sum(1 for s in sizes if s == -1) > 1:
        return Bad(f"reshape: only one size can be -1, got {target}")
    for s in sizes:
        if s is not None and s < -1:
            return Bad(f"reshape: invalid size {s} in {target}")
    count = _element_count(x)
    given = [s for s in sizes if s != -1]
    ints = [s for s in given if s is not None]
    known = _prod(ints) if len(ints) == len(given) else None
    have = f"{show_shape(x)} ({_elements(count)})" if count is not None and not count[1] else show_shape(x)
    if -1 not in sizes:
        if count is not None and not count[1] and known is not None and count[0] != known:
            return Bad(f"reshape: cannot reshape {have} into {target} ({_elements((known, []))})")
        return Ok(tuple(ANY if s is None else s for s in sizes))
    inferred: Dim = ANY
    if count is not None and known is not None:
        coef, syms = count
        if known == 0 or coef % known != 0:
            if not syms:
                return Bad(f"reshape: cannot reshape {have} into {target}: {coef} is not a multiple of {known}")
        elif not syms:
            inferred = coef // known
        elif coef == known and len(syms) == 1:
            inferred = syms[0]  # Tensor[B, 28, 28].reshape(-1, 784) is Tensor[B, 784]
    return Ok(tuple(inferred if s == -1 else ANY if s is None else s for s in sizes))


def _prod(values: Sequence[int]) -> int:
    total = 1
    for v in values:
        total *= v
    return total


def _element_count(x: Shape) -> tuple[int, list[TypeVarType]] | None:
    """The element count as ``coefficient * product(type variables)``, if every dim is rigid."""
    if not x.fixed:
        return None
    coef = 1
    syms: list[TypeVarType] = []
    for d in x.dims:
        if isinstance(d, int):
            coef *= d
            continue
        p = get_proper_type(d)
        if not isinstance(p, TypeVarType):
            return None
        syms.append(p)
    return coef, syms


def _elements(count: tuple[int, list[TypeVarType]]) -> str:
    n = count[0]
    return "1 element" if n == 1 else f"{n} elements"


# ------------------------------------------------------------------ cat, stack


def cat(shapes: Sequence[Shape], dim: int) -> Verdict:
    """``tt.cat(shapes, dim)``: sizes along ``dim`` add up, every other dim must agree."""
    if not shapes or not all(s.fixed for s in shapes):
        return None
    first = shapes[0]
    r = len(first)
    for i, s in enumerate(shapes[1:], 1):
        if len(s) != r:
            return Bad(f"cat: tensors 0 and {i} have different ranks: {show_shape(first)} and {show_shape(s)}")
    if r == 0:
        return Bad("cat: Scalars cannot be concatenated (use stack)")
    k = dim + r if dim < 0 else dim
    if not 0 <= k < r:
        return Bad(f"cat: dim={dim} is out of range for rank-{r} tensors")
    for i, s in enumerate(shapes[1:], 1):
        for j in range(r):
            if j != k and conflict(first.dims[j], s.dims[j]):
                return Bad(
                    f"cat: tensors 0 and {i} differ in dim {j}: {show_shape(first)} and {show_shape(s)} "
                    f"({_d(first.dims[j])} != {_d(s.dims[j])}); only dim {k} may differ"
                )
    along = [s.dims[k] for s in shapes]
    total: Dim = sum(int(d) for d in along if isinstance(d, int)) if all(is_size(d) for d in along) else ANY
    return Ok(tuple(total if j == k else _merge([s.dims[j] for s in shapes]) for j in range(r)))


def stack(shapes: Sequence[Shape], dim: int) -> Verdict:
    """``tt.stack(shapes, dim)``: equal shapes, and a new dim of size ``len(shapes)`` at ``dim``."""
    if not shapes or not all(s.fixed for s in shapes):
        return None
    first = shapes[0]
    r = len(first)
    for i, s in enumerate(shapes[1:], 1):
        diff = f"{show_shape(first)} and {show_shape(s)}"
        if len(s) != r:
            return Bad(f"stack: tensors 0 and {i} have different shapes: {diff}; stack needs equal shapes")
        for j in range(r):
            if conflict(first.dims[j], s.dims[j]):
                return Bad(
                    f"stack: tensors 0 and {i} have different shapes: {diff} "
                    f"(dim {j}: {_d(first.dims[j])} != {_d(s.dims[j])}); stack needs equal shapes"
                )
    k = dim + r + 1 if dim < 0 else dim
    if not 0 <= k <= r:
        return Bad(f"stack: dim={dim} is out of range for stacking rank-{r} tensors (from {-r - 1} to {r})")
    merged = [_merge([s.dims[j] for s in shapes]) for j in range(r)]
    return Ok((*merged[:k], len(shapes), *merged[k:]))


def _merge(dims: Sequence[Dim]) -> Dim:
    """One dim for several that do not conflict: the common rigid one if any, else Any."""
    first = dims[0]
    if all(same(first, d) for d in dims[1:]):
        return first
    for d in dims:
        if rigid(d):
            return d
    return ANY


def _d(d: Dim) -> str:
    return show_dim(d)
