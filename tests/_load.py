"""Loading a script (an example, a corpus tool) as a module for the tests."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType


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
