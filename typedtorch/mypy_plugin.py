"""The typedtorch mypy plugin: dimension arithmetic, and errors that name the dims.

Enable it where mypy is configured::

    # mypy.ini                          # pyproject.toml
    [mypy]                              [tool.mypy]
    plugins = typedtorch.mypy_plugin    plugins = ["typedtorch.mypy_plugin"]

With it, mypy computes sizes plain mypy cannot (``flatten``, ``reshape`` with ``-1``,
``cat``, ``stack``, ``nn.Flatten()``, any layer with a ``__shape_rule__``), types
``Sequential(...)`` chains it gets wrong, and reports mismatches with the dims named::

    error: matmul: inner dimensions differ: Tensor[4, 2] @ Tensor[3, 5] (2 != 3)  [shape]

The error code is ``shape`` (``# type: ignore[shape]``), a sub-code of the code plain
mypy uses for the same mistake (``operator``, ``arg-type``, ``misc``).

mypy's incremental cache is keyed on ``__version__`` below (a hash of the plugin's
sources), so upgrading typedtorch re-checks what the new plugin might type
differently. A running ``dmypy`` daemon keeps the plugin it started with: run
``dmypy restart`` after upgrading typedtorch.

Importing this module imports mypy and ``typedtorch._mypy`` only: never numpy, nor
the library's tensors (the library, in turn, never imports the plugin).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from mypy.plugin import Plugin

from typedtorch._mypy.plugin import TypedTorchPlugin


def _fingerprint() -> str:
    """The package version and a hash of the plugin's sources (any change re-checks)."""
    from typedtorch import __version__ as package_version

    digest = hashlib.sha256(package_version.encode())
    here = Path(__file__).parent
    for path in [*sorted((here / "_mypy").glob("*.py")), here / "_rules.py", here / "_oprules.py"]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


__version__ = _fingerprint()


def plugin(version: str) -> type[Plugin]:
    """mypy's entry point."""
    return TypedTorchPlugin
