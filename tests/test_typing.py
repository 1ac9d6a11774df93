"""Static typing tests: what mypy accepts and rejects in code that uses typedtorch.

Every file in ``tests/typing/accept/`` and ``tests/typing/reject/`` is checked by one
in-process mypy run (``mypy.api.run`` with ``--config-file mypy.ini``, so whatever
``mypy.ini`` enables, the typedtorch mypy plugin included once it exists, applies
here too). Then each file is one test, driven by markers in trailing comments:

``# R: <type>``
    The line must produce ``note: Revealed type is "<type>"`` with exactly that text
    (as mypy prints it, e.g. ``typedtorch._tensor.Tensor[Literal[4], Literal[2]]``).
    A ``reveal_type`` call without this marker fails the test, so every revealed type
    is an explicit expectation.
``# E: <substring>``
    (reject files only) the line must produce at least one ``error:`` whose message,
    error code included (``... [arg-type]``), contains ``<substring>``. Several
    expectations on one line: ``# E: first # E: second``.

Accept files must produce no error at all (they are also checked by
``mypy --strict tests/typing/accept`` in CI). In reject files an error on a line
without an ``# E:`` marker fails the test, and each reject file needs at least one
marker. Files live in the packages ``accept`` and ``reject`` (each folder has an
``__init__.py``) so that ``accept/matmul.py`` and ``reject/matmul.py`` can pair up
without mypy seeing two modules of the same name.

To add a case, add a line with its marker to the matching file; to add a topic, add a
pair of files: both are picked up automatically.
"""

from __future__ import annotations

import io
import itertools
import os
import re
import time
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TYPING_DIR = ROOT / "tests" / "typing"
ACCEPT_FILES = sorted(p for p in (TYPING_DIR / "accept").glob("*.py") if p.name != "__init__.py")
REJECT_FILES = sorted(p for p in (TYPING_DIR / "reject").glob("*.py") if p.name != "__init__.py")

MYPY_ARGS = ["--config-file", "mypy.ini", "--show-error-codes", "--no-error-summary", "--no-pretty"]

# ------------------------------------------------------------------------ parsing

# `path:line: severity: message` (--no-pretty, no column numbers); `path:line:col:` also accepted.
_DIAG_RE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?:\d+:)? (?P<severity>error|note|warning): (?P<message>.*)$")
_REVEAL_RE = re.compile(r'^Revealed type is "(?P<type>.*)"$')
_R_MARKER_RE = re.compile(r"^#\s*R:\s*(?P<text>.*?)\s*$")
_E_MARKER_RE = re.compile(r"#\s*E:\s*(?P<text>.*?)\s*(?=#\s*E:|$)")


@dataclass(frozen=True)
class Diagnostic:
    line: int
    severity: str  # "error", "note" or "warning"
    message: str  # includes a trailing "  [code]" for errors

    def __str__(self) -> str:
        return f"{self.line}: {self.severity}: {self.message}"


@dataclass
class MypyResult:
    stdout: str
    stderr: str
    exit_status: int
    seconds: float
    by_file: dict[str, list[Diagnostic]] = field(default_factory=dict)
    unparsed: list[str] = field(default_factory=list)

    def output_for(self, path: str) -> str:
        diags = self.by_file.get(path, [])
        return "\n".join(f"{path}:{d}" for d in diags) or f"(mypy printed nothing for {path})"


@dataclass
class Markers:
    reveals: dict[int, str] = field(default_factory=dict)  # line -> expected revealed type
    errors: dict[int, list[str]] = field(default_factory=dict)  # line -> expected substrings
    reveal_calls: set[int] = field(default_factory=set)  # lines that call reveal_type


def norm_path(path: str) -> str:
    """A path as a POSIX path relative to the repository root (how results are keyed)."""
    p = Path(path)
    if p.is_absolute():
        try:
            p = p.relative_to(ROOT)
        except ValueError:
            pass
    return Path(os.path.normpath(p)).as_posix()


def parse_mypy_output(stdout: str) -> tuple[dict[str, list[Diagnostic]], list[str]]:
    """Diagnostics grouped by file, and the lines that were not diagnostics."""
    by_file: dict[str, list[Diagnostic]] = {}
    unparsed: list[str] = []
    for raw in stdout.splitlines():
        if not raw.strip():
            continue
        m = _DIAG_RE.match(raw)
        if m is None:
            unparsed.append(raw)
            continue
        diag = Diagnostic(int(m["line"]), m["severity"], m["message"])
        by_file.setdefault(norm_path(m["path"]), []).append(diag)
    return by_file, unparsed


def parse_markers(source: str) -> Markers:
    """The ``# R:`` / ``# E:`` markers and the ``reveal_type(...)`` calls of a source file."""
    markers = Markers()
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    for tok, nxt in itertools.pairwise(tokens):
        line = tok.start[0]
        if tok.type == tokenize.NAME and tok.string == "reveal_type" and nxt.string == "(":
            markers.reveal_calls.add(line)
        elif tok.type == tokenize.COMMENT:
            if (r := _R_MARKER_RE.match(tok.string)) is not None:
                markers.reveals[line] = r["text"]
            elif re.match(r"#\s*E:", tok.string):
                markers.errors[line] = [m["text"] for m in _E_MARKER_RE.finditer(tok.string)]
    return markers


# ----------------------------------------------------------------------- checking


def _check_reveals(markers: Markers, diags: list[Diagnostic]) -> list[str]:
    problems: list[str] = []
    revealed: dict[int, list[str]] = {}
    for d in diags:
        if d.severity == "note" and (m := _REVEAL_RE.match(d.message)) is not None:
            revealed.setdefault(d.line, []).append(m["type"])
    for line, expected in sorted(markers.reveals.items()):
        got = revealed.get(line, [])
        if expected not in got:
            shown = " | ".join(f'"{g}"' for g in got) if got else "no revealed type"
            problems.append(f'line {line}: expected revealed type "{expected}", got {shown}')
    for line in sorted((markers.reveal_calls | set(revealed)) - set(markers.reveals)):
        got = revealed.get(line, [])
        shown = f' (mypy says "{got[0]}")' if got else ""
        problems.append(f"line {line}: reveal_type without an `# R: <type>` marker{shown}")
    return problems


def check_accept(markers: Markers, diags: list[Diagnostic]) -> list[str]:
    """Problems with an accept file: any error, and wrong or unmarked revealed types."""
    problems = [f"line {d.line}: unexpected error: {d.message}" for d in diags if d.severity == "error"]
    if markers.errors:
        problems.append(f"`# E:` markers in an accept file (lines {sorted(markers.errors)}); move them to reject/")
    return problems + _check_reveals(markers, diags)


def check_reject(markers: Markers, diags: list[Diagnostic]) -> list[str]:
    """Problems with a reject file: a marked line without its error, an error on an unmarked line."""
    problems: list[str] = []
    if not markers.errors:
        problems.append("no `# E: <message substring>` marker: a reject file must expect at least one error")
    errors: dict[int, list[str]] = {}
    for d in diags:
        if d.severity == "error":
            errors.setdefault(d.line, []).append(d.message)
    for line, expected in sorted(markers.errors.items()):
        got = errors.get(line, [])
        for substring in expected:
            if not substring:
                problems.append(f"line {line}: empty `# E:` marker: give a substring of the expected message")
            elif not any(substring in msg for msg in got):
                shown = "; ".join(got) if got else "no error"
                problems.append(f'line {line}: expected an error containing "{substring}", got: {shown}')
    for line in sorted(set(errors) - set(markers.errors)):
        for msg in errors[line]:
            problems.append(f"line {line}: error on a line without an `# E:` marker: {msg}")
    return problems + _check_reveals(markers, diags)


# --------------------------------------------------------------------- mypy run


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def run_mypy(files: list[Path]) -> MypyResult:
    """One in-process mypy run over ``files``, from the repository root."""
    from mypy import api

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        start = time.perf_counter()
        stdout, stderr, status = api.run([*MYPY_ARGS, *(_rel(f) for f in files)])
        seconds = time.perf_counter() - start
    finally:
        os.chdir(cwd)
    by_file, unparsed = parse_mypy_output(stdout)
    return MypyResult(stdout, stderr, status, seconds, by_file, unparsed)


@pytest.fixture(scope="module")
def mypy_result() -> Iterator[MypyResult]:
    yield run_mypy([*ACCEPT_FILES, *REJECT_FILES])


def _fail(path: Path, problems: list[str], result: MypyResult) -> None:
    rel = _rel(path)
    report = "\n".join(f"  {p}" for p in problems)
    header = f"mypy output for {rel} (one run over all typing files, {result.seconds:.1f} s):"
    pytest.fail(f"{rel}:\n{report}\n\n{header}\n{result.output_for(rel)}", pytrace=False)


def _usable(result: MypyResult) -> None:
    if result.exit_status not in (0, 1) or result.unparsed:
        pytest.fail(
            f"mypy did not run cleanly (exit status {result.exit_status}):\n{result.stdout}{result.stderr}",
            pytrace=False,
        )


@pytest.mark.parametrize("path", ACCEPT_FILES, ids=lambda p: f"accept/{p.name}")
def test_accept(path: Path, mypy_result: MypyResult) -> None:
    _usable(mypy_result)
    markers = parse_markers(path.read_text())
    problems = check_accept(markers, mypy_result.by_file.get(_rel(path), []))
    if problems:
        _fail(path, problems, mypy_result)


@pytest.mark.parametrize("path", REJECT_FILES, ids=lambda p: f"reject/{p.name}")
def test_reject(path: Path, mypy_result: MypyResult) -> None:
    _usable(mypy_result)
    markers = parse_markers(path.read_text())
    problems = check_reject(markers, mypy_result.by_file.get(_rel(path), []))
    if problems:
        _fail(path, problems, mypy_result)


def test_no_errors_outside_the_test_files(mypy_result: MypyResult) -> None:
    """Errors in typedtorch itself (reported because the test files import it) fail here."""
    _usable(mypy_result)
    ours = {_rel(p) for p in (*ACCEPT_FILES, *REJECT_FILES)}
    stray = [f"{path}:{d}" for path, diags in mypy_result.by_file.items() if path not in ours for d in diags]
    assert not stray, "mypy reported problems outside tests/typing:\n" + "\n".join(stray)


def test_every_topic_has_both_sides() -> None:
    accept = {p.name for p in ACCEPT_FILES}
    reject = {p.name for p in REJECT_FILES}
    assert accept, "no accept files found"
    assert accept == reject, (
        f"unpaired files: accept only {sorted(accept - reject)}, reject only {sorted(reject - accept)}"
    )


# ------------------------------------------------- the runner can fail (no mypy run)

_SOURCE = """\
from typing import reveal_type
import typedtorch as tt
x = tt.zeros(4, 2)
reveal_type(x)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
y = x @ tt.zeros(3, 5)  # E: Unsupported operand types for @
z = x + 1
"""
_GOOD_OUTPUT = """\
t.py:4: note: Revealed type is "typedtorch._tensor.Tensor[Literal[4], Literal[2]]"
t.py:5: error: Unsupported operand types for @ ("Tensor[Literal[4], Literal[2]]" and "Tensor[Literal[3], Literal[5]]")  [operator]
"""


def _diags(output: str) -> list[Diagnostic]:
    by_file, unparsed = parse_mypy_output(output)
    assert not unparsed
    return by_file.get("t.py", [])


def test_runner_parses_markers() -> None:
    markers = parse_markers(_SOURCE + "w = x  # E: first  # E: second\n")
    assert markers.reveals == {4: "typedtorch._tensor.Tensor[Literal[4], Literal[2]]"}
    assert markers.errors == {5: ["Unsupported operand types for @"], 7: ["first", "second"]}
    assert markers.reveal_calls == {4}


def test_runner_passes_matching_output() -> None:
    assert check_reject(parse_markers(_SOURCE), _diags(_GOOD_OUTPUT)) == []


def test_runner_reports_a_missing_expected_error() -> None:
    output = _GOOD_OUTPUT.splitlines()[0] + "\n"  # mypy "forgot" the line-5 error
    problems = check_reject(parse_markers(_SOURCE), _diags(output))
    assert len(problems) == 1 and "line 5: expected an error" in problems[0], problems


def test_runner_reports_an_error_with_other_text() -> None:
    output = _GOOD_OUTPUT.replace("Unsupported operand types for @", "Something else")
    problems = check_reject(parse_markers(_SOURCE), _diags(output))
    assert problems and "line 5" in problems[0], problems


def test_runner_reports_an_error_on_an_unmarked_line() -> None:
    output = _GOOD_OUTPUT + 't.py:6: error: Unsupported operand types for + ("Tensor" and "int")  [operator]\n'
    problems = check_reject(parse_markers(_SOURCE), _diags(output))
    assert problems == [
        'line 6: error on a line without an `# E:` marker: Unsupported operand types for + ("Tensor" and "int")  [operator]'
    ]


def test_runner_reports_a_reject_file_without_markers() -> None:
    assert check_reject(parse_markers("import typedtorch\n"), []) != []


def test_runner_reports_errors_and_wrong_reveals_in_accept_files() -> None:
    source = _SOURCE.replace("  # E: Unsupported operand types for @", "")
    assert check_accept(parse_markers(source), _diags(_GOOD_OUTPUT)) == [
        "line 5: unexpected error: " + _diags(_GOOD_OUTPUT)[1].message
    ]
    wrong = _GOOD_OUTPUT.replace('Tensor[Literal[4], Literal[2]]"', 'Tensor[int, int]"', 1)
    problems = check_accept(parse_markers(source), _diags(wrong.splitlines()[0]))
    assert problems == [
        'line 4: expected revealed type "typedtorch._tensor.Tensor[Literal[4], Literal[2]]", '
        'got "typedtorch._tensor.Tensor[int, int]"'
    ]
    missing = check_accept(parse_markers(source), [])
    assert missing == [
        'line 4: expected revealed type "typedtorch._tensor.Tensor[Literal[4], Literal[2]]", got no revealed type'
    ]


def test_runner_reports_a_reveal_type_without_marker() -> None:
    source = "from typing import reveal_type\nreveal_type(1)\n"
    problems = check_accept(parse_markers(source), _diags('t.py:2: note: Revealed type is "Literal[1]?"\n'))
    assert problems == ['line 2: reveal_type without an `# R: <type>` marker (mypy says "Literal[1]?")']
    assert check_accept(parse_markers(source), []) != []  # caught from the source alone, too
