"""``Tensor[...]`` types as shapes: read them, compare dims, print them, build them back.

A variadic ``Tensor`` stores its type arguments flat: ``Tensor[B, Literal[28]]`` has
``args == (B, Literal[28])``; ``Tensor[*P, Literal[3]]`` has ``(Unpack[P], Literal[3])``.
A :class:`Shape` keeps that list with literal sizes turned into ``int``; every other
dim stays the mypy type it is (a ``TypeVarType``, ``Any``, ``int``), and a variadic
group stays an ``UnpackType`` (at most one per shape).

Comparisons are deliberately one-sided: two dims *conflict* only when both are
certain (a literal size or a type variable) and differ. ``Any`` and ``int`` never
conflict with anything, so the plugin never reports a mismatch plain mypy might
accept; where it is unsure it leaves the call to mypy.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeAlias

from mypy.types import (
    AnyType,
    Instance,
    LiteralType,
    ProperType,
    TupleType,
    Type,
    TypeOfAny,
    TypeVarTupleType,
    TypeVarType,
    UnpackType,
    get_proper_type,
)

TENSOR = "typedtorch._tensor.Tensor"

# A dim: an ``int`` literal size, or the mypy type it is (variadic groups: ``UnpackType``).
Dim: TypeAlias = int | Type


@dataclass(frozen=True)
class Shape:
    """The dims of one ``Tensor`` type, in order."""

    dims: tuple[Dim, ...]

    @property
    def star(self) -> int | None:
        """The index of the variadic group, if any."""
        for i, d in enumerate(self.dims):
            if is_variadic(d):
                return i
        return None

    @property
    def fixed(self) -> bool:
        """Whether the rank is known (no variadic group)."""
        return self.star is None

    def __len__(self) -> int:
        return len(self.dims)


# --------------------------------------------------------------------- reading


def literal_int(t: Type | None) -> int | None:
    """The value of ``Literal[n]``, or of an ``int`` mypy remembers a literal for (``Final``)."""
    if t is None:
        return None
    p = get_proper_type(t)
    if isinstance(p, LiteralType) and type(p.value) is int:
        return p.value
    if isinstance(p, Instance) and p.type.fullname == "builtins.int" and p.last_known_value is not None:
        return literal_int(p.last_known_value)
    return None


def is_tensor(t: Type | None) -> bool:
    p = get_proper_type(t) if t is not None else None
    return isinstance(p, Instance) and p.type.has_base(TENSOR)


def tensor_shape(t: Type | None) -> Shape | None:
    """The shape of a ``Tensor`` instance type, or None for anything else."""
    if t is None:
        return None
    p = get_proper_type(t)
    if not isinstance(p, Instance) or not p.type.has_base(TENSOR):
        return None
    if p.type.fullname != TENSOR:
        base = _tensor_base(p)
        if base is None:
            return None
        p = base
    return Shape(tuple(_flatten(p.args)))


def _tensor_base(p: Instance) -> Instance | None:
    from mypy.maptype import map_instance_to_supertype

    for info in p.type.mro:
        if info.fullname == TENSOR:
            return map_instance_to_supertype(p, info)
    return None


def _flatten(args: Iterable[Type]) -> Iterable[Dim]:
    for a in args:
        p = get_proper_type(a)
        if isinstance(p, UnpackType):
            inner = get_proper_type(p.type)
            if isinstance(inner, TupleType):
                yield from _flatten(inner.items)
                continue
            yield p
            continue
        n = literal_int(p)
        yield n if n is not None else a


def is_variadic(d: Dim) -> bool:
    return isinstance(d, UnpackType)


def is_size(d: object) -> bool:
    return type(d) is int


def rigid(d: Dim) -> bool:
    """A literal size or a type variable: a dim plain mypy treats as one exact size."""
    return type(d) is int or isinstance(d, TypeVarType)


def same(a: Dim, b: Dim) -> bool:
    """Certainly the same size."""
    if isinstance(a, int) or isinstance(b, int):
        return a == b
    pa, pb = get_proper_type(a), get_proper_type(b)
    if isinstance(pa, TypeVarType) and isinstance(pb, TypeVarType):
        return pa.id == pb.id
    return False


def conflict(a: object, b: object) -> bool:
    """Certainly different sizes: both rigid and not the same."""
    if not isinstance(a, int | Type) or not isinstance(b, int | Type):
        return False
    return rigid(a) and rigid(b) and not same(a, b)


# -------------------------------------------------------------------- printing


def show_dim(d: object) -> str:
    if type(d) is int:
        return str(d)
    if not isinstance(d, Type):
        return "Any"  # the rules' UNKNOWN
    p = get_proper_type(d)
    if isinstance(p, TypeVarType):
        return p.name
    if isinstance(p, AnyType):
        return "Any"
    if isinstance(p, UnpackType):
        inner = get_proper_type(p.type)
        if isinstance(inner, TypeVarTupleType):
            return f"*{inner.name}"
        return "..."
    if isinstance(p, Instance) and p.type.fullname == "builtins.int":
        return "int"
    return str(p)


def show_dims(dims: Sequence[object]) -> str:
    return ", ".join(show_dim(d) for d in dims) if dims else "()"


def show_shape(shape: Shape | Sequence[object]) -> str:
    """``Tensor[4, 2]``, ``Tensor[B, 784]``, ``Tensor[()]``, ``Tensor[*P, 3]``, ``Tensor[B, ...]``."""
    dims = shape.dims if isinstance(shape, Shape) else shape
    return f"Tensor[{show_dims(dims)}]"


def show_type(t: Type) -> str:
    """A short name for a layer or tensor type: ``Linear[784, 128]``, ``ReLU``, ``Tensor[4, 2]``."""
    shape = tensor_shape(t)
    if shape is not None:
        return show_shape(shape)
    p = get_proper_type(t)
    if isinstance(p, Instance):
        if not p.args:
            return p.type.name
        return f"{p.type.name}[{show_dims(list(_flatten(p.args)))}]"
    return str(p)


# -------------------------------------------------------------------- building


class Builder:
    """Turns dims back into mypy types (needs ``builtins.int`` for literal types)."""

    def __init__(self, int_type: Instance, tuple_any: Instance) -> None:
        self.int_type = int_type
        self.tuple_any = tuple_any  # builtins.tuple[Any, ...]

    def dim(self, d: object) -> Type:
        if type(d) is int:
            return LiteralType(d, fallback=self.int_type)
        if isinstance(d, Type):
            return d
        return AnyType(TypeOfAny.special_form)

    def any_rank(self) -> UnpackType:
        """``*tuple[Any, ...]``."""
        return UnpackType(self.tuple_any)

    def tensor(self, template: ProperType, dims: Sequence[object]) -> Instance | None:
        """A ``Tensor[dims]`` built from a ``Tensor`` instance type (the arguments are replaced)."""
        if not isinstance(template, Instance) or template.type.fullname != TENSOR:
            return None
        return template.copy_modified(args=[self.dim(d) for d in dims])
