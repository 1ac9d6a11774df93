"""Per-call cost of run-time shape checking: ``@tt.checked`` against the alternatives.

One function, three tensor arguments and a tensor result, with a body that does no
work (it returns its first argument), so the numbers are the checking overhead:

    undecorated                            the bare call
    @tt.checked                            typedtorch shape types, B and N bound per call
    @tt.checked, TYPEDTORCH_CHECKS=0       measured in a fresh process (decorator is a no-op)
    @beartype                              shape types, no per-call binding (reference)
    @jaxtyped(typechecker=beartype)        the same shapes as jaxtyping annotations
    @tt.checked, jaxtyping annotations     jaxtyping hints under @tt.checked (shared dims)

Run:  python benchmarks/checked_overhead.py [--json]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import timeit
from collections.abc import Callable
from typing import TypeVar

from beartype import beartype
from jaxtyping import Float, jaxtyped

import typedtorch as tt
from typedtorch import Matrix, Tensor, Vector

B = TypeVar("B")
N = TypeVar("N")


def per_call_us(fn: Callable[[], object], number: int = 20000, repeat: int = 7) -> float:
    """Median over `repeat` runs of the mean time per call, in microseconds."""
    fn()
    return statistics.median(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def plain(x: Matrix[B, N], w: Matrix[N, N], b: Vector[N]) -> Matrix[B, N]:
    return x


def jax_style(x: Float[Tensor, "b n"], w: Float[Tensor, "n n"], b: Float[Tensor, " n"]) -> Float[Tensor, "b n"]:  # type: ignore[type-arg]  # noqa: F722
    return x


def measure() -> dict[str, float]:
    x, w, b = tt.zeros(32, 16), tt.zeros(16, 16), tt.zeros(16)
    variants: dict[str, Callable[..., object]] = {"undecorated": plain, "@tt.checked": tt.checked(plain)}
    if os.environ.get("TYPEDTORCH_CHECKS") == "0":  # the child process: only these two mean anything
        return {k: per_call_us(lambda f=f: f(x, w, b)) for k, f in variants.items()}  # type: ignore[misc]
    variants["@beartype (no binding)"] = beartype(plain)
    variants["@jaxtyped(typechecker=beartype)"] = jaxtyped(typechecker=beartype)(jax_style)
    variants["@tt.checked, jaxtyping annotations"] = tt.checked(jax_style)
    return {k: per_call_us(lambda f=f: f(x, w, b)) for k, f in variants.items()}  # type: ignore[misc]


def main() -> None:
    if os.environ.get("TYPEDTORCH_CHECKS") == "0":
        print(json.dumps(measure()))
        return
    results = measure()
    child = subprocess.run(
        [sys.executable, __file__],
        env={**os.environ, "TYPEDTORCH_CHECKS": "0"},
        capture_output=True,
        text=True,
        check=True,
    )
    off = json.loads(child.stdout)
    results["@tt.checked, TYPEDTORCH_CHECKS=0"] = off["@tt.checked"]
    results["undecorated (checks-off process)"] = off["undecorated"]
    if "--json" in sys.argv:
        print(json.dumps(results, indent=2))
        return
    print(f"{'variant (3 tensor args + return)':44s} {'µs/call':>9s}")
    for name, us in results.items():
        print(f"{name:44s} {us:9.3f}")


if __name__ == "__main__":
    main()
