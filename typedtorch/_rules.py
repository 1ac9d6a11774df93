"""Shape rules: how a layer's output shape follows from its input shape, in one line.

A layer whose output size is computed from its input size declares the arithmetic
once, as a class attribute the mypy plugin reads (no plugin edit needed)::

    class Flatten(Module):
        __shape_rule__: Final = "B *R -> B prod(R)"

    class Conv1d(Module, Generic[CIn, COut, K]):
        __shape_rule__: Final = "B CIn L -> B COut (L - K + 1)"

Left of ``->`` is a pattern for the input's dims:

- ``NAME`` binds one dim (a name used twice must be the same size both times; a
  name that is one of the class's type parameters, like ``CIn`` above, must equal
  that parameter of the layer, e.g. ``3`` for a ``Conv1d[Literal[3], ...]``);
- ``*NAME`` binds any number of dims (at most one per pattern);
- an integer must match exactly; ``_`` matches any one dim.

Right of ``->`` are the output dims, separated by spaces: a bound ``NAME``, ``*NAME``
(spliced), an integer, ``prod(NAME)`` (the product of a ``*NAME`` group), or a
parenthesised expression with ``+``, ``-``, ``*`` and ``//`` over those.

Arithmetic happens on literal sizes only; a symbolic size (a ``TypeVar``) passes
through unchanged where it is only copied, and an output that would need arithmetic
on it is unknown (``Any`` to mypy). A computed output that comes out 0 or negative is
an error.

This module is pure Python (no mypy, no numpy), so the mypy plugin and the run-time
checks read the same rule: the plugin through ``typedtorch._mypy.layers`` on mypy's
types, the layers at run time through :func:`output_shape` on actual sizes, with the
same message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeAlias, TypeGuard

# A dim is an ``int`` (a literal size) or any other object (opaque: a symbolic size, a
# variadic group, an unknown size); the caller says how opaque dims compare.
Dim: TypeAlias = object


class RuleSyntaxError(ValueError):
    """A ``__shape_rule__`` string that does not parse, or uses a name it never binds."""


# ------------------------------------------------------------------------ syntax


@dataclass(frozen=True)
class Name:
    name: str


@dataclass(frozen=True)
class Star:
    name: str


@dataclass(frozen=True)
class Lit:
    value: int


@dataclass(frozen=True)
class Wild:
    pass


@dataclass(frozen=True)
class Prod:
    name: str


@dataclass(frozen=True)
class BinOp:
    op: str  # "+", "-", "*", "//", "%"
    left: Expr
    right: Expr


Pattern: TypeAlias = Name | Star | Lit | Wild
Expr: TypeAlias = Name | Lit | Prod | BinOp
Output: TypeAlias = Expr | Star


@dataclass(frozen=True)
class Rule:
    source: str
    inputs: tuple[Pattern, ...]
    outputs: tuple[Output, ...]

    @property
    def star_index(self) -> int | None:
        for i, p in enumerate(self.inputs):
            if isinstance(p, Star):
                return i
        return None


# A name directly followed by "(" is a function call (``prod(R)``); ``COut (L - K)`` is two dims.
_TOKEN = re.compile(
    r"\s*(?:(?P<int>\d+)|(?P<call>[A-Za-z_][A-Za-z0-9_]*\()|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>//|->|==|!=|<=|>=|[-+*%<>()]))"
)


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise RuleSyntaxError(f"unexpected {text[pos:].strip()[:10]!r}")
        out.append(m.group(m.lastgroup or "op"))
        pos = m.end()
    return out


_RULE_CACHE: dict[str, Rule] = {}


def parse_rule(text: str) -> Rule:
    """Parse ``"B *R -> B prod(R)"``; raises :class:`RuleSyntaxError` with the reason."""
    cached = _RULE_CACHE.get(text)
    if cached is not None:
        return cached
    toks = _tokens(text)
    if toks.count("->") != 1:
        raise RuleSyntaxError("expected exactly one '->'")
    arrow = toks.index("->")
    inputs = _parse_inputs(toks[:arrow])
    parser = _OutputParser(toks[arrow + 1 :])
    outputs = parser.outputs()
    stars = {p.name for p in inputs if isinstance(p, Star)}
    for out in outputs:
        for kind, name in _names(out):
            if kind in ("star", "prod") and name not in stars:
                raise RuleSyntaxError(f"{'*' + name if kind == 'star' else f'prod({name})'} needs *{name} on the left")
            if kind == "name" and name in stars:
                raise RuleSyntaxError(f"{name} is a group of dims: write *{name} or prod({name})")
    rule = Rule(text, inputs, outputs)
    _RULE_CACHE[text] = rule
    return rule


def _parse_inputs(toks: list[str]) -> tuple[Pattern, ...]:
    out: list[Pattern] = []
    seen_star = False
    i = 0
    while i < len(toks):
        t = toks[i]
        if t == "*":
            if i + 1 >= len(toks) or not _is_name(toks[i + 1]):
                raise RuleSyntaxError("'*' must be followed by a name on the left")
            if seen_star:
                raise RuleSyntaxError("at most one *group on the left")
            seen_star = True
            out.append(Star(toks[i + 1]))
            i += 2
            continue
        if t == "_":
            out.append(Wild())
        elif t.isdigit():
            out.append(Lit(int(t)))
        elif _is_name(t):
            out.append(Name(t))
        else:
            raise RuleSyntaxError(f"unexpected {t!r} on the left (only names, *names, integers and _)")
        i += 1
    return tuple(out)


def _is_name(tok: str) -> bool:
    return bool(tok) and (tok[0].isalpha() or tok[0] == "_") and tok != "_"


class _OutputParser:
    def __init__(self, toks: list[str]) -> None:
        self.toks = toks
        self.i = 0

    def peek(self) -> str | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> str:
        tok = self.peek()
        if tok is None:
            raise RuleSyntaxError("unexpected end of rule")
        self.i += 1
        return tok

    def outputs(self) -> tuple[Output, ...]:
        out: list[Output] = []
        while self.peek() is not None:
            if self.peek() == "*":
                self.take()
                name = self.take()
                if not _is_name(name):
                    raise RuleSyntaxError("'*' must be followed by a name on the right")
                out.append(Star(name))
            else:
                out.append(self.atom())
        return tuple(out)

    def atom(self) -> Expr:
        tok = self.take()
        if tok.isdigit():
            return Lit(int(tok))
        if tok == "(":
            e = self.expr()
            if self.take() != ")":
                raise RuleSyntaxError("missing ')'")
            return e
        if tok.endswith("("):
            if tok != "prod(":
                raise RuleSyntaxError(f"unknown function {tok}) (only prod)")
            arg = self.take()
            if not _is_name(arg) or self.take() != ")":
                raise RuleSyntaxError("prod takes one *group name: prod(R)")
            return Prod(arg)
        if _is_name(tok):
            return Name(tok)
        raise RuleSyntaxError(f"unexpected {tok!r} on the right (arithmetic needs parentheses)")

    def expr(self) -> Expr:
        left = self.term()
        while self.peek() in ("+", "-"):
            op = self.take()
            left = BinOp(op, left, self.term())
        return left

    def term(self) -> Expr:
        left = self.atom()
        while self.peek() in ("*", "//", "%"):
            op = self.take()
            left = BinOp(op, left, self.atom())
        return left


def _names(out: Output) -> list[tuple[str, str]]:
    if isinstance(out, Star):
        return [("star", out.name)]
    if isinstance(out, Name):
        return [("name", out.name)]
    if isinstance(out, Prod):
        return [("prod", out.name)]
    if isinstance(out, BinOp):
        return _names(out.left) + _names(out.right)
    return []


# -------------------------------------------------------------------- evaluation


class Unknown:
    """An output dim the rule cannot compute (arithmetic on a symbolic size)."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown()


@dataclass(frozen=True)
class Applied:
    """The output dims: literal ``int`` sizes, input dims passed through, or ``UNKNOWN``."""

    dims: tuple[Dim, ...]


@dataclass(frozen=True)
class Mismatch:
    """The input does not fit the rule; ``detail`` says why, naming the dims."""

    detail: str


@dataclass(frozen=True)
class Undecided:
    """The input's rank is not known well enough to apply the rule."""


Outcome: TypeAlias = Applied | Mismatch | Undecided


@dataclass(frozen=True)
class DimOps:
    """How the caller's opaque dims behave."""

    is_variadic: Callable[[Dim], bool]  # a group of unknown length (``*tuple[Any, ...]``, ``*P``)
    conflict: Callable[[Dim, Dim], bool]  # certainly different sizes
    show: Callable[[Dim], str]
    same: Callable[[Dim, Dim], bool] = lambda a, b: type(a) is int and a == b  # certainly the same size


def is_size(d: Dim) -> TypeGuard[int]:
    """Whether ``d`` is a literal size (an ``int``, not a ``bool``)."""
    return type(d) is int


def apply_rule(rule: Rule, dims: Sequence[Dim], params: Mapping[str, Dim], ops: DimOps) -> Outcome:
    """Apply ``rule`` to an input shape; ``params`` are the layer's type parameters by name.

    Raises :class:`RuleSyntaxError` for a name that is neither bound nor a parameter.
    """
    bound = _match(rule, dims, params, ops)
    if not isinstance(bound, dict):
        return bound
    out: list[Dim] = []
    for o in rule.outputs:
        if isinstance(o, Star):
            group = bound[o.name]
            assert isinstance(group, tuple)
            out.extend(group)
            continue
        value = _eval(o, bound, params, ops)
        # A computed size must be positive (a window larger than its input leaves none);
        # a size passed through unchanged may be 0, as the input's was.
        if is_size(value) and (value < 0 or (value == 0 and isinstance(o, BinOp))):
            return Mismatch(f"output dim {len(out)} would be {value}")
        out.append(value)
    return Applied(tuple(out))


def _match(
    rule: Rule, dims: Sequence[Dim], params: Mapping[str, Dim], ops: DimOps
) -> dict[str, Dim] | Mismatch | Undecided:
    pats = rule.inputs
    k = rule.star_index
    var_at = [i for i, d in enumerate(dims) if ops.is_variadic(d)]
    n = len(dims)
    bound: dict[str, Dim] = {}
    if k is None:
        if var_at:
            return Undecided()
        if n != len(pats):
            return Mismatch(f"expected {_dims(len(pats))}, got {n}")
        pairs = list(zip(pats, range(n), strict=True))
    else:
        before, after = k, len(pats) - k - 1
        if var_at:
            j = var_at[0]
            if j < before or n - j - 1 < after:
                return Undecided()
        elif n < before + after:
            return Mismatch(f"expected at least {_dims(before + after)}, got {n}")
        pairs = [(pats[i], i) for i in range(before)] + [(pats[k + 1 + i], n - after + i) for i in range(after)]
        star = pats[k]
        assert isinstance(star, Star)
        bound[star.name] = tuple(dims[before : n - after])
    for pat, i in pairs:
        d = dims[i]
        if isinstance(pat, Wild):
            continue
        if isinstance(pat, Lit):
            if ops.conflict(d, pat.value):
                return Mismatch(f"dim {i} is {ops.show(d)}, expected {pat.value}")
            continue
        assert isinstance(pat, Name)
        if pat.name in params and ops.conflict(d, params[pat.name]):
            return Mismatch(f"dim {i} is {ops.show(d)}, expected {pat.name} = {ops.show(params[pat.name])}")
        if pat.name in bound:
            prev = bound[pat.name]
            if ops.conflict(prev, d):
                return Mismatch(f"dim {i} is {ops.show(d)}, expected {pat.name} = {ops.show(prev)}")
            if is_size(prev) or not is_size(d):
                continue
        bound[pat.name] = d
    return bound


def _eval(e: Expr, bound: Mapping[str, Dim], params: Mapping[str, Dim], ops: DimOps) -> Dim:
    if isinstance(e, Lit):
        return e.value
    if isinstance(e, Name):
        if e.name in bound:
            return bound[e.name]
        if e.name in params:
            return params[e.name]
        raise RuleSyntaxError(f"{e.name} is neither bound on the left nor a type parameter of the layer")
    if isinstance(e, Prod):
        group = bound[e.name]
        assert isinstance(group, tuple)
        if len(group) == 1 and not ops.is_variadic(group[0]):
            return group[0]
        total = 1
        for g in group:
            if not is_size(g):
                return UNKNOWN
            total *= g
        return total
    left, right = _eval(e.left, bound, params, ops), _eval(e.right, bound, params, ops)
    if not is_size(left) or not is_size(right):
        return UNKNOWN
    a, b = left, right
    if e.op == "+":
        return a + b
    if e.op == "-":
        return a - b
    if e.op == "*":
        return a * b
    if e.op == "%":
        return a % b if b != 0 else UNKNOWN
    return a // b if b != 0 else UNKNOWN


def _dims(n: int) -> str:
    return f"{n} dim" if n == 1 else f"{n} dims"


# ---------------------------------------------------------------------- run time


def _int_conflict(a: Dim, b: Dim) -> bool:
    return is_size(a) and is_size(b) and a != b


def _int_same(a: Dim, b: Dim) -> bool:
    return a == b


RUNTIME_OPS = DimOps(is_variadic=lambda d: False, conflict=_int_conflict, show=str, same=_int_same)


def show_sizes(dims: Sequence[Dim]) -> str:
    """``Tensor[64, 1, 28, 28]``: the notation of the plugin's messages, for actual sizes."""
    return f"Tensor[{', '.join(str(d) for d in dims) if dims else '()'}]"


def output_shape(who: str, source: str, shape: Sequence[int], params: Mapping[str, Dim]) -> tuple[int, ...]:
    """The output shape ``source`` gives for an input of ``shape``, or a ``ShapeError``.

    ``who`` names the layer as the plugin does (``Conv2d[1, 32, 3]``); ``params`` are the
    layer's sizes by type-parameter name. The message is the plugin's, word for word:

    >>> output_shape("Flatten", "B *R -> B prod(R)", (64, 28, 28), {})
    (64, 784)
    >>> output_shape("Window[3]", "B L -> B (L - K + 1)", (2, 2), {"K": 3})
    Traceback (most recent call last):
    ...
    typedtorch.ShapeError: Window[3]: input is Tensor[2, 2], output dim 1 would be 0 (rule 'B L -> B (L - K + 1)')
    """
    from typedtorch._errors import ShapeError

    out = apply_rule(parse_rule(source), tuple(shape), params, RUNTIME_OPS)
    if isinstance(out, Applied):
        return tuple(int(d) for d in out.dims)  # type: ignore[call-overload]
    detail = out.detail if isinstance(out, Mismatch) else "the rule does not apply"
    raise ShapeError(f"{who}: input is {show_sizes(shape)}, {detail} (rule {source!r})")


# ---------------------------------------------------------------- constraints
#
# A layer whose sizes must relate declares it once, as a class attribute read by the
# mypy plugin at the constructor (for literal sizes) and by the layer at run time::
#
#     class MultiheadAttention(Module, Generic[E, H, BatchFirst]):
#         __size_constraints__: Final = ("E % H == 0",)
#
# Each constraint compares two expressions over the class's type parameters (``+ - *
# // %`` and parentheses) with ``== != < <= > >=``.

_COMPARISONS = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


@dataclass(frozen=True)
class Constraint:
    source: str
    left: Expr
    op: str
    right: Expr


def parse_constraint(text: str) -> Constraint:
    """Parse ``"E % H == 0"``; raises :class:`RuleSyntaxError` with the reason."""
    toks = _tokens(text)
    ops = [i for i, t in enumerate(toks) if t in _COMPARISONS]
    if len(ops) != 1:
        raise RuleSyntaxError(f"a constraint needs exactly one comparison (== != < <= > >=): {text!r}")
    k = ops[0]
    left, right = _OutputParser(toks[:k]), _OutputParser(toks[k + 1 :])
    a, b = left.expr(), right.expr()
    if left.peek() is not None or right.peek() is not None:
        raise RuleSyntaxError(f"unexpected tokens in constraint {text!r}")
    return Constraint(text, a, toks[k], b)


def check_constraint(c: Constraint, params: Mapping[str, Dim], ops: DimOps) -> bool | None:
    """Whether the constraint holds for these sizes; None when a size is not a literal."""
    a, b = _eval(c.left, {}, params, ops), _eval(c.right, {}, params, ops)
    if not is_size(a) or not is_size(b):
        return None
    return bool(_COMPARISONS[c.op](a, b))


def constraint_message(who: str, c: Constraint, params: Mapping[str, Dim], ops: DimOps) -> str:
    names = sorted({n for _, n in _names(c.left) + _names(c.right)})
    sizes = ", ".join(f"{n} = {ops.show(params[n])}" for n in names if n in params)
    return f"{who}: the sizes must satisfy {c.source}, but {sizes}"


def check_constraints(who: str, sources: Sequence[str], params: Mapping[str, Dim]) -> None:
    """At run time: a ``ValueError`` naming the sizes when a declared constraint fails."""
    for src in sources:
        c = parse_constraint(src)
        if check_constraint(c, params, RUNTIME_OPS) is False:
            raise ValueError(constraint_message(who, c, params, RUNTIME_OPS))
