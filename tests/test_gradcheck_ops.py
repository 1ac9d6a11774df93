"""Finite-difference checks of the tensor language's ops (issue 10), on every device.

The checker and the value generators are those of ``test_gradcheck.py``: the engine's
gradient of ``sum(op(*inputs) * W)`` against central differences through typedtorch's
own forward pass, in float64. Shapes come from hypothesis (size-1 dims, 0-d where the
op allows it, broadcasting within the rule, negative dims); values are shaped so the
op is smooth where it is probed (no ties for ``max``, nothing near a ``clamp`` bound).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_gradcheck import (
    away_from_zero,
    broadcast_pairs,
    check_grad,
    distinct,
    hidden_outer,
    normal,
    positive,
    seeds,
    shapes,
)

import typedtorch as tt

AnyTensor = tt.Tensor[*tuple[Any, ...]]

# Half the project profile's examples per test: this module checks some fifty ops on two
# devices, and each check runs the forward pass twice per input element.
FEW = settings(max_examples=max(settings.default.max_examples // 2, 1))


def rng_of(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def a_dim(rank: int, extra: int = 0) -> st.SearchStrategy[int]:
    """A dim of a rank-``rank`` tensor, negative ones included (``extra`` for unsqueeze/stack)."""
    r = rank + extra
    return st.integers(-r, r - 1)


# ------------------------------------------------------------------------- views


@FEW
@given(data=st.data(), seed=seeds)
def test_contiguous_then_view(device: str, data: st.DataObject, seed: int) -> None:
    shape = data.draw(shapes(min_dims=2, max_dims=4, max_side=3))
    x = normal(rng_of(seed), shape)
    check_grad(lambda t: t.transpose(0, -1).contiguous().view(-1), x, device=device)
    check_grad(lambda t: t.mT.contiguous().view(*shape[:-2], -1) * 1.5, x, device=device)


@FEW
@given(data=st.data(), seed=seeds)
def test_transpose(device: str, data: st.DataObject, seed: int) -> None:
    shape = data.draw(shapes(min_dims=1, max_dims=4, max_side=3))
    d0, d1 = data.draw(a_dim(len(shape)), label="d0"), data.draw(a_dim(len(shape)), label="d1")
    x = normal(rng_of(seed), shape)
    check_grad(lambda t: t.transpose(d0, d1), x, device=device)
    check_grad(lambda t: tt.transpose(t, d0, d1) * t.transpose(d1, d0), x, device=device)


@FEW
@given(data=st.data(), seed=seeds)
def test_permute(device: str, data: st.DataObject, seed: int) -> None:
    shape = data.draw(shapes(min_dims=1, max_dims=4, max_side=3))
    order = data.draw(st.permutations(range(len(shape))), label="order")
    # Some dims spelled negatively, as `permute(0, -1, 1)` may be.
    signs = data.draw(st.lists(st.booleans(), min_size=len(shape), max_size=len(shape)), label="negative")
    dims = [d - len(shape) if neg else d for d, neg in zip(order, signs, strict=True)]
    x = normal(rng_of(seed), shape)
    check_grad(lambda t: t.permute(*dims), x, device=device)
    check_grad(lambda t: t.permute(dims), x, device=device)
    check_grad(lambda t: tt.permute(t, dims), x, device=device)


@FEW
@given(shape=shapes(min_dims=2, max_dims=4, max_side=3), seed=seeds)
def test_mT(device: str, shape: tuple[int, ...], seed: int) -> None:
    x = normal(rng_of(seed), shape)
    check_grad(lambda t: t.mT, x, device=device)
    check_grad(lambda t: t @ t.mT, x, device=device)  # the attention-score pattern


@FEW
@given(data=st.data(), seed=seeds)
def test_unsqueeze(device: str, data: st.DataObject, seed: int) -> None:
    shape = data.draw(shapes(min_dims=0))
    dim = data.draw(a_dim(len(shape), extra=1), label="dim")
    x = normal(rng_of(seed), shape)
    check_grad(lambda t: t.unsqueeze(dim), x, device=device)
    check_grad(lambda t: tt.unsqueeze(t, dim) * 2.0, x, device=device)


@FEW
@given(data=st.data(), seed=seeds)
def test_squeeze(device: str, data: st.DataObject, seed: int) -> None:
    base = data.draw(shapes(min_dims=0, max_dims=3))
    k = data.draw(st.integers(0, len(base)), label="where the 1 goes")
    shape = (*base[:k], 1, *base[k:])
    dim = data.draw(st.sampled_from([k, k - len(shape)]), label="dim")
    x = normal(rng_of(seed), shape)
    check_grad(lambda t: t.squeeze(dim), x, device=device)
    check_grad(lambda t: tt.squeeze(t, dim), x, device=device)
    check_grad(lambda t: t.squeeze(), x, device=device)  # every size-1 dim
    check_grad(lambda t: t.squeeze((dim,)), x, device=device)


@FEW
@given(data=st.data(), seed=seeds)
def test_view_and_reshape(device: str, data: st.DataObject, seed: int) -> None:
    shape = data.draw(shapes(min_dims=0))
    n = math.prod(shape)
    x = normal(rng_of(seed), shape)
    check_grad(lambda t: t.view(-1), x, device=device)
    check_grad(lambda t: t.view(n, 1), x, device=device)
    check_grad(lambda t: t.view((1, n)), x, device=device)
    if shape:
        check_grad(lambda t: t.view(shape[0], -1), x, device=device)
        check_grad(lambda t: t.view(-1, shape[-1]) * 3.0, x, device=device)
    other = tt.zeros(*reversed(shape)) if shape else tt.zeros(1)
    check_grad(lambda t: t.view_as(other), x, device=device)
    check_grad(lambda t: t.reshape_as(other), x, device=device)


@FEW
@given(data=st.data(), seed=seeds)
def test_expand(device: str, data: st.DataObject, seed: int) -> None:
    shape = data.draw(shapes(min_dims=0, max_dims=3, max_side=3))
    ones = data.draw(st.lists(st.booleans(), min_size=len(shape), max_size=len(shape)), label="size-1 dims")
    src = tuple(1 if o else n for n, o in zip(shape, ones, strict=True))
    lead = tuple(data.draw(st.lists(st.integers(1, 3), max_size=2), label="new leading dims"))
    # A dim that keeps its size may be written -1.
    keep = [(-1 if s == n and data.draw(st.booleans()) else n) for s, n in zip(src, shape, strict=True)]
    x = normal(rng_of(seed), src)
    check_grad(lambda t: t.expand(*lead, *keep), x, device=device)
    check_grad(lambda t: t.expand((*lead, *shape)), x, device=device)
    check_grad(lambda t: t.expand_as(tt.zeros(*lead, *shape)), x, device=device)


@FEW
@given(data=st.data(), seed=seeds)
def test_split_chunk_unbind(device: str, data: st.DataObject, seed: int) -> None:
    shape = data.draw(shapes(min_dims=1, max_dims=3, max_side=5))
    dim = data.draw(a_dim(len(shape)), label="dim")
    n = shape[dim]
    size = data.draw(st.integers(1, n + 1), label="split_size")
    sections = data.draw(st.lists(st.integers(0, n), min_size=1, max_size=3).filter(lambda s: sum(s) <= n))
    sections = [*sections, n - sum(sections)]
    chunks = data.draw(st.integers(1, n + 1), label="chunks")
    x = normal(rng_of(seed), shape)

    def weighted(pieces: tuple[AnyTensor, ...]) -> AnyTensor:
        # Each piece scaled differently, so a gradient sent to the wrong piece shows.
        return tt.cat([p.reshape(-1) * float(i + 1) for i, p in enumerate(pieces)])

    check_grad(lambda t: weighted(t.split(size, dim)), x, device=device)
    check_grad(lambda t: weighted(tt.split(t, sections, dim=dim)), x, device=device)
    check_grad(lambda t: weighted(t.chunk(chunks, dim)), x, device=device)
    check_grad(lambda t: weighted(tt.chunk(t, chunks, dim)), x, device=device)
    check_grad(lambda t: weighted(t.unbind(dim)), x, device=device)
    check_grad(lambda t: t.split(size, dim)[-1], x, device=device)  # the others get zeros


@pytest.mark.parametrize("op", ["tril", "triu"])
@FEW
@given(data=st.data(), seed=seeds)
def test_tril_triu(device: str, op: str, data: st.DataObject, seed: int) -> None:
    shape = data.draw(shapes(min_dims=2, max_dims=4, max_side=4))
    diagonal = data.draw(st.integers(-3, 3), label="diagonal")
    x = normal(rng_of(seed), shape)
    check_grad(lambda t: getattr(t, op)(diagonal), x, device=device)
    check_grad(lambda t: getattr(tt, op)(t, diagonal=diagonal), x, device=device)
    check_grad(lambda t: getattr(t, op)(), x, device=device)


@FEW
@given(data=st.data(), seed=seeds)
def test_clone(device: str, data: st.DataObject, seed: int) -> None:
    x = normal(rng_of(seed), data.draw(shapes(min_dims=0)))
    check_grad(lambda t: t.clone(), x, device=device)
    check_grad(lambda t: t.clone() * t, x, device=device)


# ------------------------------------------------------------------ elementwise

UNARY = {
    "sqrt": (lambda t: t.sqrt(), positive),
    "tt.sqrt": (tt.sqrt, positive),
    "rsqrt": (lambda t: t.rsqrt(), positive),
    "abs": (lambda t: t.abs(), away_from_zero),
    "tt.abs": (tt.abs, away_from_zero),
    "builtin abs": (abs, away_from_zero),
    "sin": (lambda t: t.sin(), normal),
    "tt.sin": (tt.sin, normal),
    "cos": (lambda t: t.cos(), normal),
    "tt.cos": (tt.cos, normal),
    "log1p": (lambda t: t.log1p(), positive),
    "tt.log1p": (tt.log1p, lambda rng, s: np.asarray(positive(rng, s) - 0.9)),  # near -1 too
    "square": (lambda t: t.square(), normal),
    "pow method": (lambda t: t.pow(3), normal),
    "2 ** x": (lambda t: 2**t, normal),
    "0.5 ** x": (lambda t: 0.5**t, normal),
    "e ** x": (lambda t: math.e**t, normal),
}


@pytest.mark.parametrize("name", list(UNARY))
@FEW
@given(shape=shapes(min_dims=0), seed=seeds)
def test_unary(device: str, name: str, shape: tuple[int, ...], seed: int) -> None:
    fn, values = UNARY[name]
    check_grad(fn, values(rng_of(seed), shape), device=device)


@FEW
@given(data=st.data(), seed=seeds)
def test_pow_tensor_exponent(device: str, data: st.DataObject, seed: int) -> None:
    sa, sb = data.draw(broadcast_pairs(data.draw(st.sampled_from(["same", "trailing", "ones"]))), label="shapes")
    assume(not hidden_outer(sa, sb))
    rng = rng_of(seed)
    base, exponent = positive(rng, sa), normal(rng, sb)
    check_grad(lambda a, b: a**b, base, exponent, device=device)
    check_grad(lambda b: tt.tensor(base, dtype="float64", device=device) ** b, exponent, device=device)


@pytest.mark.parametrize("bounds", [(-1.25, 1.25), (-1.25, None), (None, 1.25), (0.75, 0.75 + 1e-1)])
@FEW
@given(shape=shapes(min_dims=0), seed=seeds)
def test_clamp_numbers(
    device: str, bounds: tuple[float | None, float | None], shape: tuple[int, ...], seed: int
) -> None:
    lo, hi = bounds
    x = away_from_zero(rng_of(seed), shape)
    assume(all(b is None or np.abs(x - b).min(initial=1.0) > 1e-3 for b in bounds))  # no kink under the probe
    check_grad(lambda t: t.clamp(lo, hi), x, device=device)
    check_grad(lambda t: tt.clamp(t, min=lo, max=hi), x, device=device)
    check_grad(lambda t: t.clip(lo, hi), x, device=device)


@pytest.mark.parametrize("which", ["min", "max", "both"])
@FEW
@given(data=st.data(), seed=seeds)
def test_clamp_tensors(device: str, which: str, data: st.DataObject, seed: int) -> None:
    shape = data.draw(shapes(min_dims=1))
    bshape = shape[data.draw(st.integers(0, len(shape)), label="bound rank cut") :]  # broadcast bounds
    n, m = math.prod(shape), math.prod(bshape)
    values = distinct(rng_of(seed), (n + 2 * m,))  # no ties between x and the bounds
    x = values[:n].reshape(shape)
    lo, hi = np.sort(values[n:].reshape(2, m), axis=0)
    lo, hi = lo.reshape(bshape), hi.reshape(bshape)
    if which == "min":
        check_grad(lambda t, a: t.clamp(min=a), x, lo, device=device)
    elif which == "max":
        check_grad(lambda t, b: tt.clamp(t, max=b), x, hi, device=device)
    else:
        check_grad(lambda t, a, b: t.clamp(a, b), x, lo, hi, device=device)


@pytest.mark.parametrize("kind", ["same", "trailing", "ones"])
@FEW
@given(data=st.data(), seed=seeds)
def test_minimum(device: str, kind: str, data: st.DataObject, seed: int) -> None:
    sa, sb = data.draw(broadcast_pairs(kind), label="shapes")
    both = distinct(rng_of(seed), (math.prod(sa) + math.prod(sb),))
    a, b = both[: math.prod(sa)].reshape(sa), both[math.prod(sa) :].reshape(sb)
    check_grad(tt.minimum, a, b, device=device)
    check_grad(lambda x, y: x.minimum(y), a, b, device=device)
    check_grad(lambda x, y: x.min(y), a, b, device=device)  # min(tensor) is the elementwise minimum
    check_grad(lambda x, y: x.max(y), a, b, device=device)


@FEW
@given(shape=shapes(min_dims=0), seed=seeds)
def test_minimum_scalar(device: str, shape: tuple[int, ...], seed: int) -> None:
    x = away_from_zero(rng_of(seed), shape)
    check_grad(lambda t: tt.minimum(t, 0.0), x, device=device)
    check_grad(lambda t: t.minimum(0.0) + t.maximum(0.0), x, device=device)


def _quotients(rng: np.random.Generator, shape: tuple[int, ...], b: np.ndarray) -> np.ndarray:
    """A dividend of ``shape`` (which ``b`` broadcasts to) whose quotients by ``b`` are at
    least 0.2 from a whole number, so that finite differences never straddle a jump of
    ``//`` or ``%``."""
    q = rng.integers(-3, 3, shape) + rng.uniform(0.2, 0.8, shape)
    return np.asarray(np.broadcast_to(b, shape) * q)


@pytest.mark.parametrize("kind", ["same", "trailing", "ones"])
@FEW
@given(data=st.data(), seed=seeds)
def test_remainder_and_floor_divide(device: str, kind: str, data: st.DataObject, seed: int) -> None:
    sa, sb = data.draw(broadcast_pairs(kind), label="shapes")
    full = np.broadcast_shapes(sa, sb)
    small = sb if sa == full else sa  # the divisor broadcasts to the dividend
    rng = rng_of(seed)
    b = away_from_zero(rng, small)
    a = _quotients(rng, full, b)
    check_grad(lambda x, y: x % y, a, b, device=device)
    check_grad(lambda x, y: tt.remainder(x, y) + x.remainder(y), a, b, device=device)
    # A step function: zero gradient, which the differences see too (away from the jumps).
    check_grad(lambda x, y: x // y + x * y, a, b, device=device)
    check_grad(lambda x, y: tt.floor_divide(x, y) * x, a, b, device=device)


@FEW
@given(shape=shapes(min_dims=0), seed=seeds)
def test_remainder_scalar(device: str, shape: tuple[int, ...], seed: int) -> None:
    rng = rng_of(seed)
    x = _quotients(rng, shape, np.full(shape, 1.5))
    check_grad(lambda t: t % 1.5 + t // 1.5, x, device=device)
    # A number over a tensor: 2.5 / t = k + u with u in [0.2, 0.8].
    divisor = np.asarray(2.5 / (rng.integers(1, 4, shape) + rng.uniform(0.2, 0.8, shape)))
    check_grad(lambda t: 2.5 % t + 2.5 // t, np.asarray(divisor * rng.choice([-1.0, 1.0], shape)), device=device)


@FEW
@given(data=st.data(), seed=seeds)
def test_masked_fill(device: str, data: st.DataObject, seed: int) -> None:
    shape = data.draw(shapes(min_dims=1))
    # The mask broadcasts to x: a trailing part of its shape, or with size-1 dims.
    cut = data.draw(st.integers(0, len(shape) - 1), label="mask rank cut")
    ones = data.draw(st.lists(st.booleans(), min_size=len(shape) - cut, max_size=len(shape) - cut))
    mshape = tuple(1 if o else n for n, o in zip(shape[cut:], ones, strict=True))
    rng = rng_of(seed)
    mask = tt.tensor(rng.random(mshape) < 0.5, device=device)
    x = normal(rng, shape)
    check_grad(lambda t: t.masked_fill(mask, -2.5), x, device=device)
    check_grad(lambda t: tt.masked_fill(t, mask, float("-inf")).exp(), x, device=device)  # the masking idiom
    check_grad(lambda t, v: t.masked_fill(mask, v), x, np.asarray(0.7), device=device)  # a 0-d tensor value


# ------------------------------------------------------------------- reductions


@st.composite
def shape_and_dims(draw: st.DrawFn, min_dims: int = 1) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A shape and a tuple of distinct dims of it, some negative."""
    shape = draw(shapes(min_dims=min_dims, max_dims=4, max_side=3))
    picked = draw(st.lists(st.integers(0, len(shape) - 1), min_size=1, max_size=len(shape), unique=True))
    dims = tuple(d - len(shape) if draw(st.booleans()) else d for d in picked)
    return shape, dims


@pytest.mark.parametrize("op", ["sum", "mean", "amax", "amin", "logsumexp", "prod"])
@pytest.mark.parametrize("keepdim", [False, True])
@FEW
@given(data=st.data(), seed=seeds)
def test_reduction_over_dim_tuples(device: str, op: str, keepdim: bool, data: st.DataObject, seed: int) -> None:
    shape, dims = data.draw(shape_and_dims(), label="shape, dims")
    x = distinct(rng_of(seed), shape) if op in ("amax", "amin") else normal(rng_of(seed), shape)
    check_grad(lambda t: getattr(t, op)(dims, keepdim=keepdim), x, device=device)
    check_grad(lambda t: getattr(t, op)(dim=list(dims), keepdim=keepdim), x, device=device)
    if op != "prod":
        check_grad(lambda t: getattr(tt, op)(t, dims, keepdim), x, device=device)


@FEW
@given(data=st.data(), seed=seeds)
def test_logsumexp_one_dim(device: str, data: st.DataObject, seed: int) -> None:
    shape = data.draw(shapes(min_dims=0))
    dim = data.draw(a_dim(max(len(shape), 1)), label="dim")
    x = np.asarray(normal(rng_of(seed), shape) * 3)
    check_grad(lambda t: t.logsumexp(dim), x, device=device)
    check_grad(lambda t: tt.logsumexp(t, dim=dim, keepdim=True), x, device=device)


@pytest.mark.parametrize("op", ["var", "std"])
@pytest.mark.parametrize("correction", [0, 1])
@pytest.mark.parametrize("keepdim", [False, True])
@FEW
@given(data=st.data(), seed=seeds)
def test_var_std(device: str, op: str, correction: int, keepdim: bool, data: st.DataObject, seed: int) -> None:
    shape, dims = data.draw(shape_and_dims(), label="shape, dims")
    # Enough samples for the correction (else the result is nan, tested in test_torch_oracle).
    # And for std two at least: a std of 0 has no slope (nan in PyTorch as here).
    least = max(correction + 1, 2 if op == "std" else 1)
    assume(math.prod(shape[d] for d in dims) >= least and shape[dims[0]] >= least)
    x = np.asarray(distinct(rng_of(seed), shape) * 0.5)  # distinct: every std is positive, so sqrt is smooth
    method, function = getattr(tt.Tensor, op), getattr(tt, op)
    check_grad(lambda t: method(t, dims, correction=correction, keepdim=keepdim), x, device=device)
    check_grad(lambda t: function(t, dims[0], correction=correction, keepdim=keepdim), x, device=device)
    check_grad(lambda t: method(t, correction=correction), x, device=device)  # over everything
    check_grad(lambda t: method(t, dims, unbiased=bool(correction), keepdim=keepdim), x, device=device)


@pytest.mark.parametrize("op", ["max", "min"])
@pytest.mark.parametrize("keepdim", [False, True])
@FEW
@given(data=st.data(), seed=seeds)
def test_max_min_dim_values(device: str, op: str, keepdim: bool, data: st.DataObject, seed: int) -> None:
    shape = data.draw(shapes(min_dims=1))
    dim = data.draw(a_dim(len(shape)), label="dim")
    x = distinct(rng_of(seed), shape)
    check_grad(lambda t: getattr(t, op)(dim, keepdim).values, x, device=device)
    check_grad(lambda t: getattr(t, op)(dim=dim, keepdim=keepdim)[0], x, device=device)


@pytest.mark.parametrize("largest", [True, False])
@FEW
@given(data=st.data(), seed=seeds)
def test_topk_values(device: str, largest: bool, data: st.DataObject, seed: int) -> None:
    shape = data.draw(shapes(min_dims=1))
    dim = data.draw(a_dim(len(shape)), label="dim")
    k = data.draw(st.integers(0, shape[dim]), label="k")
    x = distinct(rng_of(seed), shape)
    check_grad(lambda t: t.topk(k, dim, largest).values, x, device=device)
    check_grad(lambda t: tt.topk(t, k, dim=dim, largest=largest)[0] * 2.0, x, device=device)


@FEW
@given(data=st.data(), seed=seeds)
def test_prod_with_zeros(device: str, data: st.DataObject, seed: int) -> None:
    shape = data.draw(shapes(min_dims=1))
    dim = data.draw(st.one_of(st.none(), a_dim(len(shape))), label="dim")
    x = away_from_zero(rng_of(seed), shape)
    zeros = data.draw(st.lists(st.integers(0, x.size - 1), max_size=3), label="zero positions")
    x.reshape(-1)[zeros] = 0.0  # one zero in a slice, two, or none
    check_grad(lambda t: t.prod(dim), x, device=device)
    check_grad(lambda t: t.prod(dim, keepdim=True), x, device=device)


@FEW
@given(shape=shapes(min_dims=0), seed=seeds)
def test_prod_of_everything(device: str, shape: tuple[int, ...], seed: int) -> None:
    check_grad(lambda t: t.prod(), away_from_zero(rng_of(seed), shape), device=device)


@pytest.mark.parametrize("op", ["min", "amin"])
@FEW
@given(shape=shapes(min_dims=0), seed=seeds)
def test_full_min(device: str, op: str, shape: tuple[int, ...], seed: int) -> None:
    x = distinct(rng_of(seed), shape)
    check_grad(lambda t: getattr(t, op)(), x, device=device)


# -------------------------------------------------------------------- indexing

BASIC_KEYS: list[Any] = [
    slice(1, 3),
    (slice(None), None),
    (Ellipsis, 0),
    None,
    (None, Ellipsis, None),
    (slice(None, None, 2), Ellipsis, -1),
    (0, slice(1, None)),
    (Ellipsis,),
    (slice(-2, None), None, slice(None, 1)),
]


@pytest.mark.parametrize("key", BASIC_KEYS, ids=repr)
def test_basic_keys(device: str, key: Any) -> None:
    x = normal(rng_of(3), (4, 3, 2))
    check_grad(lambda t: t[key], x, device=device)


@pytest.mark.parametrize("form", ["list", "tensor", "ndarray", "2d tensor", "dim 1", "after ellipsis", "0-d tensor"])
@FEW
@given(data=st.data(), seed=seeds)
def test_integer_index(device: str, form: str, data: st.DataObject, seed: int) -> None:
    shape = data.draw(shapes(min_dims=2, max_dims=3))
    axis = {"dim 1": 1, "after ellipsis": len(shape) - 1}.get(form, 0)
    n = shape[axis]
    idx = data.draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=5), label="idx")
    idx = [*idx, idx[0]]  # a repeat: its gradients add up
    x = normal(rng_of(seed), shape)
    if form == "list":
        check_grad(lambda t: t[idx], x, device=device)
    elif form == "tensor":
        check_grad(lambda t: t[tt.tensor(idx, device=device)], x, device=device)
    elif form == "ndarray":
        check_grad(lambda t: t[np.asarray(idx)], x, device=device)
    elif form == "2d tensor":
        two = tt.tensor([idx, idx[::-1]], device=device)
        check_grad(lambda t: t[two], x, device=device)
    elif form == "dim 1":
        check_grad(lambda t: t[:, idx], x, device=device)
    elif form == "after ellipsis":
        check_grad(lambda t: t[..., tt.tensor(idx, device=device)], x, device=device)
    else:
        check_grad(lambda t: t[tt.tensor(idx[0], device=device)], x, device=device)


@pytest.mark.parametrize("cover", ["all dims", "leading dim", "leading dims"])
@FEW
@given(data=st.data(), seed=seeds)
def test_boolean_mask(device: str, cover: str, data: st.DataObject, seed: int) -> None:
    shape = data.draw(shapes(min_dims=2, max_dims=3))
    width = {"all dims": len(shape), "leading dim": 1, "leading dims": 2}[cover]
    rng = rng_of(seed)
    m = rng.random(shape[:width]) < 0.5
    assume(m.any())
    mask = tt.tensor(m, device=device)
    x = normal(rng, shape)
    check_grad(lambda t: t[mask], x, device=device)
    check_grad(lambda t: t[t > 0.0] if cover == "all dims" else t[mask] * 2.0, x, device=device)


@pytest.mark.parametrize(
    "key",
    [0, slice(1, 3), (slice(None), 1), (Ellipsis, slice(0, 1)), "index", "list index", "mask"],
    ids=repr,
)
@FEW
@given(seed=seeds)
def test_setitem_recorded(device: str, key: Any, seed: int) -> None:
    rng = rng_of(seed)
    x = normal(rng, (4, 3))
    np_key = key
    if key == "index":
        np_key = np.array([2, 0])
        key = tt.tensor(np_key, device=device)
    elif key == "list index":
        key = np_key = [1, 3]  # a list, as ported code writes it (a repeat is tested in test_inplace)
    elif key == "mask":
        np_key = np.array([True, False, True, True])
        key = tt.tensor(np_key, device=device)
    target_shape = np.zeros((4, 3))[np_key].shape

    def assign(t: AnyTensor, v: AnyTensor) -> AnyTensor:
        y = t * 1.0  # a non-leaf: the assignment is recorded
        y[key] = v * 3.0
        return y * y

    check_grad(assign, x, normal(rng, target_shape), device=device)
    if len(target_shape) >= 1:  # a value that broadcasts over the indexed part
        check_grad(assign, x, normal(rng, target_shape[-1:]), device=device)

    def assign_number(t: AnyTensor) -> AnyTensor:
        y = t.sin()  # saves its input, not its output: the assignment may follow it
        y[key] = 0.5
        return y

    check_grad(assign_number, x, device=device)


# ---------------------------------------------------------------------- einsum

EINSUM = [
    ("ij,jk->ik", ["i", "j"], ["j", "k"]),
    ("bij,bjk->bik", ["b", "i", "j"], ["b", "j", "k"]),
    ("ij,kj->ik", ["i", "j"], ["k", "j"]),  # a transposed operand
    ("ij->ji", ["i", "j"]),
    ("ij->i", ["i", "j"]),  # a reduction
    ("ij->", ["i", "j"]),
    ("i,j->ij", ["i"], ["j"]),  # an outer product
    ("i,i->", ["i"], ["i"]),
    ("ij,ij->ij", ["i", "j"], ["i", "j"]),
    ("ij,jk,kl->il", ["i", "j"], ["j", "k"], ["k", "l"]),  # three operands
    ("bhqd,bhkd->bhqk", ["b", "h", "q", "d"], ["b", "h", "k", "d"]),  # attention scores
    ("ij,jk", ["i", "j"], ["j", "k"]),  # implicit output
    ("bi,bj->bij", ["b", "i"], ["b", "j"]),
    ("ijk->kji", ["i", "j", "k"]),
    ("ij,j->i", ["i", "j"], ["j"]),
]


@pytest.mark.parametrize("case", EINSUM, ids=[c[0] for c in EINSUM])
@settings(max_examples=max(settings.default.max_examples // 3, 1))
@given(sizes=st.fixed_dictionaries({c: st.integers(1, 3) for c in "bhijklqd"}), seed=seeds)
def test_einsum(device: str, case: tuple[Any, ...], sizes: dict[str, int], seed: int) -> None:
    equation, *letters = case
    rng = rng_of(seed)
    arrays = [normal(rng, tuple(sizes[c] for c in ls)) for ls in letters]
    check_grad(lambda *ts: tt.einsum(equation, *ts), *arrays, device=device)
    check_grad(lambda *ts: tt.einsum(equation, list(ts)), *arrays, device=device)  # torch's list form


@FEW
@given(m=st.integers(1, 3), k=st.integers(1, 3), n=st.integers(1, 3), b=st.integers(1, 3), seed=seeds)
def test_mm_bmm_matmul(device: str, m: int, k: int, n: int, b: int, seed: int) -> None:
    rng = rng_of(seed)
    check_grad(lambda x, y: x.mm(y), normal(rng, (m, k)), normal(rng, (k, n)), device=device)
    check_grad(tt.mm, normal(rng, (m, k)), normal(rng, (k, n)), device=device)
    check_grad(tt.bmm, normal(rng, (b, m, k)), normal(rng, (b, k, n)), device=device)
    check_grad(tt.matmul, normal(rng, (b, m, k)), normal(rng, (k,)), device=device)


# ------------------------------------------------------------------- in place


def _y(t: AnyTensor) -> AnyTensor:
    return t * 2.0  # a non-leaf, so in-place ops on it are recorded


INPLACE = {
    "+= number": lambda t, z: _iadd(_y(t), 1.0) * z,
    "+= tensor": lambda t, z: _iadd(_y(t), z),
    "-= tensor": lambda t, z: _isub(_y(t), z),
    "*= tensor": lambda t, z: _imul(_y(t), z),
    "/= tensor": lambda t, z: _idiv(_y(t), z),
    "*= number": lambda t, z: _imul(_y(t), -1.5) * z,
    "add_ alpha": lambda t, z: _y(t).add_(z, alpha=0.5),
    "sub_": lambda t, z: _y(t).sub_(z),
    "mul_": lambda t, z: _y(t).mul_(z),
    "div_": lambda t, z: _y(t).div_(z),
    "mul_ twice": lambda t, z: _y(t).mul_(z).mul_(z),
    "relu_": lambda t, z: _y(t).relu_() * z,
    "neg_": lambda t, z: _y(t).neg_() * z,
    "pow_": lambda t, z: _y(t).pow_(2) * z,
    "sqrt_": lambda t, z: (t * t + 1.0).sqrt_() * z,
    "clamp_ numbers": lambda t, z: _y(t).clamp_(-1.25, 1.25) * z,
    "clamp_ tensor": lambda t, z: _y(t).clamp_(min=z),
    "masked_fill_": lambda t, z: _y(t).masked_fill_(t > 0, 3.0) * z,
    "fill_ 0-d tensor": lambda t, z: _y(t).fill_(z.sum()),
    "zero_": lambda t, z: _y(t).zero_() + z * t,
    "copy_": lambda t, z: _y(t).copy_(z * z) * t,
    "addcmul_": lambda t, z: _y(t).addcmul_(z, t, value=0.5),
    "addcdiv_": lambda t, z: _y(t).addcdiv_(t, z),
    "in place on a leaf without grad": lambda t, z: _iadd(tt.zeros_like(t), t * z),
}


def _iadd(y: AnyTensor, v: Any) -> AnyTensor:
    y += v
    return y


def _isub(y: AnyTensor, v: Any) -> AnyTensor:
    y -= v
    return y


def _imul(y: AnyTensor, v: Any) -> AnyTensor:
    y *= v
    return y


def _idiv(y: AnyTensor, v: Any) -> AnyTensor:
    y /= v
    return y


@pytest.mark.parametrize("name", list(INPLACE))
@FEW
@given(data=st.data(), seed=seeds)
def test_inplace_recorded_on_non_leaf(device: str, name: str, data: st.DataObject, seed: int) -> None:
    shape = data.draw(shapes(min_dims=0))
    zshape = shape[data.draw(st.integers(0, len(shape)), label="operand rank cut") :]  # broadcasts to y
    rng = rng_of(seed)
    both = distinct(rng, (math.prod(shape) + math.prod(zshape),)) / max(math.prod(shape), 1)
    x = both[: math.prod(shape)].reshape(shape) + 0.01  # off every kink (relu_ at 0, clamp_ at z)
    z = np.sign(both[math.prod(shape) :]) * 0.5 + both[math.prod(shape) :]  # away from 0
    check_grad(INPLACE[name], np.asarray(x), z.reshape(zshape), device=device)


# ------------------------------------------------------------------------ dtypes


@pytest.mark.parametrize(
    "cast",
    [
        lambda t: t.float().double(),
        lambda t: t.to(tt.float32).to("float64"),
        lambda t: t.to(dtype=np.float32).type(tt.float64),
        lambda t: t.to(t.device, tt.float32).to(tt.float64) * t,
        lambda t: t.double(),  # already float64: itself
    ],
)
@FEW
@given(shape=shapes(min_dims=0), seed=seeds)
def test_casts(device: str, cast: Any, shape: tuple[int, ...], seed: int) -> None:
    x = normal(rng_of(seed), shape)
    check_grad(cast, x, device=device, eps=1e-3, rtol=1e-3, atol=1e-3)


@FEW
@given(shape=shapes(min_dims=0), seed=seeds)
def test_mixed_dtype_arithmetic(device: str, shape: tuple[int, ...], seed: int) -> None:
    # float64 with an integer tensor stays float64; the gradient reaches the float side only.
    x = normal(rng_of(seed), shape)
    ints = tt.tensor(np.arange(math.prod(shape)).reshape(shape) % 3 + 1, device=device)
    check_grad(lambda t: t * ints + ints / t.exp(), x, device=device)
