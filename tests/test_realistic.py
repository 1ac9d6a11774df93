"""The realistic corpus (``tests/typing/realistic/``): the checkers held to issue 11's goals.

The corpus is 60-odd correct programs (``good/``) and 60-odd programs with exactly one
shape bug each (``bad/``, the bug's line marked ``# BUG: ...``), written the way
people write PyTorch code, independently of ``tests/typing/accept|reject``.
``measure.py`` there runs the checkers and prints the figures; these tests hold them
to the thresholds:

- mypy with the plugin (``mypy.ini``): no error on any correct program;
- pyright (standard mode): no error on any correct program;
- mypy with the plugin catches at least 95% of the bugs *genuinely* in the statement
  marked ``# BUG`` (an error about types there, not a missing name or a returned
  ``Any``: see ``measure.py``);
- every correct program runs to the end with typedtorch.

The other tests check the corpus itself and the harness; the PyTorch
oracle (every correct program also runs on PyTorch, through a stand-in for
typedtorch) runs where torch is installed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from _scripts import load_file

ROOT = Path(__file__).resolve().parent.parent
REALISTIC = ROOT / "tests" / "typing" / "realistic"


def _load(name: str) -> ModuleType:
    return load_file(REALISTIC / f"{name}.py", f"realistic_{name}")


measure = _load("measure")
corpus = _load("realistic_corpus")


MIN_PROGRAMS = 40
CATCH_THRESHOLD = 0.95


# ------------------------------------------------------------------ the corpus itself


def test_corpus_is_big_enough() -> None:
    assert len(corpus.GOOD) >= MIN_PROGRAMS, f"only {len(corpus.GOOD)} correct programs"
    assert len(corpus.BAD) >= MIN_PROGRAMS, f"only {len(corpus.BAD)} buggy programs"


def test_every_buggy_program_marks_exactly_one_bug() -> None:
    wrong = {corpus.rel(p): len(corpus.bug_markers(p.read_text())) for p in corpus.BAD}
    assert {k: n for k, n in wrong.items() if n != 1} == {}


def test_correct_programs_mark_no_bug() -> None:
    marked = [corpus.rel(p) for p in corpus.GOOD if corpus.bug_markers(p.read_text())]
    assert marked == []


def test_program_names_are_unique_modules() -> None:
    """mypy names each file by its stem (the folders are not packages): two equal stems would clash."""
    stems = [p.stem for p in (*corpus.GOOD, *corpus.BAD)]
    assert len(stems) == len(set(stems))
    assert not (corpus.GOOD_DIR / "__init__.py").exists() and not (corpus.BAD_DIR / "__init__.py").exists()


# ------------------------------------------------------------------ the harness can fail


def test_bug_marker_spans_its_statement() -> None:
    source = "x = f(\n    1,\n    2,  # BUG: wrong\n)\ny = 2\n"
    (bug,) = corpus.bug_markers(source)
    assert (bug.line, bug.first, bug.last, bug.text) == (3, 1, 4, "wrong")
    header = "def f(x: int) -> str:  # BUG: returns int\n    return x\n"
    (bug,) = corpus.bug_markers(header)
    assert (bug.first, bug.last) == (1, 1)


def _run(diags: list[tuple[str, int, str]]) -> Any:
    return measure.Run("mypy", 1.0, [measure.Diag(f, line, msg) for f, line, msg in diags], [], 1)


def test_scoring(tmp_path: Path) -> None:
    good = corpus.GOOD[:2]
    bad = corpus.BAD[:3]
    spans = [corpus.bug_markers(p.read_text())[0] for p in bad]
    g0, b0, b1, b2 = corpus.rel(good[0]), corpus.rel(bad[0]), corpus.rel(bad[1]), corpus.rel(bad[2])
    run = _run(
        [
            (g0, 3, 'Module has no attribute "tril"  [attr-defined]'),
            (b0, spans[0].line, "matmul: inner dimensions differ  [shape]"),
            (b1, spans[1].line, 'Module has no attribute "tril"  [attr-defined]'),
            (b1, 1, "something else  [misc]"),
            (b2, spans[2].last + 1, "after the bug  [shape]"),
        ]
    )
    s = measure.score(run, good, bad)
    assert (s.good_total, s.good_clean, len(s.false_errors)) == (2, 1, 1)
    assert [r.verdict for r in s.bad] == ["caught", "caught+noise", "elsewhere"]
    assert (s.caught, s.caught_clean, s.caught_genuine, s.elsewhere, s.missed) == (2, 1, 1, 1, 0)
    assert measure.score(_run([]), good, bad).missed == 3


def test_parse_mypy_output() -> None:
    good = corpus.rel(corpus.GOOD[0])
    stdout = (
        f"tests/typing/realistic/{good}:12: error: Bad thing  [misc]\n"
        f"tests/typing/realistic/{good}:12: note: Possible overload variants:\n"
        "typedtorch/_tensor.py:3: error: Broken library  [misc]\n"
        "mypy: crashed\n"
    )
    diags, stray = measure.parse_mypy(stdout)
    assert diags == [measure.Diag(good, 12, "Bad thing  [misc]")]
    assert stray == ["typedtorch/_tensor.py:3: error: Broken library  [misc]", "mypy: crashed"]


def test_categories() -> None:
    assert measure.category('Module has no attribute "tril"  [attr-defined]') == "missing API (name not there yet)"
    assert measure.category("sub: shapes do not broadcast: Tensor[B, 6] - Tensor[1, 6]  [shape]") == "broadcasting rule"
    assert measure.category('Argument 1 to "zeros" has incompatible type "int"; expected "Literal[6]"  [arg-type]') == (
        "literal size widened to int"
    )
    assert measure.category("something new") == "other"


# ------------------------------------------------------------------ PyTorch as an oracle


def _runtime(*args: str) -> list[dict[str, Any]]:
    """``runtime.py`` in a fresh process (the PyTorch stand-in patches torch and ``sys.modules``)."""
    out = subprocess.run(
        [sys.executable, str(REALISTIC / "runtime.py"), "--json", "-", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        outcomes: list[dict[str, Any]] = json.loads(out.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"runtime.py printed no JSON (exit {out.returncode}):\n{out.stdout}{out.stderr}", pytrace=False)
    return outcomes


def test_correct_programs_run_on_pytorch() -> None:
    """Independent evidence that ``good/`` is correct: every program runs on PyTorch."""
    pytest.importorskip("torch")
    outcomes = _runtime("--torch", *(corpus.rel(p) for p in corpus.GOOD))
    assert len(outcomes) == len(corpus.GOOD)
    failed = [f"{o['file']}:{o['line']}: {o['error']}" for o in outcomes if not o["ok"]]
    assert failed == []


# ------------------------------------------------------------------ the thresholds


@pytest.fixture(scope="module")
def scores() -> dict[str, Any]:
    result: dict[str, Any] = measure.measure(["mypy", "pyright"], cache="persistent")
    for s in result.values():
        if s.stray:
            pytest.fail(f"{s.checker} reported outside the corpus:\n" + "\n".join(s.stray), pytrace=False)
    return result


@pytest.mark.parametrize("checker", ["mypy", "pyright"])
def test_no_false_errors_on_correct_programs(checker: str, scores: dict[str, Any]) -> None:
    s = scores[checker]
    assert s.false_errors == [], f"{measure.TITLES[checker]}: {len(s.false_errors)} false errors:\n" + "\n".join(
        f"  {d}" for d in s.false_errors
    )


def test_mypy_catches_the_bugs(scores: dict[str, Any]) -> None:
    s = scores["mypy"]
    missed = [
        r for r in s.bad if not any(measure.category(e.split(": ", 1)[1]) not in measure.UNRELATED for e in r.at_bug)
    ]
    report = "\n".join(f"  {r.file}:{r.bug_lines} [{r.verdict}] BUG: {r.bug} {r.at_bug or r.elsewhere}" for r in missed)
    assert s.genuine_rate >= CATCH_THRESHOLD, (
        f"mypy + plugin caught {s.caught_genuine}/{s.bad_total} ({s.genuine_rate:.0%}) on the # BUG line, "
        f"needs {CATCH_THRESHOLD:.0%}; not caught:\n{report}"
    )


def test_correct_programs_run_on_typedtorch() -> None:
    outcomes = _runtime(*(corpus.rel(p) for p in corpus.GOOD))
    failed = [f"{o['file']}:{o['line']}: {o['error']}" for o in outcomes if not o["ok"]]
    assert failed == []
