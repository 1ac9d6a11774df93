"""Matching actual tensor shapes against a signature's shape patterns, naming the first clash.

``Linear[784, 128].__call__`` takes ``Tensor[*P, 784]``; ``mse_loss`` takes two
``Tensor[*S]``. :class:`Unifier` binds the signature's type variables (``P``, ``S``,
``B``...) from the arguments in order and reports the first dim that certainly
differs, with what bound it: enough for a message like
``"target" is Tensor[64, 1], expected Tensor[64, 10] (dim 1: 1 != 10; S = (64, 10) from "input")``.

It also serves the layer-chain engine (``Sequential``): there the input's feature
sizes start as *flexible* variables, bound by the first layer that fixes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mypy.types import (
    AnyType,
    Type,
    TypeOfAny,
    TypeVarId,
    TypeVarLikeType,
    TypeVarTupleType,
    TypeVarType,
    UnpackType,
    get_proper_type,
)

from .shapes import Dim, Shape, conflict, rigid, show_dim, show_dims


@dataclass
class _Bound:
    value: Dim | tuple[Dim, ...]
    source: str


@dataclass(frozen=True)
class Clash:
    """A certain mismatch between an argument's shape and what the signature expects."""

    actual: Shape
    expected: Shape  # the pattern with what was bound so far substituted
    detail: str  # "dim 1: 100 != 784", "2 dims, expected 3"
    via: str | None  # 'B = 32 from "input"' when a variable bound by another argument disagrees

    def explain(self) -> str:
        return f"{self.detail}; {self.via}" if self.via else self.detail


class Unifier:
    def __init__(self, variables: Iterable[TypeVarLikeType] = ()) -> None:
        self._names: dict[TypeVarId, str] = {}
        self._bound: dict[TypeVarId, _Bound] = {}
        for v in variables:
            self.add_var(v)

    def add_var(self, v: TypeVarLikeType) -> None:
        self._names[v.id] = v.name

    # ------------------------------------------------------------------ lookups

    def _var(self, d: Dim) -> TypeVarId | None:
        """The id of a (single-dim) variable of this unifier, or None."""
        if isinstance(d, TypeVarType) and d.id in self._names:
            return d.id
        return None

    def _group_var(self, d: Dim) -> TypeVarId | None:
        if isinstance(d, UnpackType):
            inner = get_proper_type(d.type)
            if isinstance(inner, TypeVarTupleType) and inner.id in self._names:
                return inner.id
        return None

    def resolve(self, d: Dim) -> Dim:
        """Follow bindings: a bound variable becomes its value (an unbound one stays itself)."""
        seen = 0
        while (v := self._var(d)) is not None and v in self._bound and seen < 64:
            value = self._bound[v].value
            if isinstance(value, tuple):
                break
            d = value
            seen += 1
        return d

    def bound_value(self, v: TypeVarLikeType) -> Dim | tuple[Dim, ...] | None:
        b = self._bound.get(v.id)
        if b is None:
            return None
        return b.value if isinstance(b.value, tuple) else self.resolve(b.value)

    def group(self, d: Dim) -> tuple[Dim, ...] | None:
        """The dims a bound variadic group stands for, or None."""
        g = self._group_var(d)
        if g is None:
            return None
        b = self._bound.get(g)
        if b is None or not isinstance(b.value, tuple):
            return None
        return tuple(self.resolve(x) for x in b.value)

    def subst(self, shape: Shape, unbound_as_any: bool = False) -> Shape:
        """``shape`` with bound variables replaced (groups spliced in)."""
        out: list[Dim] = []
        for d in shape.dims:
            g = self._group_var(d)
            if g is not None:
                b = self._bound.get(g)
                if b is not None and isinstance(b.value, tuple):
                    out.extend(self.resolve(x) for x in b.value)
                else:
                    out.append(d)  # an unbound group stays as it is
                continue
            r = self.resolve(d)
            if unbound_as_any and self._var(r) is not None:
                out.append(AnyType(TypeOfAny.special_form))
            else:
                out.append(r)
        return Shape(tuple(out))

    # ------------------------------------------------------------------ matching

    def match(self, formal: Shape, actual: Shape, source: str) -> Clash | None:
        """Bind ``formal``'s variables from ``actual``; the first certain mismatch, if any."""
        n, m = len(actual), len(formal)
        fs, as_ = formal.star, actual.star
        pairs: list[tuple[Dim, int]] = []  # (formal dim, index into actual)
        group: tuple[Dim, int] | None = None  # (the formal's group, where it starts in actual)
        if fs is None:
            if as_ is None:
                if n != m:
                    return self._rank_clash(formal, actual, f"{_dims(n)}, expected {m}")
                pairs = [(formal.dims[i], i) for i in range(n)]
            else:
                before, after = as_, n - as_ - 1
                if before + after <= m:
                    pairs = [(formal.dims[i], i) for i in range(before)]
                    pairs += [(formal.dims[m - after + i], n - after + i) for i in range(after)]
        else:
            before, after = fs, m - fs - 1
            if as_ is None:
                if n < before + after:
                    return self._rank_clash(formal, actual, f"{_dims(n)}, expected at least {before + after}")
                pairs = [(formal.dims[i], i) for i in range(before)]
                pairs += [(formal.dims[fs + 1 + i], n - after + i) for i in range(after)]
                group = (formal.dims[fs], before)
            else:
                lo, hi = min(before, as_), min(after, n - as_ - 1)
                pairs = [(formal.dims[i], i) for i in range(lo)]
                pairs += [(formal.dims[fs + 1 + i], n - hi + i) for i in range(hi)]
                if before <= as_ and after <= n - as_ - 1:
                    group = (formal.dims[fs], before)
        if group is not None:
            f, start = group
            end = start + n - (m - 1)  # the group takes what the formal's other dims leave
            clash = self._match_group(f, start, actual.dims[start:end], formal, actual, source)
            if clash is not None:
                return clash
        for f, i in pairs:
            clash = self._match_dim(f, actual.dims[i], i, formal, actual, source)
            if clash is not None:
                return clash
        return None

    def _match_group(
        self, f: Dim, start: int, dims: tuple[Dim, ...], formal: Shape, actual: Shape, source: str
    ) -> Clash | None:
        g = self._group_var(f)
        if g is None:
            return None  # *tuple[Any, ...] takes anything; a caller's own *P is left to mypy
        prev = self._bound.get(g)
        if prev is None:
            self._bound[g] = _Bound(dims, source)
            return None
        assert isinstance(prev.value, tuple)
        old = Shape(prev.value)
        new = Shape(dims)
        via = _via(self._names[g], f"({show_dims([self.resolve(x) for x in old.dims])})", prev.source)
        if old.fixed and new.fixed:
            if len(old) != len(new):
                return Clash(
                    actual,
                    self.subst(formal),
                    f"{_dims(len(actual))}, expected {len(actual) - len(new) + len(old)}",
                    via,
                )
            for k, (a, b) in enumerate(zip(old.dims, new.dims, strict=True)):
                ra, rb = self.resolve(a), self.resolve(b)
                if conflict(ra, rb):
                    i = start + k
                    return Clash(
                        actual, self.subst(formal), f"{_pos(i, len(actual))}: {show_dim(rb)} != {show_dim(ra)}", via
                    )
                self._unify_vars(ra, rb, source)
        return None

    def _match_dim(self, f: Dim, a: Dim, i: int, formal: Shape, actual: Shape, source: str) -> Clash | None:
        rf, ra = self.resolve(f), self.resolve(a)
        if self._unify_vars(rf, ra, source):
            return None
        if conflict(rf, ra):
            via = None
            fv = self._var(f)
            if fv is not None and fv in self._bound and self._bound[fv].source != source:
                via = _via(self._names[fv], show_dim(rf), self._bound[fv].source)
            return Clash(actual, self.subst(formal), f"{_pos(i, len(actual))}: {show_dim(ra)} != {show_dim(rf)}", via)
        # A variable bound to Any or int so far learns the exact size.
        if not rigid(rf) and rigid(ra):
            end = self._chain_end(f)
            if end is not None:
                self._bound[end].value = ra
        return None

    def _unify_vars(self, rf: Dim, ra: Dim, source: str) -> bool:
        """Bind whichever side is an unbound variable; True if one was."""
        fv, av = self._var(rf), self._var(ra)
        if fv is not None and fv not in self._bound:
            if fv != av:
                self._bound[fv] = _Bound(ra, source)
            return True
        if av is not None and av not in self._bound:
            self._bound[av] = _Bound(rf, source)
            return True
        return False

    def _chain_end(self, d: Dim) -> TypeVarId | None:
        """The last variable in ``d``'s binding chain (the one holding a non-variable value)."""
        v = self._var(d)
        last = None
        seen = 0
        while v is not None and v in self._bound and seen < 64:
            last = v
            value = self._bound[v].value
            if isinstance(value, tuple):
                return None
            v = self._var(value)
            seen += 1
        return last

    def _rank_clash(self, formal: Shape, actual: Shape, detail: str) -> Clash:
        return Clash(actual, self.subst(formal), detail, None)


def _via(name: str, value: str, source: str) -> str:
    """``B = 32 from "input"`` (just ``B from "input"`` when B is bound to a B of the caller's)."""
    return f"{name} from {source}" if value == name else f"{name} = {value} from {source}"


def _dims(n: int) -> str:
    return f"{n} dim" if n == 1 else f"{n} dims"


def _pos(i: int, n: int) -> str:
    return "last dim" if n > 1 and i == n - 1 else f"dim {i}"


def fresh_var(name: str, raw_id: int, namespace: str, upper_bound: Type) -> TypeVarType:
    """A type variable of the plugin's own (the chain engine's batch and flexible sizes)."""
    return TypeVarType(
        name,
        f"{namespace}.{name}",
        TypeVarId(raw_id, namespace=namespace),
        [],
        upper_bound,
        AnyType(TypeOfAny.from_omitted_generics),
    )
