"""The run-time view of ``Tensor[*Shape]``: subscriptions that ``isinstance`` can check.

mypy reads ``Tensor`` as ``Generic[*Shape]`` (see ``_tensor.py``). At run time,
``Tensor.__class_getitem__`` is overridden (only when not type checking) to call
:func:`tensor_type` here, so ``Tensor[B, Literal[784]]``, ``Matrix[B, Literal[784]]``,
``Vector[N]``, ``Scalar``, ``Tensor[*S]`` and ``Tensor[*tuple[Any, ...]]`` are all
*shape types*: classes whose metaclass ``__instancecheck__`` checks a tensor's shape.
beartype, ``isinstance`` and jaxtyping's ``array_type`` use them as plain classes.

Dimensions
    ``Literal[n]`` (or ``Literal[n, m]``: one of) is exact; a ``TypeVar`` is a symbol
    bound to a size; ``Any`` (and ``int``: every size is an int) is unchecked; one
    ``*S`` (``TypeVarTuple``) binds a run of dims; ``*tuple[Any, ...]`` is any run.
    Anything else raises ``TypeError`` when the type is built, never a silent pass.

Bindings
    Symbols are bound in the *frame* of the current checked call, kept in the
    ``ContextVar`` ``FRAME`` (so per thread and per asyncio task): a tuple
    ``(single, variadic, state)`` with ``single: {name: size}``, ``variadic:
    {name: (False, sizes)}`` (jaxtyping's memo layout, which lets the two styles share
    dims) and ``state = [use_fallback, result, shared]``. ``@tt.checked``
    (``_checked.py``) makes a fresh frame per call; the frame answers ``isinstance``
    only while that call's arguments and return value are checked, not while its body
    runs (``use_fallback`` is set then), so plain ``@beartype`` functions called from
    the body never see it. Outside a check phase -- a bare ``isinstance``,
    ``@beartype`` -- each check gets a throwaway frame (so ``Tensor[B, B]`` still
    means square), or jaxtyping's memo inside ``@jaxtyped``. Symbols are keyed by
    *name* (``B``), as in jaxtyping.

Speed
    Each distinct annotation is built once (cached) with its own generated (on first use)
    ``__instancecheck__``: a rank test, literal compares, then symbol lookups, binding
    only when the whole shape matches (a failed union member binds nothing).
"""

from __future__ import annotations

import sys
import typing
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import Any, Literal, TypeVar, TypeVarTuple

import typing_extensions

# --------------------------------------------------------------------------- frames

Single = dict[str, int]
Variadic = dict[str, tuple[bool, tuple[int, ...]]]
# (single, variadic, state) with state = [use_fallback, result, shared]: use_fallback
# is True while the checked call's body runs (and always in a call with jaxtyping
# annotations, whose dims live in jaxtyping's memo); result is the body's return value.
Frame = tuple[Single, Variadic, list[Any]]

FRAME: ContextVar[Frame | None] = ContextVar("typedtorch_dims", default=None)


def new_frame() -> Frame:
    return ({}, {}, [False])


def active_memo(frame: object) -> tuple[Single, Variadic]:
    """The dicts a check binds into when no checked call's check phase is active.

    Inside ``@jaxtyped`` (or a ``@tt.checked`` call with jaxtyping annotations, which
    pushes jaxtyping's memo), that is jaxtyping's memo, so both styles share dims;
    otherwise a throwaway pair: the annotation is checked on its own.
    """
    storage = sys.modules.get("jaxtyping._storage")
    if storage is not None and storage._has_shape_memo():
        memo = storage.get_shape_memo()
        return memo[0], memo[1]
    return {}, {}


def bound_dims(single: Mapping[str, int], variadic: Mapping[str, tuple[bool, tuple[int, ...]]]) -> str:
    """``B=32, N=10, S=(3, 4)``, or ``nothing`` (jaxtyping's scratch names skipped)."""
    parts = [f"{k}={v}" for k, v in single.items() if not k.startswith("~~")]
    parts += [f"*{k}={v[1]}" for k, v in variadic.items() if not k.startswith("~~")]
    return ", ".join(parts) if parts else "nothing"


# ----------------------------------------------------------------------- dim specs


class _Run:
    """A run of dims: ``*S`` (``name="S"``) or ``*tuple[Any, ...]`` (``name=None``)."""

    __slots__ = ("name",)

    def __init__(self, name: str | None) -> None:
        self.name = name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Run) and other.name == self.name

    def __hash__(self) -> int:
        return hash((_Run, self.name))


# One dim: an exact size, a set of sizes, a symbol's name, None (any), or a run.
Spec = int | frozenset[int] | str | None | _Run

_UNPACKS = {typing.Unpack, typing_extensions.Unpack}
_ANY_DIMS = (Any, int, typing_extensions.Any)


def _unpacked(p: object) -> object | None:
    """What ``*X`` / ``Unpack[X]`` unpacks, or None if ``p`` is not unpacked."""
    if getattr(p, "__unpacked__", False):  # *tuple[...]: a types.GenericAlias
        return tuple[typing.get_args(p)]  # type: ignore[misc]
    if typing.get_origin(p) in _UNPACKS:
        inner: object = typing.get_args(p)[0]
        return inner
    return None


def _dim_error(p: object, where: str) -> TypeError:
    return TypeError(
        f"{where}: unsupported dimension {_show_param(p)}; a dimension is Literal[n], a TypeVar or Any "
        "(and one *Shape TypeVarTuple or *tuple[Any, ...] for a run of dims)"
    )


def _specs(params: tuple[object, ...], where: str) -> tuple[Spec, ...]:
    """The dim specs of a subscription, runs flattened; raises on what it cannot check."""
    out: list[Spec] = []
    for p in params:
        inner = _unpacked(p)
        if inner is None:
            out.append(_spec(p, where))
            continue
        if isinstance(inner, TypeVarTuple):
            out.append(_Run(inner.__name__))
            continue
        args = typing.get_args(inner)
        if typing.get_origin(inner) is not tuple:
            raise _dim_error(p, where)
        if len(args) == 2 and args[1] is Ellipsis:
            if _spec(args[0], where) is not None:
                raise _dim_error(p, where)
            out.append(_Run(None))
        elif args == ((),):  # *tuple[()]
            continue
        else:
            out.extend(_specs(args, where))
    if sum(isinstance(s, _Run) for s in out) > 1:
        raise TypeError(f"{where}: more than one run of dims (*S or *tuple[Any, ...]) in one shape")
    return tuple(out)


def _spec(p: object, where: str) -> Spec:
    if any(p is a for a in _ANY_DIMS):
        return None
    if isinstance(p, TypeVar):
        return p.__name__
    if typing.get_origin(p) in (Literal, typing_extensions.Literal):
        sizes = typing.get_args(p)
        if sizes and all(type(s) is int and s >= 0 for s in sizes):
            return sizes[0] if len(sizes) == 1 else frozenset(sizes)
    if isinstance(p, TypeVarTuple):
        raise TypeError(f"{where}: a TypeVarTuple must be unpacked: *{p.__name__}")
    if type(p) is int:
        raise TypeError(f"{where}: a size is written Literal[{p}], not {p}")
    raise _dim_error(p, where)


# --------------------------------------------------------------------- shape types


class ShapeMeta(type):
    """Metaclass of shape types. Each shape type gets its own subclass of this
    metaclass, carrying that type's generated ``__instancecheck__``."""

    _tt_params: tuple[object, ...]  # the dims as written: TypeVar, Literal[..], Any, *S, ...
    _tt_specs: tuple[Spec, ...]
    _tt_origin: type  # Tensor
    _tt_alias: str  # "Tensor", "Matrix", "Vector" or "Scalar": how the name is printed

    def __new__(mcls, name: str, bases: tuple[type, ...], ns: dict[str, Any], **kw: Any) -> Any:
        if ns.get("_tt_internal"):
            return super().__new__(mcls, name, bases, ns, **kw)
        # `class P(Tensor[*S]): ...` subclasses Tensor, as it would without this module:
        # rebuild the class with the Generic alias typing would have given as its base.
        import types

        def generic_base(b: type) -> object:
            if isinstance(b, ShapeMeta):
                getitem = typing.Generic.__class_getitem__.__func__  # type: ignore[attr-defined]
                return getitem(b._tt_origin, b._tt_params)
            return b

        new_bases = tuple(generic_base(b) for b in bases)
        body = {k: v for k, v in ns.items() if k not in ("__module__", "__qualname__")}

        def fill(target: dict[str, Any]) -> None:
            target.update(body)
            target["__module__"] = ns.get("__module__", target.get("__module__"))
            target["__qualname__"] = ns.get("__qualname__", name)

        return types.new_class(name, new_bases, kw, fill)

    def __repr__(cls) -> str:
        # What `types.UnionType` prints for a class; beartype wants `repr(T | int)` to
        # start with `repr(T)`. Messages use `display()` instead.
        return f"{cls.__module__}.{cls.__qualname__}"

    def __getitem__(cls, args: object) -> type:
        """Substitute this type's TypeVars: ``Matrix[B, Literal[784]]`` from ``Tensor[M, N]``."""
        if not isinstance(args, tuple):
            args = (args,)
        try:
            return _SUBSTITUTED[cls, args]
        except (KeyError, TypeError):
            pass
        out = _substitute(cls, args)
        try:
            _SUBSTITUTED[cls, args] = out
        except TypeError:
            pass
        return out


_CACHE: dict[tuple[object, ...], type] = {}
_SUBSTITUTED: dict[tuple[type, tuple[object, ...]], type] = {}


def tensor_type(origin: type, params: object, alias: str = "Tensor") -> type:
    """``Tensor[params]`` at run time: the cached shape type for these dims."""
    if not isinstance(params, tuple):
        params = (params,)
    key = (alias, *params)
    try:
        return _CACHE[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable dim: not one we support, _specs says why
        pass
    specs = _specs(params, f"{alias}[{', '.join(_show_param(p) for p in params)}]")
    name = _show(alias, params)

    def first_check(cls: type, obj: object) -> bool:
        """Generate the real check on first use (saves import time), then use it."""
        check = _compile(specs, origin)
        meta.__instancecheck__ = check
        return check(cls, obj)

    meta = ShapeMeta(f"ShapeMeta[{name}]", (ShapeMeta,), {"__instancecheck__": first_check, "_tt_internal": True})
    cls: type = meta(
        name,
        (),
        {
            "_tt_internal": True,
            "_tt_params": params,
            "_tt_specs": specs,
            "_tt_origin": origin,
            "_tt_alias": alias,
            "__module__": "typedtorch",
            "__qualname__": name,
            "__slots__": (),
            "__doc__": f"Run-time shape type for {name}; isinstance checks a tensor's shape.",
        },
    )
    try:
        _CACHE[key] = cls
    except TypeError:
        pass
    return cls


def is_shape_type(hint: object) -> bool:
    return isinstance(hint, ShapeMeta)


def _parameters(params: tuple[object, ...]) -> tuple[object, ...]:
    """The free TypeVars / TypeVarTuples of a subscription, in order of first use."""
    out: list[object] = []
    for p in params:
        inner = _unpacked(p)
        q = inner if isinstance(inner, TypeVarTuple) else p
        if isinstance(q, TypeVar | TypeVarTuple) and q not in out:
            out.append(q)
    return tuple(out)


def _alias_name(cls: ShapeMeta) -> str:
    """``"Matrix"`` when ``cls`` is typedtorch's ``Matrix`` alias (likewise Vector, Scalar)."""
    mod = sys.modules.get("typedtorch._tensor")
    for name in ("Matrix", "Vector", "Scalar"):
        if getattr(mod, name, None) is cls:
            return name
    return cls._tt_alias


def _substitute(cls: ShapeMeta, args: tuple[object, ...]) -> type:
    params = _parameters(cls._tt_params)
    alias = _alias_name(cls)
    if not params:
        raise TypeError(f"{cls.__name__} is not generic: it has no TypeVar left to substitute")
    star = [i for i, p in enumerate(params) if isinstance(p, TypeVarTuple)]
    mapping: dict[object, object] = {}
    if not star:
        if len(args) != len(params) or any(_unpacked(a) is not None for a in args):
            raise TypeError(
                f"{alias}[{', '.join(map(_show_param, cls._tt_params))}] takes {len(params)} "
                f"dimension(s), got {len(args)}: {alias}[{', '.join(map(_show_param, args))}]"
            )
        mapping = dict(zip(params, args, strict=True))
    else:
        i = star[0]
        after = len(params) - i - 1
        if len(args) < len(params) - 1:
            raise TypeError(f"{alias}: too few dimensions to substitute: {len(args)} for {len(params)} parameters")
        mapping = dict(zip(params[:i], args[:i], strict=True))
        mapping.update(zip(params[i + 1 :], args[len(args) - after :], strict=True))
        mapping[params[i]] = tuple(args[i : len(args) - after])
    new: list[object] = []
    for p in cls._tt_params:
        inner = _unpacked(p)
        if isinstance(inner, TypeVarTuple) and inner in mapping:
            new.extend(mapping[inner])  # type: ignore[arg-type]
        else:
            new.append(mapping.get(p, p))
    return tensor_type(cls._tt_origin, tuple(new), alias)


# ------------------------------------------------------------------- display


def _show_param(p: object) -> str:
    """One dim as users write it, literals bare: ``B``, ``784``, ``Any``, ``*S``."""
    inner = _unpacked(p)
    if inner is not None:
        if isinstance(inner, TypeVarTuple):
            return f"*{inner.__name__}"
        args = typing.get_args(inner)
        if len(args) == 2 and args[1] is Ellipsis:
            return f"*tuple[{_show_param(args[0])}, ...]"
        return "*tuple[" + ", ".join(map(_show_param, args)) + "]"
    if isinstance(p, TypeVar | TypeVarTuple):
        return p.__name__
    if p is Any:
        return "Any"
    if typing.get_origin(p) in (Literal, typing_extensions.Literal):
        sizes = typing.get_args(p)
        return str(sizes[0]) if len(sizes) == 1 else "Literal[" + ", ".join(map(repr, sizes)) + "]"
    if isinstance(p, type):
        return p.__qualname__
    return repr(p)


def _show(alias: str, params: tuple[object, ...]) -> str:
    if alias == "Scalar":
        return "Scalar"
    return f"{alias}[{', '.join(map(_show_param, params))}]" if params else f"{alias}[()]"


def display(cls: ShapeMeta) -> str:
    """``Matrix[B, 784]``: the alias it came from, literal sizes bare."""
    return _show(_alias_name(cls), cls._tt_params)


def show_hint(hint: object) -> str:
    """A type hint as users write it: shape types by name, unions with ``|``."""
    if isinstance(hint, ShapeMeta):
        return display(hint)
    if hint is None or hint is type(None):
        return "None"
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Union or (
        origin is not None and origin.__module__ == "types" and origin.__name__ == "UnionType"
    ):
        return " | ".join(show_hint(a) for a in args)
    if origin is not None and args and isinstance(origin, type):
        shown = [("..." if a is Ellipsis else show_hint(a)) for a in args]
        return f"{origin.__qualname__}[{', '.join(shown)}]"
    if isinstance(hint, type) and not getattr(hint, "__args__", None):
        return hint.__name__ if hint.__module__ != "builtins" else hint.__qualname__
    return repr(hint).replace("typing.", "")


# ------------------------------------------------------------------- checking


def _compile(specs: tuple[Spec, ...], tensor: type) -> Callable[[type, object], bool]:
    """Generate ``__instancecheck__`` for one shape: straight-line code, no loops."""
    lines = [
        "def __instancecheck__(cls, obj):",
        "    if not isinstance(obj, Tensor): return False",
        "    shape = obj._data.shape",
    ]
    consts: dict[str, object] = {"Tensor": tensor, "get": FRAME.get, "fallback": active_memo}
    run_at = next((i for i, s in enumerate(specs) if isinstance(s, _Run)), None)
    dims: list[tuple[str, Spec]] = []
    if run_at is None:
        lines.append(f"    if len(shape) != {len(specs)}: return False")
        if specs:
            names = [f"s{i}" for i in range(len(specs))]
            lines.append(f"    {', '.join(names)}, = shape")
            dims = list(zip(names, specs, strict=True))
    else:
        before, after = specs[:run_at], specs[run_at + 1 :]
        lines.append(f"    if len(shape) < {len(before) + len(after)}: return False")
        for i, s in enumerate(before):
            lines.append(f"    s{i} = shape[{i}]")
            dims.append((f"s{i}", s))
        for k, s in enumerate(after):
            lines.append(f"    t{k} = shape[{k - len(after)}]")
            dims.append((f"t{k}", s))
    for var, s in dims:  # exact sizes first: no frame needed to reject most mistakes
        if isinstance(s, int):
            lines.append(f"    if {var} != {s}: return False")
        elif isinstance(s, frozenset):
            consts[f"c_{var}"] = s
            lines.append(f"    if {var} not in c_{var}: return False")
    symbols = [(var, s) for var, s in dims if isinstance(s, str)]
    run = specs[run_at] if run_at is not None else None
    named_run = isinstance(run, _Run) and run.name is not None
    if symbols or named_run:
        lines += ["    f = get()", "    if f is None or f[2][0]: f = fallback(f)", "    single = f[0]"]
        seen: dict[str, str] = {}
        tests: list[str] = []
        for var, s in symbols:
            assert isinstance(s, str)
            if s in seen:  # the same symbol twice in one shape: Tensor[N, N]
                tests.append(f"{var} != {seen[s]}")
            else:
                seen[s] = var
                tests.append(f"single.get({s!r}, {var}) != {var}")
        if tests:
            lines.append(f"    if {' or '.join(tests)}: return False")
        if named_run:
            assert isinstance(run, _Run)
            end = f"len(shape) - {len(specs) - run_at - 1}"  # type: ignore[operator]
            lines.append("    variadic = f[1]")
            lines.append(f"    r = tuple(shape[{run_at}:{end}])")
            lines.append(f"    old = variadic.get({run.name!r})")
            lines.append("    if old is not None and old[1] != r: return False")
            lines.append(f"    variadic[{run.name!r}] = (False, r)")
        for name, var in seen.items():
            lines.append(f"    single[{name!r}] = {var}")
    lines.append("    return True")
    code = "\n".join(lines)
    namespace: dict[str, Any] = {}
    exec(compile(code, f"<typedtorch shape check {specs!r}>", "exec"), consts, namespace)
    fn: Callable[[type, object], bool] = namespace["__instancecheck__"]
    fn.__doc__ = code
    return fn


def explain(hint: ShapeMeta, obj: object, single: Single, variadic: Variadic) -> str | None:
    """Why ``obj`` does not fit ``hint`` given these bindings, or None if it does.

    The slow twin of the generated check, for error messages only.
    """
    tensor = hint._tt_origin
    if not isinstance(obj, tensor):
        return "not a tensor"
    shape = tuple(obj._data.shape)  # type: ignore[attr-defined]
    specs = hint._tt_specs
    run_at = next((i for i, s in enumerate(specs) if isinstance(s, _Run)), None)
    if run_at is None and len(shape) != len(specs):
        return f"rank {len(shape)}, expected {len(specs)}"
    if run_at is not None and len(shape) < len(specs) - 1:
        return f"rank {len(shape)}, expected at least {len(specs) - 1}"
    after = len(specs) - (run_at + 1 if run_at is not None else len(specs))
    positions = list(range(len(specs))) if run_at is None else [*range(run_at), *range(len(shape) - after, len(shape))]
    local = dict(single)
    fixed = [s for s in specs if not isinstance(s, _Run)]
    for i, s in zip(positions, fixed, strict=True):
        size = shape[i]
        if isinstance(s, int) and size != s:
            return f"dim {i} is {size}, expected {s}"
        if isinstance(s, frozenset) and size not in s:
            return f"dim {i} is {size}, expected one of {sorted(s)}"
        if isinstance(s, str):
            if s in local and local[s] != size:
                was = f"{s}={local[s]}" if s in single else f"{s}={local[s]} from an earlier dim"
                return f"dim {i} is {size}, but {was}"
            local[s] = size
    if run_at is not None:
        name = specs[run_at].name  # type: ignore[union-attr]
        r = shape[run_at : len(shape) - after]
        if name is not None and name in variadic and variadic[name][1] != r:
            return f"dims {run_at}..{run_at + len(r) - 1} are {r}, but *{name}={variadic[name][1]}"
    return None
