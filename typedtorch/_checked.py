"""``@tt.checked``: the annotations mypy reads, enforced by beartype at run time.

How a call is checked
    ``checked(fn)`` resolves ``fn``'s annotations once, at decoration time
    (``typing.get_type_hints(include_extras=True)``; a name that cannot be resolved
    is an error right there, never a skipped check). The returned wrapper, per call:

    1. puts a fresh *frame* of dim bindings in ``_runtime_types.FRAME`` (a
       ``ContextVar``: per thread and per asyncio task), pre-filled from
       ``self.__typedtorch_dims__()`` for methods of classes that define it;
    2. calls a beartype wrapper built (on the first call) from the resolved hints.
       beartype checks every annotation as usual; a shape type
       (``Matrix[B, Literal[784]]``) is a class whose ``__instancecheck__`` binds
       ``B`` in the frame, so ``B`` must agree across arguments and return value;
    3. the body runs with the frame switched off (nested checked calls get their
       own; unchecked code called from the body cannot see or change it);
    4. the frame is dropped when the call ends.

Errors
    A violation of an annotation that mentions a tensor type becomes
    :class:`~typedtorch.ShapeError` (a ``TypeError``) naming the function, the
    parameter or ``return``, the annotation (``Matrix[B, 784]``), the actual shape
    and the dims bound before it (``B=32``); the same facts are attributes
    (``function``, ``parameter``, ``expected``, ``shape``, ``bound``). Violations
    of other annotations (``n: int`` given a string) stay beartype's own
    ``BeartypeCallHintViolation``: beartype's message is the better one there, and
    code catching beartype's exceptions keeps working.

Module-level dims
    A class whose instances know sizes named by its TypeVars (``Linear[I, O]``)
    defines ``__typedtorch_dims__(self) -> Mapping[TypeVar | TypeVarTuple, int |
    tuple[int, ...]]``; checked methods (first parameter ``self``) start each call
    with those dims bound, so ``x: Matrix[B, I]`` must have ``I`` equal to the
    layer's input size.

jaxtyping
    ``Float[tt.Tensor, "b 784"]`` annotations are checked by jaxtyping's own
    ``__instancecheck__``. When a function has any, its call binds dims in
    jaxtyping's memo (pushed per call) and the shape types bind there too, keyed by
    name: ``x: Float[tt.Tensor, "B 784"]`` and ``y: Matrix[B, Literal[10]]`` share
    ``B``. jaxtyping keeps that memo per thread, not per asyncio task, so an
    ``async def`` with jaxtyping annotations is refused at decoration time.

``TYPEDTORCH_CHECKS=0`` (read when decorating) returns functions unchanged.

Cost
    Decorating resolves the hints (a ``get_type_hints`` call); beartype's own wrapper
    is generated at the function's first call (about a millisecond each), so importing
    a module full of checked functions stays cheap, and beartype is imported only
    then, never by ``import typedtorch``. A beartype error about an unsupported hint
    therefore surfaces at the first call. A checked call costs about 2.5 µs for three
    tensor arguments and a tensor result (``benchmarks/checked_overhead.py``).
"""

from __future__ import annotations

import ast
import functools
import inspect
import os
import sys
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, TypeVarTuple

from . import _runtime_types as rt
from ._errors import ShapeError

F = TypeVar("F", bound=Callable[..., Any])

_OFF = frozenset({"0", "false", "no", "off"})


def checks_enabled() -> bool:
    """False when the environment variable ``TYPEDTORCH_CHECKS`` is ``0`` (or false/no/off)."""
    return os.environ.get("TYPEDTORCH_CHECKS", "1").strip().lower() not in _OFF


class _NeverRaised(Exception):
    """Stands in for beartype's violation class until beartype is imported."""


# beartype's BeartypeCallHintViolation once beartype is imported (first checked call).
_Violation: type[BaseException] = _NeverRaised


def checked(fn: F, /) -> F:
    """Check a function's (or method's, or every method of a class's) annotations
    at each call, tensor shapes included. See the module docstring.

    >>> from typing import Literal, TypeVar
    >>> import typedtorch as tt
    >>> B = TypeVar("B")
    >>> @tt.checked
    ... def first(x: tt.Matrix[B, Literal[3]]) -> tt.Vector[Literal[3]]:
    ...     return x[0]
    >>> first(tt.zeros(2, 3)).shape
    (3,)
    """
    if not checks_enabled():
        return fn
    return typing.cast(F, _checked(fn, _locals_of(sys._getframe(1))))


def hook_checked(fn: F, /) -> F:
    """The decorator the import hook adds (it is installed only with checks on).

    Unlike ``@tt.checked`` it changes nothing but adds checks: a string annotation
    whose evaluation could have side effects (a call) is left unchecked rather than
    evaluated, and a name that is not defined yet (a forward reference under
    ``from __future__ import annotations``) is resolved at the end of the module's
    import, when the module is complete.
    """
    return typing.cast(F, _checked(fn, _locals_of(sys._getframe(1)), hook=True))


def _locals_of(frame: types.FrameType) -> dict[str, Any] | None:
    """The names an annotation could see where the function was defined, beyond its
    module's globals: the enclosing function's locals, or the class body's."""
    if frame.f_locals is frame.f_globals:
        return None
    return dict(frame.f_locals)


def _checked(obj: Any, localns: dict[str, Any] | None, hook: bool = False) -> Any:
    if isinstance(obj, staticmethod | classmethod):
        return type(obj)(_checked(obj.__func__, localns, hook))
    if isinstance(obj, property):
        fget, fset, fdel = (None if f is None else _checked(f, localns, hook) for f in (obj.fget, obj.fset, obj.fdel))
        return obj.__class__(fget, fset, fdel, obj.__doc__)
    if isinstance(obj, type):
        return _checked_class(obj, localns)
    if not isinstance(obj, types.FunctionType):
        raise TypeError(f"@tt.checked applies to functions, methods and classes, not {type(obj).__name__}")
    return check_function(obj, localns, hook=hook)


def _checked_class(cls: type, localns: dict[str, Any] | None) -> type:
    ns = {**(localns or {}), cls.__name__: cls}
    for name, member in list(vars(cls).items()):
        inner = member.__func__ if isinstance(member, staticmethod | classmethod) else member
        if isinstance(member, property) or (isinstance(inner, types.FunctionType) and inner.__annotations__):
            setattr(cls, name, _checked(member, ns))
    return cls


# ----------------------------------------------------------------- resolving hints


def _enclosing_classes(fn: types.FunctionType) -> set[str]:
    parts = fn.__qualname__.split(".")[:-1]
    return {p for p in parts if p != "<locals>"}


def resolve_hints(
    fn: types.FunctionType, localns: Mapping[str, Any] | None, *, hook: bool = False, defer: bool = False
) -> dict[str, Any] | None:
    """``fn``'s annotations as objects, or None when one names a class still being
    defined (``-> Linear`` inside ``class Linear``): those resolve at the first call.

    With ``hook`` (the import hook's functions), string annotations whose evaluation
    could have side effects are left out, unchecked; with ``defer``, a name that is
    not defined yet gives None too (resolved later) instead of an error.

    Raises ``NameError`` naming the parameter for a name that is not defined at run
    time, and ``TypeError`` for an annotation that is not a valid type.
    """
    ns = dict(localns) if localns else None
    annotations = fn.__annotations__
    if hook and any(isinstance(a, str) and not is_pure(a) for a in annotations.values()):
        annotations = {k: a for k, a in annotations.items() if not isinstance(a, str) or is_pure(a)}
    target: Any = fn if annotations is fn.__annotations__ else types.SimpleNamespace(__annotations__=annotations)
    try:
        return typing.get_type_hints(target, globalns=fn.__globals__, localns=ns, include_extras=True)
    except NameError as e:
        if e.name in _enclosing_classes(fn) or defer:
            return None
        where, ann = _culprit(fn, annotations, ns)
        raise NameError(
            f"@tt.checked {_qualname(fn)}: cannot resolve the annotation of {where} ({ann}) at decoration time: "
            f"{e}. Is it imported only under `if TYPE_CHECKING:`? Checked annotations need their names at run "
            "time; import it normally (typedtorch never skips a check it cannot resolve)",
            name=e.name,
        ) from e
    except Exception as e:
        where, ann = _culprit(fn, annotations, ns)
        raise TypeError(
            f"@tt.checked {_qualname(fn)}: the annotation of {where} ({ann}) is not a valid type: {e}"
        ) from e


def _culprit(fn: types.FunctionType, annotations: dict[str, Any], ns: dict[str, Any] | None) -> tuple[str, str]:
    """The first annotation of ``fn`` that does not evaluate, and its source text."""
    for name, ann in annotations.items():
        holder = types.SimpleNamespace(__annotations__={name: ann})
        try:
            typing.get_type_hints(holder, globalns=fn.__globals__, localns=ns, include_extras=True)
        except Exception:
            return ("the return value" if name == "return" else f"parameter {name!r}"), str(
                ann if isinstance(ann, str) else rt.show_hint(ann)
            )
    return "an annotation", "?"


# Node types an annotation may consist of and still be evaluated without side effects
# beyond what typing constructs do: names, attributes, subscripts, literals, `X | Y`.
_PURE_NODES = (
    ast.Expression,
    ast.Name,
    ast.Load,
    ast.Attribute,
    ast.Subscript,
    ast.Constant,
    ast.Tuple,
    ast.List,
    ast.Starred,
    ast.BinOp,
    ast.BitOr,
    ast.UnaryOp,
    ast.USub,
)
_purity: dict[str, bool] = {}


def is_pure(source: str) -> bool:
    """Can the annotation ``source`` be evaluated without running user code of note (no calls, no lambdas)?"""
    known = _purity.get(source)
    if known is None:
        try:
            tree = ast.parse(source.strip(), mode="eval")
        except SyntaxError:
            known = True  # typing reports the error itself, as for any malformed annotation
        else:
            known = all(isinstance(node, _PURE_NODES) for node in ast.walk(tree)) and all(
                isinstance(node.op, ast.BitOr) for node in ast.walk(tree) if isinstance(node, ast.BinOp)
            )
        if len(_purity) < 4096:
            _purity[source] = known
    return known


# ------------------------------------------------ modules being imported by the hook

_importing: dict[str, list[Callable[[], None]]] = {}


def begin_import(module: str) -> None:
    """The import hook starts executing ``module``: name lookups that fail may wait for its end."""
    _importing[module] = []


def end_import(module: str, completed: bool) -> None:
    """``module`` has run: resolve what waited for it (a failure fails the import)."""
    pending = _importing.pop(module, [])
    if completed:
        for finish in pending:
            finish()


def _at_end_of_import(module: object, finish: Callable[[], None]) -> bool:
    """Run ``finish`` when the hooked import of ``module`` ends; False if it is not being imported."""
    pending = _importing.get(module) if isinstance(module, str) else None
    if pending is None:
        return False
    pending.append(finish)
    return True


def _qualname(fn: Callable[..., Any]) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def _mentions(hint: object, pred: Callable[[object], bool]) -> bool:
    if pred(hint):
        return True
    return any(_mentions(a, pred) for a in typing.get_args(hint) if a is not Ellipsis)


def is_jaxtyping(hint: object) -> bool:
    return type(hint).__module__.startswith("jaxtyping")


def is_tensor_hint(hint: object) -> bool:
    """Does ``hint`` mention a shape type or a jaxtyping array type anywhere?"""
    return _mentions(hint, lambda h: rt.is_shape_type(h) or is_jaxtyping(h))


# ------------------------------------------------------------------------ the wrapper


class _Plan:
    """What one checked function needs at call time; built at decoration."""

    def __init__(self, fn: types.FunctionType, hints: dict[str, Any]) -> None:
        self.fn = fn
        self.hints = hints
        self.shared = any(_mentions(h, is_jaxtyping) for h in hints.values())
        if self.shared and inspect.iscoroutinefunction(fn):
            raise TypeError(
                f"@tt.checked {_qualname(fn)}: jaxtyping annotations on an async function are not supported: "
                "jaxtyping keeps its dim bindings per thread, not per asyncio task, so concurrent calls would "
                "mix them. Use typedtorch shape types (Tensor[B, Literal[784]]) there"
            )
        self.signature: inspect.Signature | None = None

    def beartyped(self, shim: Callable[..., Any]) -> Callable[..., Any]:
        """beartype's wrapper around ``shim``, checking the resolved hints."""
        global _Violation
        from beartype import beartype
        from beartype.roar import BeartypeCallHintViolation

        _Violation = BeartypeCallHintViolation
        fn = self.fn
        # A twin of fn carrying the resolved hints: beartype reads them from it, and
        # the user's function object is left as it was.
        twin = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__, fn.__defaults__, fn.__closure__)
        twin.__kwdefaults__ = fn.__kwdefaults__
        twin.__qualname__ = fn.__qualname__
        twin.__module__ = fn.__module__
        twin.__doc__ = fn.__doc__
        twin.__annotations__ = self.hints
        functools.update_wrapper(shim, twin)
        shim.__wrapped__ = twin  # type: ignore[attr-defined]
        wrapped: Callable[..., Any] = beartype(shim)
        return wrapped


_get_frame = rt.FRAME.get
_set_frame = rt.FRAME.set
_reset_frame = rt.FRAME.reset


def check_function(
    fn: types.FunctionType, localns: Mapping[str, Any] | None = None, *, hook: bool = False
) -> Callable[..., Any]:
    """The checked version of a plain function (``checked`` minus the env switch).

    ``hook``: called by the import hook; see :func:`hook_checked`.
    """
    if getattr(fn, "__typedtorch_checked__", False) or not fn.__annotations__:
        return fn
    importing = hook and fn.__module__ in _importing
    hints = resolve_hints(fn, localns, hook=hook, defer=importing)
    if hints is not None and not hints:
        return fn
    code = fn.__code__
    method = code.co_argcount > 0 and code.co_varnames[0] == "self"
    is_async = inspect.iscoroutinefunction(fn)
    plan = _Plan(fn, hints) if hints is not None else None
    special = True  # a method or jaxtyping annotations: start() has work to do

    def prepare(args: tuple[Any, ...]) -> Callable[..., Any] | None:
        """Build the beartype wrapper (on the first call); None while a forward reference cannot resolve yet."""
        nonlocal plan, special
        if plan is None:  # named a class that was being defined: it exists now
            ns = dict(localns or {})
            if method and args:
                ns.update((c.__name__, c) for c in reversed(type(args[0]).__mro__))
            waiting = hook and fn.__module__ in _importing
            resolved = resolve_hints(fn, ns, hook=hook, defer=waiting)
            if resolved is None and waiting:
                return None  # called while its module still runs: the name comes later; unchecked until then
            if resolved is None:
                raise NameError(f"@tt.checked {_qualname(fn)}: an annotation names a class that is still undefined")
            plan = _Plan(fn, resolved)
        special = method or plan.shared
        return plan.beartyped(_async_shim(fn) if is_async else _shim(fn))

    def start(args: tuple[Any, ...]) -> rt.Frame:
        """A fresh frame for one call, holding the instance's dims for methods."""
        shared = plan.shared  # type: ignore[union-attr]
        frame: rt.Frame = ({}, {}, [shared, None, shared])
        single, variadic = (_jax_push()[:2]) if shared else (frame[0], frame[1])
        if method and args:
            hook = getattr(type(args[0]), "__typedtorch_dims__", None)
            if hook is not None:
                try:
                    _prebind(hook(args[0]), single, variadic, fn)
                except BaseException:
                    if shared:
                        _jax_pop()
                    raise
        return frame

    def fail(e: BaseException, args: tuple[Any, ...], kwargs: dict[str, Any], frame: rt.Frame) -> BaseException:
        """The exception to raise for a beartype violation ``e`` met in this call."""
        if _from_body(e, code) or plan is None:
            return e
        return _shape_error(plan, e, args, kwargs, frame, method) or e

    impl: Callable[..., Any] | None = None

    if plan is None and importing:
        # A forward reference: the name may be defined further down the module.

        def finish() -> None:
            nonlocal plan
            if plan is None:
                resolved = resolve_hints(fn, localns, hook=True)  # raises if it still does not resolve
                if resolved is not None:  # else: names an enclosing class, resolved at the first call
                    plan = _Plan(fn, resolved)

        _at_end_of_import(fn.__module__, finish)

    wrapper: Callable[..., Any]
    if is_async:

        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            nonlocal impl
            if impl is None:
                impl = prepare(args)
                if impl is None:
                    return await fn(*args, **kwargs)
            frame = start(args)
            token = _set_frame(frame)
            try:
                return await impl(*args, **kwargs)
            except _Violation as e:
                raise fail(e, args, kwargs, frame) from None
            finally:
                _reset_frame(token)

        wrapper = async_wrapper
    else:

        def sync_wrapper(*args: Any, **kwargs: Any) -> Any:
            nonlocal impl
            if impl is None:
                impl = prepare(args)
                if impl is None:
                    return fn(*args, **kwargs)
            frame = start(args) if special else ({}, {}, [False, None, False])
            token = _set_frame(frame)
            try:
                return impl(*args, **kwargs)
            except _Violation as e:
                raise fail(e, args, kwargs, frame) from None
            finally:
                _reset_frame(token)
                if frame[2][2]:
                    _jax_pop()

        wrapper = sync_wrapper

    functools.update_wrapper(wrapper, fn)
    wrapper.__dict__["__typedtorch_checked__"] = True
    return wrapper


def _shim(fn: Callable[..., Any]) -> Callable[..., Any]:
    """What beartype calls between the argument and return checks: the body, with
    the frame switched off so code called from the body cannot bind in it."""

    def shim(*args: Any, **kwargs: Any) -> Any:
        state = _get_frame()[2]  # type: ignore[index]
        was = state[0]
        state[0] = True
        try:
            result = fn(*args, **kwargs)
        finally:
            state[0] = was
        state[1] = result  # kept for the error message if the return check fails
        return result

    return shim


def _async_shim(fn: Callable[..., Any]) -> Callable[..., Any]:
    async def shim(*args: Any, **kwargs: Any) -> Any:
        state = _get_frame()[2]  # type: ignore[index]
        was = state[0]
        state[0] = True
        try:
            result = await fn(*args, **kwargs)
        finally:
            state[0] = was
        state[1] = result
        return result

    return shim


_SHIM_CODES = (_shim(print).__code__, _async_shim(print).__code__)


def _from_body(e: BaseException, code: types.CodeType) -> bool:
    """Was ``e`` raised inside the body (by something the body called), rather than
    by this call's own argument or return checks?"""
    tb = e.__traceback__
    while tb is not None:
        c = tb.tb_frame.f_code
        if c is code or c in _SHIM_CODES:
            return True
        tb = tb.tb_next
    return False


def _jax_push() -> Any:
    from jaxtyping._storage import push_shape_memo

    return push_shape_memo({})


def _jax_pop() -> None:
    from jaxtyping._storage import pop_shape_memo

    pop_shape_memo()


def _prebind(dims: Mapping[Any, Any], single: rt.Single, variadic: rt.Variadic, fn: Callable[..., Any]) -> None:
    for k, v in dims.items():
        if isinstance(k, TypeVar):
            single[k.__name__] = int(v)
        elif isinstance(k, TypeVarTuple):
            variadic[k.__name__] = (False, tuple(int(d) for d in v))
        else:
            raise TypeError(
                f"@tt.checked {_qualname(fn)}: __typedtorch_dims__ must map TypeVars (or TypeVarTuples) "
                f"to sizes, got key {k!r}"
            )


# ---------------------------------------------------------------------- diagnosis


def _shape_of(value: object) -> tuple[int, ...] | None:
    shape = getattr(value, "shape", None)
    if isinstance(shape, tuple) and all(isinstance(d, int) for d in shape):
        return shape
    return None


def short_name(qualname: str) -> str:
    """``Net.forward``; a function defined inside another loses the ``f.<locals>.`` part."""
    return qualname.rpartition("<locals>.")[2]


def _got(value: object) -> str:
    shape = _shape_of(value)
    if shape is not None:
        return f"shape {shape}"
    return (
        f"{type(value).__name__} {value!r:.60}" if isinstance(value, int | float | str) else f"a {type(value).__name__}"
    )


def make_shape_error(
    function: str, where: str, hint: object, value: object, reason: str | None, single: rt.Single, variadic: rt.Variadic
) -> ShapeError:
    """``f() parameter 'x': expected Matrix[B, 784], got shape (32, 100) (dim 1 is 100,
    expected 784); bound so far: B=32`` -- with the same facts as attributes."""
    expected = rt.show_hint(hint)
    bound = rt.bound_dims(single, variadic)
    because = f" ({reason})" if reason else ""
    call = function if function.startswith("module ") else f"{function}() "
    err = ShapeError(f"{call}{where}: expected {expected}, got {_got(value)}{because}; bound so far: {bound}")
    err.function = function  # type: ignore[attr-defined]
    err.parameter = where.split("'")[1] if "'" in where else where.strip(": ")  # type: ignore[attr-defined]
    err.expected = expected  # type: ignore[attr-defined]
    err.shape = _shape_of(value)  # type: ignore[attr-defined]
    err.bound = {k: v for k, v in single.items() if not k.startswith("~~")}  # type: ignore[attr-defined]
    err.bound.update({f"*{k}": v[1] for k, v in variadic.items() if not k.startswith("~~")})  # type: ignore[attr-defined]
    return err


def reason_for(hint: object, value: object, single: rt.Single, variadic: rt.Variadic) -> str | None:
    if rt.is_shape_type(hint):
        return rt.explain(hint, value, single, variadic)  # type: ignore[arg-type]
    if is_jaxtyping(hint):
        why: str = hint.__instancecheck_str__(value)  # type: ignore[attr-defined]
        return why or None
    return None


def _shape_error(
    plan: _Plan, e: BaseException, args: tuple[Any, ...], kwargs: dict[str, Any], frame: rt.Frame, method: bool
) -> ShapeError | None:
    """Replay the checks of this call in order with a fresh frame to find which
    annotation failed and what was bound before it; None if it is not a tensor one."""
    from beartype.door import is_bearable
    from beartype.roar import BeartypeCallHintReturnViolation

    fn = plan.fn
    if plan.signature is None:
        plan.signature = inspect.signature(fn)
    try:
        bound = plan.signature.bind(*args, **kwargs)
    except TypeError:
        return None
    replay: rt.Frame = ({}, {}, [plan.shared, None, plan.shared])
    token = rt.FRAME.set(replay)
    if plan.shared:
        _jax_push()
    try:
        if plan.shared:
            single, variadic = rt.active_memo(None)
        else:
            single, variadic = replay[0], replay[1]
        if method and args:
            hook = getattr(type(args[0]), "__typedtorch_dims__", None)
            if hook is not None:
                _prebind(hook(args[0]), single, variadic, fn)
        name = short_name(fn.__qualname__)
        for pname, param in plan.signature.parameters.items():
            if pname not in plan.hints or pname not in bound.arguments:
                continue
            hint = plan.hints[pname]
            value = bound.arguments[pname]
            items = (
                list(value)
                if param.kind is param.VAR_POSITIONAL
                else list(value.values())
                if param.kind is param.VAR_KEYWORD
                else [value]
            )
            for item in items:
                before = (dict(single), dict(variadic))
                if not is_bearable(item, hint):
                    if not is_tensor_hint(hint):
                        return None
                    return make_shape_error(
                        name, f"parameter {pname!r}", hint, item, reason_for(hint, item, *before), *before
                    )
        if isinstance(e, BeartypeCallHintReturnViolation) and "return" in plan.hints:
            hint = plan.hints["return"]
            if not is_tensor_hint(hint):
                return None
            value = frame[2][1]
            before = (dict(single), dict(variadic))
            return make_shape_error(name, "return", hint, value, reason_for(hint, value, *before), *before)
        return None
    finally:
        if plan.shared:
            _jax_pop()
        rt.FRAME.reset(token)


# ----------------------------------------------------------- annotated assignments


_UNRESOLVED: Any = object()
_resolved_vars: dict[tuple[types.CodeType, str], Any] = {}  # (code, annotation source) -> hint, or _UNRESOLVED
_warned_vars: set[tuple[types.CodeType, str, str]] = set()


def check_variable(value: object, source: str, name: str, bind: bool, module_level: bool) -> None:
    """``name: <source> = value`` checked (the import hook inserts these calls after the assignment).

    The annotation is taken as Python left it: at module level (not for ``Final[X]``)
    from the module's ``__annotations__``, already evaluated by Python; in a function
    (where Python never evaluates it) from its source text, evaluated once per site
    in the function's globals (then locals), and only when that cannot have side
    effects. An annotation that cannot be evaluated (a name imported under
    ``TYPE_CHECKING`` only) or might have side effects is not checked, with a warning
    once per site; at module level a name not defined yet waits for the end of the
    import. String annotations resolve in the caller's module.

    With ``bind`` (the assignment is in a checked function's body, or nested in
    one), shape types use that call's dims; otherwise the annotation is checked on
    its own. Tensor annotations raise ``ShapeError``, others beartype's violation.
    """
    caller = sys._getframe(1)
    annotation: object = source
    if module_level:
        annotations = caller.f_globals.get("__annotations__")
        if isinstance(annotations, dict) and name in annotations:
            annotation = annotations[name]
    hint = _variable_hint(annotation, source, caller, name, value)
    if hint is not _UNRESOLVED:
        _check_value(value, hint, name, bind, caller.f_code.co_qualname, caller.f_globals.get("__name__"))


def _has_forward_ref(hint: object) -> bool:
    if isinstance(hint, str | typing.ForwardRef):
        return True
    return any(_has_forward_ref(a) for a in typing.get_args(hint) if a is not Ellipsis)


def _variable_hint(annotation: object, source: str, caller: types.FrameType, name: str, value: object) -> Any:
    """The hint ``annotation`` (source text, or what Python evaluated) denotes where ``caller`` runs, or _UNRESOLVED."""
    code = caller.f_code
    if not isinstance(annotation, str):
        if not _has_forward_ref(annotation):
            return annotation  # evaluated by Python already: used as it is
    else:
        key = (code, annotation)
        hint = _resolved_vars.get(key, _UNRESOLVED)
        if hint is not _UNRESOLVED:
            return hint
        if not is_pure(annotation):
            return _skip(code, source, name, "evaluating it could have side effects (Python never evaluates it here)")
    holder = types.SimpleNamespace(__annotations__={name: annotation})
    globalns = caller.f_globals
    try:
        hint = typing.get_type_hints(holder, globalns=globalns, include_extras=True)[name]
    except NameError as first:
        try:  # a local name (a TypeVar made in the function, say): not cached
            return typing.get_type_hints(holder, globalns=globalns, localns=caller.f_locals, include_extras=True)[name]
        except Exception:
            pass
        if code.co_name == "<module>" and _at_end_of_import(
            globalns.get("__name__"), _Pending(caller, annotation, name, value)
        ):
            return _UNRESOLVED
        return _skip(code, source, name, f"{first}")
    except Exception as e:
        return _skip(code, source, name, f"it is not a valid type: {e}")
    if isinstance(annotation, str) and len(_resolved_vars) < 65536:
        _resolved_vars[(code, annotation)] = hint
    return hint


def _skip(code: types.CodeType, source: str, name: str, why: str) -> Any:
    key = (code, source, name)
    if key not in _warned_vars:
        _warned_vars.add(key)
        import warnings

        where = "at module level" if code.co_name == "<module>" else f"in {code.co_qualname}()"
        warnings.warn_explicit(
            f"typedtorch import hook: variable {name!r} {where} is not checked: its annotation {source!r} "
            f"cannot be evaluated: {why}",
            UserWarning,
            code.co_filename,
            code.co_firstlineno,
        )
    return _UNRESOLVED


class _Pending:
    """A module-level variable check waiting for the end of the module's import (a forward reference)."""

    def __init__(self, caller: types.FrameType, annotation: object, name: str, value: object) -> None:
        self.globals, self.annotation, self.name, self.value = caller.f_globals, annotation, name, value
        self.module = caller.f_globals.get("__name__")

    def __call__(self) -> None:
        holder = types.SimpleNamespace(__annotations__={self.name: self.annotation})
        try:
            hint = typing.get_type_hints(holder, globalns=self.globals, include_extras=True)[self.name]
        except NameError as e:
            shown = self.annotation if isinstance(self.annotation, str) else rt.show_hint(self.annotation)
            raise NameError(
                f"module {self.module}: variable {self.name!r}: cannot resolve its annotation {shown!r} at the "
                f"end of the import: {e}. Is it imported only under `if TYPE_CHECKING:`? Import it normally "
                "(typedtorch never skips a check it cannot resolve)",
                name=e.name,
            ) from e
        _check_value(self.value, hint, self.name, False, "<module>", self.module)


def _check_value(value: object, hint: Any, name: str, bind: bool, qualname: str, module: object) -> None:
    frame = _get_frame()
    own = bind and frame is not None and not frame[2][2]
    if own:
        state = frame[2]  # type: ignore[index]
        was = state[0]
        state[0] = False
    try:
        if rt.is_shape_type(hint):
            ok = isinstance(value, hint)
        else:
            from beartype.door import is_bearable

            ok = is_bearable(value, hint)
        if ok:
            return
        single, variadic = (frame[0], frame[1]) if own else rt.active_memo(None)  # type: ignore[index]
        if not is_tensor_hint(hint):
            from beartype.door import die_if_unbearable

            die_if_unbearable(value, hint)
            return
        where = f"variable {name!r}"
        if qualname == "<module>":  # `W: Matrix[...] = ...` at module level
            qualname, where = f"module {module}", f": {where}"
        raise make_shape_error(
            short_name(qualname), where, hint, value, reason_for(hint, value, single, variadic), single, variadic
        )
    finally:
        if own:
            state[0] = was
