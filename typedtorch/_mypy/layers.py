"""Layers: calls checked with named dims, shape rules, and chains (``Sequential``, ``>>``).

A layer is anything callable on one tensor: an ``nn.Module`` with a typed
``__call__``, a function, a ``Sequential``. Its *step* says how it maps shapes:
either its ``__call__`` signature (``Linear[784, 128]``: ``Tensor[*P, 784] ->
Tensor[*P, 128]``) or, when its class declares ``__shape_rule__`` (see ``rules``),
that rule. :class:`Chain` pushes a symbolic input ``Tensor[B, ...]`` through the
steps one at a time, which is what plain mypy cannot do for ``Sequential(...)``:
its overloads solve every layer's type variables at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import count

from mypy.expandtype import freshen_function_type_vars
from mypy.nodes import ARG_POS, TypeInfo, Var
from mypy.subtypes import find_member
from mypy.types import (
    AnyType,
    CallableType,
    Instance,
    Overloaded,
    TupleType,
    Type,
    TypeOfAny,
    TypeVarType,
    UnpackType,
    get_proper_type,
)

from typedtorch import _rules as rules

from .ops import ANY, Bad, Ok, Verdict
from .shapes import (
    Builder,
    Dim,
    Shape,
    conflict,
    is_variadic,
    literal_int,
    same,
    show_dim,
    show_shape,
    show_type,
    tensor_shape,
)
from .unify import Clash, Unifier, fresh_var

RULE_ATTR = "__shape_rule__"
SEQUENTIAL = "typedtorch.nn._compose.Sequential"
NAMESPACE = "typedtorch.mypy_plugin"
_ids = count(1)


def _fresh(name: str, upper_bound: Type) -> TypeVarType:
    return fresh_var(name, -(10**9) - next(_ids), NAMESPACE, upper_bound)


# ------------------------------------------------------------------------ rules


def shape_rule(info: TypeInfo) -> str | None:
    """The ``__shape_rule__`` string a class (or a base) declares as ``Final``, if any."""
    for base in info.mro:
        sym = base.names.get(RULE_ATTR)
        if sym is not None and isinstance(sym.node, Var) and isinstance(sym.node.final_value, str):
            return sym.node.final_value
    return None


def size_constraints(info: TypeInfo) -> tuple[str, ...]:
    """The ``__size_constraints__`` strings a class (or a base) declares: ``("E % H == 0",)``.

    Read from the ``Final`` attribute's type (a tuple of string literals), which survives
    mypy's cache; class bodies of imported modules do not.
    """
    from mypy.types import LiteralType, TupleType

    for base in info.mro:
        sym = base.names.get("__size_constraints__")
        if sym is None or not isinstance(sym.node, Var) or sym.node.type is None:
            continue
        t = get_proper_type(sym.node.type)
        if not isinstance(t, TupleType):
            return ()
        out: list[str] = []
        for item in t.items:
            p = get_proper_type(item)
            if isinstance(p, Instance) and p.last_known_value is not None:
                p = p.last_known_value
            if isinstance(p, LiteralType) and isinstance(p.value, str):
                out.append(p.value)
        return tuple(out)
    return ()


def rule_params(layer: Instance) -> dict[str, Dim]:
    """The layer's type parameters by their type variables' names: ``{"K": 3}`` for ``Window[L[3]]``."""
    params: dict[str, Dim] = {}
    if layer.type.has_type_var_tuple_type:
        return params  # flat arguments do not line up with the names
    for name, arg in zip(layer.type.type_vars, layer.args, strict=False):
        n = literal_int(arg)
        params[name] = n if n is not None else arg
    return params


RULE_OPS = _OPS = rules.DimOps(
    is_variadic=lambda d: isinstance(d, UnpackType),
    conflict=conflict,
    show=show_dim,
    same=lambda a, b: isinstance(a, int | Type) and isinstance(b, int | Type) and same(a, b),
)


def _from_rule(d: object) -> Dim:
    if isinstance(d, int | Type):
        return d
    return ANY  # rules.UNKNOWN


def apply_layer_rule(layer: Instance, source: str, x: Shape) -> Verdict:
    """``layer(x)`` by the layer's rule; ``Bad`` for an input that does not fit or a broken rule."""
    try:
        rule = rules.parse_rule(source)
        out = rules.apply_rule(rule, x.dims, rule_params(layer), _OPS)
    except rules.RuleSyntaxError as e:
        return Bad(f"{layer.type.name}.{RULE_ATTR} = {source!r} is invalid: {e}")
    if isinstance(out, rules.Applied):
        return Ok(tuple(_from_rule(d) for d in out.dims))
    if isinstance(out, rules.Mismatch):
        return Bad(f"{show_type(layer)}: input is {show_shape(x)}, {out.detail} (rule {source!r})")
    return None


# ------------------------------------------------------------------- call checks


@dataclass(frozen=True)
class CallClash:
    message: str
    through_variable: bool  # two arguments disagree on a type variable (mypy: "Cannot infer ...")


def check_call(name: str, sig: CallableType, arg_types: Sequence[Sequence[Type]]) -> CallClash | None:
    """The first certain shape mismatch between ``sig``'s tensor parameters and the arguments."""
    return solve_call(name, sig, arg_types)[0]


def solve_call(
    name: str, sig: CallableType, arg_types: Sequence[Sequence[Type]]
) -> tuple[CallClash | None, Unifier | None]:
    """:func:`check_call`, and the bindings it made (to type the result when mypy cannot)."""
    tensor_formals = [(i, s) for i, t in enumerate(sig.arg_types) if (s := tensor_shape(t)) is not None]
    if not tensor_formals:
        return None, None
    u = Unifier(sig.variables)
    single = len(tensor_formals) == 1
    for i, pattern in tensor_formals:
        if i >= len(arg_types) or len(arg_types[i]) != 1:
            continue
        actual = tensor_shape(arg_types[i][0])
        if actual is None:
            continue
        arg_name = sig.arg_names[i] or f"argument {i + 1}"
        source = f'"{arg_name}"'
        clash = u.match(pattern, actual, source)
        if clash is not None:
            what = "input" if single else source
            return CallClash(_describe(name, what, clash), clash.via is not None), u
    return None, u


def _describe(name: str, what: str, clash: Clash) -> str:
    return f"{name}: {what} is {show_shape(clash.actual)}, expected {show_shape(clash.expected)} ({clash.explain()})"


# ------------------------------------------------------------------------ chains


@dataclass(frozen=True)
class Step:
    layer: Type
    sig: CallableType | None  # the bound __call__ (or the function itself)
    rule: str | None  # the class's __shape_rule__


def step_of(layer: Type) -> Step | None:
    """How ``layer`` maps a tensor, or None if the plugin cannot tell."""
    p = get_proper_type(layer)
    if isinstance(p, Instance):
        rule = shape_rule(p.type)
        call = find_member("__call__", p, p)
        sig = get_proper_type(call) if call is not None else None
        if not isinstance(sig, CallableType | Overloaded):
            # A forward()-style module: ``Module.__call__`` runs ``forward``, so its signature is the step.
            forward = find_member("forward", p, p)
            sig = get_proper_type(forward) if forward is not None else None
        if isinstance(sig, Overloaded):
            sig = _sequential_item(p, sig)
        if sig is not None and not isinstance(sig, CallableType):
            sig = None
        if rule is None and sig is None:
            return None
        return Step(p, sig, rule)
    if isinstance(p, CallableType) and not p.is_type_obj():
        return Step(p, p, None)
    return None


CHAIN = "typedtorch.nn._compose._Chain"


def chain_layers(t: Type) -> tuple[Type, ...] | None:
    """The layer types a ``_Chain[...]`` keeps (None for any other type)."""
    p = get_proper_type(t)
    if not (isinstance(p, Instance) and p.type.fullname == CHAIN):
        return None
    out: list[Type] = []
    for a in p.args:
        u = get_proper_type(a)
        if isinstance(u, UnpackType):
            items = get_proper_type(u.type)
            if not isinstance(items, TupleType):
                return None  # `_Chain[*tuple[Any, ...]]`: the layers are not known
            out.extend(items.items)
        else:
            out.append(a)
    return tuple(out)


def _splice(layers: Sequence[Type]) -> tuple[list[Type], list[int]]:
    """The layers with every ``_Chain`` replaced by its own, and each one's argument index."""
    flat: list[Type] = []
    owner: list[int] = []
    for i, t in enumerate(layers):
        inner = chain_layers(t)
        for layer in inner if inner is not None else (t,):
            flat.append(layer)
            owner.append(i)
    return flat, owner


@dataclass(frozen=True)
class ChainOk:
    features: tuple[Dim, ...]  # the input's dims after the batch dim
    out: Dim  # the output's last dim (the chain maps Tensor[B, *features] to Tensor[B, out])


@dataclass(frozen=True)
class ChainOpen:
    """A chain whose layers fit each other as far as the plugin can tell, but which
    ``Sequential[*F, Y]`` cannot describe (its output is not ``Tensor[B, Y]``, or its input
    rank is open): typed ``_Chain[*layers]``, and checked again at each call."""

    layers: tuple[Type, ...]


@dataclass(frozen=True)
class ChainBad:
    index: int  # the offending argument (of ``Sequential(...)``; 0 or 1 for ``>>``)
    position: int  # the offending layer's position in the spliced chain
    layer: Type  # the offending layer
    before: Type | None  # the layer before it (None: it is the first)
    got: Shape  # what the layers before it produce
    detail: str  # "expected Tensor[B, 100] (last dim: 128 != 100)"

    def describe(self, start: str = "as input") -> str:
        before = f"from layer {self.position - 1} ({show_type(self.before)})" if self.before is not None else start
        return f"layer {self.position} ({show_type(self.layer)}) cannot take {show_shape(self.got)} {before}: {self.detail}"


class Chain:
    """Push ``Tensor[B, *features]`` through layers one by one (``Sequential``, ``>>``)."""

    def __init__(self, builder: Builder) -> None:
        self.builder = builder
        self.unifier = Unifier()
        obj = builder.int_type  # any upper bound will do for the plugin's own variables
        self.batch = _fresh("B", obj)
        self.unifier.add_var(self.batch)
        self._flex: dict[str, TypeVarType] = {}
        self.uncertain = False  # an `int` size met a fixed one: leave the verdict to mypy

    def _flex_var(self, key: str) -> TypeVarType:
        v = self._flex.get(key)
        if v is None:
            v = _fresh(f"X{len(self._flex)}", self.builder.int_type)
            self._flex[key] = v
            self.unifier.add_var(v)
        return v

    def run(self, layers: Sequence[Type]) -> ChainOk | ChainOpen | ChainBad | None:
        """The chain's type from its layers alone (at ``Sequential(...)`` or ``>>``)."""
        flat, owner = _splice(layers)
        found = [step_of(t) for t in flat]
        steps = [s for s in found if s is not None]
        if not steps or len(steps) != len(found):
            return None  # a layer the plugin cannot read: leave the call to mypy
        start = self._start(steps[0])
        if start is None:
            return ChainOpen(tuple(flat))
        cur = start
        for i, step in enumerate(steps):
            res = self._apply(step, cur)
            if isinstance(res, str):
                return ChainBad(owner[i], i, flat[i], flat[i - 1] if i else None, self.unifier.subst(cur), res)
            if res is None:
                return ChainOpen(tuple(flat))
            cur = res
        end = self.unifier.subst(cur)
        feats = tuple(self._final(d) for d in self.unifier.subst(start).dims[1:])
        # A size the layers leave open (a convolution's height) would be `Any` in
        # `Sequential[*F, Y]` and let any input through: such chains stay `_Chain`s.
        open_size = any(_is_flex(self.unifier.resolve(d)) for d in self.unifier.subst(start).dims[1:])
        expressible = (
            end.fixed
            and len(end) == 2
            and _is(end.dims[0], self.batch)
            and not open_size
            and not any(is_variadic(d) for d in feats)
        )
        if not expressible:
            return ChainOpen(tuple(flat))
        if self.uncertain:
            return None
        ok = ChainOk(feats, self._final(end.dims[1]))
        if len(feats) == 1 and not self._maps_rows(flat, ok):
            # `Sequential[In, Out]` would take `Tensor[B, T, In]` (an MLP maps rows), which
            # a layer here does not: keep the layers, so each call is checked through them.
            return ChainOpen(tuple(flat))
        return ok

    def _maps_rows(self, layers: Sequence[Type], ok: ChainOk) -> bool:
        """Whether the chain also maps ``Tensor[B, T, In]`` to ``Tensor[B, T, Out]`` (``T`` a
        size no layer may bind: a rigid variable outside the chain's own)."""
        rows = fresh_var("T", -(10**9) - next(_ids), "typedtorch.mypy_plugin.rows", self.builder.int_type)
        batch = _fresh("B", self.builder.int_type)
        probe = Chain(self.builder)
        probe.unifier.add_var(batch)
        out = probe.push(layers, Shape((batch, rows, ok.features[0])))
        if not isinstance(out, Shape) or len(out.dims) != 3:
            return False
        b, t, o = (probe.unifier.resolve(d) for d in out.dims)
        return _is(b, batch) and _is(t, rows) and (isinstance(ok.out, AnyType) or same(o, ok.out))

    def push(self, layers: Sequence[Type], x: Shape) -> Shape | ChainBad | None:
        """The shape a call of the chain on ``x`` returns; None where a layer's result is unknown."""
        flat, owner = _splice(layers)
        cur = x
        for i, t in enumerate(flat):
            step = step_of(t)
            if step is None:
                return None
            res = self._apply(step, cur)
            if isinstance(res, str):
                return ChainBad(owner[i], i, t, flat[i - 1] if i else None, self.unifier.subst(cur), res)
            if res is None:
                return None
            cur = res
        if self.uncertain:
            return None
        return self.unifier.subst(cur)

    def _final(self, d: Dim) -> Dim:
        r = self.unifier.resolve(d)
        if isinstance(r, TypeVarType) and r.id.namespace == NAMESPACE:
            return AnyType(TypeOfAny.special_form)
        return r

    def _start(self, step: Step) -> Shape | None:
        """The chain's input shape, from what the first layer accepts: ``Tensor[B, ...]``."""
        if step.rule is not None:
            try:
                rule = rules.parse_rule(step.rule)
            except rules.RuleSyntaxError:
                return None
            dims: list[Dim] = [self.batch]
            params = rule_params(step.layer) if isinstance(step.layer, Instance) else {}
            items = list(rule.inputs)
            if not items or isinstance(items[0], rules.Lit):
                return None
            if isinstance(items[0], rules.Star):
                items = items[1:]
                if not items:
                    dims.append(self._flex_var("$0"))
            else:
                items = items[1:]
            for k, pat in enumerate(items):
                if isinstance(pat, rules.Star):
                    dims.append(self.builder.any_rank())
                elif isinstance(pat, rules.Lit):
                    dims.append(pat.value)
                elif isinstance(pat, rules.Name) and pat.name in params:
                    dims.append(params[pat.name])
                else:
                    dims.append(self._flex_var(pat.name if isinstance(pat, rules.Name) else f"_{k}"))
            return Shape(tuple(dims))
        assert step.sig is not None
        pattern = _single_tensor_param(step.sig)
        if pattern is None:
            return None
        own = {v.id for v in step.sig.variables}
        star = pattern.star

        def mapped(d: Dim) -> Dim:
            if isinstance(d, TypeVarType) and d.id in own:
                return self._flex_var(f"{d.id.raw_id}")
            return d

        if star == 0:
            rest = [mapped(d) for d in pattern.dims[1:]]
            if any(is_variadic(d) for d in rest):
                return None
            return Shape((self.batch, *(rest or [self._flex_var("$0")])))
        if not pattern.dims:
            return None
        first = get_proper_type(pattern.dims[0]) if isinstance(pattern.dims[0], Type) else None
        if not (isinstance(first, TypeVarType) and first.id in own) and not isinstance(first, AnyType):
            return None
        rest = [self.builder.any_rank() if is_variadic(d) else mapped(d) for d in pattern.dims[1:]]
        return Shape((self.batch, *rest))

    def _apply(self, step: Step, cur: Shape) -> Shape | str | None:
        """The shape after ``step``; why not (str) if it cannot take ``cur``; None if unknown."""
        if step.rule is not None and isinstance(step.layer, Instance):
            x = self.unifier.subst(cur)
            verdict = _rule_in_chain(step.layer, step.rule, x, self)
            if isinstance(verdict, Bad):
                return verdict.message
            if verdict is None:
                return None
            return Shape(tuple(d if isinstance(d, int | Type) else ANY for d in verdict.dims))
        assert step.sig is not None
        sig = freshen_function_type_vars(step.sig)
        pattern = _single_tensor_param(sig)
        ret = tensor_shape(sig.ret_type)
        if pattern is None or ret is None:
            return None
        for v in sig.variables:
            self.unifier.add_var(v)
            if isinstance(v, TypeVarType) and (v.values or not _is_object(v.upper_bound)):
                self.uncertain = True  # a bounded size variable: mypy's own check decides
        self._note_uncertain(pattern, self.unifier.subst(cur))
        clash = self.unifier.match(pattern, cur, "the layer before")
        if clash is not None:
            return f"expected {show_shape(clash.expected)} ({clash.detail})"
        own = {v.id for v in sig.variables}
        out: list[Dim] = []
        for d in self.unifier.subst(ret).dims:
            if isinstance(d, TypeVarType) and d.id in own:
                out.append(AnyType(TypeOfAny.special_form))  # only in the result: mypy would not solve it either
            else:
                out.append(d)
        return Shape(tuple(out))

    def _note_uncertain(self, pattern: Shape, x: Shape) -> None:
        """An ``int`` size meeting a fixed one is decided by mypy's own rules, not the chain's."""
        for d in (*pattern.dims, *x.dims):
            p = get_proper_type(d) if isinstance(d, Type) else None
            if isinstance(p, Instance) and p.type.fullname == "builtins.int":
                self.uncertain = True


def _rule_in_chain(layer: Instance, source: str, x: Shape, chain: Chain) -> Verdict:
    # The chain's own variables (the batch, flexible sizes) never conflict with a rule.
    def flex(d: object) -> bool:
        return isinstance(d, TypeVarType) and d.id.namespace == NAMESPACE

    ops = rules.DimOps(
        is_variadic=lambda d: isinstance(d, UnpackType),
        conflict=lambda a, b: conflict(a, b) and not flex(a) and not flex(b),
        show=show_dim,
    )
    try:
        out = rules.apply_rule(rules.parse_rule(source), x.dims, rule_params(layer), ops)
    except rules.RuleSyntaxError as e:
        return Bad(f"invalid {RULE_ATTR} {source!r}: {e}")
    if isinstance(out, rules.Applied):
        return Ok(tuple(_from_rule(d) for d in out.dims))
    if isinstance(out, rules.Mismatch):
        return Bad(f"{out.detail} (rule {source!r})")
    return None


def _single_tensor_param(sig: CallableType) -> Shape | None:
    """The tensor pattern of a one-argument callable's parameter."""
    required = [i for i, k in enumerate(sig.arg_kinds) if k == ARG_POS]
    if not sig.arg_types or (len(required) > 1) or (required and required[0] != 0):
        return None
    return tensor_shape(sig.arg_types[0])


def _is_object(t: Type) -> bool:
    p = get_proper_type(t)
    return isinstance(p, Instance) and p.type.fullname == "builtins.object"


def _sequential_item(layer: Instance, sig: Overloaded) -> CallableType | None:
    """The form of ``Sequential.__call__`` that applies to this one (the plugin reads one
    signature per layer): the gradual one for unknown sizes, else the row-wise one for
    one input feature, else ``Tensor[B, *F] -> Tensor[B, Y]``."""
    if not layer.type.has_base(SEQUENTIAL):
        return None
    items = sig.items
    if all(isinstance(get_proper_type(a), AnyType) for a in _instance_dims(layer)):
        return items[0]
    known = [i for i in items if not _gradual_result(i)]
    return known[0] if known else None


def _instance_dims(layer: Instance) -> list[Type]:
    out: list[Type] = []
    for a in layer.args:
        u = get_proper_type(a)
        if isinstance(u, UnpackType):
            inner = get_proper_type(u.type)
            out.extend(inner.items if isinstance(inner, TupleType) else [AnyType(TypeOfAny.special_form)])
        else:
            out.append(a)
    return out


def _gradual_result(sig: CallableType) -> bool:
    shape = tensor_shape(sig.ret_type)
    return shape is not None and len(shape.dims) == 1 and is_variadic(shape.dims[0])


def _is_flex(d: Dim) -> bool:
    return isinstance(d, TypeVarType) and d.id.namespace == NAMESPACE


def _is(d: Dim, v: TypeVarType) -> bool:
    return isinstance(d, TypeVarType) and d.id == v.id


# ------------------------------------------------------------- functional forms


@dataclass(frozen=True)
class FunctionalRule:
    """A functional form that follows a layer's ``__shape_rule__`` (declared once, on the layer).

    ``sizes`` maps the function's parameters to the rule's names; ``defaults`` gives a
    name's value when its parameter is left out (an int, or the name it copies: a
    pool's stride is its kernel); ``weight`` names the rule's sizes read off a weight
    tensor's dims (a convolution's ``COut``, ``CIn`` per group and kernel); ``off`` is a
    flag parameter under which the rule does not describe the result (``ceil_mode``).
    """

    layer: str
    sizes: tuple[tuple[str, str], ...]
    defaults: tuple[tuple[str, int | str], ...]
    weight: tuple[str, ...] = ()
    off: str | None = None


_CONV_SIZES = (("stride", "S"), ("padding", "P"), ("dilation", "D"))
_CONV_DEFAULTS: tuple[tuple[str, int | str], ...] = (("S", 1), ("P", 0), ("D", 1))
_POOL_SIZES = (("kernel_size", "K"), ("stride", "S"), ("padding", "P"))

FUNCTIONAL_RULES: dict[str, FunctionalRule] = {
    "typedtorch.nn._functional_conv.conv2d": FunctionalRule(
        "typedtorch.nn._conv.Conv2d", _CONV_SIZES, _CONV_DEFAULTS, weight=("COut", "CIn", "K", "K")
    ),
    "typedtorch.nn._functional_conv.conv1d": FunctionalRule(
        "typedtorch.nn._conv.Conv1d", _CONV_SIZES, _CONV_DEFAULTS, weight=("COut", "CIn", "K")
    ),
    "typedtorch.nn._functional_conv.max_pool2d": FunctionalRule(
        "typedtorch.nn._pool.MaxPool2d",
        (*_POOL_SIZES, ("dilation", "D")),
        (("S", "K"), ("P", 0), ("D", 1)),
        off="ceil_mode",
    ),
    "typedtorch.nn._functional_conv.avg_pool2d": FunctionalRule(
        "typedtorch.nn._pool.AvgPool2d", _POOL_SIZES, (("S", "K"), ("P", 0)), off="ceil_mode"
    ),
    "typedtorch.nn._functional_conv.adaptive_avg_pool2d": FunctionalRule(
        "typedtorch.nn._pool.AdaptiveAvgPool2d", (("output_size", "OH"),), (), weight=()
    ),
}


def apply_named_rule(name: str, source: str, x: Shape, params: dict[str, Dim]) -> Verdict:
    """``name(x, ...)`` by a layer's rule with the sizes the call gives (a functional form)."""
    try:
        out = rules.apply_rule(rules.parse_rule(source), x.dims, params, _OPS)
    except rules.RuleSyntaxError as e:
        return Bad(f"{name}: the rule {source!r} is invalid: {e}")
    if isinstance(out, rules.Applied):
        return Ok(tuple(_from_rule(d) for d in out.dims))
    if isinstance(out, rules.Mismatch):
        return Bad(f"{name}: input is {show_shape(x)}, {out.detail} (rule {source!r})")
    return None
