"""The mypy plugin as a piece of software: imports, error codes, caches, dmypy, shape rules.

What the plugin infers and reports is tested by the accept/reject files
(tests/typing/*/plugin_*.py, run by tests/test_typing.py); this file tests the rest.
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from typedtorch import _rules as rules

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def _run_python(code: str) -> str:
    result = subprocess.run(
        [PYTHON, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


# ------------------------------------------------------------------------ imports


def test_importing_the_plugin_imports_nothing_heavy() -> None:
    out = _run_python(
        """
        import sys
        import typedtorch.mypy_plugin
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("numpy", "cupy", "typedtorch")))
        """
    )
    loaded = ast.literal_eval(out)
    assert "numpy" not in loaded and "typedtorch._tensor" not in loaded, loaded
    assert set(loaded) <= {"typedtorch", "typedtorch.mypy_plugin", "typedtorch._rules", "typedtorch._oprules"} | {
        m for m in loaded if m.startswith("typedtorch._mypy")
    }


def test_the_library_never_imports_the_plugin() -> None:
    out = _run_python(
        """
        import sys
        import typedtorch as tt
        from typedtorch import data, nn, optim
        model = nn.Sequential(nn.Flatten(), nn.Linear(4, 2))
        model(tt.zeros(3, 2, 2)).sum().backward()
        print(sorted(m for m in sys.modules if m.split(".")[0] == "mypy" or "mypy" in m))
        """
    )
    assert out == "[]"
    # And statically: outside the plugin's own files, nothing names it.
    for path in (ROOT / "typedtorch").rglob("*.py"):
        if path.name == "mypy_plugin.py" or "_mypy" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or "", *(a.name for a in node.names)]
            assert not any("mypy" in n for n in names), f"{path} imports {names}"


def test_lazy_package_names_match_the_static_imports() -> None:
    """``typedtorch/__init__.py`` lists its public names twice (for mypy, and to load on first use)."""
    import typedtorch

    tree = ast.parse((ROOT / "typedtorch" / "__init__.py").read_text())
    static: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for stmt in node.body:
                assert isinstance(stmt, ast.ImportFrom) and stmt.level == 1, ast.dump(stmt)
                for alias in stmt.names:
                    where = "." + (stmt.module or alias.name)
                    if alias.asname and alias.asname != alias.name:
                        where += ":" + alias.name  # `bool` is `_dtypes.bool_`
                    static[alias.asname or alias.name] = where
    lazy = typedtorch._LAZY
    assert static == lazy
    assert set(typedtorch.__all__) <= set(lazy)
    for name in lazy:
        assert getattr(typedtorch, name) is not None


def test_plugin_version_is_a_hash_of_its_sources() -> None:
    """mypy keys its cache on ``__version__``: a change to any plugin file re-checks everything."""
    import typedtorch
    import typedtorch.mypy_plugin as entry

    digest = hashlib.sha256(typedtorch.__version__.encode())
    for path in [
        *sorted((ROOT / "typedtorch" / "_mypy").glob("*.py")),
        *(ROOT / "typedtorch" / f for f in ("_rules.py", "_oprules.py")),
    ]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    assert entry.__version__ == digest.hexdigest()[:16]


# -------------------------------------------------------------------- mypy runs

_CONFIG = """\
[mypy]
python_version = 3.11
strict = True
mypy_path = {stubs}
plugins = typedtorch.mypy_plugin
"""


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mypy cache for this file's runs: typedtorch and the stdlib are checked once."""
    return tmp_path_factory.mktemp("mypy-cache")


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "mypy.ini").write_text(_CONFIG.format(stubs=ROOT / "stubs"))
    yield tmp_path


def _mypy(project: Path, cache: Path, *, files: tuple[str, ...] = ("main.py",)) -> list[str]:
    """Run mypy (a fresh process, as users do) in ``project``; the output lines minus the summary."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [PYTHON, "-m", "mypy", "--config-file", "mypy.ini", "--cache-dir", str(cache), "--no-error-summary", *files]
    result = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    assert "INTERNAL ERROR" not in result.stdout + result.stderr
    return result.stdout.splitlines()


_MISMATCHES = """\
{config}
import typedtorch as tt
from typedtorch import nn

a = tt.zeros(4, 2) @ tt.zeros(3, 5)  # {matmul}
b = nn.Linear(784, 10)(tt.zeros(8, 100))  # {layer}
c = nn.mse_loss(tt.zeros(4, 1), tt.zeros(4))  # {loss}
d = nn.Linear(784, 128) >> nn.Linear(100, 10)  # {chain}
e = tt.zeros(4, 6).reshape(5, 5)  # {reshape}
"""


def _source(config: str = "", **ignores: str) -> str:
    """The five kinds of plugin error, one per line (lines 5 to 9), with optional ignores and inline config."""
    keys = ("matmul", "layer", "loss", "chain", "reshape")
    return _MISMATCHES.format(config=config or "# (no inline config)", **{k: ignores.get(k, "") for k in keys})


def test_each_mismatch_has_the_shape_code(project: Path, cache_dir: Path) -> None:
    (project / "main.py").write_text(_source())
    out = _mypy(project, cache_dir)
    assert len(out) == 5, out
    assert all(line.endswith("[shape]") for line in out), out


def test_type_ignore_shape_silences_every_plugin_error(project: Path, cache_dir: Path) -> None:
    ignore = "type: ignore[shape]"
    (project / "main.py").write_text(_source(matmul=ignore, layer=ignore, loss=ignore, chain=ignore, reshape=ignore))
    assert _mypy(project, cache_dir) == []  # strict: the ignores are used, too


def test_the_codes_plain_mypy_used_still_silence(project: Path, cache_dir: Path) -> None:
    """``shape`` is a sub-code of what plain mypy reported: old ignores keep working."""
    old = {
        "matmul": "type: ignore[operator]",
        "layer": "type: ignore[arg-type]",
        "loss": "type: ignore[misc]",
        "chain": "type: ignore[operator]",
    }
    (project / "main.py").write_text(_source("# mypy: warn-unused-ignores=False", **old))
    assert _mypy(project, cache_dir) == [
        "main.py:9: error: reshape: cannot reshape Tensor[4, 6] (24 elements) into (5, 5) (25 elements)  [shape]"
    ]
    # In strict mode mypy points at the narrower code, as for its own sub-codes.
    (project / "main.py").write_text(_source(**old))
    strict = _mypy(project, cache_dir)
    assert sum("use narrower [shape] instead of" in line for line in strict) == 4, strict


def test_an_unrelated_code_does_not_silence(project: Path, cache_dir: Path) -> None:
    (project / "main.py").write_text(_source("# mypy: warn-unused-ignores=False", matmul="type: ignore[attr-defined]"))
    out = _mypy(project, cache_dir)
    assert any("main.py:5: error: matmul: inner dimensions differ" in line for line in out), out


def test_disable_error_code_shape(project: Path, cache_dir: Path) -> None:
    (project / "main.py").write_text(_source('# mypy: disable-error-code="shape"'))
    assert _mypy(project, cache_dir) == []


# ------------------------------------------------------------ caches and dmypy

_LAYER = """\
from typing import Any, Final, Generic, Literal, TypeVar

from typing_extensions import TypeVarTuple

from typedtorch import Tensor, nn

P = TypeVarTuple("P")
K = TypeVar("K", bound=int | Literal[0])


class Window(nn.Module, Generic[K]):
    __shape_rule__: Final = "{rule}"

    def __init__(self, k: K) -> None:
        self.k = k

    def __call__(self, x: Tensor[*P, Any]) -> Tensor[*P, Any]:
        raise NotImplementedError
"""

_USE = """\
from typing import reveal_type

import typedtorch as tt
from layer import Window

reveal_type(Window(3)(tt.zeros(4, 10)))
tt.zeros(4, 2) @ tt.zeros(3, 5)
"""


def _reveal(out: list[str]) -> str:
    lines = [line for line in out if "Revealed type" in line]
    assert len(lines) == 1, out
    return lines[0].split('"')[1]


def test_incremental_cache_keeps_results_and_sees_a_changed_rule(project: Path, cache_dir: Path) -> None:
    (project / "layer.py").write_text(_LAYER.format(rule="*P N -> *P (N - K + 1)"))
    (project / "main.py").write_text(_USE)
    files = ("main.py", "layer.py")
    first = _mypy(project, cache_dir, files=files)
    assert _reveal(first) == "typedtorch._tensor.Tensor[Literal[4], Literal[8]]"
    assert any("matmul: inner dimensions differ" in line for line in first), first
    assert _mypy(project, cache_dir, files=files) == first  # all cached: errors replayed
    # The rule lives in another module: changing it re-checks its users.
    (project / "layer.py").write_text(_LAYER.format(rule="*P N -> *P (N // K)"))
    assert _reveal(_mypy(project, cache_dir, files=files)) == "typedtorch._tensor.Tensor[Literal[4], Literal[3]]"


@pytest.mark.skipif(shutil.which("dmypy", path=str(Path(PYTHON).parent)) is None, reason="no dmypy next to python")
def test_dmypy_runs_the_plugin_and_follows_a_changed_rule(project: Path) -> None:
    (project / "layer.py").write_text(_LAYER.format(rule="*P N -> *P (N - K + 1)"))
    (project / "main.py").write_text(_USE)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    dmypy = str(Path(PYTHON).parent / "dmypy")

    def run(*args: str) -> list[str]:
        result = subprocess.run([dmypy, *args], cwd=project, env=env, capture_output=True, text=True, timeout=600)
        assert "INTERNAL ERROR" not in result.stdout + result.stderr and "crashed" not in result.stdout, result.stdout
        return result.stdout.splitlines()

    try:
        first = run("run", "--", "--config-file", "mypy.ini", "main.py", "layer.py")
        assert _reveal(first) == "typedtorch._tensor.Tensor[Literal[4], Literal[8]]"
        assert any("matmul: inner dimensions differ" in line and "[shape]" in line for line in first), first
        (project / "layer.py").write_text(_LAYER.format(rule="*P N -> *P (N // K)"))
        second = run("run", "--", "--config-file", "mypy.ini", "main.py", "layer.py")
        assert _reveal(second) == "typedtorch._tensor.Tensor[Literal[4], Literal[3]]"
    finally:
        run("stop")


# ------------------------------------------------------------------ shape rules


class _Sym(str):
    """A symbolic dim for the rule tests (any non-int is opaque to the rules)."""


_OPS = rules.DimOps(
    is_variadic=lambda d: d == "*",
    conflict=lambda a, b: rules.is_size(a) and rules.is_size(b) and a != b,
    show=str,
)


def _apply(rule: str, dims: list[object], **params: object) -> object:
    return rules.apply_rule(rules.parse_rule(rule), dims, params, _OPS)


def test_rules_compute_literal_sizes_and_pass_symbols_through() -> None:
    b = _Sym("B")
    assert _apply("B *R -> B prod(R)", [b, 28, 28]) == rules.Applied((b, 784))
    assert _apply("B *R -> B prod(R)", [b, 28]) == rules.Applied((b, 28))
    assert _apply("B *R -> B prod(R)", [b, _Sym("C"), 28]) == rules.Applied((b, rules.UNKNOWN))
    assert _apply("B C L -> B COut (L - K + 1)", [b, 3, 28], COut=16, K=5) == rules.Applied((b, 16, 24))
    assert _apply("*P N -> *P ((N - 1) // 2 * 3)", [5, 9]) == rules.Applied((5, 12))
    assert _apply("*P N -> *P N 1", [2, 3, 4]) == rules.Applied((2, 3, 4, 1))
    assert _apply("N N -> N", [3, 3]) == rules.Applied((3,))


def test_rules_report_what_does_not_fit() -> None:
    conv = "B CIn L -> B COut (L - K + 1)"
    assert _apply(conv, [1, 4, 28], CIn=3, COut=16, K=5) == rules.Mismatch("dim 1 is 4, expected CIn = 3")
    assert _apply(conv, [1, 3, 2], CIn=3, COut=16, K=5) == rules.Mismatch("output dim 2 would be -2")
    assert _apply(conv, [1, 3], CIn=3, COut=16, K=5) == rules.Mismatch("expected 3 dims, got 2")
    assert _apply("B *R -> B prod(R)", []) == rules.Mismatch("expected at least 1 dim, got 0")
    assert _apply("N N -> N", [3, 4]) == rules.Mismatch("dim 1 is 4, expected N = 3")
    assert _apply("B 3 -> B", [1, 4]) == rules.Mismatch("dim 1 is 4, expected 3")
    # A variadic input the rule cannot place is left undecided (mypy's own typing stands).
    assert _apply("B C L -> B L", [1, "*"]) == rules.Undecided()


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("B", "expected exactly one '->'"),
        ("B *R *S -> B", "at most one *group on the left"),
        ("B -> *R", "*R needs *R on the left"),
        ("B *R -> R", "R is a group of dims: write *R or prod(R)"),
        ("B -> N - 1", "unexpected '-' on the right (arithmetic needs parentheses)"),
        ("B -> foo(B)", "unknown function foo() (only prod)"),
        ("B -> (B", "unexpected end of rule"),
        ("B -> B $", "unexpected '$'"),
    ],
)
def test_rule_syntax_errors(rule: str, message: str) -> None:
    with pytest.raises(rules.RuleSyntaxError, match=re.escape(message)):
        rules.parse_rule(rule)


def test_rule_names_must_be_bound() -> None:
    with pytest.raises(rules.RuleSyntaxError, match="X is neither bound on the left nor a type parameter"):
        _apply("B -> B X", [1])
