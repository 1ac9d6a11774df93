"""``tt.install_import_hook("pkg")``: ``@tt.checked`` on every annotated function of a package.

A ``sys.meta_path`` finder hands the package's source modules (``pkg`` and
``pkg.*``) to a loader that rewrites each module's AST before compiling it:

- every ``def`` / ``async def`` with at least one annotation gets ``@tt.checked`` as
  its innermost decorator (under ``@staticmethod``, ``@property``, ...); ``@overload``
  stubs, ``@no_type_check`` functions and already-checked ones are left alone;
- every annotated assignment to a name, ``y: Matrix[B, N] = f(x)``, is followed by a
  check of ``y`` against its annotation, in function bodies and at module level (not
  in class bodies, whose annotations declare fields). Inside a checked function (or a
  function nested in one) the check shares that call's dims: ``B`` is the ``B`` of
  the arguments. Generator bodies and module level check each annotation on its own.
  ``TypeAlias``, ``ClassVar`` and bare ``Final`` annotations are skipped;
  ``Final[X]`` is checked against ``X``.

The hook only adds checks; it never makes Python evaluate more than it would:

- a function-local annotation (which Python never evaluates) is evaluated from its
  source, once per site, in the function's own module, and only when that cannot
  have side effects (names, attributes, subscripts, literals, ``X | Y``: no calls);
  one that cannot be evaluated (a name imported under ``TYPE_CHECKING`` only, a call)
  is not checked, with a ``UserWarning`` once per site, never a ``NameError``;
- a module-level annotation is read from ``__annotations__``, where Python put it;
- parameter annotations are those Python evaluated; under ``from __future__ import
  annotations`` a string that is not side-effect free is left unchecked;
- a name used before it is defined (a forward reference under ``from __future__
  import annotations``) is resolved at the end of the module's import; a call made
  while the module still runs goes unchecked, as it would run without the hook.
  A name that is still undefined then fails the import with a ``NameError``
  explaining why (typedtorch never skips a parameter check it cannot resolve).

Rewritten bytecode is cached next to the ordinary one under its own name
(``__pycache__/mod.cpython-311.opt-typedtorch1.pyc``, validated against the
source's mtime and size like a normal ``.pyc``), so an unhooked import never picks
up checks and a hooked one never skips them; nothing is written when Python is told
not to write bytecode. beartype itself is imported at the first checked call.
``TYPEDTORCH_CHECKS=0`` when the hook is installed: nothing is installed.
"""

from __future__ import annotations

import ast
import importlib.machinery
import marshal
import sys
import warnings
from collections.abc import Sequence
from types import ModuleType, TracebackType
from typing import Any

from ._checked import checks_enabled

_DECORATOR = "__typedtorch_checked__"
_CHECK_VAR = "__typedtorch_check_var__"
_SKIP_DECORATORS = {"overload", "no_type_check", "checked"}
_SKIP_ANNOTATIONS = {"TypeAlias", "ClassVar", "Final"}
# Names the cached rewritten bytecode; change it whenever `rewrite` changes.
_CACHE_TAG = "typedtorch2"


def _last_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _is_generator(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Does ``fn``'s own body (not nested functions or classes) yield?"""
    todo: list[ast.AST] = list(fn.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Yield | ast.YieldFrom):
            return True
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            continue
        todo.extend(ast.iter_child_nodes(node))
    return False


def _annotated(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    a = fn.args
    params = [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]
    return fn.returns is not None or any(p is not None and p.annotation is not None for p in params)


def _at(node: Any, where: ast.AST) -> Any:
    """``node`` placed at ``where`` (for tracebacks); returns ``node``."""
    return ast.copy_location(node, where)


class _Scope:
    """Whether annotated assignments in a function bind in a checked call's frame:
    yes in a checked function or one nested in such, unless it is a generator.
    Decided only when an assignment asks (finding yields means walking the body)."""

    def __init__(self, node: ast.FunctionDef | ast.AsyncFunctionDef | None, checked: bool, outer: _Scope | None):
        self.node, self.checked, self.outer = node, checked, outer
        self._binds: bool | None = None if node is not None else False

    def binds(self) -> bool:
        if self._binds is None:
            inherited = self.checked or (self.outer is not None and self.outer.binds())
            self._binds = inherited and not _is_generator(self.node)  # type: ignore[arg-type]
        return self._binds


_MODULE = _Scope(None, False, None)


class _Rewriter:
    """Adds the decorator and the annotated-assignment checks (see module docstring).

    Functions, classes and annotated assignments are statements, so only statement
    lists are walked, never expressions: a few times faster than a NodeTransformer.
    """

    def __init__(self) -> None:
        self.functions = 0
        self.assignments = 0

    def block(self, stmts: list[ast.stmt], kind: str, scope: _Scope) -> list[ast.stmt]:
        """``stmts`` rewritten; ``kind`` is "module", "class" or "function"."""
        out: list[ast.stmt] = []
        for node in stmts:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                self.function(node, scope if kind == "function" else None)
            elif isinstance(node, ast.ClassDef):
                node.body = self.block(node.body, "class", _MODULE)
            elif isinstance(node, ast.AnnAssign):
                out.append(node)
                check = None if kind == "class" else self.assignment(node, scope)
                if check is not None:
                    out.append(check)
                continue
            else:
                for field in ("body", "orelse", "finalbody"):
                    inner = getattr(node, field, None)
                    if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                        setattr(node, field, self.block(inner, kind, scope))
                for part in [*getattr(node, "handlers", ()), *getattr(node, "cases", ())]:
                    part.body = self.block(part.body, kind, scope)
            out.append(node)
        return out

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, outer: _Scope | None) -> None:
        skip = any(_last_name(d) in _SKIP_DECORATORS for d in node.decorator_list)
        decorate = not skip and _annotated(node)
        node.body = self.block(node.body, "function", _Scope(node, decorate, outer))
        if decorate:
            node.decorator_list.append(_at(ast.Name(_DECORATOR, ast.Load()), node))
            self.functions += 1

    def assignment(self, node: ast.AnnAssign, scope: _Scope) -> ast.stmt | None:
        if node.value is None or not isinstance(node.target, ast.Name):
            return None
        ann = node.annotation
        name = _last_name(ann)
        final = False
        if name in _SKIP_ANNOTATIONS:
            if name != "Final" or not isinstance(ann, ast.Subscript):
                return None
            ann, final = ann.slice, True  # Final[X]: check X
        target = node.target.id
        # The annotation goes in as source text, never as an expression: Python never
        # evaluates a local annotation, and evaluates a module-level one once (into
        # __annotations__, where check_variable finds it). check_variable decides
        # what it may evaluate, and where (the caller's module).
        call = ast.Call(
            _at(ast.Name(_CHECK_VAR, ast.Load()), node),
            [
                _at(ast.Name(target, ast.Load()), node),
                _at(ast.Constant(ast.unparse(ann)), node),
                _at(ast.Constant(target), node),
                _at(ast.Constant(scope.binds()), node),
                _at(ast.Constant(scope is _MODULE and not final), node),
            ],
            [],
        )
        self.assignments += 1
        stmt: ast.stmt = _at(ast.Expr(_at(call, node)), node)
        return stmt


def rewrite(tree: ast.Module) -> ast.Module:
    """``tree`` with checks added, and the two helper names imported at its top."""
    body = _Rewriter().block(tree.body, "module", _MODULE)
    at = 0
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        at = 1  # after the docstring
    while at < len(body) and isinstance(body[at], ast.ImportFrom) and body[at].module == "__future__":  # type: ignore[attr-defined]
        at += 1
    helpers = ast.ImportFrom(
        "typedtorch._checked",
        [ast.alias("hook_checked", _DECORATOR), ast.alias("check_variable", _CHECK_VAR)],
        0,
    )
    line = body[at].lineno if at < len(body) else 1
    located: list[ast.stmt | ast.alias] = [helpers, *helpers.names]
    for node in located:
        node.lineno = node.end_lineno = line
        node.col_offset = node.end_col_offset = 0
    body.insert(at, helpers)
    tree.body = body
    return tree


class _CheckingLoader(importlib.machinery.SourceFileLoader):
    """Compiles the rewritten module; caches it under its own ``.pyc`` name.

    While the module runs, a name its annotations use before defining it (a forward
    reference) waits for the end of the module; it is resolved (or the import fails
    with a NameError) once the module has run.
    """

    def exec_module(self, module: ModuleType) -> None:
        from ._checked import begin_import, end_import

        name = module.__name__
        begin_import(name)
        completed = False
        try:
            super().exec_module(module)
            completed = True
        finally:
            end_import(name, completed)

    def get_code(self, fullname: str) -> Any:
        from importlib.util import MAGIC_NUMBER, cache_from_source

        path = self.get_filename(fullname)
        stats = self.path_stats(path)
        stamp = MAGIC_NUMBER + bytes(4) + _u32(stats["mtime"]) + _u32(stats["size"])
        try:
            cached: str | None = cache_from_source(path, optimization=_CACHE_TAG)
        except NotImplementedError:  # no cache tag on this interpreter
            cached = None
        if cached is not None:
            try:
                data = self.get_data(cached)
            except OSError:
                pass
            else:
                if data[:16] == stamp:
                    return marshal.loads(data[16:])
        code = compile(rewrite(ast.parse(self.get_data(path), path)), path, "exec", dont_inherit=True)
        if cached is not None and not sys.dont_write_bytecode:
            try:
                self.set_data(cached, stamp + marshal.dumps(code))
            except OSError:
                pass
        return code


def _u32(x: float) -> bytes:
    return (int(x) & 0xFFFFFFFF).to_bytes(4, "little")


class _CheckingFinder:
    """A ``sys.meta_path`` finder (duck-typed: ``importlib.abc`` costs ~10 ms to import)."""

    def __init__(self, packages: Sequence[str]) -> None:
        self.packages = tuple(packages)

    def _ours(self, fullname: str) -> bool:
        return any(fullname == p or fullname.startswith(p + ".") for p in self.packages)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if not self._ours(fullname):
            return None
        for finder in sys.meta_path:
            if finder is self or isinstance(finder, _CheckingFinder):
                continue
            find = getattr(finder, "find_spec", None)
            spec = None if find is None else find(fullname, path, target)
            if spec is None:
                continue
            loader = spec.loader
            if type(loader) is importlib.machinery.SourceFileLoader:
                spec.loader = _CheckingLoader(loader.name, loader.path)
            return spec  # type: ignore[no-any-return]
        return None


class ImportHook:
    """What :func:`install_import_hook` returns: ``uninstall()`` it, or use it as a
    context manager (``with tt.install_import_hook("pkg"): import pkg``)."""

    def __init__(self, finder: _CheckingFinder | None) -> None:
        self.finder = finder

    @property
    def installed(self) -> bool:
        return self.finder is not None and self.finder in sys.meta_path

    def uninstall(self) -> None:
        """Stop checking modules imported from now on (already imported ones stay checked)."""
        if self.finder is not None and self.finder in sys.meta_path:
            sys.meta_path.remove(self.finder)

    def __enter__(self) -> ImportHook:
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.uninstall()


def install_import_hook(*packages: str) -> ImportHook:
    """Check every annotated function (and annotated assignment) in ``packages``
    as if decorated with ``@tt.checked``, for modules imported after this call.

    >>> import typedtorch as tt
    >>> hook = tt.install_import_hook("mymodels")  # doctest: +SKIP
    >>> import mymodels                             # doctest: +SKIP

    With ``TYPEDTORCH_CHECKS=0`` this installs nothing. Modules of ``packages``
    imported before the call are not rewritten; a warning names them.
    """
    if not packages or not all(isinstance(p, str) and p for p in packages):
        raise TypeError("install_import_hook() takes one or more package names, e.g. install_import_hook('mypkg')")
    if not checks_enabled():
        return ImportHook(None)
    finder = _CheckingFinder(packages)
    early = sorted(m for m in sys.modules if finder._ours(m))
    if early:
        warnings.warn(
            f"install_import_hook: {', '.join(early)} already imported; those modules are not checked "
            "(install the hook before importing them)",
            stacklevel=2,
        )
    sys.meta_path.insert(0, finder)
    return ImportHook(finder)
