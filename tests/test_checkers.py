"""The README's "What each checker catches", held to what the checkers report.

``tests/typing/checkers/catalog.py`` holds one shape bug per function, each line marked
``# catches: plugin plain pyright`` with the checkers that must report an error there.
This runs mypy with the plugin (``mypy.ini``), mypy without it (strict, no plugin) and
pyright (standard mode), and requires each checker's errors to be exactly the lines
marked for it: a missed bug and an error on an unmarked line both fail. Every bug also
fails at run time (checked here too): a ``tt.ShapeError`` from the op, or from
``@tt.checked`` at a return; a ``ValueError`` from a layer's constructor.
"""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest
from _scripts import load_file
from mypy import api

import typedtorch as tt

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "tests" / "typing" / "checkers" / "catalog.py"
CHECKERS = ("plugin", "plain", "pyright")
_MARK = re.compile(r"#\s*catches:\s*(?P<who>[a-z ]*)$")


def marks() -> dict[str, set[int]]:
    out: dict[str, set[int]] = {c: set() for c in CHECKERS}
    for n, line in enumerate(CATALOG.read_text().splitlines(), 1):
        m = _MARK.search(line)
        if m:
            for who in m["who"].split():
                assert who in CHECKERS, f"line {n}: unknown checker {who!r}"
                out[who].add(n)
    return out


def _mypy_lines(args: list[str]) -> set[int]:
    stdout, stderr, _ = api.run([*args, "--no-error-summary", "--show-error-codes", str(CATALOG.relative_to(ROOT))])
    assert not stderr, stderr
    name = re.escape(CATALOG.name)
    return {int(m[1]) for m in re.finditer(rf"{name}:(\d+): error:", stdout)}


def test_mypy_with_the_plugin() -> None:
    # The project's cache: warm after `.ci/run`'s mypy step, so only the catalog is checked.
    got = _mypy_lines(["--config-file", str(ROOT / "mypy.ini")])
    assert got == marks()["plugin"]


def test_plain_mypy(tmp_path: Path) -> None:
    ini = tmp_path / "plain.ini"
    ini.write_text("[mypy]\nstrict = True\npython_version = 3.11\n")
    # A cache of its own: other options would invalidate the project's.
    got = _mypy_lines(["--config-file", str(ini), "--cache-dir", str(ROOT / ".mypy_cache" / "plain")])
    assert got == marks()["plain"]


def test_pyright() -> None:
    cmd = [sys.executable, "-m", "pyright", "--pythonpath", sys.executable, str(CATALOG)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    got = {int(m[1]) for m in re.finditer(r"catalog\.py:(\d+):\d+ - error:", proc.stdout)}
    assert got == marks()["pyright"], proc.stdout


def test_every_bug_is_marked_and_fails_at_run_time() -> None:
    """Each function of the catalog raises ShapeError when called on tensors of its annotated sizes."""
    module = load_file(CATALOG, "checkers_catalog")
    marked = set().union(*marks().values())
    functions = [f for name, f in vars(module).items() if inspect.isfunction(f) and f.__module__ == module.__name__]
    assert len(functions) == len(marked)
    for f in functions:
        hints = f.__annotations__
        args = [_tensor_for(hints[p]) for p in inspect.signature(f).parameters]
        # tt.checked: a bug in a returned value is caught at the return, as mypy does.
        # A layer's constructor refuses sizes that do not fit with a ValueError.
        with pytest.raises((tt.ShapeError, ValueError)):
            tt.checked(f)(*args)


def _tensor_for(annotation: object) -> tt.Tensor:
    """A tensor of the annotation's sizes; a TypeVar dim (B, T) is 2 (T) or 7 (B)."""
    specs = annotation._tt_specs  # type: ignore[attr-defined]  # the dims the annotation names
    return tt.zeros(*(s if isinstance(s, int) else {"B": 7, "T": 2}[s] for s in specs), requires_grad=True)
