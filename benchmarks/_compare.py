"""What the step benchmarks print to show that two implementations did the same work."""

from __future__ import annotations

from collections.abc import Sequence


def loss_verdict(got: Sequence[float], ref: Sequence[float]) -> str:
    """``identical``, or the largest relative difference between two runs' losses.

    >>> loss_verdict([1.0, 0.5], [1.0, 0.5]), loss_verdict([1.0, 0.5], [1.0, 0.25])
    ('identical', 'max relative difference 1.0e+00')
    """
    if list(got) == list(ref):
        return "identical"
    rel = max(abs(a - b) / max(abs(b), 1e-30) for a, b in zip(got, ref, strict=True))
    return f"max relative difference {rel:.1e}"
