"""The mypy plugin: signature hooks that compute result shapes and name mismatched dims.

Every hook is a *signature* hook: it runs before mypy checks a call, sees the
arguments, and returns the signature mypy then checks the call against:

- unchanged, when the plugin has nothing to add (unknown shapes, non-tensor
  arguments): mypy types the call exactly as without the plugin;
- with only the return type replaced, when the plugin computed the result's shape
  (``flatten``, ``reshape``, ``cat``, ``stack``, rule layers, literal sizes); mypy
  still checks the arguments against the declared parameters;
- accepting anything and returning ``Any``, after the plugin reported a mismatch
  itself, so that its message replaces mypy's generic one (never silently: every
  such signature comes with an error).

``Sequential(...)`` and ``>>`` are the exception: their overloads cannot type some
valid chains (and stop at ten layers), so when the plugin's chain check passes it
returns the computed ``Sequential[...]`` and accepts the layers it checked. Where a
chain holds something the plugin cannot read (an overloaded ``__call__``, an ``int``
size, a bounded size variable), the overloads decide, as without the plugin.

Errors carry the code ``shape``, a sub-code of the code plain mypy would have used
(``operator`` for ``@``, ``+``, ``>>``; ``arg-type`` for a layer or loss argument;
``misc`` where mypy says "Cannot infer"), so both ``# type: ignore[shape]`` and the
old ``# type: ignore[operator]`` silence it. Shape errors plain mypy has no code for
(``reshape``, ``cat``...) are plain ``shape``.

mypy calls a signature hook once per overload item, in order, so a decision is made
once per call (at its first item) and reused for the others (:meth:`_decide`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Final, TypeAlias

from mypy.argmap import map_actuals_to_formals
from mypy.checker import TypeChecker
from mypy.errorcodes import ARG_TYPE, MISC, OPERATOR, ErrorCode
from mypy.expandtype import expand_type
from mypy.nodes import (
    ARG_NAMED,
    ARG_POS,
    ARG_STAR,
    ArgKind,
    CallExpr,
    Context,
    Expression,
    IntExpr,
    ListExpr,
    MemberExpr,
    RefExpr,
    StarExpr,
    TupleExpr,
    TypeInfo,
    UnaryExpr,
    Var,
)
from mypy.options import Options
from mypy.plugin import CheckerPluginInterface, FunctionSigContext, MethodSigContext, Plugin
from mypy.types import (
    AnyType,
    CallableType,
    FunctionLike,
    Instance,
    LiteralType,
    ProperType,
    TupleType,
    Type,
    TypeOfAny,
    TypeVarId,
    TypeVarType,
    UnionType,
    get_proper_type,
    has_type_vars,
)
from mypy.typevars import fill_typevars_with_any

from . import layers, ops
from .shapes import TENSOR, Builder, Shape, literal_int, show_shape, show_type, tensor_shape

MODULE: Final = "typedtorch.nn._module.Module"
SEQUENTIAL: Final = "typedtorch.nn._compose.Sequential"

# One code, "shape", filed under the code mypy itself would have used.
_DESCRIPTION = "Tensor shapes that do not fit (typedtorch mypy plugin)"
SHAPE_OPERATOR: Final = ErrorCode("shape", _DESCRIPTION, "General", sub_code_of=OPERATOR)
SHAPE_ARG: Final = ErrorCode("shape", _DESCRIPTION, "General", sub_code_of=ARG_TYPE)
SHAPE_MISC: Final = ErrorCode("shape", _DESCRIPTION, "General", sub_code_of=MISC)
SHAPE: Final = ErrorCode("shape", _DESCRIPTION, "General")  # last: `--disable-error-code shape` names this one

_FACTORIES: Final = frozenset(
    f"typedtorch._factories.{n}" for n in ("zeros", "ones", "randn", "rand", "full", "arange")
)
_LOSSES: Final = frozenset(f"typedtorch.nn._losses.{n}" for n in ("mse_loss", "cross_entropy", "binary_cross_entropy"))
_ELEMENTWISE: Final = frozenset(ops.OPERATORS)


@dataclass(frozen=True)
class Decision:
    """What the plugin makes of one call."""

    ret: Type | None = None  # the computed result type
    loose_args: bool = False  # accept any number of any arguments (a chain the plugin checked itself)
    error: str | None = None
    code: ErrorCode = SHAPE
    where: Context | None = None  # the error's location (default: the call)
    # After an error, the parameter types to accept: the operand types the plugin saw
    # (so that mypy infers them as before), or Any.
    accept: tuple[Type, ...] | None = None


@dataclass
class _Memo:
    context: Context
    obj: ProperType | None
    seen: set[int] = field(default_factory=set)
    decision: Decision | None = None


SigContext: TypeAlias = FunctionSigContext | MethodSigContext


class TypedTorchPlugin(Plugin):
    def __init__(self, options: Options) -> None:
        super().__init__(options)
        self._memo: _Memo | None = None

    # ------------------------------------------------------------ hook lookup

    def get_function_signature_hook(self, fullname: str) -> Callable[[FunctionSigContext], FunctionLike] | None:
        if fullname.startswith("typedtorch."):
            if fullname == "typedtorch._functional.flatten":
                return self._hook(self._flatten)
            if fullname == "typedtorch._functional.reshape":
                return self._hook(self._reshape)
            if fullname == "typedtorch._functional.cat":
                return self._hook(self._cat)
            if fullname == "typedtorch._functional.stack":
                return self._hook(self._stack)
            if fullname in _FACTORIES:
                return self._per_item(self._literal_sizes)
            if fullname in _LOSSES:
                return self._hook(self._loss)
            if fullname == SEQUENTIAL:
                return self._hook(self._sequential)
        info = self._class(fullname)
        if info is not None and info.has_base(MODULE):
            return self._per_item(self._literal_sizes)  # a layer's constructor: Linear(n, 10)
        return None

    def get_method_signature_hook(self, fullname: str) -> Callable[[MethodSigContext], FunctionLike] | None:
        cls, _, name = fullname.rpartition(".")
        if name == "__matmul__" or name in _ELEMENTWISE or name in ("flatten", "reshape"):
            info = self._class(cls)
            if info is not None and info.has_base(TENSOR):
                if name == "__matmul__":
                    return self._hook(self._matmul)
                if name == "flatten":
                    return self._hook(self._flatten)
                if name == "reshape":
                    return self._hook(self._reshape)
                return self._hook(lambda ctx: self._elementwise(name, ctx))
        elif name in ("__call__", "__rshift__"):
            info = self._class(cls)
            if info is not None and info.has_base(MODULE):
                return self._hook(self._layer_call if name == "__call__" else self._rshift)
        return None

    def _class(self, fullname: str) -> TypeInfo | None:
        if "." not in fullname:
            return None
        sym = self.lookup_fully_qualified(fullname)
        node = sym.node if sym is not None else None
        return node if isinstance(node, TypeInfo) else None

    # -------------------------------------------------------- running a hook

    def _per_item(self, decide: Callable[[SigContext], Decision | None]) -> Callable[[SigContext], FunctionLike]:
        """A hook whose decision depends on the overload item (and never reports errors)."""

        def hook(ctx: SigContext) -> FunctionLike:
            return _apply(ctx.default_signature, decide(ctx))

        return hook

    def _hook(self, decide: Callable[[SigContext], Decision | None]) -> Callable[[SigContext], FunctionLike]:
        def hook(ctx: SigContext) -> FunctionLike:
            obj = ctx.type if isinstance(ctx, MethodSigContext) else None
            decision = self._decide(ctx, obj, decide)
            return _apply(ctx.default_signature, decision)

        return hook

    def _decide(
        self, ctx: SigContext, obj: ProperType | None, decide: Callable[[SigContext], Decision | None]
    ) -> Decision | None:
        """Decide once per call: overload items after the first reuse the first one's decision.

        mypy applies the hook to every item of an overload in a row; an item whose
        definition was already seen for this call starts a new check of the call
        (mypy checks some calls twice), which decides (and reports) afresh.
        """
        defn = id(ctx.default_signature.definition) if ctx.default_signature.definition is not None else None
        m = self._memo
        if m is not None and m.context is ctx.context and m.obj is obj and defn is not None and defn not in m.seen:
            m.seen.add(defn)
            return m.decision
        decision = decide(ctx)
        if decision is not None and decision.error is not None:
            ctx.api.fail(decision.error, decision.where or ctx.context, code=decision.code)
        self._memo = _Memo(ctx.context, obj, {defn} if defn is not None else set(), decision)
        return decision

    # ---------------------------------------------------------------- tensors

    def _matmul(self, ctx: SigContext) -> Decision | None:
        return self._binary(ctx, ops.matmul)

    def _elementwise(self, method: str, ctx: SigContext) -> Decision | None:
        return self._binary(ctx, lambda a, b: ops.elementwise(method, a, b))

    def _binary(self, ctx: SigContext, op: Callable[[Shape, Shape], ops.Verdict]) -> Decision | None:
        if not isinstance(ctx, MethodSigContext) or not ctx.args or len(ctx.args[0]) != 1:
            return None
        a = tensor_shape(ctx.type)
        other = _type_of(ctx.api, ctx.args[0][0], operand=True)
        b = tensor_shape(other)
        if a is None or b is None:
            return None
        decision = self._verdict(ctx, op(a, b), SHAPE_OPERATOR)
        if decision is not None and decision.error is not None:
            return replace(decision, accept=(other,))
        return decision

    def _flatten(self, ctx: SigContext) -> Decision | None:
        call = _call(ctx)
        if call is None:
            return None
        x, args = self._subject(ctx, call)
        if x is None:
            return None
        start = _int_arg(ctx.api, args, 0, "start_dim", 0)
        end = _int_arg(ctx.api, args, 1, "end_dim", -1)
        if start is None or end is None:
            return None
        return self._verdict(ctx, ops.flatten(x, start, end), SHAPE)

    def _reshape(self, ctx: SigContext) -> Decision | None:
        call = _call(ctx)
        if call is None:
            return None
        x, args = self._subject(ctx, call)
        if x is None or any(name is not None for _, _, name in args):
            return None
        sizes = _sizes(ctx.api, [(e, k) for e, k, _ in args])
        if sizes is None:
            return None
        return self._verdict(ctx, ops.reshape(x, sizes), SHAPE)

    def _cat(self, ctx: SigContext) -> Decision | None:
        return self._join(ctx, ops.cat)

    def _stack(self, ctx: SigContext) -> Decision | None:
        return self._join(ctx, ops.stack)

    def _join(self, ctx: SigContext, op: Callable[[Sequence[Shape], int], ops.Verdict]) -> Decision | None:
        call = _call(ctx)
        if call is None:
            return None
        args = _args(call)
        tensors = _pick(args, 0, "tensors")
        dim = _int_arg(ctx.api, args, 1, "dim", 0)
        if tensors is None or dim is None:
            return None
        shapes = _sequence_shapes(ctx.api, tensors)
        if shapes is None:
            return None
        return self._verdict(ctx, op(shapes, dim), SHAPE)

    def _subject(self, ctx: SigContext, call: CallExpr) -> tuple[Shape | None, list[_Arg]]:
        """The tensor a method is called on (or a function's first argument), and the other arguments."""
        args = _args(call)
        if isinstance(ctx, MethodSigContext):
            return tensor_shape(ctx.type), args
        if not args or args[0][1] != ARG_POS:
            return None, args
        return tensor_shape(_type_of(ctx.api, args[0][0])), args[1:]

    def _verdict(self, ctx: SigContext, verdict: ops.Verdict, code: ErrorCode) -> Decision | None:
        if isinstance(verdict, ops.Bad):
            return Decision(error=verdict.message, code=code)
        if isinstance(verdict, ops.Ok):
            info = self._class(TENSOR)
            if info is None:
                return None
            ret = _builder(ctx.api).tensor(Instance(info, []), verdict.dims)
            return Decision(ret=ret) if ret is not None else None
        return None

    # -------------------------------------------------------- literal sizes

    def _literal_sizes(self, ctx: SigContext) -> Decision | None:
        """Keep literal sizes plain mypy widens to ``int``.

        ``zeros(*shape)`` and ``full(shape, v)`` with ``shape: Final = (4, 2)``, and
        ``Linear(n, 10)`` with ``n: Final[int] = 784``: each size goes to a parameter
        typed by a literal-keeping type variable (bound ``int | Literal[0]``), and the
        literal replaces that variable in the result. Sizes mypy keeps anyway (``4``,
        ``(4, 2)``, ``n: Final = 784``) are left to it.
        """
        call = _call(ctx)
        sig = ctx.default_signature
        if call is None or not sig.variables:
            return None
        literal_vars = {v.id: v for v in sig.variables if isinstance(v, TypeVarType) and _keeps_literals(v)}
        if not literal_vars:
            return None
        kinds = list(call.arg_kinds)
        if not any(k == ARG_STAR or isinstance(e, RefExpr) for e, k in zip(call.args, kinds, strict=True)):
            return None  # only literals (or calls): left to mypy
        types: dict[int, Type] = {}

        def actual_type(i: int) -> Type:
            if i not in types:
                types[i] = _type_of(ctx.api, call.args[i])
            return types[i]

        formal_to_actual = map_actuals_to_formals(kinds, call.arg_names, sig.arg_kinds, sig.arg_names, actual_type)
        fixed: dict[TypeVarId, Type] = {}
        star_pos: dict[int, int] = {}  # how many items of a star argument were handed out
        for formal, actuals in enumerate(formal_to_actual):
            if len(actuals) != 1:
                continue
            targets = _literal_targets(get_proper_type(sig.arg_types[formal]), literal_vars)
            if not any(targets):
                continue
            j = actuals[0]
            value: list[int | None]
            if kinds[j] == ARG_STAR:
                tup = get_proper_type(actual_type(j))
                k = star_pos.get(j, 0)
                star_pos[j] = k + 1
                if not isinstance(tup, TupleType) or k >= len(tup.items):
                    continue
                value = [literal_int(tup.items[k])]
            else:
                value = _lost_literals(call.args[j], partial(actual_type, j))
            if len(targets) != len(value):
                continue
            for tv, n in zip(targets, value, strict=True):
                if tv is not None and n is not None:
                    fixed[tv.id] = LiteralType(n, fallback=_builder(ctx.api).int_type)
        if not fixed:
            return None
        return Decision(ret=expand_type(sig.ret_type, fixed))

    # ------------------------------------------------------------ layers

    def _layer_call(self, ctx: SigContext) -> Decision | None:
        if not isinstance(ctx, MethodSigContext) or not isinstance(ctx.type, Instance):
            return None
        layer = ctx.type
        sig = ctx.default_signature
        rule = layers.shape_rule(layer.type)
        arg_types = [[_type_of(ctx.api, e) for e in exprs] for exprs in ctx.args]
        if rule is not None:
            if not arg_types or len(arg_types[0]) != 1:
                return None
            x = tensor_shape(arg_types[0][0])
            if x is None:
                return None
            return self._verdict(ctx, layers.apply_layer_rule(layer, rule, x), SHAPE_ARG)
        clash = layers.check_call(show_type(layer), sig, arg_types)
        return _clash_decision(clash, arg_types)

    def _loss(self, ctx: SigContext) -> Decision | None:
        sig = ctx.default_signature
        arg_types = [[_type_of(ctx.api, e) for e in exprs] for exprs in ctx.args]
        return _clash_decision(layers.check_call(sig.name or "loss", sig, arg_types), arg_types)

    def _sequential(self, ctx: SigContext) -> Decision | None:
        call = _call(ctx)
        if call is None or not call.args or any(k != ARG_POS for k in call.arg_kinds):
            return None
        types = [_type_of(ctx.api, e) for e in call.args]
        result = layers.Chain(_builder(ctx.api)).run(types)
        if isinstance(result, layers.ChainBad):
            i = result.index
            before = f"from layer {i - 1} ({show_type(types[i - 1])})" if i else "as input"
            message = (
                f"Sequential: layer {i} ({show_type(types[i])}) cannot take {show_shape(result.got)} {before}: "
                f"{result.detail}"
            )
            return Decision(error=message, code=SHAPE_MISC, where=call.args[i], loose_args=True)
        if result is None:
            return None
        return self._chain_result(ctx, result)

    def _rshift(self, ctx: SigContext) -> Decision | None:
        if not isinstance(ctx, MethodSigContext) or not ctx.args or len(ctx.args[0]) != 1:
            return None
        right = _type_of(ctx.api, ctx.args[0][0], operand=True)
        result = layers.Chain(_builder(ctx.api)).run([ctx.type, right])
        if isinstance(result, layers.ChainBad):
            if result.index == 0:  # the left operand cannot even start a chain: leave it to mypy
                return None
            message = (
                f">>: {show_type(right)} cannot take {show_shape(result.got)} from {show_type(ctx.type)}: "
                f"{result.detail}"
            )
            return Decision(error=message, code=SHAPE_OPERATOR, accept=(right,))
        if result is None:
            return None
        return self._chain_result(ctx, result)

    def _chain_result(self, ctx: SigContext, result: layers.ChainOk) -> Decision | None:
        template = get_proper_type(ctx.default_signature.ret_type)
        if not isinstance(template, Instance) or template.type.fullname != SEQUENTIAL:
            return None
        b = _builder(ctx.api)
        ret = template.copy_modified(args=[b.dim(d) for d in (*result.features, result.out)])
        return Decision(ret=ret, loose_args=True)


# ------------------------------------------------------------------ signatures


def _clash_decision(clash: layers.CallClash | None, arg_types: Sequence[Sequence[Type]]) -> Decision | None:
    if clash is None:
        return None
    seen = tuple(ts[0] if len(ts) == 1 else AnyType(TypeOfAny.special_form) for ts in arg_types)
    return Decision(error=clash.message, code=SHAPE_MISC if clash.through_variable else SHAPE_ARG, accept=seen)


def _apply(sig: CallableType, decision: Decision | None) -> CallableType:
    if decision is None:
        return sig
    if decision.error is not None and decision.loose_args:
        return _any_number(sig, _any_like(sig.ret_type))
    if decision.error is not None:
        # The plugin reported the mismatch: accept the tensors it checked, but keep
        # checking the other parameters (``reduction="none"`` stays an error).
        accept = decision.accept if decision.accept and len(decision.accept) == len(sig.arg_types) else None
        arg_types = [
            (accept[i] if accept else AnyType(TypeOfAny.special_form)) if _loosen(t) else t
            for i, t in enumerate(sig.arg_types)
        ]
        return sig.copy_modified(arg_types=arg_types, ret_type=_any_like(sig.ret_type), variables=[])
    if decision.ret is None:
        return sig
    if decision.loose_args:
        return _any_number(sig, decision.ret)
    return sig.copy_modified(ret_type=decision.ret)


def _any_number(sig: CallableType, ret: Type) -> CallableType:
    """``(*args: Any) -> ret``: for a chain the plugin checked layer by layer, of any length
    (the overloads stop at ten layers)."""
    return sig.copy_modified(
        arg_types=[AnyType(TypeOfAny.special_form)], arg_kinds=[ARG_STAR], arg_names=[None], ret_type=ret, variables=[]
    )


def _loosen(formal: Type) -> bool:
    """A parameter the plugin checks itself: a tensor, or anything generic."""
    return has_type_vars(formal) or tensor_shape(formal) is not None


def _any_like(t: Type) -> Type:
    """``Any``, or for a constructor the class with ``Any`` arguments (it must stay an instance)."""
    p = get_proper_type(t)
    if isinstance(p, Instance):
        return fill_typevars_with_any(p.type)
    return AnyType(TypeOfAny.special_form)


def _keeps_literals(v: TypeVarType) -> bool:
    """A type variable bound by ``int | Literal[0]``: mypy keeps literal arguments for it."""
    bound = get_proper_type(v.upper_bound)
    return isinstance(bound, UnionType) and any(isinstance(get_proper_type(i), LiteralType) for i in bound.items)


def _literal_targets(formal: ProperType, literal_vars: dict[TypeVarId, TypeVarType]) -> list[TypeVarType | None]:
    if isinstance(formal, TypeVarType):
        return [literal_vars.get(formal.id)]
    if isinstance(formal, TupleType):
        out: list[TypeVarType | None] = []
        for item in formal.items:
            p = get_proper_type(item)
            out.append(literal_vars.get(p.id) if isinstance(p, TypeVarType) else None)
        return out
    return []


# --------------------------------------------------------------- arguments

_Arg: TypeAlias = "tuple[Expression, ArgKind, str | None]"  # expression, kind, keyword


def _call(ctx: SigContext) -> CallExpr | None:
    return ctx.context if isinstance(ctx.context, CallExpr) else None


def _args(call: CallExpr) -> list[_Arg]:
    return list(zip(call.args, call.arg_kinds, call.arg_names, strict=True))


def _pick(args: Sequence[_Arg], index: int, name: str) -> Expression | None:
    for e, kind, n in args:
        if n == name and kind == ARG_NAMED:
            return e
    positional = [e for e, kind, n in args if kind == ARG_POS]
    return positional[index] if index < len(positional) else None


def _int_arg(api: CheckerPluginInterface, args: Sequence[_Arg], index: int, name: str, default: int) -> int | None:
    if any(kind not in (ARG_POS, ARG_NAMED) for _, kind, _ in args):
        return None
    e = _pick(args, index, name)
    if e is None:
        return default
    values = _literal_values(api, e)
    return values[0] if len(values) == 1 else None


def _lost_literals(e: Expression, type_of: Callable[[], Type]) -> list[int | None]:
    """Literal sizes plain mypy widens to ``int``: a ``Final[int]`` name, a ``Final`` tuple's items."""
    var = _final_var(e)
    if var is not None:
        declared = get_proper_type(var.type) if var.type is not None else None
        if isinstance(declared, Instance) and declared.last_known_value is None:
            return [_final_int(e)]  # `n: Final[int] = 784`
    if isinstance(e, RefExpr):
        t = get_proper_type(type_of())
        if isinstance(t, TupleType):
            return [literal_int(i) for i in t.items]
    return []


def _final_var(e: Expression) -> Var | None:
    """The ``Final`` variable a name, ``module.NAME`` or ``Class.NAME`` refers to."""
    node = e.node if isinstance(e, RefExpr) else None
    if node is None and isinstance(e, MemberExpr) and isinstance(e.expr, RefExpr) and isinstance(e.expr.node, TypeInfo):
        sym = e.expr.node.get(e.name)
        node = sym.node if sym is not None else None
    return node if isinstance(node, Var) and node.is_final else None


def _final_int(e: Expression) -> int | None:
    var = _final_var(e)
    v = var.final_value if var is not None else None
    return v if type(v) is int else None


def _literal_values(api: CheckerPluginInterface, e: Expression) -> list[int | None]:
    """The int (or tuple of ints) an argument certainly is; ``[None]`` for an unknown ``int``."""
    if isinstance(e, IntExpr):
        return [e.value]
    if isinstance(e, UnaryExpr) and e.op == "-" and isinstance(e.expr, IntExpr):
        return [-e.expr.value]
    if (n := _final_int(e)) is not None:
        return [n]
    if isinstance(e, TupleExpr):
        out: list[int | None] = []
        for item in e.items:
            if isinstance(item, StarExpr):
                return []
            v = _literal_values(api, item)
            if len(v) != 1:
                return []
            out.extend(v)
        return out
    t = get_proper_type(_type_of(api, e))
    if isinstance(t, TupleType):
        return [literal_int(i) for i in t.items]
    if isinstance(t, LiteralType | Instance) and (
        literal_int(t) is not None or (isinstance(t, Instance) and t.type.fullname == "builtins.int")
    ):
        return [literal_int(t)]
    return []


def _sizes(api: CheckerPluginInterface, args: Sequence[tuple[Expression, ArgKind]]) -> list[int | None] | None:
    """``reshape``'s sizes: ``(4, 2)``, ``4, 2``, ``*shape``; None if not all are ints."""
    if len(args) == 1 and args[0][1] == ARG_POS:
        values = _literal_values(api, args[0][0])
        t = get_proper_type(_type_of(api, args[0][0])) if not values else None
        if values or (t is not None and isinstance(t, TupleType)):
            return values
    sizes: list[int | None] = []
    for e, kind in args:
        if kind == ARG_STAR:
            t = get_proper_type(_type_of(api, e))
            if not isinstance(t, TupleType):
                return None
            sizes.extend(literal_int(i) for i in t.items)
        elif kind == ARG_POS:
            v = _literal_values(api, e)
            if len(v) != 1:
                return None
            sizes.extend(v)
        else:
            return None
    return sizes


def _sequence_shapes(api: CheckerPluginInterface, e: Expression) -> list[Shape] | None:
    """The shapes in ``[a, b]``, ``(a, b)`` or a value of a fixed-length tuple type."""
    if isinstance(e, ListExpr | TupleExpr):
        if any(isinstance(i, StarExpr) for i in e.items):
            return None
        types = [_type_of(api, i) for i in e.items]
    else:
        t = get_proper_type(_type_of(api, e))
        if not isinstance(t, TupleType):
            return None
        types = list(t.items)
    shapes = [tensor_shape(t) for t in types]
    if any(s is None for s in shapes):
        return None
    return [s for s in shapes if s is not None]


def _type_of(api: CheckerPluginInterface, e: Expression, operand: bool = False) -> Type:
    """An argument's type, as mypy infers it without context (errors found on the way are mypy's to report)."""
    if operand and isinstance(api, TypeChecker):
        known = api.lookup_type_or_none(e)
        if known is not None:
            return known
    with api.msg.filter_errors():
        return api.get_expression_type(e)


def _builder(api: CheckerPluginInterface) -> Builder:
    int_type = api.named_generic_type("builtins.int", [])
    return Builder(int_type, api.named_generic_type("builtins.tuple", [AnyType(TypeOfAny.special_form)]))
