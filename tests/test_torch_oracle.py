"""Every op of the core against PyTorch on the same inputs: values, dtypes, shapes, gradients.

Each case is one function ``f(ns, *inputs)`` written once for both libraries (``ns`` is
``typedtorch`` or ``torch``: their names, keywords and defaults are the same, which is
itself what this module checks). Hypothesis draws the shapes and a seed; the inputs
are built from the same numpy arrays in float32 and float64, on every typedtorch
device. The forward results must match PyTorch's (values, shape, dtype); then both
libraries backpropagate ``sum(out * W)`` for one random ``W`` and the gradients of every
float input must match too.

Where typedtorch deliberately differs from PyTorch, ``test_deliberate_differences``
checks the refusal (and what PyTorch does instead), and ``DIFFERENCES`` gives the reason.

Set ``TYPEDTORCH_ORACLE_REPORT=path`` to write the figures (cases run per op and the
worst absolute and relative error of its values and gradients) as a table.

Skipped when torch is not installed (``pip install torch==2.13.0``; never a dependency).
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from test_gradcheck import hidden_outer

import typedtorch as tt

torch = pytest.importorskip("torch")
F = torch.nn.functional

# Inputs include inf and nan on purpose (0 ** -1, log of 0, a fully masked softmax row).
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

# Tolerances per dtype. float32 results may differ in the last bits (a different
# summation order, exp/log implementations): relative 2e-5 of the larger side, plus an
# absolute floor for values that cancel to about zero.
TOL = {"float32": (2e-5, 2e-6), "float64": (1e-11, 1e-13)}


class _Torch:
    """``torch`` where typedtorch spells a name in its top-level namespace (``tt.one_hot``)."""

    one_hot = staticmethod(F.one_hot)
    gelu = staticmethod(F.gelu)

    def __getattr__(self, name: str) -> Any:
        return getattr(torch, name)


TORCH = _Torch()


# --------------------------------------------------------------------- drawing inputs


class Draw:
    """Shapes from hypothesis, values from a numpy generator it seeds."""

    def __init__(self, data: st.DataObject, seed: int) -> None:
        self.data = data
        self.rng = np.random.default_rng(seed)

    def __call__(self, strategy: st.SearchStrategy[Any], label: str | None = None) -> Any:
        return self.data.draw(strategy, label=label)

    def shape(self, min_dims: int = 0, max_dims: int = 3, max_side: int = 4) -> tuple[int, ...]:
        s: tuple[int, ...] = self(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=max_side))
        return s

    def dim(self, rank: int, extra: int = 0) -> int:
        r = rank + extra
        d: int = self(st.integers(-r, r - 1), "dim")
        return d

    def dims(self, rank: int) -> tuple[int, ...]:
        picked = self(st.lists(st.integers(0, rank - 1), min_size=1, max_size=rank, unique=True), "dims")
        return tuple(d - rank if self(st.booleans()) else d for d in picked)

    def pair(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Two shapes that broadcast by typedtorch's rule (equal, trailing, with 1s)."""
        pair = self(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3), "shapes")
        a, b = pair.input_shapes
        assume(not hidden_outer(a, b))
        return a, b

    def normal(self, shape: tuple[int, ...], scale: float = 1.0) -> np.ndarray:
        return np.asarray(self.rng.standard_normal(shape) * scale)

    def positive(self, shape: tuple[int, ...]) -> np.ndarray:
        return np.asarray(self.rng.uniform(0.2, 3.0, shape))

    def away(self, shape: tuple[int, ...]) -> np.ndarray:
        return np.asarray(self.rng.uniform(0.5, 2.0, shape) * self.rng.choice([-1.0, 1.0], shape))

    def distinct(self, shape: tuple[int, ...]) -> np.ndarray:
        n = math.prod(shape)
        return np.asarray((self.rng.permutation(n) * 0.25 - 0.125 * n + self.rng.uniform(0, 0.05, n)).reshape(shape))

    def ties(self, shape: tuple[int, ...]) -> np.ndarray:
        """Few distinct values, so maxima tie (how ties route the gradient is compared)."""
        return np.asarray(self.rng.integers(-1, 2, shape).astype(np.float64))

    def ints(self, shape: tuple[int, ...], lo: int = -3, hi: int = 4) -> np.ndarray:
        return np.asarray(self.rng.integers(lo, hi, shape))

    def mask(self, shape: tuple[int, ...]) -> np.ndarray:
        return np.asarray(self.rng.random(shape) < 0.5)


@dataclass(frozen=True)
class Const:
    """An input passed as a tensor that never requires grad (a float constant)."""

    value: np.ndarray


@dataclass
class Case:
    name: str
    fn: Callable[..., Any]  # fn(ns, *inputs), the same for typedtorch and torch
    inputs: Callable[[Draw], list[Any]]
    grad: bool = True  # compare gradients too
    tol: float = 1.0  # a factor on TOL (ops that amplify rounding: var of close values...)


# The cases of each family (one test function each, see the end of the module).
FAMILIES: dict[str, list[Case]] = {}
_family = ""


def family(name: str) -> None:
    global _family
    _family = name
    FAMILIES[name] = []


def add(name: str, fn: Callable[..., Any], inputs: Callable[[Draw], list[Any]], grad: bool = True, tol: float = 1.0) -> None:  # fmt: skip
    FAMILIES[_family].append(Case(name, fn, inputs, grad, tol))


# ----------------------------------------------------------------- elementwise, binary

family("binary")


def _pair_normal(d: Draw) -> list[Any]:
    a, b = d.pair()
    return [d.normal(a), d.normal(b)]


def _pair_away(d: Draw) -> list[Any]:
    a, b = d.pair()
    return [d.normal(a), d.away(b)]


def _one(values: str = "normal", min_dims: int = 0, max_dims: int = 3) -> Callable[[Draw], list[Any]]:
    def inputs(d: Draw) -> list[Any]:
        return [getattr(d, values)(d.shape(min_dims, max_dims))]

    return inputs


add("add", lambda ns, a, b: a + b, _pair_normal)
add("sub", lambda ns, a, b: a - b, _pair_normal)
add("mul", lambda ns, a, b: a * b, _pair_normal)
add("div", lambda ns, a, b: a / b, _pair_away)
add("add number", lambda ns, a: a + 2.5, _one())
add("rsub number", lambda ns, a: 2.5 - a, _one())
add("mul int", lambda ns, a: a * -2, _one())
add("div number", lambda ns, a: a / 3.0, _one())
add("rdiv number", lambda ns, a: 3.0 / a, _one("away"))
# `//` has no gradient in PyTorch (its backward raises); typedtorch's is zero (a step).
add("floor_divide", lambda ns, a, b: a // b, _pair_away, grad=False)
add("floor_divide number", lambda ns, a: ns.floor_divide(a, 0.7), _one(), grad=False)
add("rfloordiv number", lambda ns, a: 3.0 // a, _one("away"), grad=False)
add("remainder", lambda ns, a, b: a % b, _pair_away)
add("remainder method", lambda ns, a, b: a.remainder(b) + ns.remainder(b, a), lambda d: (lambda s: [d.away(s[0]), d.away(s[1])])(d.pair()))  # fmt: skip
add("remainder number", lambda ns, a: a % -1.5, _one())
# PyTorch has no gradient for a number % a tensor (finite differences check typedtorch's).
add("rmod number", lambda ns, a: 2.5 % a, _one("away"), grad=False)
add("neg", lambda ns, a: -a, _one())
add("pos", lambda ns, a: +a, _one())
add("pow 2", lambda ns, a: a**2, _one())
add("pow 3", lambda ns, a: a**3, _one())
add("pow 0.5", lambda ns, a: a**0.5, _one("positive"))
add("pow -1", lambda ns, a: a**-1, _one("away"))
add("pow 1.5 method", lambda ns, a: a.pow(1.5), _one("positive"))
add("pow 0 with zeros", lambda ns, a: (a * 0.0) ** 0 + a**0, _one())
add("pow tensor", lambda ns, a, b: a**b, lambda d: [d.positive(d.pair()[0]), d.normal(d.shape(0, 1, 1))])
add("pow tensor broadcast", lambda ns, a, b: a**b, lambda d: (lambda s: [d.positive(s[0]), d.normal(s[1])])(d.pair()))
add("pow zero base", lambda ns, a, b: (a * 0.0) ** b, lambda d: [d.normal((4,)), np.array([-1.0, 0.0, 1.0, 2.0])])
add("rpow 2", lambda ns, a: 2**a, _one())
add("rpow 0.5", lambda ns, a: 0.5**a, _one())
add("rpow 0", lambda ns, a: 0.0**a, lambda d: [np.array([-1.5, 0.0, 0.5, 2.0])])
add("maximum", lambda ns, a, b: ns.maximum(a, b), lambda d: (lambda s: [d.ties(s[0]), d.ties(s[1])])(d.pair()))
add("minimum", lambda ns, a, b: ns.minimum(a, b), lambda d: (lambda s: [d.ties(s[0]), d.ties(s[1])])(d.pair()))
add("max(tensor)", lambda ns, a, b: a.max(b), lambda d: (lambda s: [d.ties(s[0]), d.ties(s[1])])(d.pair()))
add("min(tensor)", lambda ns, a, b: a.min(b), lambda d: (lambda s: [d.ties(s[0]), d.ties(s[1])])(d.pair()))
add("where", lambda ns, c, a, b: ns.where(c, a, b), lambda d: (lambda s: [d.mask(s[1]), d.normal(s[0]), d.normal(s[1])])(d.pair()))  # fmt: skip
add("where number", lambda ns, c, a: ns.where(c, a, 0.5), lambda d: (lambda s: [d.mask(s), d.normal(s)])(d.shape()))
add("where method", lambda ns, c, a, b: a.where(c, b), lambda d: (lambda s: [d.mask(s), d.normal(s), d.normal(s)])(d.shape()))  # fmt: skip

for _op in ["eq", "ne", "lt", "le", "gt", "ge"]:
    add(f"{_op} tensor", lambda ns, a, b, op=_op: getattr(a, op)(b), lambda d: (lambda s: [d.ties(s[0]), d.ties(s[1])])(d.pair()), grad=False)  # fmt: skip
add("== number", lambda ns, a: a == 0.0, _one("ties"), grad=False)
add("!= number", lambda ns, a: a != 1, _one("ties"), grad=False)
add("< tensor", lambda ns, a, b: a < b, lambda d: (lambda s: [d.ties(s[0]), d.ties(s[1])])(d.pair()), grad=False)
add(">= number", lambda ns, a: a >= 0, _one("ties"), grad=False)
add("int == float", lambda ns, a: a == 1.5, lambda d: [d.ints(d.shape())], grad=False)
add("& | ^ ~", lambda ns, a, b: ((a & b) | ~a) ^ b, lambda d: (lambda s: [d.mask(s[0]), d.mask(s[1])])(d.pair()), grad=False)  # fmt: skip
add("logical_not", lambda ns, a: a.logical_not(), _one("ties"), grad=False)
add("int ~", lambda ns, a: ~a, lambda d: [d.ints(d.shape())], grad=False)


# ------------------------------------------------------------------ elementwise, unary

family("unary")

for _name, _values in [
    ("exp", "normal"), ("log", "positive"), ("log1p", "positive"), ("sqrt", "positive"), ("rsqrt", "positive"),
    ("abs", "ties"), ("sin", "normal"), ("cos", "normal"), ("tanh", "normal"), ("sigmoid", "normal"),
    ("relu", "ties"), ("square", "normal"),
]:  # fmt: skip
    add(_name, lambda ns, a, n=_name: getattr(a, n)(), _one(_values))
    if hasattr(tt, _name):
        add(f"tt.{_name}", lambda ns, a, n=_name: getattr(ns, n)(a), _one(_values))
for _name in ["sign", "floor", "ceil", "round", "isnan", "isfinite"]:
    add(
        _name,
        lambda ns, a, n=_name: getattr(a, n)(),
        lambda d: [np.asarray(d.normal(d.shape(), 2.0).round(1))],
        grad=False,
    )
add("round half to even", lambda ns, a: a.round(), lambda d: [np.array([-1.5, -0.5, 0.5, 1.5, 2.5])], grad=False)
add("floor of ints", lambda ns, a: a.floor(), lambda d: [d.ints(d.shape())], grad=False)
add("sigmoid tails", lambda ns, a: a.sigmoid(), lambda d: [np.array([-100.0, -30.0, -20.0, -1.0, 0.0, 1.0, 20.0, 30.0, 100.0])])  # fmt: skip
add("sqrt at 0", lambda ns, a: (a * 0.0).sqrt() + a.sqrt(), lambda d: [d.positive((3,))])
add("abs, relu at 0", lambda ns, a: (a * 0.0).abs() + (a * 0.0).relu(), lambda d: [d.normal((3,))])
add("abs()", lambda ns, a: abs(a), _one())
add("clamp numbers", lambda ns, a: a.clamp(-0.5, 0.5), _one())
add("clamp min", lambda ns, a: ns.clamp(a, min=0.0), _one())
add("clamp max", lambda ns, a: a.clamp(max=-0.25), _one())
add("clamp at the bounds", lambda ns, a: a.clamp(-1.0, 1.0), lambda d: [np.array([-2.0, -1.0, 0.0, 1.0, 2.0])])
add("clip", lambda ns, a: ns.clip(a, -1.0, 1.0), _one())
add("clamp tensors", lambda ns, a, lo, hi: a.clamp(lo, hi), lambda d: (lambda s: [d.ties(s), np.asarray(d.ties(s[1:]) - 0.5), np.asarray(d.ties(s[1:]) + 0.5)])(d.shape(1)))  # fmt: skip
add("softmax", lambda ns, a, k: ns.softmax(a, dim=k), lambda d: (lambda s: [d.normal(s, 3.0), d.dim(len(s))])(d.shape(1)))  # fmt: skip
add("softmax method", lambda ns, a: a.softmax(-1), _one(min_dims=1))
add("softmax of a Scalar", lambda ns, a: a.softmax(0) + a.log_softmax(-1), lambda d: [d.normal(())])
add("log_softmax", lambda ns, a, k: ns.log_softmax(a, dim=k), lambda d: (lambda s: [d.normal(s, 3.0), d.dim(len(s))])(d.shape(1)))  # fmt: skip
add("softmax -inf masked", lambda ns, a, m: a.masked_fill(m, float("-inf")).softmax(-1), lambda d: (lambda s: [d.normal(s), np.arange(s[-1]) == 0])(d.shape(1)))  # fmt: skip
add("log_softmax -inf masked", lambda ns, a, m: a.masked_fill(m, float("-inf")).log_softmax(-1).exp(), lambda d: (lambda s: [d.normal(s), np.arange(s[-1]) == 0])(d.shape(1)))  # fmt: skip
add("masked_fill", lambda ns, a, m: a.masked_fill(m, -2.0), lambda d: (lambda s: [d.normal(s), d.mask(s[1:])])(d.shape(1)))  # fmt: skip
add("tt.masked_fill", lambda ns, a, m: ns.masked_fill(a, m, 3), lambda d: (lambda s: [d.normal(s), d.mask(s)])(d.shape()))  # fmt: skip
add("masked_fill 0-d tensor", lambda ns, a, m, v: a.masked_fill(m, v), lambda d: (lambda s: [d.normal(s), d.mask(s), d.normal(())])(d.shape(1)))  # fmt: skip


# ------------------------------------------------------------------------ reductions

family("reductions")


def _shape_dims(values: str = "normal") -> Callable[[Draw], list[Any]]:
    def inputs(d: Draw) -> list[Any]:
        s = d.shape(1, 4, 3)
        return [getattr(d, values)(s), d.dims(len(s)), d(st.booleans(), "keepdim")]

    return inputs


def _shape_dim(values: str = "normal", min_dims: int = 1) -> Callable[[Draw], list[Any]]:
    def inputs(d: Draw) -> list[Any]:
        s = d.shape(min_dims, 3)
        return [getattr(d, values)(s), d.dim(max(len(s), 1)), d(st.booleans(), "keepdim")]

    return inputs


for _op in ["sum", "mean", "amax", "amin", "logsumexp"]:
    _values = "ties" if _op in ("amax", "amin") else "normal"
    add(f"{_op} dim tuple", lambda ns, a, k, kd, op=_op: getattr(a, op)(k, keepdim=kd), _shape_dims(_values))
    add(f"{_op} dim", lambda ns, a, k, kd, op=_op: getattr(ns, op)(a, k, kd), _shape_dim(_values, 0))
for _op in ["sum", "mean", "amax", "amin", "max", "min", "prod"]:
    add(f"{_op}()", lambda ns, a, op=_op: getattr(a, op)(), _one("ties" if _op != "mean" else "normal"))
add("sum dtype", lambda ns, a: a.sum(dtype=ns.float64), _one())
add("sum of ints", lambda ns, a: a.sum() + a.sum(0), lambda d: [d.ints(d.shape(1))], grad=False)
add("sum of bools", lambda ns, a: a.sum(-1), lambda d: [d.mask(d.shape(1))], grad=False)
add("prod dim with zeros", lambda ns, a, k, kd: a.prod(k, keepdim=kd), _shape_dim("ties"))
add("prod of ints", lambda ns, a: a.prod(), lambda d: [d.ints(d.shape(1, 2))], grad=False)
add("max(dim) with ties", lambda ns, a, k, kd: a.max(k, kd), _shape_dim("ties", 0))
add("min(dim) with ties", lambda ns, a, k, kd: a.min(dim=k, keepdim=kd), _shape_dim("ties", 0))
add("max(dim)[1]", lambda ns, a, k: a.max(k)[1], lambda d: (lambda s: [d.ties(s), d.dim(len(s))])(d.shape(1)), grad=False)  # fmt: skip
add("argmax", lambda ns, a, k, kd: a.argmax(k, keepdim=kd), _shape_dim("ties", 0), grad=False)
add("argmin", lambda ns, a, k, kd: ns.argmin(a, k, kd), _shape_dim("ties", 0), grad=False)
add("argmax()", lambda ns, a: a.argmax(), _one("ties"), grad=False)
add("argmin() of ints", lambda ns, a: a.argmin(), lambda d: [d.ints(d.shape())], grad=False)
for _op in ["var", "std"]:
    for _c in [0, 1]:
        add(f"{_op} correction={_c}", lambda ns, a, k, kd, op=_op, c=_c: getattr(a, op)(k, correction=c, keepdim=kd), _shape_dims("distinct"), tol=10.0)  # fmt: skip
        add(f"tt.{_op} correction={_c}", lambda ns, a, k, kd, op=_op, c=_c: getattr(ns, op)(a, k, correction=c, keepdim=kd), _shape_dim("distinct"), tol=10.0)  # fmt: skip
    add(f"{_op}()", lambda ns, a, op=_op: getattr(a, op)(), _one("distinct"), tol=10.0)
    add(f"{_op} unbiased=False", lambda ns, a, op=_op: getattr(a, op)(unbiased=False), _one("distinct"), tol=10.0)
add("var one sample (nan)", lambda ns, a: a.var() + a.var(0), lambda d: [d.normal((1,))])
add("all", lambda ns, a, k, kd: a.all(k, kd), _shape_dim("mask", 0), grad=False)
add("any", lambda ns, a, k, kd: ns.any(a, k, kd), _shape_dim("mask", 0), grad=False)
add("all() of floats", lambda ns, a: a.all() | a.any(), _one("ties"), grad=False)
add("topk", lambda ns, a, k, lg: a.topk(k, largest=lg), lambda d: (lambda s: [d.distinct(s), d(st.integers(0, s[-1])), d(st.booleans())])(d.shape(1)))  # fmt: skip
add("topk dim", lambda ns, a, k, kk: ns.topk(a, kk, dim=k), lambda d: (lambda s: (lambda k: [d.distinct(s), k, d(st.integers(0, s[k]))])(d.dim(len(s))))(d.shape(1)))  # fmt: skip


# --------------------------------------------------------------------------- shapes

family("shapes")

add("reshape -1", lambda ns, a: a.reshape(-1), _one())
add("reshape tuple", lambda ns, a: ns.reshape(a, (1, -1)), _one())
add("view", lambda ns, a: a.view(a.shape[0], -1), _one(min_dims=1))
add("view_as", lambda ns, a, b: a.view_as(b), lambda d: (lambda s: [d.normal(s), Const(d.normal(s[::-1]))])(d.shape()))  # fmt: skip
add("flatten", lambda ns, a: ns.flatten(a), _one())
add("flatten(1)", lambda ns, a: a.flatten(1), _one(min_dims=2))
add("flatten(s, e)", lambda ns, a, s, e: a.flatten(s, e), lambda d: (lambda sh: (lambda s: [d.normal(sh), s, d(st.integers(s % len(sh), len(sh) - 1))])(d.dim(len(sh))))(d.shape(1, 4)))  # fmt: skip
add("transpose", lambda ns, a, i, j: a.transpose(i, j), lambda d: (lambda s: [d.normal(s), d.dim(len(s)), d.dim(len(s))])(d.shape(1, 4)))  # fmt: skip
add("tt.transpose", lambda ns, a: ns.transpose(a, -2, -1), _one(min_dims=2))
add("permute", lambda ns, a, p: a.permute(*p), lambda d: (lambda s: [d.normal(s), d(st.permutations(range(len(s))))])(d.shape(1, 4)))  # fmt: skip
add("tt.permute", lambda ns, a, p: ns.permute(a, p), lambda d: (lambda s: [d.normal(s), tuple(d(st.permutations(range(len(s)))))])(d.shape(1, 4)))  # fmt: skip
add(".T", lambda ns, a: a.T, lambda d: [d.normal(d.shape(2, 2))])
add(".mT", lambda ns, a: a.mT, _one(min_dims=2, max_dims=4))
add("unsqueeze", lambda ns, a, k: a.unsqueeze(k), lambda d: (lambda s: [d.normal(s), d.dim(len(s), 1)])(d.shape()))  # fmt: skip
add("tt.unsqueeze", lambda ns, a: ns.unsqueeze(a, -1), _one())
add("squeeze(dim)", lambda ns, a: a.squeeze(1), lambda d: [d.normal((d(st.integers(1, 3)), 1, d(st.integers(1, 3))))])  # fmt: skip
add("squeeze()", lambda ns, a: a.squeeze(), lambda d: [d.normal(d(st.lists(st.sampled_from([1, 2]), max_size=4).map(tuple)))])  # fmt: skip
add("squeeze(tuple)", lambda ns, a: ns.squeeze(a, (0, -1)), lambda d: [d.normal((1, d(st.integers(1, 3)), 1))])
add("expand", lambda ns, a: a.expand(2, -1, 3), lambda d: [d.normal((d(st.integers(1, 3)), 1))])
add("expand_as", lambda ns, a, b: a.expand_as(b), lambda d: [d.normal((3, 1)), Const(d.normal((2, 3, 4)))])
add("cat", lambda ns, a, b: ns.cat([a, b], dim=-1), lambda d: (lambda s: [d.normal(s), d.normal((*s[:-1], d(st.integers(1, 3))))])(d.shape(1)))  # fmt: skip
add("cat mixed dtypes", lambda ns, a, b: ns.cat((a, b.int())), lambda d: [d.normal((2, 3)), d.normal((1, 3))])
add("concat", lambda ns, a, b: ns.concat([a, b]), lambda d: (lambda s: [d.normal(s), d.normal(s)])(d.shape(1)))
add("stack", lambda ns, a, b, k: ns.stack([a, b, a], dim=k), lambda d: (lambda s: [d.normal(s), d.normal(s), d.dim(len(s), 1)])(d.shape()))  # fmt: skip
add("split", lambda ns, a, n: a.split(n, dim=-1), lambda d: (lambda s: [d.normal(s), d(st.integers(1, s[-1] + 1))])(d.shape(1)))  # fmt: skip
add("split sections", lambda ns, a: ns.split(a, [1, 2, 0], dim=0), lambda d: [d.normal((3, 2))])
add("chunk", lambda ns, a, n, k: a.chunk(n, k), lambda d: (lambda s: [d.normal(s), d(st.integers(1, 5)), d.dim(len(s))])(d.shape(1, 3, 6)))  # fmt: skip
add("unbind", lambda ns, a, k: a.unbind(k), lambda d: (lambda s: [d.normal(s), d.dim(len(s))])(d.shape(1)))
add("tt.chunk", lambda ns, a: ns.chunk(a, 2, -1), _one(min_dims=1))
add("tt.tril", lambda ns, a: ns.tril(a, -1), _one(min_dims=2))
add("reshape_as", lambda ns, a, b: a.reshape_as(b), lambda d: (lambda s: [d.normal(s), Const(d.normal(s[::-1]))])(d.shape()))  # fmt: skip
add("conversions", lambda ns, a: [a.item(), float(a), int(a), bool(a), a.tolist(), a.is_floating_point(), a.element_size()], lambda d: [d.normal((1,) * d(st.integers(0, 3)), 3.0)], grad=False)  # fmt: skip
add("tolist", lambda ns, a: a.tolist(), _one(), grad=False)
add("tril", lambda ns, a, k: a.tril(k), lambda d: [d.normal(d.shape(2, 4)), d(st.integers(-2, 2))])
add("triu", lambda ns, a, k: ns.triu(a, diagonal=k), lambda d: [d.normal(d.shape(2, 4)), d(st.integers(-2, 2))])
add("clone", lambda ns, a: a.clone() * a, _one())
add("contiguous", lambda ns, a: a.contiguous(), _one())
add("contiguous after permute, view", lambda ns, a: a.transpose(0, -1).contiguous().view(-1) * 2.0, _one(min_dims=2))
add("detach", lambda ns, a: a.detach() * a, _one())
add("size and dim", lambda ns, a: [a.size(), a.dim(), a.numel(), a.ndim, len(a)], _one(min_dims=1), grad=False)
add("iteration", lambda ns, a: list(a), _one(min_dims=1))


# ------------------------------------------------------------------------- indexing

family("indexing")

_KEYS = [
    0, -1, slice(1, 3), slice(None, None, 2), (slice(None), None), None, (Ellipsis, 0), (None, Ellipsis),
    (0, slice(1, None)), (slice(-2, None), None, -1), (Ellipsis, None, slice(0, 1)),
]  # fmt: skip
add("x[key]", lambda ns, a, k: a[k], lambda d: [d.normal((4, 3, 2)), d(st.sampled_from(_KEYS), "key")])
add("x[list] repeated", lambda ns, a, i: a[i], lambda d: [d.normal((4, 3)), d(st.lists(st.integers(-4, 3), min_size=1, max_size=6))])  # fmt: skip
add("x[int tensor]", lambda ns, a, i: a[i], lambda d: [d.normal((4, 3)), d.ints((2, 3), -4, 4)])
add("x[:, idx]", lambda ns, a, i: a[:, i], lambda d: [d.normal((2, 4, 3)), d.ints((5,), -4, 4)])
add("x[..., idx]", lambda ns, a, i: a[..., i], lambda d: [d.normal((2, 3, 4)), d.ints((2, 2), 0, 4)])
add("x[0-d int tensor]", lambda ns, a, i: a[i], lambda d: [d.normal((4, 3)), d.ints((), 0, 4)])
add("x[mask]", lambda ns, a, m: a[m], lambda d: (lambda s: [d.normal(s), d.mask(s)])(d.shape(1)))
add("x[row mask]", lambda ns, a, m: a[m], lambda d: [d.normal((4, 3)), d.mask((4,))])


def _setitem(ns: Any, a: Any, v: Any, key: Any) -> Any:
    y = a * 1.0
    y[key] = v * 2.0
    return y


add("x[key] = v", lambda ns, a, v, k: _setitem(ns, a, v, k), lambda d: (lambda k: [d.normal((4, 3)), d.normal(np.zeros((4, 3))[k].shape), k])(d(st.sampled_from([0, slice(1, 3), (slice(None), -1), (Ellipsis, slice(0, 2))]))))  # fmt: skip
add("x[key] = v broadcast", lambda ns, a, v: _setitem(ns, a, v, slice(0, 2)), lambda d: [d.normal((4, 3)), d.normal((3,))])  # fmt: skip
add("x[idx] = v", lambda ns, a, v, i: _setitem(ns, a, v, i), lambda d: [d.normal((4, 3)), d.normal((2, 3)), np.array([3, 0])])  # fmt: skip
add("x[mask] = number", lambda ns, a, m: _setitem(ns, a, 1.5, m), lambda d: [d.normal((4, 3)), d.mask((4, 3))])
add("x[key] = number, int", lambda ns, a: (lambda y: (y.__setitem__(0, 2.5), y)[1])(a.clone()), lambda d: [d.ints((2, 2))], grad=False)  # fmt: skip


# -------------------------------------------------------------------------- products

family("products")

add("matmul mm", lambda ns, a, b: a @ b, lambda d: [d.normal((2, 3)), d.normal((3, 4))])
add("matmul mv", lambda ns, a, b: ns.matmul(a, b), lambda d: [d.normal((2, 3)), d.normal((3,))])
add("matmul vv", lambda ns, a, b: a @ b, lambda d: [d.normal((3,)), d.normal((3,))])
add("matmul vm", lambda ns, a, b: a @ b, lambda d: [d.normal((3,)), d.normal((3, 2))])
add("matmul batched", lambda ns, a, b: a @ b, lambda d: [d.normal((2, 1, 2, 3)), d.normal((1, 4, 3, 2))])
add("matmul batch x matrix", lambda ns, a, b: a @ b, lambda d: [d.normal((2, 2, 3)), d.normal((3, 2))])
add("mm", lambda ns, a, b: ns.mm(a, b) + a.mm(b), lambda d: [d.normal((2, 3)), d.normal((3, 4))])
add("bmm", lambda ns, a, b: ns.bmm(a, b), lambda d: [d.normal((2, 2, 3)), d.normal((2, 3, 4))])
for _eq, _shapes in [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("bij,bjk->bik", [(2, 2, 3), (2, 3, 1)]), ("ij,kj->ik", [(2, 3), (4, 3)]),
    ("ij->ji", [(2, 3)]), ("ij->i", [(2, 3)]), ("ij->", [(2, 3)]), ("i,j->ij", [(2,), (3,)]), ("i,i->", [(3,), (3,)]),
    ("ij,jk,kl->il", [(2, 3), (3, 2), (2, 4)]), ("bhqd,bhkd->bhqk", [(1, 2, 3, 4), (1, 2, 2, 4)]), ("ij,jk", [(2, 3), (3, 1)]),
    ("ijk->kji", [(2, 3, 1)]), ("ij,j->i", [(2, 3), (3,)]),
]:  # fmt: skip
    add(f"einsum {_eq}", lambda ns, *ts, eq=_eq: ns.einsum(eq, *ts), lambda d, ss=_shapes: [d.normal(s) for s in ss])


# ------------------------------------------------------------------------- in place

family("inplace")


def _inplace(op: str) -> Callable[..., Any]:
    def run(ns: Any, a: Any, b: Any) -> Any:
        y = a * 2.0
        if op == "+=":
            y += b
        elif op == "-=":
            y -= b
        elif op == "*=":
            y *= b
        elif op == "/=":
            y /= b
        elif op == "add_":
            y.add_(b, alpha=0.5)
        elif op == "sub_":
            y.sub_(b)
        elif op == "mul_":
            y.mul_(b)
        elif op == "div_":
            y.div_(b)
        elif op == "//=":
            y //= b
            y = y + a  # a gradient through the zero of `//`
        elif op == "remainder_":
            y.remainder_(b)
        elif op == "clamp_":
            y.clamp_(min=b)
        elif op == "copy_":
            y.copy_(b * b)
        elif op == "fill_":
            y.fill_(b.sum())
        elif op == "zero_":
            y.zero_()
            y += b
        elif op == "masked_fill_":
            y.masked_fill_(a > 0, 0.5)
            y *= b
        elif op == "neg_":
            y.neg_()
            y = y * b
        elif op == "pow_":
            y.pow_(2)
            y = y * b
        elif op == "sqrt_":
            y = a * a + 1.0
            y.sqrt_()
            y = y * b
        elif op == "addcmul_":
            y.addcmul_(b, a, value=0.5)
        elif op == "addcdiv_":
            y.addcdiv_(a, b, value=2.0)
        elif op == "relu_":
            y.relu_()
            y = y * b  # relu saved its output: a second in-place change would be refused (by both)
        return y

    return run


_INPLACE = ["+=", "-=", "*=", "/=", "add_", "sub_", "mul_", "div_", "clamp_", "copy_", "fill_", "zero_", "masked_fill_"]
_INPLACE += ["neg_", "pow_", "sqrt_", "addcmul_", "addcdiv_", "relu_", "remainder_"]
for _op in _INPLACE:
    add(f"in place {_op}", _inplace(_op), lambda d: (lambda s: [d.normal(s), d.away(s[d(st.integers(0, len(s))) :])])(d.shape()))  # fmt: skip
# PyTorch cannot backpropagate through `//` (typedtorch's gradient is zero there).
add("in place //=", _inplace("//="), lambda d: (lambda s: [d.normal(s), d.away(s[d(st.integers(0, len(s))) :])])(d.shape()), grad=False)  # fmt: skip


# ---------------------------------------------------------------- dtypes, factories

family("dtypes")

for _cast in ["float", "double", "half", "long", "int", "bool"]:
    add(f".{_cast}()", lambda ns, a, c=_cast: getattr(a, c)(), lambda d: [d.normal(d.shape(), 3.0)], grad=_cast in ("float", "double"), tol=100.0)  # fmt: skip
add(".to(dtype)", lambda ns, a: a.to(ns.float64).to(dtype=ns.float32), _one(), tol=10.0)
add("int * 0.5", lambda ns, a: a * 0.5, lambda d: [d.ints(d.shape())], grad=False)
add("int / int", lambda ns, a, b: a / b, lambda d: [d.ints((3,)), d.ints((3,), 1, 4)], grad=False)
add("int // int", lambda ns, a, b: a // b + a // -3, lambda d: [d.ints((4,), -9, 9), d.ints((4,), 1, 4) * d.rng.choice([-1, 1], 4)], grad=False)  # fmt: skip
add("int % int", lambda ns, a, b: a % b + 7 % b, lambda d: [d.ints((4,), -9, 9), d.ints((4,), 1, 4) * d.rng.choice([-1, 1], 4)], grad=False)  # fmt: skip
add("int // float", lambda ns, a: a // 2.5 + a % 2.5, lambda d: [d.ints((4,), -9, 9)], grad=False)
add("int + float tensor", lambda ns, a, b: a.long() + b, lambda d: [d.ints((3,)), d.normal((3,))])
add("bool + int", lambda ns, a: a + 1, lambda d: [d.mask((3,))], grad=False)
add("int32 + int64", lambda ns, a, b: a.int() + b, lambda d: [d.ints((3,)), d.ints((3,))], grad=False)
add("float + 0-d double", lambda ns, a, b: a + b.double(), lambda d: [d.normal((3,)), d.normal(())])
# Float functions of integer tensors compute in the default float (numpy: float64).
for _fn in ["exp", "log", "log1p", "sqrt", "sigmoid", "tanh", "sin", "cos"]:
    add(f"{_fn} of int", lambda ns, a, f=_fn: getattr(ns, f)(a), lambda d: [d.ints(d.shape(), 1, 5)], grad=False, tol=10.0)  # fmt: skip
add("logsumexp of int", lambda ns, a: ns.logsumexp(a, dim=-1), lambda d: [d.ints(d.shape(1), -3, 4)], grad=False, tol=10.0)  # fmt: skip
add("int ** 0.5", lambda ns, a: a**0.5, lambda d: [d.ints(d.shape(), 0, 9)], grad=False, tol=10.0)
add("int ** 2", lambda ns, a: a**2, lambda d: [d.ints(d.shape())], grad=False)
add("bool ** 2", lambda ns, a: a**2, lambda d: [d.mask(d.shape())], grad=False)
add("2 ** int", lambda ns, a: 2**a, lambda d: [d.ints(d.shape(), 0, 5)], grad=False)
add("2.0 ** int", lambda ns, a: 2.0**a, lambda d: [d.ints(d.shape())], grad=False)
add("int + True", lambda ns, a: a + True, lambda d: [d.ints(d.shape())], grad=False)
add("float * False", lambda ns, a: a * False, _one())
add("where int, 0.5", lambda ns, m, a: ns.where(m, a, 0.5), lambda d: [d.mask((3,)), d.ints((3,))], grad=False)
add("where bool, 2", lambda ns, m, a: ns.where(m, a, 2), lambda d: [d.mask((3,)), d.mask((3,))], grad=False)

_F = {
    "zeros": lambda ns: ns.zeros(2, 3),
    "ones int": lambda ns: ns.ones(3, dtype=ns.int64),
    "full": lambda ns: [ns.full((2, 2), 0.5), ns.full((2,), 7)],
    "eye": lambda ns: [ns.eye(3), ns.eye(2, 4)],
    "arange": lambda ns: [ns.arange(5), ns.arange(1, 7, 2), ns.arange(0.0, 1.0, 0.25)],
    "linspace": lambda ns: ns.linspace(0.0, 1.0, 5),
    "zeros_like": lambda ns: ns.zeros_like(ns.ones(2, 3, dtype=ns.float64)),
    "ones_like": lambda ns: ns.ones_like(ns.arange(3)),
    "full_like": lambda ns: ns.full_like(ns.ones(2), 4.0),
    "tensor lists": lambda ns: [ns.tensor([1.0, 2.0]), ns.tensor([1, 2]), ns.tensor([True]), ns.tensor(3.0)],
    "tensor ndarray": lambda ns: [
        ns.tensor(np.zeros(2)),
        ns.tensor(np.zeros(2, np.float32)),
        ns.tensor(np.arange(3, dtype=np.int32)),
    ],
    "tensor dtype=": lambda ns: ns.tensor([1, 2], dtype=ns.float64),
    "one_hot": lambda ns: ns.one_hot(ns.tensor([0, 2, 1]), 4) + ns.one_hot(ns.tensor([[1], [0]])).sum(),
    "empty": lambda ns: ns.empty(2, 3).shape,  # uninitialised in torch: the shape alone
    "from_numpy": lambda ns: ns.from_numpy(np.arange(6.0).reshape(2, 3)),
    "from_dlpack": lambda ns: ns.from_dlpack(np.arange(3, dtype=np.int32)),
}
for _name, _fn in _F.items():
    add(_name, lambda ns, fn=_fn: fn(ns), lambda d: [], grad=False)


# ---------------------------------------------------------------------- the runner


@dataclass
class Figures:
    cases: int = 0
    value_abs: float = 0.0
    value_rel: float = 0.0
    grad_abs: float = 0.0
    grad_rel: float = 0.0
    grads: int = 0
    failures: list[str] = field(default_factory=list)


FIGURES: dict[tuple[str, str], Figures] = {}  # (op, dtype)


def _leaves(out: Any) -> Iterator[Any]:
    if isinstance(out, tuple | list):
        for o in out:
            yield from _leaves(o)
    else:
        yield out


def _to_tt(v: Any, dtype: str, device: str) -> Any:
    if isinstance(v, Const):
        return tt.tensor(v.value, dtype=dtype, device=device)
    if isinstance(v, np.ndarray):
        if v.dtype.kind == "f":
            return tt.tensor(v, dtype=dtype, device=device, requires_grad=True)
        return tt.tensor(v, device=device)
    return v


def _to_torch(v: Any, dtype: str) -> Any:
    if isinstance(v, Const):
        return torch.tensor(v.value, dtype=getattr(torch, dtype))
    if isinstance(v, np.ndarray):
        if v.dtype.kind == "f":
            return torch.tensor(v, dtype=getattr(torch, dtype), requires_grad=True)
        return torch.tensor(v)
    return v


def _host(t: Any) -> Any:
    if isinstance(t, tt.Tensor):
        return t.numpy()
    if isinstance(t, torch.Tensor):
        return t.detach().numpy()
    return t


def _errors(ours: np.ndarray, ref: np.ndarray) -> tuple[float, float]:
    if ours.size == 0:
        return 0.0, 0.0
    a, b = ours.astype(np.float64), ref.astype(np.float64)
    same = (a == b) | (np.isnan(a) & np.isnan(b))
    diff = np.where(same, 0.0, np.abs(a - b))
    diff = np.where(np.isnan(diff), np.inf, diff)  # a nan on one side only
    rel = diff / np.maximum(np.abs(b), 1e-6)
    return float(diff.max()), float(rel.max())


def _compare(what: str, ours: Any, ref: Any, dtype: str, tol: float, fig: Figures, grad: bool) -> None:
    if isinstance(ref, torch.Tensor):
        assert isinstance(ours, tt.Tensor), f"{what}: torch gives a tensor, typedtorch {type(ours).__name__}"
        assert ours.shape == tuple(ref.shape), f"{what}: shape {ours.shape} != torch's {tuple(ref.shape)}"
        assert ours.dtype == str(ref.dtype).removeprefix("torch."), f"{what}: dtype {ours.dtype} != torch's {ref.dtype}"
        a, b = _host(ours), _host(ref)
        if a.dtype.kind == "b" or b.dtype.kind in "iub":
            np.testing.assert_array_equal(a, b, err_msg=what)
            return
        # by the result's own dtype: integer inputs give float32 results in both rounds
        rtol, atol = TOL["float32" if a.dtype in (np.float16, np.float32) else dtype]
        if a.dtype == np.float16:
            rtol, atol = 1e-3, 1e-3
        abs_err, rel_err = _errors(a, b)
        if grad:
            fig.grad_abs, fig.grad_rel = max(fig.grad_abs, abs_err), max(fig.grad_rel, rel_err)
        else:
            fig.value_abs, fig.value_rel = max(fig.value_abs, abs_err), max(fig.value_rel, rel_err)
        np.testing.assert_allclose(a, b, rtol=rtol * tol, atol=atol * tol, equal_nan=True, err_msg=what)
    else:
        assert ours == ref, f"{what}: {ours!r} != torch's {ref!r}"


def check_case(device: str, spec: Case, data: st.DataObject, seed: int) -> None:
    if device == "strict" and spec.name == ".half()":
        with pytest.raises(TypeError, match=r"^dtype tt.float16 is not available on device 'strict'$"):
            tt.ones(2, device=device).half()  # array-api-strict has no float16
        return
    inputs = spec.inputs(Draw(data, seed))
    # Without a float input both rounds would run the same computation (integer inputs,
    # factories): one round, reported under float32, so the float64 figures are float64's.
    floats = any(isinstance(v, Const) or (isinstance(v, np.ndarray) and v.dtype.kind == "f") for v in inputs)
    for dtype in ("float32", "float64") if floats else ("float32",):
        check_dtype(device, spec, dtype, inputs, seed)


def check_dtype(device: str, spec: Case, dtype: str, inputs: list[Any], seed: int) -> None:
    fig = FIGURES.setdefault((spec.name, dtype), Figures())
    ours_in = [_to_tt(v, dtype, device) for v in inputs]
    ref_in = [_to_torch(v, dtype) for v in inputs]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's notes on var of one sample and the like
        ref_out = spec.fn(TORCH, *ref_in)
    ours_out = spec.fn(tt, *ours_in)
    ours_leaves, ref_leaves = list(_leaves(ours_out)), list(_leaves(ref_out))
    assert len(ours_leaves) == len(ref_leaves), f"{len(ours_leaves)} results, torch gives {len(ref_leaves)}"
    for i, (o, r) in enumerate(zip(ours_leaves, ref_leaves, strict=True)):
        _compare(f"{spec.name}: result {i}", o, r, dtype, spec.tol, fig, grad=False)
    fig.cases += 1
    if not spec.grad:
        return
    # Backpropagate sum(out_i * W_i) through both, for the same random W_i.
    rng = np.random.default_rng(seed + 1)
    ours_loss: Any = 0.0
    ref_loss: Any = 0.0
    for o, r in zip(ours_leaves, ref_leaves, strict=True):
        if isinstance(r, torch.Tensor) and r.requires_grad:
            assert isinstance(o, tt.Tensor) and o.requires_grad, f"{spec.name}: torch records this result, typedtorch does not"  # fmt: skip
            w = rng.standard_normal(tuple(r.shape))
            ours_loss = ours_loss + (o * tt.tensor(w, dtype=o.dtype, device=device)).sum()
            ref_loss = ref_loss + (r * torch.tensor(w, dtype=r.dtype)).sum()
        elif isinstance(o, tt.Tensor):
            assert not o.requires_grad, f"{spec.name}: typedtorch records a result torch does not"
    if not isinstance(ref_loss, torch.Tensor):
        return
    ref_loss.backward()
    ours_loss.backward()
    for i, (o, r) in enumerate(zip(ours_in, ref_in, strict=True)):
        if isinstance(r, torch.Tensor) and r.requires_grad:
            if r.grad is None:
                assert o.grad is None, f"{spec.name}: input {i} gets a gradient, torch gives none"
                continue
            assert o.grad is not None, f"{spec.name}: input {i} gets no gradient, torch gives one"
            _compare(f"{spec.name}: gradient of input {i}", o.grad, r.grad, dtype, spec.tol, fig, grad=True)
    fig.grads += 1


def _family_test(cases: list[Case]) -> Callable[..., None]:
    # One test function per family: hypothesis's pytest plugin nests each parametrized
    # call's settings in the previous call's, so a single function for every case would
    # overflow the recursion limit.
    @pytest.mark.parametrize("spec", cases, ids=[c.name for c in cases])
    @settings(max_examples=max(settings.default.max_examples // 5, 1))
    @given(data=st.data(), seed=st.integers(0, 2**32 - 1))
    def test(device: str, spec: Case, data: st.DataObject, seed: int) -> None:
        # The same draws in both dtypes (the inputs are drawn once, then converted).
        check_case(device, spec, data, seed)

    return test


for _name, _cases in FAMILIES.items():
    globals()[f"test_{_name}_matches_torch"] = _family_test(_cases)
    globals()[f"test_{_name}_matches_torch"].__name__ = f"test_{_name}_matches_torch"


# ------------------------------------------------------ deliberate differences

# Where typedtorch refuses what PyTorch accepts, and why. Each entry is checked below:
# typedtorch raises the error, PyTorch does what the reason says.
DIFFERENCES: dict[str, str] = {
    "squeeze(d) of a dim that is not 1": (
        "PyTorch returns the tensor unchanged, so a squeeze meant for a batch of one silently keeps the dim "
        "when the batch grows; typedtorch raises ShapeError (DESIGN §4)"
    ),
    "hidden outer product": (
        "Vector[B] * Matrix[B, 1] broadcasts to (B, B) in PyTorch, the commonest silent shape bug; "
        "typedtorch raises ShapeError naming both shapes, statically and at run time (DESIGN §1)"
    ),
    "softmax over an empty dim": (
        "PyTorch returns an empty tensor; typedtorch raises ShapeError, since a row with no entries has no "
        "distribution and is almost always a bug upstream (the issue asked for a typedtorch error, not numpy's)"
    ),
    "in-place change of a tensor other recorded ops used": (
        "PyTorch re-records the graph (and refuses later only if a saved value changed); typedtorch records only "
        "what it can record exactly and refuses the change itself, naming the op (never a wrong gradient)"
    ),
    "several index lists at once": (
        "x[[0, 0], [1, 1]] is PyTorch's (numpy's) coordinate indexing; typedtorch refuses it with a clear "
        "error and asks for one index tensor per indexing (its shape rule types one advanced index)"
    ),
}


def _difference_cases() -> dict[str, tuple[Callable[[Any], Any], type[Exception], str]]:
    def squeeze(ns: Any) -> Any:
        return ns.zeros(2, 3).squeeze(1)

    def outer(ns: Any) -> Any:
        return ns.zeros(3) * ns.zeros(3, 1)

    def softmax_empty(ns: Any) -> Any:
        return ns.softmax(ns.zeros(2, 0), dim=1)

    def in_place_after_use(ns: Any) -> Any:
        a = ns.tensor([1.0, 2.0], requires_grad=True)
        b = a * 2
        c = b.exp()  # saves its output, not b: PyTorch lets b change
        b.add_(1.0)
        c.sum().backward()
        return a.grad

    def two_lists(ns: Any) -> Any:
        return ns.tensor([[1.0, 2.0], [3.0, 4.0]])[[0, 0], [1, 1]]

    return {
        "squeeze(d) of a dim that is not 1": (squeeze, tt.ShapeError, r"squeeze"),
        "hidden outer product": (outer, tt.ShapeError, r"mul: hidden outer product: Tensor\[3\] \* Tensor\[3, 1\]"),
        "softmax over an empty dim": (softmax_empty, tt.ShapeError, r"softmax: dim 1 of shape \(2, 0\) is empty"),
        "in-place change of a tensor other recorded ops used": (
            in_place_after_use,
            RuntimeError,
            r"add_: in-place change of a tensor that other recorded ops have already used",
        ),
        "several index lists at once": (two_lists, TypeError, r"at most one index tensor \(or list\) per index"),
    }


@pytest.mark.parametrize("name", list(DIFFERENCES))
def test_deliberate_differences(name: str) -> None:
    fn, error, message = _difference_cases()[name]
    fn(TORCH)  # PyTorch accepts it
    with pytest.raises(error, match=message):
        fn(tt)


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    path = os.environ.get("TYPEDTORCH_ORACLE_REPORT")
    if not path or not FIGURES:
        return
    lines = [
        "worst errors against torch 2.13 (abs: |ours - torch|; rel: that over |torch|, where |torch| > 1e-6)",
        f"{'op':34s} {'dtype':8s} {'cases':>5s} {'grads':>5s} {'value abs':>10s} {'value rel':>10s} {'grad abs':>10s} {'grad rel':>10s}",
    ]
    for (name, dtype), f in FIGURES.items():
        lines.append(
            f"{name:34s} {dtype:8s} {f.cases:5d} {f.grads:5d} {f.value_abs:10.2e} {f.value_rel:10.2e} {f.grad_abs:10.2e} {f.grad_rel:10.2e}"
        )
    ops = {name for name, _ in FIGURES}
    total = sum(f.cases for f in FIGURES.values())
    grads = sum(f.grads for f in FIGURES.values())
    lines.append(f"{len(ops)} ops, {total} cases ({grads} with gradients), over float32 and float64 and every device")
    with open(path, "w") as out:
        out.write("\n".join(lines) + "\n")
