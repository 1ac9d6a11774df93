"""The tensor ops' shape rules on mypy's types: an adapter over ``typedtorch._oprules``.

``typedtorch._oprules`` states each op's rule once, over abstract dims; the run time
applies it to ints, and this module to the dims of mypy's ``Tensor[...]`` types: a
literal size is an ``int``, a type variable or ``Any`` is opaque, and a variadic group
(``*tuple[Any, ...]``, ``*P``) leaves the rank unknown. Each function returns

- :class:`Ok` with the result's dims, when they follow;
- :class:`Bad` with the rule's message (the run time's, word for word);
- ``None`` when the shapes are not known well enough: the plugin then types the call
  as a tensor of unknown shape, never as an error.

Comparisons are deliberately one-sided: two dims *conflict* only when both are certain
(a literal size or a type variable) and differ, so the plugin never reports a mismatch
that a size unknown to mypy might make right.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

from mypy.types import AnyType, Type, TypeOfAny, UnpackType

from typedtorch import _oprules as rules
from typedtorch._rules import UNKNOWN, DimOps

from .shapes import Dim, Shape, conflict, same, show_dim

ANY = AnyType(TypeOfAny.special_form)
Ok = rules.Ok
Bad = rules.Bad
Verdict: TypeAlias = rules.Verdict


def _same(a: object, b: object) -> bool:
    return isinstance(a, int | Type) and isinstance(b, int | Type) and same(a, b)


MYPY_OPS = DimOps(is_variadic=lambda d: isinstance(d, UnpackType), conflict=conflict, show=show_dim, same=_same)


def fix(verdict: Verdict) -> Verdict:
    """The rules' ``UNKNOWN`` dims as ``Any``."""
    if isinstance(verdict, Ok):
        return Ok(tuple(ANY if d is UNKNOWN else d for d in verdict.dims))
    return verdict


def dims(shape: Shape | Sequence[Dim]) -> tuple[Dim, ...]:
    return tuple(shape.dims if isinstance(shape, Shape) else shape)


# The methods whose shapes follow the broadcasting rule, with the rule's name and symbol.
OPERATORS = {
    "__add__": ("add", "+"),
    "__sub__": ("sub", "-"),
    "__mul__": ("mul", "*"),
    "__truediv__": ("div", "/"),
    "__floordiv__": ("floor_divide", "//"),
    "__mod__": ("remainder", "%"),
    "__pow__": ("pow", "**"),
    "__eq__": ("eq", "=="),
    "__ne__": ("ne", "!="),
    "__lt__": ("lt", "<"),
    "__le__": ("le", "<="),
    "__gt__": ("gt", ">"),
    "__ge__": ("ge", ">="),
    "__and__": ("logical_and", "&"),
    "__or__": ("logical_or", "|"),
    "__xor__": ("logical_xor", "^"),
    "eq": ("eq", "=="),
    "ne": ("ne", "!="),
    "lt": ("lt", "<"),
    "le": ("le", "<="),
    "gt": ("gt", ">"),
    "ge": ("ge", ">="),
    "maximum": ("maximum", ","),
    "minimum": ("minimum", ","),
    "floor_divide": ("floor_divide", "//"),
    "remainder": ("remainder", "%"),
}


def elementwise(method: str, a: Shape, b: Shape) -> Verdict:
    name, sym = OPERATORS[method]
    return fix(rules.broadcast(name, sym, a.dims, b.dims, MYPY_OPS))


def matmul(a: Shape, b: Shape) -> Verdict:
    return fix(rules.matmul(a.dims, b.dims, MYPY_OPS))


def flatten(x: Shape, start: int, end: int) -> Verdict:
    return fix(rules.flatten(x.dims, start, end, MYPY_OPS))


def reshape(x: Shape, sizes: Sequence[object], name: str = "reshape") -> Verdict:
    """``sizes``: ints (``-1`` inferred), dims of ``Dim[...]`` values, or ``None`` for an unknown int."""
    return fix(rules.reshape(name, x.dims, [UNKNOWN if s is None else s for s in sizes], MYPY_OPS))


def cat(shapes: Sequence[Shape], dim: int) -> Verdict:
    return fix(rules.cat([s.dims for s in shapes], dim, MYPY_OPS))


def stack(shapes: Sequence[Shape], dim: int) -> Verdict:
    return fix(rules.stack([s.dims for s in shapes], dim, MYPY_OPS))
