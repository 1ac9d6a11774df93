"""Measure the type checkers on the realistic corpus: false errors on correct code, bugs caught.

Three checkers, each in one run over the whole corpus (``good/`` and ``bad/`` together):

- **mypy + plugin**: ``mypy.api.run`` in this process with the project's ``mypy.ini``
  (strict, the typedtorch plugin on);
- **mypy (plain)**: the same configuration with the ``plugins`` line removed, i.e. what
  the stubs alone give (its own cache directory, so the two runs do not invalidate
  each other's cache);
- **pyright**: ``pyright --outputjson`` in standard mode (``[tool.pyright]`` of
  ``pyproject.toml``), one process.

For each checker: correct programs with no error (and every false error, as
``file:line: message``); buggy programs caught in the statement marked ``# BUG:``
(cleanly, or with other errors too), reported only elsewhere, or missed; and the
wall-clock seconds the run took. Errors count; notes, warnings and pyright's
information lines do not.

    python tests/typing/realistic/measure.py              # the table and the details
    python tests/typing/realistic/measure.py --json figures.json
    python tests/typing/realistic/measure.py --warm       # timings with warm mypy caches
    python tests/typing/realistic/measure.py --only mypy  # mypy / plain / pyright, comma-separated
    python tests/typing/realistic/measure.py --run        # also run every program with typedtorch

Timings: by default each mypy run starts from an empty cache (what a first run, or CI,
pays: typedtorch and numpy's stubs are analysed too); ``--warm`` runs each mypy twice on
its own persistent cache and reports the second run. pyright keeps no cache.

A catch is *genuine* when an error in the ``# BUG`` statement is about the program's
types, not one of the errors that also fall on correct code for unrelated reasons
(a name the library lacks, a module it cannot call, a bare ``Tensor`` annotation, a
returned ``Any``, a size widened to ``int``): while the API is incomplete, such errors land on ``# BUG`` lines by
accident. ``tests/test_realistic.py`` holds mypy's genuine catches to its threshold.

Importable: ``measure(checkers)`` returns the scores that ``tests/test_realistic.py``
holds to its thresholds.
"""

from __future__ import annotations

import argparse
import configparser
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from realistic_corpus import BAD, GOOD, ROOT, Bug, bug_markers, rel  # noqa: E402

CHECKERS = ("mypy", "plain", "pyright")
TITLES = {"mypy": "mypy + plugin", "plain": "mypy (plain)", "pyright": "pyright"}

# ------------------------------------------------------------------ diagnostics


@dataclass(frozen=True)
class Diag:
    file: str  # corpus-relative: good/x.py
    line: int
    message: str  # with the error code / rule in brackets at the end

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


_MYPY_LINE = re.compile(r"^(?P<path>.+?\.py):(?P<line>\d+):(?:\d+:)? (?P<severity>error|note|warning): (?P<msg>.*)$")


def parse_mypy(stdout: str) -> tuple[list[Diag], list[str]]:
    """mypy's errors in corpus files, and the lines that were neither diagnostics nor in the corpus."""
    diags: list[Diag] = []
    stray: list[str] = []
    for raw in stdout.splitlines():
        if not raw.strip():
            continue
        m = _MYPY_LINE.match(raw)
        if m is None:
            stray.append(raw)
            continue
        if m["severity"] != "error":
            continue
        path = (ROOT / m["path"]).resolve()
        if not path.is_relative_to(HERE):
            stray.append(raw)
            continue
        diags.append(Diag(rel(path), int(m["line"]), m["msg"]))
    return diags, stray


def parse_pyright(report: dict[str, object]) -> tuple[list[Diag], list[str]]:
    """pyright's errors (``--outputjson``) in corpus files, and errors anywhere else."""
    diags: list[Diag] = []
    stray: list[str] = []
    for d in report.get("generalDiagnostics", []):  # type: ignore[attr-defined]
        if d.get("severity") != "error":
            continue
        line = int(d["range"]["start"]["line"]) + 1
        message = " ".join(str(d["message"]).split())
        if d.get("rule"):
            message += f"  [{d['rule']}]"
        path = Path(d["file"]).resolve()
        if path.is_relative_to(HERE):
            diags.append(Diag(rel(path), line, message))
        else:
            stray.append(f"{path}:{line}: {message}")
    return diags, stray


# --------------------------------------------------------------------- running


@dataclass
class Run:
    checker: str
    seconds: float
    diags: list[Diag]
    stray: list[str]  # output that is not an error in a corpus file (a crash, errors in the library)
    status: int


def _files(files: Iterable[Path]) -> list[str]:
    return [p.resolve().relative_to(ROOT).as_posix() for p in files]


def run_mypy(files: list[Path], plugin: bool = True, cache_dir: str | None = None) -> Run:
    """One in-process mypy run over ``files`` from the repository root."""
    from mypy import api

    config = ROOT / "mypy.ini"
    tmp: tempfile.TemporaryDirectory[str] | None = None
    if not plugin:
        parser = configparser.ConfigParser()
        parser.read(config)
        parser.remove_option("mypy", "plugins")
        tmp = tempfile.TemporaryDirectory()
        config = Path(tmp.name) / "mypy.ini"
        with config.open("w") as f:
            parser.write(f)
    args = ["--config-file", str(config), "--show-error-codes", "--no-error-summary", "--no-pretty"]
    args += ["--cache-dir", cache_dir or (".mypy_cache" if plugin else ".mypy_cache/plain")]
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        start = time.perf_counter()
        stdout, stderr, status = api.run([*args, *_files(files)])
        seconds = time.perf_counter() - start
    finally:
        os.chdir(cwd)
        if tmp is not None:
            tmp.cleanup()
    diags, stray = parse_mypy(stdout)
    if stderr.strip():
        stray.append(stderr.strip())
    return Run("mypy" if plugin else "plain", seconds, diags, stray, status)


def pyright_command() -> list[str]:
    """pyright from the environment running this script (the `pyright` PyPI package)."""
    return [sys.executable, "-m", "pyright"]


def run_pyright(files: list[Path]) -> Run:
    """One pyright process over ``files``, standard mode (``[tool.pyright]``), JSON output."""
    env = {**os.environ, "PYRIGHT_PYTHON_IGNORE_WARNINGS": "1"}  # no version check over the network
    cmd = [*pyright_command(), "--outputjson", "--pythonpath", sys.executable, *_files(files)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - start
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        return Run(
            "pyright",
            seconds,
            [],
            [f"pyright did not report JSON (exit {proc.returncode}):", proc.stdout, proc.stderr],
            proc.returncode,
        )
    diags, stray = parse_pyright(report)
    return Run("pyright", seconds, diags, stray, proc.returncode)


# --------------------------------------------------------------------- scoring


@dataclass
class BadResult:
    file: str
    bug: str  # the marker's text
    bug_lines: str  # "12" or "12-15": the statement holding the marker
    verdict: str  # "caught" (only there), "caught+noise", "elsewhere", "missed", "unmarked"
    at_bug: list[str] = field(default_factory=list)  # errors in the marked statement
    elsewhere: list[str] = field(default_factory=list)  # errors outside it


@dataclass
class Score:
    checker: str
    seconds: float
    good_total: int
    good_clean: int
    false_errors: list[Diag]
    bad_total: int
    caught: int  # an error in the # BUG statement (with or without others)
    caught_clean: int  # ... and no error anywhere else in the file
    caught_genuine: int  # ... by an error that is about types (see UNRELATED)
    elsewhere: int  # errors, but none in the # BUG statement
    missed: int  # no error at all
    bad: list[BadResult]
    stray: list[str]

    @property
    def catch_rate(self) -> float:
        return self.caught / self.bad_total if self.bad_total else 0.0

    @property
    def genuine_rate(self) -> float:
        return self.caught_genuine / self.bad_total if self.bad_total else 0.0


def score(run: Run, good: list[Path], bad: list[Path]) -> Score:
    by_file: dict[str, list[Diag]] = {}
    for d in run.diags:
        by_file.setdefault(d.file, []).append(d)
    false_errors = [d for p in good for d in by_file.get(rel(p), [])]
    good_clean = sum(1 for p in good if not by_file.get(rel(p)))
    results: list[BadResult] = []
    for p in bad:
        bugs = bug_markers(p.read_text())
        errors = by_file.get(rel(p), [])
        if len(bugs) != 1:
            results.append(BadResult(rel(p), f"{len(bugs)} # BUG markers (need exactly 1)", "", "unmarked"))
            continue
        b: Bug = bugs[0]
        span = str(b.first) if b.first == b.last else f"{b.first}-{b.last}"
        there = [f"{d.line}: {d.message}" for d in errors if b.covers(d.line)]
        other = [f"{d.line}: {d.message}" for d in errors if not b.covers(d.line)]
        verdict = ("caught+noise" if other else "caught") if there else ("elsewhere" if other else "missed")
        results.append(BadResult(rel(p), b.text, span, verdict, there, other))
    verdicts = Counter(r.verdict for r in results)
    genuine = sum(1 for r in results if any(category(e.split(": ", 1)[1]) not in UNRELATED for e in r.at_bug))
    return Score(
        checker=run.checker,
        seconds=run.seconds,
        good_total=len(good),
        good_clean=good_clean,
        false_errors=false_errors,
        bad_total=len(bad),
        caught=verdicts["caught"] + verdicts["caught+noise"],
        caught_clean=verdicts["caught"],
        caught_genuine=genuine,
        elsewhere=verdicts["elsewhere"],
        missed=verdicts["missed"] + verdicts["unmarked"],
        bad=results,
        stray=run.stray,
    )


# Why a checker reports an error, roughly: groups for the report (first match wins).
CATEGORIES: list[tuple[str, re.Pattern[str]]] = [
    (
        "missing API (name not there yet)",
        re.compile(
            r"has no attribute|Cannot find implementation or library stub|is not a known attribute of module"
            r"|could not be resolved|Cannot access attribute|is not exported from module|Module .* has no attribute"
            r"|No parameter named|Unexpected keyword argument|\[call-arg\]|\[reportAttributeAccessIssue\]"
        ),
    ),
    ("module not callable (forward()-style)", re.compile(r"not callable|Object of type .* is not callable")),
    ("bare generic annotation (Tensor, Sequential)", re.compile(r"Missing type arguments for generic type")),
    ("Any after an error / untyped result", re.compile(r"Returning Any from function")),
    ("broadcasting rule", re.compile(r"do not broadcast|broadcast")),
    ("Tensor == number (strict equality)", re.compile(r"Non-overlapping equality check")),
    (
        "gradual shapes: TypeVar not solved",
        re.compile(r"Cannot infer value of type parameter|Cannot infer type argument"),
    ),
    (
        "literal size widened to int",
        re.compile(r'"int"; expected "Literal|(?:\[|, )int(?:\]|,)|Linear\[int|Sequential\[int'),
    ),
    ("rebinding a name to a new shape", re.compile(r"Incompatible types in assignment")),
    ("unpacking / iterating a tensor", re.compile(r"not iterable|Cannot determine type of|values to unpack")),
    ("matmul", re.compile(r'operand types for @|Operator "@"')),
    ("no matching overload", re.compile(r"No overload variant|No overloads for|\[call-overload\]")),
    (
        "argument / return / assignment type",
        re.compile(
            r"\[arg-type\]|\[return-value\]|\[assignment\]|reportArgumentType|reportReturnType|reportAssignmentType"
        ),
    ),
    ("operator", re.compile(r"\[operator\]|reportOperatorIssue")),
]


# Errors that say nothing about the program's shapes (they fall on correct code too).
UNRELATED = frozenset(
    {
        "missing API (name not there yet)",
        "module not callable (forward()-style)",
        "bare generic annotation (Tensor, Sequential)",
        "Any after an error / untyped result",
        "literal size widened to int",
    }
)


def category(message: str) -> str:
    for name, pattern in CATEGORIES:
        if pattern.search(message):
            return name
    return "other"


# --------------------------------------------------------------------- the whole


def measure(checkers: Iterable[str] = CHECKERS, cache: str = "persistent") -> dict[str, Score]:
    """Run the chosen checkers over the corpus; their scores, by checker name.

    ``cache``: ``"persistent"`` (mypy's usual cache directories, as found), ``"cold"``
    (fresh empty caches) or ``"warm"`` (persistent, each mypy run twice, the second timed).
    """
    if cache not in ("persistent", "cold", "warm"):
        raise ValueError(f"cache must be persistent, cold or warm, got {cache!r}")
    files = [*GOOD, *BAD]
    scores: dict[str, Score] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in checkers:
            if name in ("mypy", "plain"):
                plugin = name == "mypy"
                cache_dir = f"{tmp}/{name}" if cache == "cold" else None
                run = run_mypy(files, plugin=plugin, cache_dir=cache_dir)
                if cache == "warm":
                    run = run_mypy(files, plugin=plugin)
            elif name == "pyright":
                run = run_pyright(files)
            else:
                raise ValueError(f"unknown checker {name!r}; choose from {', '.join(CHECKERS)}")
            scores[name] = score(run, GOOD, BAD)
    return scores


def table(scores: dict[str, Score]) -> list[str]:
    names = list(scores)
    rows: list[tuple[str, list[str]]] = [
        ("good: no error", [f"{s.good_clean}/{s.good_total}" for s in scores.values()]),
        ("good: false errors", [str(len(s.false_errors)) for s in scores.values()]),
        ("bad: caught on the # BUG line", [f"{s.caught}/{s.bad_total} ({s.catch_rate:.0%})" for s in scores.values()]),
        ("  of which nothing else", [str(s.caught_clean) for s in scores.values()]),
        ("  of which genuine (about types)", [str(s.caught_genuine) for s in scores.values()]),
        ("bad: reported elsewhere only", [str(s.elsewhere) for s in scores.values()]),
        ("bad: missed (no error)", [str(s.missed) for s in scores.values()]),
        ("seconds", [f"{s.seconds:.1f}" for s in scores.values()]),
    ]
    if "mypy" in scores and "plain" in scores and scores["plain"].seconds > 0:
        ratio = scores["mypy"].seconds / scores["plain"].seconds
        rows.append(("plugin time / plain mypy time", [f"{ratio:.2f}x", "", ""][: len(names)]))
    width = max(len(r[0]) for r in rows)
    cols = [max(len(TITLES[n]), *(len(r[1][i]) for r in rows)) for i, n in enumerate(names)]
    out = [" " * width + "  " + "  ".join(TITLES[n].rjust(c) for n, c in zip(names, cols, strict=True))]
    for label, cells in rows:
        out.append(label.ljust(width) + "  " + "  ".join(v.rjust(c) for v, c in zip(cells, cols, strict=True)))
    return out


def details(s: Score) -> list[str]:
    out = [f"== {TITLES[s.checker]} =="]
    cats = Counter(category(d.message) for d in s.false_errors)
    out.append(f"false errors on good/ ({len(s.false_errors)} in {s.good_total - s.good_clean} files), by kind:")
    out += [f"  {n:4d}  {c}" for c, n in cats.most_common()]
    for d in s.false_errors:
        out.append(f"  {d}    <{category(d.message)}>")
    out.append("bad/ not caught on the # BUG line:")
    for r in s.bad:
        if r.verdict in ("missed", "elsewhere", "unmarked"):
            out.append(f"  {r.file}:{r.bug_lines} [{r.verdict}] BUG: {r.bug}")
            out += [f"      elsewhere {e}" for e in r.elsewhere]
    noisy = [r for r in s.bad if r.verdict == "caught+noise"]
    if noisy:
        out.append("bad/ caught, with other errors too:")
        for r in noisy:
            out.append(f"  {r.file}:{r.bug_lines}")
            out += [f"      also {e}" for e in r.elsewhere]
    if s.stray:
        out.append("output outside the corpus (crashes, errors in the library):")
        out += [f"  {line}" for line in s.stray]
    return out


def run_programs() -> list[dict[str, object]]:
    """Every program run with typedtorch (``runtime.py``, in a fresh process)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "runtime.json"
        subprocess.run([sys.executable, str(HERE / "runtime.py"), "--json", str(out)], capture_output=True, check=False)
        return json.loads(out.read_text()) if out.exists() else []


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path, help="write the figures here")
    ap.add_argument("--only", default=",".join(CHECKERS), help=f"checkers to run, from {','.join(CHECKERS)}")
    ap.add_argument("--warm", action="store_true", help="time mypy on warm caches (default: fresh, empty caches)")
    ap.add_argument("--run", action="store_true", help="also run every program with typedtorch (runtime.py)")
    ap.add_argument("--brief", action="store_true", help="the table only")
    args = ap.parse_args(argv)
    cache = "warm" if args.warm else "cold"
    scores = measure([c.strip() for c in args.only.split(",") if c.strip()], cache=cache)
    print(f"realistic corpus: {len(GOOD)} correct programs, {len(BAD)} with one shape bug each (mypy caches: {cache})")
    print("\n".join(table(scores)))
    if not args.brief:
        for s in scores.values():
            print()
            print("\n".join(details(s)))
    figures: dict[str, object] = {
        name: {
            **{k: v for k, v in asdict(s).items() if k not in ("false_errors", "bad")},
            "catch_rate": s.catch_rate,
            "genuine_rate": s.genuine_rate,
            "false_errors": [{**asdict(d), "category": category(d.message)} for d in s.false_errors],
            "bad": [asdict(r) for r in s.bad],
        }
        for name, s in scores.items()
    }
    figures["mypy_cache"] = cache
    if args.run:
        outcomes = run_programs()
        good_ok = sum(1 for o in outcomes if str(o["file"]).startswith("good/") and o["ok"])
        bad_shape = sum(1 for o in outcomes if str(o["file"]).startswith("bad/") and o["shape_error"] and o["at_bug"])
        print(f"\nrun time (typedtorch): good/ run to the end {good_ok}/{len(GOOD)}; ", end="")
        print(f"bad/ raise ShapeError in the # BUG statement {bad_shape}/{len(BAD)}")
        figures["runtime"] = outcomes
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
