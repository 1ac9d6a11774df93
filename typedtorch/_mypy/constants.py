"""Integer values mypy forgets: ``N, D = 64, 784`` and ``n = 32 * 32`` keep their sizes.

mypy widens an inferred variable to ``int`` (only ``Final`` names keep their literal),
so ``tt.zeros(N, D)`` after ``N, D = 64, 784`` would lose both sizes. Sizes like these
are almost always constants assigned once, so the plugin looks the assignment up: a
variable bound exactly once in its module (or function), by an expression of int
literals, other such constants and ``+ - * // %``, has that value. A variable assigned
twice, in a loop, augmented, or from anything else, has no known value (and its size is
``Any``: never a false error, at worst a missed one).
"""

from __future__ import annotations

from collections.abc import Callable

from mypy.nodes import (
    AssignmentStmt,
    Block,
    ClassDef,
    Decorator,
    Expression,
    ForStmt,
    FuncDef,
    IfStmt,
    IntExpr,
    ListExpr,
    MemberExpr,
    MypyFile,
    NameExpr,
    OperatorAssignmentStmt,
    OpExpr,
    OverloadedFuncDef,
    RefExpr,
    StarExpr,
    Statement,
    TryStmt,
    TupleExpr,
    UnaryExpr,
    Var,
    WhileStmt,
    WithStmt,
)

_OPS: dict[str, Callable[[int, int], int | None]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "//": lambda a, b: a // b if b else None,
    "%": lambda a, b: a % b if b else None,
}
_LIMIT = 2**62


class _Bindings:
    """Every variable bound in a module, how often, and the expression of its one binding.

    A plain walk over the statements (mypy's visitor classes are compiled and cannot
    be subclassed from a plugin).
    """

    def __init__(self) -> None:
        self.count: dict[Var, int] = {}
        self.value: dict[Var, Expression] = {}

    def bind(self, target: Expression, value: Expression | None) -> None:
        if isinstance(target, TupleExpr | ListExpr):
            items = (
                value.items
                if isinstance(value, TupleExpr | ListExpr) and len(value.items) == len(target.items)
                else None
            )
            for k, t in enumerate(target.items):
                self.bind(t, items[k] if items is not None else None)
            return
        if isinstance(target, StarExpr):
            self.bind(target.expr, None)
            return
        if isinstance(target, NameExpr) and isinstance(target.node, Var):
            var = target.node
            self.count[var] = self.count.get(var, 0) + (1 if value is not None else 2)
            if value is not None:
                self.value[var] = value

    def walk(self, stmts: list[Statement]) -> None:
        for st in stmts:
            if isinstance(st, AssignmentStmt):
                for lvalue in st.lvalues:
                    self.bind(lvalue, st.rvalue if len(st.lvalues) == 1 else None)
            elif isinstance(st, OperatorAssignmentStmt):
                self.bind(st.lvalue, None)
            elif isinstance(st, ForStmt):
                self.bind(st.index, None)
                self.walk(st.body.body)
                if st.else_body is not None:
                    self.walk(st.else_body.body)
            elif isinstance(st, WithStmt):
                for target in st.target:
                    if target is not None:
                        self.bind(target, None)
                self.walk(st.body.body)
            elif isinstance(st, IfStmt):
                for block in st.body:
                    self.walk(block.body)
                if st.else_body is not None:
                    self.walk(st.else_body.body)
            elif isinstance(st, WhileStmt):
                self.walk(st.body.body)
                if st.else_body is not None:
                    self.walk(st.else_body.body)
            elif isinstance(st, TryStmt):
                self.walk(st.body.body)
                for h in st.handlers:
                    self.walk(h.body)
                for extra in (st.else_body, st.finally_body):
                    if extra is not None:
                        self.walk(extra.body)
            elif isinstance(st, FuncDef):
                self.walk(st.body.body)
            elif isinstance(st, Decorator):
                self.walk(st.func.body.body)
            elif isinstance(st, OverloadedFuncDef):
                for item in st.items:
                    if isinstance(item, Decorator):
                        self.walk(item.func.body.body)
            elif isinstance(st, ClassDef):
                self.walk(st.defs.body)
            elif isinstance(st, Block):
                self.walk(st.body)


_cache: dict[int, tuple[MypyFile, _Bindings]] = {}


def _bindings(tree: MypyFile) -> _Bindings:
    got = _cache.get(id(tree))
    if got is not None and got[0] is tree:
        return got[1]
    if len(_cache) > 256:
        _cache.clear()
    b = _Bindings()
    b.walk(tree.defs)
    _cache[id(tree)] = (tree, b)
    return b


def known_int(e: Expression, trees: list[MypyFile], depth: int = 0) -> int | None:
    """The value of an int-valued expression when it follows from constants, else None."""
    if depth > 16:
        return None
    if isinstance(e, IntExpr):
        return e.value
    if isinstance(e, UnaryExpr) and e.op in ("-", "+"):
        v = known_int(e.expr, trees, depth + 1)
        return None if v is None else (-v if e.op == "-" else v)
    if isinstance(e, OpExpr) and e.op in _OPS:
        left, right = known_int(e.left, trees, depth + 1), known_int(e.right, trees, depth + 1)
        if left is None or right is None:
            return None
        out = _OPS[e.op](left, right)
        return out if out is not None and abs(out) < _LIMIT else None
    if isinstance(e, RefExpr | MemberExpr):
        var = e.node if isinstance(e, RefExpr) else None
        if isinstance(var, Var):
            if var.is_final and type(var.final_value) is int:
                return var.final_value
            for tree in trees:
                b = _bindings(tree)
                if var in b.count:
                    if b.count[var] != 1 or var not in b.value:
                        return None
                    return known_int(b.value[var], trees, depth + 1)
    return None
