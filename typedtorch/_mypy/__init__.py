"""The mypy plugin's implementation (entry point: ``typedtorch.mypy_plugin``).

Nothing here is imported by the library; it needs mypy, and imports nothing from
typedtorch but this package.
"""

# mypy's own modules import each other in an order that only works from the top:
# `import mypy.expandtype` (or `mypy.argmap`) as the first mypy import fails with a
# circular-import error. Under mypy they are loaded already; this makes importing the
# plugin on its own (tests, tools) work too.
import mypy.types  # noqa: F401  (must come before the submodules' imports)
