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

Rewritten modules are compiled from source on every import and never written to
``__pycache__`` (a cached file would either skip the checks on a later hooked import
or carry them into an unhooked one). beartype itself is imported at the first
checked call. ``TYPEDTORCH_CHECKS=0`` when the hook is installed: nothing is
installed.
"""

from __future__ import annotations

import ast
import importlib.machinery
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


class _Rewriter(ast.NodeTransformer):
    """Adds the decorator and the annotated-assignment checks (see module docstring)."""

    def __init__(self) -> None:
        # One entry per enclosing scope: "module", "class", or "function" with
        # whether its annotated assignments bind in a checked call's frame.
        self.scopes: list[tuple[str, bool]] = [("module", False)]
        self.functions = 0
        self.assignments = 0

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.AST:
        skip = any(_last_name(d) in _SKIP_DECORATORS for d in node.decorator_list)
        decorate = not skip and _annotated(node)
        outer_binds = self.scopes[-1][0] == "function" and self.scopes[-1][1]
        binds = (decorate or outer_binds) and not _is_generator(node)
        self.scopes.append(("function", binds))
        self.generic_visit(node)
        self.scopes.pop()
        if decorate:
            node.decorator_list.append(ast.Name(_DECORATOR, ast.Load()))
            self.functions += 1
        return node

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        self.scopes.append(("class", False))
        self.generic_visit(node)
        self.scopes.pop()
        return node

    def visit_AnnAssign(self, node: ast.AnnAssign) -> Any:
        kind, binds = self.scopes[-1]
        if kind == "class" or node.value is None or not isinstance(node.target, ast.Name):
            return node
        ann = node.annotation
        name = _last_name(ann)
        if name in _SKIP_ANNOTATIONS:
            if name != "Final" or not isinstance(ann, ast.Subscript):
                return node
            ann = ann.slice  # Final[X]: check X
        check = ast.Expr(
            ast.Call(
                ast.Name(_CHECK_VAR, ast.Load()),
                [ast.Name(node.target.id, ast.Load()), ann, ast.Constant(node.target.id), ast.Constant(binds)],
                [],
            )
        )
        self.assignments += 1
        return [node, ast.copy_location(check, node)]


def rewrite(tree: ast.Module) -> ast.Module:
    """``tree`` with checks added, and the two helper names imported at its top."""
    _Rewriter().visit(tree)
    body = tree.body
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
    body.insert(at, helpers)
    return ast.fix_missing_locations(tree)


class _CheckingLoader(importlib.machinery.SourceFileLoader):
    def get_code(self, fullname: str) -> Any:
        path = self.get_filename(fullname)
        source = self.get_data(path)
        tree = ast.parse(source, path)
        return compile(rewrite(tree), path, "exec", dont_inherit=True)


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
