"""The realistic corpus: its files and the ``# BUG:`` markers of the buggy ones.

``good/`` holds correct programs (no checker may report an error in them); ``bad/``
holds programs with exactly one shape bug each, marked by a trailing
``# BUG: <what is wrong>`` comment on the line where a checker should report it. A
report counts as "on the line" when it falls anywhere in the statement that holds the
marker (a call spread over several lines is one statement), so the verdict does not
depend on whether a checker points at a call or at one of its arguments.
"""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
GOOD_DIR = HERE / "good"
BAD_DIR = HERE / "bad"


def programs(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.py") if p.name != "__init__.py")


GOOD = programs(GOOD_DIR)
BAD = programs(BAD_DIR)

_COMPOUND = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.If,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.With,
    ast.AsyncWith,
    ast.Try,
    ast.TryStar,
    ast.Match,
)


@dataclass(frozen=True)
class Bug:
    line: int  # the line that carries the marker
    first: int  # the statement holding it: first and last line
    last: int
    text: str  # what the marker says is wrong

    def covers(self, line: int) -> bool:
        return self.first <= line <= self.last


def bug_markers(source: str) -> list[Bug]:
    """Every ``# BUG: ...`` comment of ``source``, with the span of its statement."""
    marks: list[tuple[int, str]] = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT and tok.string.lstrip("# ").startswith("BUG:"):
            marks.append((tok.start[0], tok.string.split("BUG:", 1)[1].strip()))
    tree = ast.parse(source)
    bugs = []
    for line, text in marks:
        first, last = line, line
        best: tuple[int, int] | None = None
        for node in ast.walk(tree):
            if not isinstance(node, ast.stmt) or node.end_lineno is None:
                continue
            if isinstance(node, _COMPOUND):
                # Only the header of a compound statement (up to its body) is "its line".
                body = getattr(node, "body", None) or getattr(node, "cases", None)
                start, end = node.lineno, body[0].lineno - 1 if body else node.end_lineno
                for deco in getattr(node, "decorator_list", []):
                    start = min(start, deco.lineno)
            else:
                start, end = node.lineno, node.end_lineno
            if start <= line <= end and (best is None or end - start < best[1] - best[0]):
                best = (start, end)
        if best is not None:
            first, last = best
        bugs.append(Bug(line, first, last, text))
    return bugs


def rel(path: Path) -> str:
    """``good/x.py`` / ``bad/x.py``: how the corpus names its files."""
    return path.resolve().relative_to(HERE).as_posix()
