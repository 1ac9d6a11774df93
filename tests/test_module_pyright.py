"""``forward()`` typing in pyright too (VS Code/Pylance): the accept file is clean, the
reject file has errors on exactly its ``# E:`` lines.

mypy checks the same files in tests/test_typing.py. pyright is not a dependency of the
project: this test runs when a ``pyright`` executable is found (``pip install
'pyright[nodejs]'``) and is skipped otherwise.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FILES = {
    "accept": ROOT / "tests" / "typing" / "accept" / "nn_forward.py",
    "reject": ROOT / "tests" / "typing" / "reject" / "nn_forward.py",
}


def _pyright() -> str:
    found = shutil.which("pyright", path=str(Path(sys.executable).parent)) or shutil.which("pyright")
    if found is None:
        pytest.skip("pyright is not installed")
    return found


@pytest.fixture(scope="module")
def errors() -> dict[str, set[int]]:
    out = subprocess.run(
        [_pyright(), "--outputjson", *map(str, FILES.values())], capture_output=True, text=True, cwd=ROOT, timeout=600
    )
    report = json.loads(out.stdout)
    by_file: dict[str, set[int]] = {kind: set() for kind in FILES}
    for diag in report["generalDiagnostics"]:
        if diag["severity"] == "error":
            kind = next(k for k, p in FILES.items() if Path(diag["file"]) == p)
            by_file[kind].add(diag["range"]["start"]["line"] + 1)
    return by_file


def test_pyright_accepts_forward_modules(errors: dict[str, set[int]]) -> None:
    assert errors["accept"] == set()


def test_pyright_rejects_exactly_the_marked_lines(errors: dict[str, set[int]]) -> None:
    marked = {i for i, line in enumerate(FILES["reject"].read_text().splitlines(), 1) if "# E:" in line}
    assert marked and errors["reject"] == marked
