"""The tests' helpers for the repository's scripts: import one as a module, and run
mypy (the repository's ``mypy.ini``: strict, the plugin) over one and its variants."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def load_file(path: Path, name: str, *, keep_environ: bool = False) -> ModuleType:
    """The file at ``path`` imported as module ``name`` (registered in ``sys.modules``,
    where dataclasses look their module up). ``keep_environ``: whatever the import does
    to ``os.environ`` (an example pinning BLAS threads) is undone, so it cannot leak
    into the other tests of the process."""
    before = dict(os.environ) if keep_environ else None
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    if before is not None:
        os.environ.clear()
        os.environ.update(before)
    return module


def run_mypy(*paths: Path) -> tuple[int, str]:
    """mypy's exit status and output for ``paths``, run from the repository root (where
    ``mypy.ini`` and the package resolve)."""
    from mypy import api

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        stdout, stderr, status = api.run(["--strict", "--no-error-summary", "--no-pretty", *map(str, paths)])
    finally:
        os.chdir(cwd)
    return status, stdout + stderr


def write_variants(
    script: Path, variants: Mapping[str, tuple[str, str, str, str]], folder: Path, prefix: str
) -> dict[Path, tuple[int, str]]:
    """A copy of ``script`` per variant ``name: (old, new, where, message)``, with ``old``
    replaced by ``new``; for each copy, the line of ``where`` (where mypy must report
    ``message``). Each ``old`` and ``where`` must occur once in the script."""
    source = script.read_text()
    copies: dict[Path, tuple[int, str]] = {}
    for name, (old, new, where, message) in variants.items():
        assert source.count(old) == 1 and source.count(where) == 1, f"{name}: the example changed; update VARIANTS"
        copy = folder / f"{prefix}_{name}.py"
        copy.write_text(source.replace(old, new))
        copies[copy] = (source[: source.index(where)].count("\n") + 1, message)
    return copies
