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
    ComparisonExpr,
    Context,
    EllipsisExpr,
    Expression,
    IntExpr,
    ListExpr,
    MemberExpr,
    MypyFile,
    NameExpr,
    OpExpr,
    RefExpr,
    SliceExpr,
    StarExpr,
    StrExpr,
    TupleExpr,
    TypeInfo,
    UnaryExpr,
    Var,
)
from mypy.options import Options
from mypy.plugin import (
    AnalyzeTypeContext,
    AttributeContext,
    CheckerPluginInterface,
    FunctionSigContext,
    MethodContext,
    MethodSigContext,
    Plugin,
)
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
    UnpackType,
    get_proper_type,
    has_type_vars,
)
from mypy.typevars import fill_typevars_with_any

from typedtorch import _oprules as rules
from typedtorch import _rules as rules_lang
from typedtorch._rules import UNKNOWN as UNKNOWN_DIM

from . import layers, ops
from .constants import known_int
from .layers import SEQUENTIAL
from .shapes import TENSOR, Builder, Dim, Shape, literal_int, same, show_shape, show_type, tensor_shape

MODULE: Final = "typedtorch.nn._module.Module"
DIM: Final = "typedtorch._dims.Dim"

# One code, "shape", filed under the code mypy itself would have used.
_DESCRIPTION = "Tensor shapes that do not fit (typedtorch mypy plugin)"
SHAPE_OPERATOR: Final = ErrorCode("shape", _DESCRIPTION, "General", sub_code_of=OPERATOR)
SHAPE_ARG: Final = ErrorCode("shape", _DESCRIPTION, "General", sub_code_of=ARG_TYPE)
SHAPE_MISC: Final = ErrorCode("shape", _DESCRIPTION, "General", sub_code_of=MISC)
SHAPE: Final = ErrorCode("shape", _DESCRIPTION, "General")  # last: `--disable-error-code shape` names this one

_FACTORIES: Final = frozenset(
    f"typedtorch._factories.{n}" for n in ("zeros", "ones", "randn", "rand", "full", "arange")
)
_LOSSES: Final = frozenset(
    f"typedtorch.nn._losses.{n}"
    for n in (
        "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "cross_entropy", "nll_loss",
        "binary_cross_entropy", "binary_cross_entropy_with_logits",
    )
)  # fmt: skip


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
    loosen: bool = False  # no error, but accept `accept` for the tensor parameters (a call the plugin solved)


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
        # The last decision of each operator expression, for its reflected attempt:
        # deciding the right operand (`x < (x.sum(dim=1) + 1)`) replaces `_memo` in between.
        self._operator_memos: dict[int, _Memo] = {}
        self._analyzing = False

    # ------------------------------------------------------------ hook lookup

    def get_function_signature_hook(self, fullname: str) -> Callable[[FunctionSigContext], FunctionLike] | None:
        if fullname.startswith("typedtorch."):
            mod, _, name = fullname.rpartition(".")
            if mod == "typedtorch._functional":
                handler = _FUNCTIONS.get(name)
                if handler is not None:
                    return self._hook(lambda ctx: handler(self, ctx))
            if fullname in _FACTORIES:
                return self._per_item(self._literal_sizes)
            if fullname in layers.FUNCTIONAL_RULES:
                return self._hook(partial(self._functional, layers.FUNCTIONAL_RULES[fullname]))
            if fullname in _LOSSES:
                return self._loss_hook
            if fullname == SEQUENTIAL:
                return self._hook(self._sequential)
        info = self._class(fullname)
        if info is not None and info.has_base(MODULE):
            return self._constructor  # a layer's constructor: Linear(n, 10)
        if fullname.startswith("typedtorch.") and info is None:
            # Any other typedtorch function with size parameters (tt.one_hot(x, C)):
            # literal sizes kept, unknown ones Any.
            return self._per_item(self._literal_sizes)
        return None

    def _constructor(self, ctx: FunctionSigContext) -> FunctionLike:
        """A layer's constructor: literal sizes in its type (per overload item), and its
        ``__size_constraints__`` checked on them (reported once per call)."""
        decision = _same_padding(ctx, self._literal_sizes(ctx))
        self._decide(ctx, None, lambda c: _strided_same(c) or self._constraints(c, decision))
        return _apply(ctx.default_signature, decision)

    def _constraints(self, ctx: SigContext, sizes: Decision | None) -> Decision | None:
        ret = get_proper_type(
            sizes.ret if sizes is not None and sizes.ret is not None else ctx.default_signature.ret_type
        )
        if not isinstance(ret, Instance):
            return None
        sources = layers.size_constraints(ret.type)
        if not sources:
            return None
        params = layers.rule_params(ret)
        for src in sources:
            try:
                c = rules_lang.parse_constraint(src)
            except rules_lang.RuleSyntaxError as e:
                return Decision(error=f"{ret.type.name}.__size_constraints__ {src!r} is invalid: {e}", code=SHAPE)
            if rules_lang.check_constraint(c, params, layers.RULE_OPS) is False:
                return Decision(
                    error=rules_lang.constraint_message(show_type(ret), c, params, layers.RULE_OPS), code=SHAPE_ARG
                )
        return None

    def get_method_signature_hook(self, fullname: str) -> Callable[[MethodSigContext], FunctionLike] | None:
        cls, _, name = fullname.rpartition(".")
        handler = _METHODS.get(name)
        if handler is not None or name in _REFLECTED:
            info = self._class(cls)
            if info is not None and info.has_base(TENSOR):
                return self._hook(lambda ctx: handler(self, ctx)) if handler is not None else self._reflected
        elif name in ("__call__", "__rshift__"):
            info = self._class(cls)
            if info is not None and info.has_base(MODULE):
                return self._hook(self._layer_call if name == "__call__" else self._rshift)
        return None

    def get_method_hook(self, fullname: str) -> Callable[[MethodContext], Type] | None:
        if fullname in _INT_ARITHMETIC:
            return _int_arithmetic(_INT_ARITHMETIC[fullname])
        if fullname == TENSOR + ".item":
            return _item
        return None

    def get_type_analyze_hook(self, fullname: str) -> Callable[[AnalyzeTypeContext], Type] | None:
        if fullname.startswith("typedtorch.") and not self._analyzing:
            info = self._class(fullname)
            if info is not None and info.type_vars:
                return lambda ctx: self._bare_generic(ctx, info)
        return None

    def _bare_generic(self, ctx: AnalyzeTypeContext, info: TypeInfo) -> Type:
        """A bare ``Tensor`` annotation means a tensor of unknown shape, a bare
        ``nn.Sequential`` or ``nn.Linear`` a layer of unknown sizes (PyTorch code writes
        them; no "missing type arguments" under ``--strict``). A subscripted one is
        analysed by mypy as usual (with this hook off meanwhile, so mypy's own runs)."""
        t = ctx.type
        if not t.args and not t.empty_tuple_index:
            return fill_typevars_with_any(info)
        self._analyzing = True
        try:
            return ctx.api.analyze_type(t)
        finally:
            self._analyzing = False

    def get_attribute_hook(self, fullname: str) -> Callable[[AttributeContext], Type] | None:
        if fullname == TENSOR + ".shape":
            return self._shape_attribute
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
            reflected = self._reflected_attempt(ctx, obj)
            if reflected is not None:
                return reflected
            decision = self._decide(ctx, obj, decide)
            return _apply(ctx.default_signature, decision)

        return hook

    def _reflected(self, ctx: MethodSigContext) -> FunctionLike:
        """``Tensor.__rsub__`` and the other reflected operators (typed for Python numbers)."""
        got = self._reflected_attempt(ctx, ctx.type)
        return got if got is not None else ctx.default_signature

    def _reflected_attempt(self, ctx: SigContext, obj: ProperType | None) -> FunctionLike | None:
        """The right operand's reflected method, tried by mypy after the left one failed.

        For ``a - b`` mypy checks ``a.__sub__(b)`` and, when that reports an error (the
        plugin's shape message), ``b.__rsub__(a)``, each under an error filter; when both
        fail the expression's type is a bare ``Any``, and ``--strict`` then adds a
        follow-on "Returning Any" to the one real error. So the second attempt reports the
        first one's message itself, past its own filter (outer ones still apply: a
        speculative check of the whole expression still hides it), and succeeds with a
        tensor of unknown shape, which mypy then takes as the expression's type.
        """
        m = self._operator_memos.get(id(ctx.context))
        if (
            m is None
            or m.decision is None
            or m.decision.error is None
            or m.context is not ctx.context
            or m.obj is obj
            or not isinstance(ctx.context, (OpExpr, ComparisonExpr))
            or not isinstance(ctx, MethodSigContext)
            or len(ctx.default_signature.arg_types) != 1
        ):
            return None
        info = self._class(TENSOR)
        if info is None:
            return None
        errors = ctx.api.msg.errors
        own = errors._watchers.pop() if errors._watchers else None
        try:
            ctx.api.fail(m.decision.error, m.decision.where or ctx.context, code=m.decision.code)
        finally:
            if own is not None:
                errors._watchers.append(own)
        return ctx.default_signature.copy_modified(
            arg_types=[AnyType(TypeOfAny.special_form)], ret_type=fill_typevars_with_any(info), variables=[]
        )

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
        if isinstance(ctx.context, (OpExpr, ComparisonExpr)):
            if len(self._operator_memos) > 4096:  # a module's worth; older ones are done with
                self._operator_memos.clear()
            self._operator_memos[id(ctx.context)] = self._memo
        return decision

    # ---------------------------------------------------------------- tensors

    def _matmul(self, ctx: SigContext) -> Decision | None:
        return self._binary(ctx, ops.matmul)

    def _elementwise(self, method: str, ctx: SigContext) -> Decision | None:
        return self._binary(ctx, lambda a, b: ops.elementwise(method, a, b), elementwise=True)

    def _binary(
        self, ctx: SigContext, op: Callable[[Shape, Shape], ops.Verdict], elementwise: bool = False
    ) -> Decision | None:
        if not isinstance(ctx, MethodSigContext) or not ctx.args or len(ctx.args[0]) != 1:
            return None
        other = _type_of(ctx.api, ctx.args[0][0], operand=True)
        return self._pair(ctx, ctx.type, other, (other,), op, SHAPE_OPERATOR, elementwise)

    def _pair(
        self,
        ctx: SigContext,
        left: Type,
        right: Type,
        accept: tuple[Type, ...],
        op: Callable[[Shape, Shape], ops.Verdict],
        code: ErrorCode,
        elementwise: bool,
    ) -> Decision | None:
        """Two tensors by a rule (``a - b``, ``a @ b``, ``tt.maximum(a, b)``); ``accept``
        are the argument types the call then takes, whatever its overloads spell out."""
        a, b = tensor_shape(left), tensor_shape(right)
        if a is None or b is None:
            return None
        if not a.fixed or not b.fixed:
            # A tensor of unknown rank on one side. Elementwise, the result still ends
            # with the known side's dims when none of them is 1 (any leading dims are
            # unknown): `Tensor[*tuple[Any, ...], 4, 2]`. Otherwise, and for `@`, the shape
            # is unknown (an overload would guess a rank, and a false error could follow).
            known = a if a.fixed else b if b.fixed else None
            if elementwise and known is not None and not any(d == 1 for d in known.dims if isinstance(d, int)):
                info = self._class(TENSOR)
                if info is not None:
                    b_ = _builder(ctx.api)
                    t = b_.tensor(Instance(info, []), [b_.any_rank(), *known.dims])
                    if t is not None:
                        return Decision(ret=t, accept=accept, loosen=True)
            return self._unknown(ctx)
        decision = self._verdict(ctx, op(a, b), code)
        if decision is not None and decision.error is not None:
            return replace(decision, accept=accept)
        if decision is not None and decision.ret is not None:
            # Computed by the rule: accept the operands even where no overload spells the
            # case out (a broadcast batch, `(B, C) - (B, 1)`).
            return replace(decision, accept=accept, loosen=True)
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

    # ------------------------------------------------------ more tensor ops
    # Each reads its arguments, applies the op's rule from typedtorch._oprules (the
    # one the run time checks) and returns the result's type or the rule's message.

    def _tensor_result(self, ctx: SigContext, verdict: ops.Verdict) -> Decision | None:
        """A verdict as a decision; a shape the rule cannot know is a tensor of unknown shape."""
        if verdict is None:
            return self._unknown(ctx)
        return self._verdict(ctx, verdict, SHAPE)

    def _unknown(self, ctx: SigContext) -> Decision | None:
        """``Tensor[*tuple[Any, ...]]``, for results the plugin cannot compute (gradual inputs)."""
        info = self._class(TENSOR)
        if info is None:
            return None
        ret = get_proper_type(ctx.default_signature.ret_type)
        if not (isinstance(ret, Instance) and ret.type.has_base(TENSOR)):
            return None
        return Decision(ret=fill_typevars_with_any(info))

    def _self_and_args(self, ctx: SigContext) -> tuple[Shape, list[_Arg]] | None:
        """The tensor a method is called on (or a function's first argument), and the other arguments."""
        call = _call(ctx)
        if call is None:
            return None
        x, args = self._subject(ctx, call)
        return None if x is None else (x, args)

    def _transpose(self, ctx: SigContext) -> Decision | None:
        got = self._self_and_args(ctx)
        if got is None:
            return None
        x, args = got
        d0, d1 = _int_arg(ctx.api, args, 0, "dim0", 0), _int_arg(ctx.api, args, 1, "dim1", 1)
        if d0 is None or d1 is None:
            return self._unknown(ctx) if not x.fixed else None
        return self._tensor_result(ctx, ops.fix(rules.transpose(x.dims, d0, d1, ops.MYPY_OPS)))

    def _permute(self, ctx: SigContext) -> Decision | None:
        got = self._self_and_args(ctx)
        if got is None:
            return None
        x, args = got
        values = _int_list(ctx.api, [a for a in args if a[2] is None or a[2] == "dims"])
        if values is None:
            return None
        return self._tensor_result(ctx, ops.fix(rules.permute(x.dims, values, ops.MYPY_OPS)))

    def _unsqueeze(self, ctx: SigContext) -> Decision | None:
        got = self._self_and_args(ctx)
        if got is None:
            return None
        x, args = got
        d = _int_arg(ctx.api, args, 0, "dim", 0)
        if d is None:
            return None
        return self._tensor_result(ctx, ops.fix(rules.unsqueeze(x.dims, d, ops.MYPY_OPS)))

    def _squeeze(self, ctx: SigContext) -> Decision | None:
        got = self._self_and_args(ctx)
        if got is None:
            return None
        x, args = got
        e = _pick(args, 0, "dim")
        dim: int | list[int] | None = None
        if e is not None:
            values = _literal_values(ctx.api, e)
            if not values or any(not isinstance(v, int) for v in values):
                return None
            dim = [int(v) for v in values if isinstance(v, int)] if isinstance(e, TupleExpr) else int(values[0])  # type: ignore[arg-type]
        return self._tensor_result(ctx, ops.fix(rules.squeeze(x.dims, dim, ops.MYPY_OPS)))

    def _view(self, ctx: SigContext) -> Decision | None:
        call = _call(ctx)
        if call is None:
            return None
        x, args = self._subject(ctx, call)
        if x is None or any(name is not None for _, _, name in args):
            return None
        sizes = _sizes(ctx.api, [(e, k) for e, k, _ in args])
        if sizes is None:
            return self._unknown(ctx)
        name = ctx.default_signature.name or "reshape"
        return self._tensor_result(ctx, ops.reshape(x, sizes, name.split(" ")[0]))

    def _expand(self, ctx: SigContext) -> Decision | None:
        call = _call(ctx)
        if call is None:
            return None
        x, args = self._subject(ctx, call)
        if x is None:
            return None
        sizes = _sizes(ctx.api, [(e, k) for e, k, _ in args])
        if sizes is None:
            return self._unknown(ctx)
        return self._tensor_result(
            ctx, ops.fix(rules.expand(x.dims, [UNKNOWN_DIM if v is None else v for v in sizes], ops.MYPY_OPS))
        )

    def _like(self, ctx: SigContext) -> Decision | None:
        """``view_as``/``expand_as``/``reshape_as``: the other tensor's shape, if the rule allows."""
        if not isinstance(ctx, MethodSigContext) or not ctx.args or len(ctx.args[0]) != 1:
            return None
        x = tensor_shape(ctx.type)
        other = tensor_shape(_type_of(ctx.api, ctx.args[0][0]))
        if x is None or other is None or not other.fixed:
            return None
        name = ctx.default_signature.name or ""
        if name.startswith("expand"):
            return self._tensor_result(ctx, ops.fix(rules.expand(x.dims, other.dims, ops.MYPY_OPS)))
        return self._tensor_result(ctx, ops.reshape(x, list(other.dims), "view_as"))

    def _masked_fill(self, ctx: SigContext) -> Decision | None:
        got = self._self_and_args(ctx)
        if got is None:
            return None
        x, args = got
        e = _pick(args, 0, "mask")
        mask = tensor_shape(_type_of(ctx.api, e)) if e is not None else None
        if mask is None or not x.fixed or not mask.fixed:
            return None
        return self._tensor_result(
            ctx, ops.fix(rules.broadcast_to_self("masked_fill", x.dims, mask.dims, ops.MYPY_OPS))
        )

    def _where(self, ctx: SigContext) -> Decision | None:
        call = _call(ctx)
        if call is None:
            return None
        args = _args(call)
        parts = [_pick(args, i, n) for i, n in enumerate(("cond", "a", "b"))]
        if any(p is None for p in parts):
            return None
        shapes: list[tuple[Dim, ...]] = []
        for e in parts:
            assert e is not None
            t = _type_of(ctx.api, e)
            sh = tensor_shape(t)
            if sh is None:
                p = get_proper_type(t)
                if isinstance(p, Instance) and p.type.fullname in ("builtins.int", "builtins.float", "builtins.bool"):
                    shapes.append(())
                    continue
                return None
            if not sh.fixed:
                return self._unknown(ctx)
            shapes.append(sh.dims)
        return self._tensor_result(ctx, ops.fix(rules.broadcast_all("where", shapes, ops.MYPY_OPS)))

    def _reduce(self, ctx: SigContext) -> Decision | None:
        got = self._self_and_args(ctx)
        if got is None:
            return None
        x, args = got
        name = (ctx.default_signature.name or "sum").split(" ")[0]
        e = _pick(args, 0, "dim")
        dim: int | list[int] | None = None
        if e is not None and not _is_none(e):
            values = _literal_values(ctx.api, e)
            if not values or any(not isinstance(v, int) for v in values):
                return (
                    self._unknown(ctx)
                    if isinstance(get_proper_type(ctx.default_signature.ret_type), Instance)
                    else None
                )
            dim = [int(v) for v in values] if isinstance(e, TupleExpr) else int(values[0])  # type: ignore[arg-type]
        keepdim = _bool_arg(args, 1 if name not in ("var", "std") else 99, "keepdim")
        if keepdim is None:
            return None
        if dim is None and not keepdim:
            return None  # a Scalar: the overloads say so
        return self._tensor_result(ctx, ops.fix(rules.reduce(name, x.dims, dim, keepdim, ops.MYPY_OPS)))

    def _max_min(self, ctx: SigContext) -> Decision | None:
        got = self._self_and_args(ctx)
        if got is None:
            return None
        x, args = got
        e = _pick(args, 0, "dim")
        if e is None:
            return None
        other = tensor_shape(_type_of(ctx.api, e))
        name = (ctx.default_signature.name or "max").split(" ")[0]
        if other is not None:
            return self._tensor_result(
                ctx, ops.fix(rules.broadcast(name + "imum", ",", x.dims, other.dims, ops.MYPY_OPS))
            )
        values = _literal_values(ctx.api, e)
        keepdim = _bool_arg(args, 1, "keepdim")
        if len(values) != 1 or not isinstance(values[0], int) or keepdim is None:
            return None
        verdict = ops.fix(rules.reduce(name, x.dims, values[0], keepdim, ops.MYPY_OPS))
        return self._values_indices(ctx, verdict)

    def _values_indices(self, ctx: SigContext, verdict: ops.Verdict) -> Decision | None:
        if isinstance(verdict, ops.Bad):
            return Decision(error=verdict.message, code=SHAPE)
        if not isinstance(verdict, ops.Ok):
            return None
        template = get_proper_type(ctx.default_signature.ret_type)
        info = self._class(TENSOR)
        if not isinstance(template, TupleType) or info is None:
            return None
        t = _builder(ctx.api).tensor(Instance(info, []), verdict.dims)
        fallback = template.partial_fallback.copy_modified(args=[_builder(ctx.api).dim(d) for d in verdict.dims])
        assert t is not None
        return Decision(ret=TupleType([t, t], fallback=fallback))

    def _topk(self, ctx: SigContext) -> Decision | None:
        got = self._self_and_args(ctx)
        if got is None:
            return None
        x, args = got
        k = _int_arg(ctx.api, args, 0, "k", -999)
        dim = _int_arg(ctx.api, args, 1, "dim", -1)
        if k is None or k == -999 or dim is None or not x.fixed:
            return None
        r = rules.reduce("topk", x.dims, dim, True, ops.MYPY_OPS)
        if isinstance(r, ops.Bad):
            return Decision(error=r.message, code=SHAPE)
        assert isinstance(r, ops.Ok)
        kk = rules.norm_dim(dim, max(len(x), 1)) or 0
        return self._values_indices(ctx, ops.Ok(tuple(k if i == kk else d for i, d in enumerate(x.dims))))

    def _getitem(self, ctx: SigContext) -> Decision | None:
        if not isinstance(ctx, MethodSigContext) or not ctx.args or len(ctx.args[0]) != 1:
            return None
        x = tensor_shape(ctx.type)
        if x is None:
            return None
        key = ctx.args[0][0]
        exprs = key.items if isinstance(key, TupleExpr) else [key]
        items: list[object] = []
        for e in exprs:
            item = _index_item(ctx.api, e)
            if item is _NO_ITEM:
                return None  # something the plugin cannot read: the overloads decide
            items.append(item)
        if not x.fixed:
            return self._unknown(ctx)
        decision = self._tensor_result(ctx, ops.fix(rules.getitem(x.dims, items, ops.MYPY_OPS)))
        if decision is not None:
            # Accept the key as written: the rule read it (mypy's overloads know fewer forms).
            if decision.error is not None:
                decision = replace(decision, loose_args=True)
        return decision

    def _split(self, ctx: SigContext) -> Decision | None:
        got = self._self_and_args(ctx)
        if got is None:
            return None
        x, args = got
        name = (ctx.default_signature.name or "split").split(" ")[0]
        e = _pick(args, 0, "split_size_or_sections" if name == "split" else "chunks")
        dim = _int_arg(ctx.api, args, 1, "dim", 0)
        if e is None or dim is None:
            return None
        values = _literal_values(ctx.api, e)
        if not values or any(not isinstance(v, int) for v in values):
            return None
        sizes: int | list[int] = [int(v) for v in values] if isinstance(e, ListExpr | TupleExpr) else int(values[0])  # type: ignore[arg-type]
        if name == "chunk":
            if not isinstance(sizes, int):
                return None
            out = rules.chunk(x.dims, sizes, dim, ops.MYPY_OPS)
        else:
            out = rules.split(x.dims, sizes, dim, ops.MYPY_OPS)
        if isinstance(out, ops.Bad):
            return Decision(error=out.message, code=SHAPE)
        if out is None:
            return None
        info = self._class(TENSOR)
        if info is None:
            return None
        b = _builder(ctx.api)
        items: list[Type] = []
        for piece in out:
            t = b.tensor(Instance(info, []), [ops.ANY if d is UNKNOWN_DIM else d for d in piece])
            assert t is not None
            items.append(t)
        return Decision(
            ret=TupleType(
                items, fallback=ctx.api.named_generic_type("builtins.tuple", [AnyType(TypeOfAny.special_form)])
            )
        )

    def _size(self, ctx: SigContext) -> Decision | None:
        got = self._self_and_args(ctx)
        if got is None:
            return None
        x, args = got
        if not x.fixed:
            return None
        if not args:
            return Decision(ret=self._dims_tuple(ctx.api, x.dims))
        d = _int_arg(ctx.api, args, 0, "dim", 0)
        if d is None:
            return None
        k = rules.norm_dim(d, len(x)) if len(x) else None
        if k is None:
            return Decision(error=f"size: dim {d} is out of range for {show_shape(x)} (rank {len(x)})", code=SHAPE)
        return Decision(ret=self._dim_value(ctx.api, x.dims[k]))

    def _shape_attribute(self, ctx: AttributeContext) -> Type:
        x = tensor_shape(ctx.type)
        if x is None or not x.fixed:
            return ctx.default_attr_type
        return self._dims_tuple(ctx.api, x.dims)

    def _dims_tuple(self, api: CheckerPluginInterface, dims: Sequence[Dim]) -> Type:
        return TupleType(
            [self._dim_value(api, d) for d in dims], fallback=api.named_generic_type("builtins.tuple", [_int(api)])
        )

    def _dim_value(self, api: CheckerPluginInterface, d: Dim) -> Type:
        """The type of one size read off a tensor: a literal, ``Dim[B]`` for a symbol, else ``int``."""
        if isinstance(d, int):
            return LiteralType(d, fallback=_int(api))
        p = get_proper_type(d)
        if isinstance(p, TypeVarType):
            info = self._class(DIM)
            if info is not None:
                return Instance(info, [p])
        return _int(api)

    def _tri(self, ctx: SigContext) -> Decision | None:
        got = self._self_and_args(ctx)
        if got is None:
            return None
        x, _ = got
        name = (ctx.default_signature.name or "tril").split(" ")[0]
        return self._tensor_result(ctx, ops.fix(rules.tri(name, x.dims, ops.MYPY_OPS)))

    def _einsum(self, ctx: SigContext) -> Decision | None:
        call = _call(ctx)
        if call is None or not call.args or not isinstance(call.args[0], StrExpr):
            return None
        if any(k != ARG_POS for k in call.arg_kinds):
            return None
        shapes = [tensor_shape(_type_of(ctx.api, e)) for e in call.args[1:]]
        if any(sh is None for sh in shapes):
            return None
        return self._tensor_result(
            ctx, ops.fix(rules.einsum(call.args[0].value, [sh.dims for sh in shapes if sh is not None], ops.MYPY_OPS))
        )

    def _binary_fn(self, ctx: SigContext) -> Decision | None:
        """``tt.matmul(a, b)``, ``tt.mm``, ``tt.bmm``."""
        call = _call(ctx)
        if call is None or len(call.args) != 2 or any(k != ARG_POS for k in call.arg_kinds):
            return None
        a, b = (tensor_shape(_type_of(ctx.api, e)) for e in call.args)
        if a is None or b is None:
            return None
        if not a.fixed or not b.fixed:
            return self._unknown(ctx)
        return self._verdict(ctx, ops.matmul(a, b), SHAPE_ARG)

    def _elementwise_fn(self, name: str, ctx: SigContext) -> Decision | None:
        """``tt.maximum(a, b)``, ``tt.remainder``, ...: the broadcasting rule, as for ``a.maximum(b)``
        (a number operand is left to the signature's own ``Tensor[*S] | Number``)."""
        call = _call(ctx)
        if call is None or len(call.args) != 2 or any(k != ARG_POS for k in call.arg_kinds):
            return None
        left, right = (_type_of(ctx.api, e, operand=True) for e in call.args)
        op = partial(ops.elementwise, name)
        return self._pair(ctx, left, right, (left, right), op, SHAPE_ARG, elementwise=True)

    # -------------------------------------------------------- literal sizes

    def _literal_sizes(self, ctx: SigContext) -> Decision | None:
        """Sizes in the result as exactly as mypy can know them, never a false ``int``.

        Each size goes to a parameter typed by a literal-keeping type variable (bound
        ``int | Literal[0]``). Its value in the result is the literal where mypy knows it
        (``4``, ``n: Final = 784``, ``32 * 32``, ``*SHAPE`` of a ``Final`` tuple), the
        symbolic size of a size read off a tensor (``B, T = x.size()``: ``Dim[B]`` is
        ``B``), and ``Any`` for an ``int`` mypy knows nothing about (a plain ``int``
        would make ``Tensor[int, ...]``, which no literal shape matches: a false error).
        """
        call = _call(ctx)
        sig = ctx.default_signature
        if call is None or not sig.variables:
            return None
        literal_vars = {v.id: v for v in sig.variables if isinstance(v, TypeVarType) and _keeps_literals(v)}
        if not literal_vars:
            return None
        kinds = list(call.arg_kinds)
        types: dict[int, Type] = {}

        def actual_type(i: int) -> Type:
            if i not in types:
                types[i] = _type_of(ctx.api, call.args[i])
            return types[i]

        formal_to_actual = map_actuals_to_formals(kinds, call.arg_names, sig.arg_kinds, sig.arg_names, actual_type)
        b = _builder(ctx.api)
        fixed: dict[TypeVarId, Type] = {}
        star_pos: dict[int, int] = {}  # how many items of a star argument were handed out
        for formal, actuals in enumerate(formal_to_actual):
            if len(actuals) != 1:
                continue
            targets = _literal_targets(get_proper_type(sig.arg_types[formal]), literal_vars)
            if not any(targets):
                continue
            j = actuals[0]
            value: list[Dim | None]
            if kinds[j] == ARG_STAR:
                tup = get_proper_type(actual_type(j))
                k = star_pos.get(j, 0)
                star_pos[j] = k + 1
                if not isinstance(tup, TupleType) or k >= len(tup.items):
                    continue
                value = [_size_of(tup.items[k])]
            else:
                arg = call.args[j]
                lost = _lost_literals(arg, partial(actual_type, j))
                if not lost:
                    known = _known_size(ctx.api, arg)
                    lost = [known] if known is not None else []
                if lost and all(v is not None for v in lost):
                    value = list(lost)
                else:
                    t = get_proper_type(actual_type(j))
                    value = [_size_of(i) for i in t.items] if isinstance(t, TupleType) else [_size_of(t)]
                    if isinstance(arg, TupleExpr) and len(arg.items) == len(value):
                        # A size tuple written out, `(B, T)` after `B, T = 4, 8`: an item mypy
                        # widened to `int` takes the value the constant analysis knows.
                        for k, item in enumerate(arg.items):
                            known = _known_size(ctx.api, item) if value[k] is ops.ANY else None
                            if known is not None:
                                value[k] = known
            if len(targets) != len(value):
                continue
            for tv, n in zip(targets, value, strict=True):
                if tv is not None and n is not None:
                    fixed[tv.id] = b.dim(n)
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
        chained = layers.chain_layers(layer)
        if chained is not None:
            return self._chain_call(ctx, chained, arg_types)
        if rule is not None:
            if not arg_types or len(arg_types[0]) != 1:
                return None
            x = tensor_shape(arg_types[0][0])
            if x is None:
                return None
            return self._verdict(ctx, layers.apply_layer_rule(layer, rule, x), SHAPE_ARG)
        return self._checked_call(ctx, show_type(layer), sig, arg_types)

    def _functional(self, form: layers.FunctionalRule, ctx: SigContext) -> Decision | None:
        """``F.max_pool2d(x, 2)``, ``F.conv2d(x, w, padding=1)``: the layer's rule with the call's sizes."""
        call = _call(ctx)
        info = self._class(form.layer)
        source = layers.shape_rule(info) if info is not None else None
        if call is None or source is None or any(k not in (ARG_POS, ARG_NAMED) for k in call.arg_kinds):
            return None
        args = _args(call)
        names = ctx.default_signature.arg_names

        def arg(name: str) -> Expression | None:
            return _pick(args, names.index(name), name) if name in names else None

        first = arg(names[0] or "input")
        x = tensor_shape(_type_of(ctx.api, first)) if first is not None else None
        if x is None or not x.fixed:
            return None
        if form.off is not None and (flag := arg(form.off)) is not None:
            if not (isinstance(flag, NameExpr) and flag.fullname == "builtins.False"):
                return None  # ceil_mode=True: the rule does not describe the result
        params: dict[str, Dim] = {}
        same_padding = False
        for pname, rname in form.sizes:
            e = arg(pname)
            if e is None or (isinstance(e, NameExpr) and e.fullname == "builtins.None"):
                continue
            if isinstance(e, StrExpr):
                if e.value == "valid":
                    params[rname] = 0
                elif e.value == "same":
                    same_padding = True
                else:
                    return None
                continue
            values: list[Dim | None] = list(_literal_values(ctx.api, e))
            if rname == "OH":  # adaptive pooling: `7` or `(7, 5)`, `None` keeping the input's size
                if isinstance(e, TupleExpr) and len(e.items) == 2:
                    values = [None if _is_none(i) else _int_or_none(ctx.api, i) for i in e.items]
                if len(values) == 1:
                    values = values * 2
                if len(values) != 2:
                    return None
                kept = x.dims[2:] if len(x.dims) == 4 else (ops.ANY, ops.ANY)
                sizes = [k if v is None else v for v, k in zip(values, kept, strict=True)]
                if isinstance(e, TupleExpr) and len(e.items) == 2:
                    sizes = [
                        ops.ANY if v is None and not _is_none(i) else s
                        for v, s, i in zip(values, sizes, e.items, strict=True)
                    ]
                params["OH"], params["OW"] = sizes
                continue
            if len(values) == 2 and values[0] == values[1]:
                values = values[:1]
            params[rname] = values[0] if len(values) == 1 and values[0] is not None else ops.ANY
        if form.weight:
            w_expr = arg("weight")
            w = tensor_shape(_type_of(ctx.api, w_expr)) if w_expr is not None else None
            if w is None or not w.fixed or len(w.dims) != len(form.weight):
                return None
            for rname, d in zip(form.weight, w.dims, strict=True):
                params[rname] = d if rname not in params or same(params[rname], d) else ops.ANY
            g_expr = arg("groups")
            g = [1] if g_expr is None else _literal_values(ctx.api, g_expr)
            if g != [1]:
                cin = params["CIn"]
                per_group = literal_int(cin) if isinstance(cin, Type) else cin
                ok = len(g) == 1 and isinstance(g[0], int) and isinstance(per_group, int)
                params["CIn"] = per_group * g[0] if ok and isinstance(per_group, int) and g[0] else ops.ANY
        if same_padding:
            # "same" keeps every spatial size (PyTorch allows it only with stride 1): the rule's
            # arithmetic with kernel 1 and no padding is the identity.
            params.update(K=1, S=1, P=0, D=1)
        for rname, default in form.defaults:
            if rname not in params:
                params[rname] = params.get(default, ops.ANY) if isinstance(default, str) else default
        name = ctx.default_signature.name or form.layer.rpartition(".")[2]
        return self._verdict(ctx, layers.apply_named_rule(name, source, x, params), SHAPE_ARG)

    def _loss_hook(self, ctx: FunctionSigContext) -> FunctionLike:
        """Losses are overloaded on ``reduction``: a clash is reported once per call; the
        result of a gradual call is solved per overload item (each has its own return)."""
        decision = self._decide(ctx, None, self._loss_clash)
        if decision is not None:
            return _apply(ctx.default_signature, decision)
        return _apply(ctx.default_signature, self._loss(ctx))

    def _loss_clash(self, ctx: SigContext) -> Decision | None:
        decision = self._loss(ctx)
        return decision if decision is not None and decision.error is not None else None

    def _loss(self, ctx: SigContext) -> Decision | None:
        sig = ctx.default_signature
        arg_types = [[_type_of(ctx.api, e) for e in exprs] for exprs in ctx.args]
        return self._checked_call(ctx, sig.name or "loss", sig, arg_types)

    def _checked_call(
        self, ctx: SigContext, name: str, sig: CallableType, arg_types: list[list[Type]]
    ) -> Decision | None:
        """A call of a layer or loss: the first clash as an error; with a tensor of unknown
        rank among the arguments, the solved result instead of mypy's "Cannot infer"."""
        clash, unifier = layers.solve_call(name, sig, arg_types)
        if clash is not None:
            return _clash_decision(clash, arg_types)
        if not any(_gradual(ts[0]) for ts in arg_types if len(ts) == 1):
            return None
        ret = tensor_shape(sig.ret_type)
        info = self._class(TENSOR)
        if ret is None or info is None or unifier is None:
            return None
        out = unifier.subst(ret, unbound_as_any=True)
        b = _builder(ctx.api)
        dims: list[object] = []
        for d in out.dims:
            g = unifier.group(d)
            if g is not None:
                dims.extend(g)
            elif isinstance(d, UnpackType):
                dims.append(b.any_rank())
            else:
                dims.append(d)
        t = b.tensor(Instance(info, []), dims)
        if t is None:
            return None
        seen = tuple(ts[0] if len(ts) == 1 else AnyType(TypeOfAny.special_form) for ts in arg_types)
        return Decision(ret=t, accept=seen, loosen=True)

    def _sequential(self, ctx: SigContext) -> Decision | None:
        call = _call(ctx)
        if call is None or not call.args or any(k != ARG_POS for k in call.arg_kinds):
            return None
        types = [_type_of(ctx.api, e) for e in call.args]
        result = layers.Chain(_builder(ctx.api)).run(types)
        if isinstance(result, layers.ChainBad):
            return Decision(
                error=f"Sequential: {result.describe()}",
                code=SHAPE_MISC,
                where=call.args[result.index],
                loose_args=True,
            )
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
                f">>: {show_type(right)} cannot take {show_shape(result.got)} from {show_type(result.before or ctx.type)}: "
                f"{result.detail}"
            )
            return Decision(error=message, code=SHAPE_OPERATOR, accept=(right,))
        if result is None:
            return None
        return self._chain_result(ctx, result)

    def _chain_result(self, ctx: SigContext, result: layers.ChainOk | layers.ChainOpen) -> Decision | None:
        b = _builder(ctx.api)
        if isinstance(result, layers.ChainOpen):
            info = self._class(layers.CHAIN)
            if info is None:
                return None
            items = TupleType(list(result.layers), b.tuple_any)
            return Decision(ret=Instance(info, [UnpackType(items)]), loose_args=True)
        template = get_proper_type(ctx.default_signature.ret_type)
        if not isinstance(template, Instance) or template.type.fullname != SEQUENTIAL:
            return None
        ret = template.copy_modified(args=[b.dim(d) for d in (*result.features, result.out)])
        return Decision(ret=ret, loose_args=True)

    def _chain_call(self, ctx: SigContext, chained: tuple[Type, ...], arg_types: list[list[Type]]) -> Decision | None:
        """A call of a ``_Chain``: the input pushed through every layer (the error names the one that does not fit)."""
        if not arg_types or len(arg_types[0]) != 1:
            return None
        x = tensor_shape(arg_types[0][0])
        if x is None:
            return None
        result = layers.Chain(_builder(ctx.api)).push(chained, x)
        if isinstance(result, layers.ChainBad):
            return Decision(
                error=f"Sequential: input is {show_shape(x)}; {result.describe()}",
                code=SHAPE_ARG,
                accept=(arg_types[0][0],),
            )
        if result is None:
            return self._unknown(ctx)
        return self._verdict(ctx, ops.Ok(result.dims), SHAPE_ARG)


# The convolutions whose `padding="same"` overload leaves the padding P to the plugin,
# and the positions of their (kernel K, padding P, dilation D) type parameters.
_SAME_PADDING: Final = frozenset({"typedtorch.nn._conv.Conv2d", "typedtorch.nn._conv.Conv1d"})
_K, _P, _D = 2, 4, 5


def _conv_arg(call: CallExpr, name: str, index: int) -> Expression | None:
    """A convolution constructor's argument, by keyword or by position."""
    for i, (e, arg_name) in enumerate(zip(call.args, call.arg_names, strict=True)):
        if arg_name == name or (arg_name is None and i == index):
            return e
    return None


def _same_conv(ctx: SigContext, t: Type | None) -> tuple[CallExpr, Instance] | None:
    """The call and the layer type ``t``, when the call builds a convolution with ``padding="same"``."""
    call = _call(ctx)
    layer = get_proper_type(t) if t is not None else None
    if call is None or not isinstance(layer, Instance) or layer.type.fullname not in _SAME_PADDING:
        return None
    padding = _conv_arg(call, "padding", 4)
    return (call, layer) if isinstance(padding, StrExpr) and padding.value == "same" else None


def _strided_same(ctx: SigContext) -> Decision | None:
    """``padding="same"`` with a stride other than 1: refused by PyTorch and at run time,
    in the same words."""
    same = _same_conv(ctx, ctx.default_signature.ret_type)
    if same is None:
        return None
    call, ret = same
    stride = _conv_arg(call, "stride", 3)
    values = _literal_values(ctx.api, stride) if stride is not None else []
    if not values or all(v == 1 for v in values):
        return None
    # As the run time shows it: Conv2d's stride as a pair, Conv1d's as one number.
    if len(values) > 1:
        shown: object = tuple(values)
    else:
        shown = (values[0], values[0]) if ret.type.name == "Conv2d" else values[0]
    return Decision(
        error=f"{ret.type.name}: padding='same' is not supported for strided convolutions (stride {shown})",
        code=SHAPE_ARG,
    )


def _or_default(t: Type) -> int | None:
    """A literal size, or the default of a type parameter whose argument was left out
    (the call's own type variable, not yet replaced by its default)."""
    p = get_proper_type(t)
    if isinstance(p, TypeVarType):
        return literal_int(p.default)
    return literal_int(p)


def _same_padding(ctx: SigContext, decision: Decision | None) -> Decision | None:
    """``nn.Conv2d(c, o, k, padding="same")``: P is the padding that keeps the size at
    stride 1, ``D * (K - 1) / 2`` (``conv_padding`` pads the same at run time), where that
    is a whole number; an even kernel pads one more at the end, and P stays ``Any``."""
    same = _same_conv(ctx, decision.ret if decision is not None else None)
    if same is None:
        return decision
    ret = same[1]
    k, d = literal_int(ret.args[_K]), _or_default(ret.args[_D])
    if k is None or d is None or d * (k - 1) % 2 or not isinstance(get_proper_type(ret.args[_P]), AnyType):
        return decision
    p = LiteralType(d * (k - 1) // 2, ctx.api.named_generic_type("builtins.int", []))
    args = [*ret.args[:_P], p, *ret.args[_P + 1 :]]
    assert decision is not None
    return replace(decision, ret=ret.copy_modified(args=args))


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
    if decision.loosen and decision.accept and len(decision.accept) == len(sig.arg_types):
        arg_types = [decision.accept[i] if _loosen(t) else t for i, t in enumerate(sig.arg_types)]
        return sig.copy_modified(arg_types=arg_types, ret_type=decision.ret, variables=[])
    return sig.copy_modified(ret_type=decision.ret)


def _any_number(sig: CallableType, ret: Type) -> CallableType:
    """``(*args: Any) -> ret``: for a chain the plugin checked layer by layer, of any length
    (the overloads stop at ten layers)."""
    return sig.copy_modified(
        arg_types=[AnyType(TypeOfAny.special_form)], arg_kinds=[ARG_STAR], arg_names=[None], ret_type=ret, variables=[]
    )


def _loosen(formal: Type) -> bool:
    """A parameter the plugin checks itself: a tensor, anything generic, or a union with
    a tensor in it (``other: Tensor[*S] | Tensor[()] | Number`` of a bound method, whose
    ``S`` is already the receiver's shape: a broadcast operand would not fit it)."""
    proper = get_proper_type(formal)
    if isinstance(proper, UnionType):
        return any(_loosen(item) for item in proper.items)
    return has_type_vars(formal) or tensor_shape(formal) is not None


_NUMBERS: Final = frozenset({"builtins.float", "builtins.int", "builtins.bool", "builtins.complex"})


def _item(ctx: MethodContext) -> Type:
    """``x.item()`` is ``Any`` (an int, a float or a bool: the dtype is not in the type),
    but where the context expects a Python number it is that number, so that
    ``def step(...) -> float: ... return loss.item()`` gets no "Returning Any" under
    ``--strict``, and ``n: int = x.argmax().item()`` still passes."""
    contexts = getattr(getattr(ctx.api, "expr_checker", None), "type_context", None)
    expected = get_proper_type(contexts[-1]) if contexts else None
    if isinstance(expected, Instance) and expected.type.fullname in _NUMBERS:
        return expected
    return ctx.default_return_type


def _any_like(t: Type) -> Type:
    """The result type after a reported error: what does not depend on the failed shapes.

    A type without type variables stays (a loss's ``Scalar``, so ``loss.item()`` is still
    a ``float``); a tensor becomes one of unknown shape, a tuple a tuple of such, a
    constructor's class takes ``Any`` arguments (it must stay an instance); the rest is
    ``Any``. Never a bare ``Any`` where a tensor was due: ``--strict`` would add a
    follow-on "Returning Any" to the one real error."""
    p = get_proper_type(t)
    if isinstance(p, TupleType):
        return p.copy_modified(items=[_any_like(i) for i in p.items])
    if isinstance(p, Instance):
        if not has_type_vars(p):
            return p
        if p.type.fullname == "builtins.tuple" and len(p.args) == 1:
            return p.copy_modified(args=[_any_like(p.args[0])])
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


def _int_or_none(api: CheckerPluginInterface, e: Expression) -> int | None:
    values = _literal_values(api, e)
    return values[0] if len(values) == 1 else None


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


def _final_int(e: Expression, api: CheckerPluginInterface | None = None) -> int | None:
    """A ``Final`` int, or (given the checker) a constant assigned once (see ``constants``)."""
    var = _final_var(e)
    v = var.final_value if var is not None else None
    if type(v) is int:
        return v
    if api is not None and isinstance(e, RefExpr):
        return known_int(e, _trees(api, e))
    return None


def _trees(api: CheckerPluginInterface, e: Expression) -> list[MypyFile]:
    """The module being checked, and the one a name comes from."""
    out: list[MypyFile] = []
    if isinstance(api, TypeChecker):
        out.append(api.tree)
        node = e.node if isinstance(e, RefExpr) else None
        if isinstance(node, Var) and "." in node.fullname:
            mod = node.fullname.rpartition(".")[0]
            tree = api.modules.get(mod)
            if tree is not None and tree is not api.tree:
                out.append(tree)
    return out


def _literal_values(api: CheckerPluginInterface, e: Expression) -> list[int | None]:
    """The int (or tuple of ints) an argument certainly is; ``[None]`` for an unknown ``int``."""
    if isinstance(e, IntExpr):
        return [e.value]
    if isinstance(e, UnaryExpr) and e.op == "-" and isinstance(e.expr, IntExpr):
        return [-e.expr.value]
    if (n := _final_int(e, api)) is not None:
        return [n]
    if isinstance(e, OpExpr | UnaryExpr) and (n := known_int(e, _trees(api, e))) is not None:
        return [n]
    if isinstance(e, TupleExpr | ListExpr):
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


def _sizes(api: CheckerPluginInterface, args: Sequence[tuple[Expression, ArgKind]]) -> list[Dim | None] | None:
    """``reshape``'s sizes: ``(4, 2)``, ``4, 2``, ``*shape``, sizes read off a tensor
    (``Dim[B]``: the dim ``B``); ``None`` for an ``int`` of unknown value; None if not ints."""
    if len(args) == 1 and args[0][1] == ARG_POS:
        e = args[0][0]
        if isinstance(e, TupleExpr | ListExpr):
            return _size_items(api, e.items)
        t = get_proper_type(_type_of(api, e))
        if isinstance(t, TupleType):
            return [_size_dim(i) for i in t.items]
    sizes: list[Dim | None] = []
    for e, kind in args:
        if kind == ARG_STAR:
            t = get_proper_type(_type_of(api, e))
            if not isinstance(t, TupleType):
                return None
            sizes.extend(_size_dim(i) for i in t.items)
        elif kind == ARG_POS:
            got = _size_items(api, [e])
            if got is None:
                return None
            sizes.extend(got)
        else:
            return None
    return sizes


def _size_items(api: CheckerPluginInterface, exprs: Sequence[Expression]) -> list[Dim | None] | None:
    out: list[Dim | None] = []
    for e in exprs:
        if isinstance(e, StarExpr):
            return None
        if isinstance(e, IntExpr):
            out.append(e.value)
            continue
        if isinstance(e, UnaryExpr) and e.op == "-" and isinstance(e.expr, IntExpr):
            out.append(-e.expr.value)
            continue
        if (n := _final_int(e, api)) is not None:
            out.append(n)
            continue
        t = get_proper_type(_type_of(api, e))
        if not (isinstance(t, LiteralType | Instance) and (literal_int(t) is not None or _is_int_like(t))):
            return None
        out.append(_size_dim(t))
    return out


def _is_int_like(t: ProperType) -> bool:
    return isinstance(t, Instance) and (t.type.fullname in ("builtins.int", DIM) or t.type.has_base(DIM))


def _size_dim(t: Type) -> Dim | None:
    """A literal, the symbol ``B`` of a ``Dim[B]``, or None for a plain ``int``."""
    d = _size_of(t)
    return None if d is ops.ANY else d


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


# ------------------------------------------------------------------ tables


def _m(name: str) -> Callable[[TypedTorchPlugin, SigContext], Decision | None]:
    return lambda p, ctx: p._elementwise(name, ctx)


def _fn(name: str) -> Callable[[TypedTorchPlugin, SigContext], Decision | None]:
    return lambda p, ctx: p._elementwise_fn(name, ctx)


# Reflected operators: tried by mypy on the right operand after the left one's method failed.
_REFLECTED = frozenset(
    {"__radd__", "__rsub__", "__rmul__", "__rtruediv__", "__rfloordiv__", "__rmod__", "__rpow__", "__rmatmul__"}
    | {"__rand__", "__ror__", "__rxor__"}
)

_REDUCTIONS = ("sum", "mean", "amax", "amin", "argmax", "argmin", "logsumexp", "var", "std", "prod", "all", "any")

_METHODS: Final[dict[str, Callable[[TypedTorchPlugin, SigContext], Decision | None]]] = {
    "__matmul__": TypedTorchPlugin._matmul,
    "mm": TypedTorchPlugin._matmul,
    "flatten": TypedTorchPlugin._flatten,
    "reshape": TypedTorchPlugin._view,
    "view": TypedTorchPlugin._view,
    "transpose": TypedTorchPlugin._transpose,
    "permute": TypedTorchPlugin._permute,
    "unsqueeze": TypedTorchPlugin._unsqueeze,
    "squeeze": TypedTorchPlugin._squeeze,
    "expand": TypedTorchPlugin._expand,
    "expand_as": TypedTorchPlugin._like,
    "view_as": TypedTorchPlugin._like,
    "reshape_as": TypedTorchPlugin._like,
    "masked_fill": TypedTorchPlugin._masked_fill,
    "masked_fill_": TypedTorchPlugin._masked_fill,
    "max": TypedTorchPlugin._max_min,
    "min": TypedTorchPlugin._max_min,
    "topk": TypedTorchPlugin._topk,
    "__getitem__": TypedTorchPlugin._getitem,
    "split": TypedTorchPlugin._split,
    "chunk": TypedTorchPlugin._split,
    "size": TypedTorchPlugin._size,
    "tril": TypedTorchPlugin._tri,
    "triu": TypedTorchPlugin._tri,
    **{name: _m(name) for name in ops.OPERATORS},
    **{name: TypedTorchPlugin._reduce for name in _REDUCTIONS},
}

_FUNCTIONS: Final[dict[str, Callable[[TypedTorchPlugin, SigContext], Decision | None]]] = {
    "flatten": TypedTorchPlugin._flatten,
    "reshape": TypedTorchPlugin._view,
    "cat": TypedTorchPlugin._cat,
    "concat": TypedTorchPlugin._cat,
    "stack": TypedTorchPlugin._stack,
    "transpose": TypedTorchPlugin._transpose,
    "permute": TypedTorchPlugin._permute,
    "unsqueeze": TypedTorchPlugin._unsqueeze,
    "squeeze": TypedTorchPlugin._squeeze,
    "where": TypedTorchPlugin._where,
    "masked_fill": TypedTorchPlugin._masked_fill,
    "matmul": TypedTorchPlugin._binary_fn,
    "mm": TypedTorchPlugin._binary_fn,
    "bmm": TypedTorchPlugin._binary_fn,
    "einsum": TypedTorchPlugin._einsum,
    "split": TypedTorchPlugin._split,
    "chunk": TypedTorchPlugin._split,
    "topk": TypedTorchPlugin._topk,
    "tril": TypedTorchPlugin._tri,
    "triu": TypedTorchPlugin._tri,
    **{name: TypedTorchPlugin._reduce for name in _REDUCTIONS},
    **{name: _fn(name) for name in ("maximum", "minimum", "floor_divide", "remainder")},
}

_INT_ARITHMETIC: Final = {
    "builtins.int.__add__": lambda a, b: a + b,
    "builtins.int.__radd__": lambda a, b: b + a,
    "builtins.int.__sub__": lambda a, b: a - b,
    "builtins.int.__rsub__": lambda a, b: b - a,
    "builtins.int.__mul__": lambda a, b: a * b,
    "builtins.int.__rmul__": lambda a, b: b * a,
    "builtins.int.__floordiv__": lambda a, b: a // b if b else None,
    "builtins.int.__rfloordiv__": lambda a, b: b // a if a else None,
    "builtins.int.__mod__": lambda a, b: a % b if b else None,
    "builtins.int.__neg__": None,
}


def _int_arithmetic(op: Callable[[int, int], int | None] | None) -> Callable[[MethodContext], Type]:
    """Literal sizes survive integer arithmetic: ``32 * 32`` is ``Literal[1024]`` (mypy: ``int``)."""

    def hook(ctx: MethodContext) -> Type:
        a = literal_int(ctx.type)
        if op is None:
            return (
                LiteralType(-a, fallback=ctx.api.named_generic_type("builtins.int", []))
                if a is not None
                else ctx.default_return_type
            )
        if a is None or not ctx.arg_types or len(ctx.arg_types[0]) != 1:
            return ctx.default_return_type
        b = literal_int(ctx.arg_types[0][0])
        if b is None or type(ctx.default_return_type) is not Instance:
            return ctx.default_return_type
        ret = get_proper_type(ctx.default_return_type)
        if not isinstance(ret, Instance) or ret.type.fullname != "builtins.int":
            return ctx.default_return_type
        value = op(a, b)
        if value is None or abs(value) > 2**62:
            return ctx.default_return_type
        return LiteralType(value, fallback=ret)

    return hook


# ------------------------------------------------------------- argument helpers

_NO_ITEM = object()  # an index expression the plugin cannot read
_UNKNOWN_INT = object()  # an int index of unknown value


def _index_item(api: CheckerPluginInterface, e: Expression) -> object:
    """One part of ``x[...]`` as ``typedtorch._oprules.getitem`` reads it."""
    if isinstance(e, NameExpr) and e.name == "None":
        return None
    if isinstance(e, EllipsisExpr):
        return Ellipsis
    if isinstance(e, SliceExpr):
        bounds: list[object] = []
        for part in (e.begin_index, e.end_index, e.stride):
            if part is None:
                bounds.append(None)
                continue
            v = _literal_values(api, part)
            bounds.append(v[0] if len(v) == 1 and isinstance(v[0], int) else UNKNOWN_DIM)
        return rules.Slice(*bounds)
    if isinstance(e, ListExpr):
        if any(isinstance(i, StarExpr) for i in e.items):
            return _NO_ITEM
        return rules.Gather((len(e.items),))
    t = get_proper_type(_type_of(api, e))
    sh = tensor_shape(t)
    if sh is not None:
        if not sh.fixed or len(sh) != 1:
            return _NO_ITEM  # a mask, or an index of unknown rank
        return rules.Gather(sh.dims)
    n = literal_int(t)
    if n is not None:
        return n
    if (isinstance(t, Instance) and t.type.fullname == "builtins.int") or (
        isinstance(t, Instance) and t.type.fullname == DIM
    ):
        return _UNKNOWN_INT
    return _NO_ITEM


def _known_size(api: CheckerPluginInterface, e: Expression) -> int | None:
    """The value of a size expression mypy widened to ``int`` (``n`` after ``n = 784``,
    ``32 * 32``), where the constant analysis knows it."""
    return known_int(e, _trees(api, e)) if isinstance(e, RefExpr | OpExpr) else None


def _size_of(t: Type) -> Dim | None:
    """A size argument as a dim: a literal, the symbol of a ``Dim[B]``, ``Any`` for a plain ``int``."""
    p = get_proper_type(t)
    n = literal_int(p)
    if n is not None:
        return n
    if isinstance(p, Instance):
        if p.type.fullname == DIM and p.args:
            inner = p.args[0]
            m = literal_int(inner)
            return m if m is not None else inner
        if p.type.fullname == "builtins.int" or p.type.has_base(DIM):
            return ops.ANY
    return None


def _int(api: CheckerPluginInterface) -> Instance:
    return api.named_generic_type("builtins.int", [])


def _is_none(e: Expression) -> bool:
    return isinstance(e, NameExpr) and e.name == "None"


def _bool_arg(args: Sequence[_Arg], index: int, name: str) -> bool | None:
    e = _pick(args, index, name)
    if e is None:
        return False
    if isinstance(e, NameExpr) and e.name in ("True", "False"):
        return e.name == "True"
    return None


def _int_list(api: CheckerPluginInterface, args: Sequence[_Arg]) -> list[int] | None:
    """``permute(0, 2, 1)`` or ``permute((0, 2, 1))``: the ints, or None."""
    if len(args) == 1:
        values = _literal_values(api, args[0][0])
        if values and all(isinstance(v, int) for v in values):
            return [int(v) for v in values]  # type: ignore[arg-type]
        return None
    out: list[int] = []
    for e, kind, _ in args:
        if kind != ARG_POS:
            return None
        v = _literal_values(api, e)
        if len(v) != 1 or not isinstance(v[0], int):
            return None
        out.append(v[0])
    return out


def _gradual(t: Type) -> bool:
    """A tensor whose rank is unknown (``Tensor[*tuple[Any, ...], ...]``)."""
    sh = tensor_shape(t)
    return sh is not None and not sh.fixed
