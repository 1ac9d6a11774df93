"""Helpers for the hardening and fuzz tests: run attacks in a fresh interpreter and measure each one.

:func:`measure` runs a setup snippet, then each named call, in one subprocess, and
reports for each call its outcome (``"ok"`` or the exception's class and message),
its wall time and its peak memory: the resident-set high-water mark is reset before
each call (``/proc/self/clear_refs``, Linux), so the figure is the call's own peak
above what the process held just before it. Elsewhere the process-wide peak
(``ru_maxrss``) is used, which can only overstate.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

_DRIVER = r"""
import json, os, resource, sys, time, traceback

def _status(key):
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None

def _reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False

def _peak():
    hwm = _status("VmHWM")
    return hwm if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

_results = {}
def _run(name, fn):
    import gc
    gc.collect()
    exact = _reset_peak()
    before = _status("VmRSS") or 0
    t0 = time.perf_counter()
    try:
        fn()
        outcome = "ok"
    except BaseException as e:
        outcome = f"{type(e).__module__}.{type(e).__qualname__}: {e}"[:2000]
    seconds = time.perf_counter() - t0
    _results[name] = {"outcome": outcome, "seconds": seconds, "peak_bytes": _peak() - (before if exact else 0), "exact": exact}
"""


def measure(
    setup: str, calls: dict[str, str], *, timeout: float = 60, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """``{name: {"outcome", "seconds", "peak_bytes", "exact"}}`` for each call (an expression) after ``setup``."""
    lines = [_DRIVER, textwrap.dedent(setup)]
    for name, expr in calls.items():
        lines.append(f"_run({name!r}, lambda: ({expr}))")
    lines.append("print('RESULTS' + json.dumps(_results))")
    proc = subprocess.run(
        [sys.executable, "-c", "\n".join(lines)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    out = [line for line in proc.stdout.splitlines() if line.startswith("RESULTS")]
    assert proc.returncode == 0 and out, proc.stdout[-3000:] + proc.stderr[-3000:]
    results: dict[str, Any] = json.loads(out[-1][len("RESULTS") :])
    return results


MiB = 1 << 20
