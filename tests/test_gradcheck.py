"""Every differentiable op against central finite differences, on every device.

One generic checker does the work (tinygrad style): for ``out = op(*inputs)`` it
takes ``f = sum(out * W)`` with a fixed random ``W`` of the output's shape, asks the
engine for ``df/dinput`` of every array input, and compares it with
``(f(x + eps) - f(x - eps)) / 2 eps`` evaluated element by element through
typedtorch's own forward pass on the same device. Shapes come from hypothesis;
values come from a numpy generator seeded by hypothesis, shaped so that each op is
smooth where it is probed (positive inputs for ``log``, no ties for ``max`` ...).
Everything runs in float64 so the tolerances can be tight.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import typedtorch as tt

EPS = 1e-6
RTOL = 1e-5
ATOL = 1e-6

Fn = Callable[..., Any]


# ------------------------------------------------------------------------ the checker


def _leaf(a: np.ndarray, device: str, requires_grad: bool) -> tt.Tensor[*tuple[Any, ...]]:
    return tt.tensor(a, dtype=str(a.dtype), device=device, requires_grad=requires_grad)


def check_grad(
    fn: Fn,
    *inputs: Any,
    device: str,
    eps: float = EPS,
    rtol: float = RTOL,
    atol: float = ATOL,
    seed: int = 0,
) -> None:
    """Compare the engine's gradient of ``sum(fn(*inputs) * W)`` with finite differences.

    Every numpy array in ``inputs`` becomes a float64 leaf on ``device`` whose gradient
    is checked; anything else (Python scalars, index tensors) is passed through.
    """
    arrays = [i for i, a in enumerate(inputs) if isinstance(a, np.ndarray)]
    assert arrays, "nothing to differentiate"
    inputs = tuple(np.asarray(a, dtype=np.float64) if isinstance(a, np.ndarray) else a for a in inputs)

    leaves = [_leaf(a, device, True) if isinstance(a, np.ndarray) else a for a in inputs]
    out = fn(*leaves)
    assert isinstance(out, tt.Tensor)
    assert out.device == tt.tensor(0.0, device=device).device
    assert out.requires_grad
    w_host = np.random.default_rng(seed).standard_normal(out.shape)
    w = tt.tensor(w_host, dtype="float64", device=device)
    loss = (out * w).sum()
    assert loss.shape == ()
    loss.backward()

    def f(values: list[Any]) -> float:
        with tt.no_grad():
            r = fn(*values)
            return float((r * w).sum().item())

    plain = [_leaf(a, device, False) if isinstance(a, np.ndarray) else a for a in inputs]
    for i in arrays:
        a = inputs[i]
        grad = leaves[i].grad
        assert grad is not None, f"input {i} got no gradient"
        assert grad.shape == a.shape, f"input {i}: grad shape {grad.shape} != input shape {a.shape}"
        assert grad.device == leaves[i].device
        analytic = grad.numpy()
        assert analytic.dtype == np.float64, f"input {i}: grad dtype {analytic.dtype}"
        numeric = np.zeros_like(a)
        for idx in np.ndindex(*a.shape):
            values = list(plain)
            hi, lo = a.copy(), a.copy()
            hi[idx] += eps
            lo[idx] -= eps
            values[i] = _leaf(hi, device, False)
            f_hi = f(values)
            values[i] = _leaf(lo, device, False)
            f_lo = f(values)
            numeric[idx] = (f_hi - f_lo) / (2 * eps)
        np.testing.assert_allclose(
            analytic, numeric, rtol=rtol, atol=atol, err_msg=f"gradient of input {i} (shape {a.shape}) on {device}"
        )


# ---------------------------------------------------------------- values and shapes

seeds = st.integers(0, 2**32 - 1)


def shapes(min_dims: int = 1, max_dims: int = 3, max_side: int = 4) -> st.SearchStrategy[tuple[int, ...]]:
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=max_side)


def normal(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return np.asarray(rng.standard_normal(shape))


def positive(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return np.asarray(rng.uniform(0.5, 2.0, shape))


def away_from_zero(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Magnitudes in [0.5, 2] with random signs: safe denominators, no kinks of relu."""
    return np.asarray(rng.uniform(0.5, 2.0, shape) * rng.choice([-1.0, 1.0], shape))


def distinct(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Values at least 0.2 apart from each other: no ties for ``max``."""
    n = int(np.prod(shape, dtype=np.int64))
    return (rng.permutation(n) * 0.3 + rng.uniform(0.0, 0.1, n) - 0.15 * n).reshape(shape)


def hidden_outer(sa: tuple[int, ...], sb: tuple[int, ...]) -> bool:
    """numpy's broadcast that typedtorch refuses: ranks differ and a size-1 dim of the
    higher-rank shape would stretch across a dim of the lower-rank one (DESIGN §1)."""
    if len(sa) == len(sb) or not sa or not sb:
        return False
    hi, lo = (sa, sb) if len(sa) > len(sb) else (sb, sa)
    return any(h == 1 and n != 1 for h, n in zip(hi[len(hi) - len(lo) :], lo, strict=True))


# ------------------------------------------------------------ elementwise, two inputs

BINARY = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv}


@st.composite
def broadcast_pairs(draw: st.DrawFn, kind: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Two shapes that broadcast: equal, one a trailing part of the other, or with 1s."""
    s = draw(shapes(min_dims=1))
    if kind == "same":
        return s, s
    if kind == "trailing":
        k = draw(st.integers(1, len(s)))  # k == len(s) leaves a 0-d tensor
        t = s[k:]
    elif kind == "ones":
        mask = draw(st.lists(st.booleans(), min_size=len(s), max_size=len(s)))
        t = tuple(1 if m else n for n, m in zip(s, mask, strict=True))
    else:  # "mutual": any pair numpy broadcasts, sizes of 1 on both sides
        pair = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3))
        return pair.input_shapes[0], pair.input_shapes[1]
    return (s, t) if draw(st.booleans()) else (t, s)


@pytest.mark.parametrize("op", list(BINARY))
@pytest.mark.parametrize("kind", ["same", "trailing", "ones", "mutual"])
@given(data=st.data(), seed=seeds)
def test_binary(device: str, op: str, kind: str, data: st.DataObject, seed: int) -> None:
    sa, sb = data.draw(broadcast_pairs(kind), label="shapes")
    assume(not hidden_outer(sa, sb))  # refused: test_errors checks the message
    rng = np.random.default_rng(seed)
    check_grad(BINARY[op], away_from_zero(rng, sa), away_from_zero(rng, sb), device=device)


@pytest.mark.parametrize("op", list(BINARY))
@pytest.mark.parametrize("side", ["left", "right"])
@given(shape=shapes(min_dims=0), seed=seeds, scalar=st.sampled_from([-1.5, 0.5, 2, 3.25]))
def test_binary_python_scalar(
    device: str, op: str, side: str, shape: tuple[int, ...], seed: int, scalar: float
) -> None:
    x = away_from_zero(np.random.default_rng(seed), shape)
    fn = BINARY[op]
    if side == "right":
        check_grad(lambda t: fn(t, scalar), x, device=device)
    else:
        check_grad(lambda t: fn(scalar, t), x, device=device)


@given(data=st.data(), seed=seeds)
def test_binary_same_tensor_both_sides(device: str, data: st.DataObject, seed: int) -> None:
    x = away_from_zero(np.random.default_rng(seed), data.draw(shapes(min_dims=0)))
    for fn in BINARY.values():
        check_grad(lambda t, fn=fn: fn(t, t), x, device=device)


@pytest.mark.parametrize("kind", ["same", "trailing", "ones"])
@given(data=st.data(), seed=seeds)
def test_maximum(device: str, kind: str, data: st.DataObject, seed: int) -> None:
    sa, sb = data.draw(broadcast_pairs(kind), label="shapes")
    # All values of a and b drawn together at least 0.2 apart: no ties anywhere.
    both = distinct(np.random.default_rng(seed), (int(np.prod(sa)) + int(np.prod(sb)),))
    a, b = both[: int(np.prod(sa))].reshape(sa), both[int(np.prod(sa)) :].reshape(sb)
    check_grad(tt.maximum, a, b, device=device)
    check_grad(lambda x, y: x.maximum(y), a, b, device=device)


@given(shape=shapes(min_dims=0), seed=seeds)
def test_maximum_scalar(device: str, shape: tuple[int, ...], seed: int) -> None:
    x = away_from_zero(np.random.default_rng(seed), shape)  # never within 0.5 of 0.0
    check_grad(lambda t: tt.maximum(t, 0.0), x, device=device)


# ------------------------------------------------------------- elementwise, one input

UNARY: dict[str, tuple[Fn, Callable[[np.random.Generator, tuple[int, ...]], np.ndarray]]] = {
    "neg": (operator.neg, normal),
    "exp": (tt.exp, normal),
    "exp_method": (lambda x: x.exp(), normal),
    "log": (tt.log, positive),
    "log_method": (lambda x: x.log(), positive),
    "tanh": (tt.tanh, normal),
    "tanh_method": (lambda x: x.tanh(), normal),
    "sigmoid": (tt.sigmoid, normal),
    "sigmoid_method": (lambda x: x.sigmoid(), normal),
    "relu": (tt.relu, away_from_zero),
    "relu_method": (lambda x: x.relu(), away_from_zero),
}


@pytest.mark.parametrize("name", list(UNARY))
@given(shape=shapes(min_dims=0), seed=seeds)
def test_unary(device: str, name: str, shape: tuple[int, ...], seed: int) -> None:
    fn, values = UNARY[name]
    check_grad(fn, values(np.random.default_rng(seed), shape), device=device)


@pytest.mark.parametrize("p", [2, 3, 0.5, 2.0, 1.5, -1, 0])
@given(shape=shapes(min_dims=0), seed=seeds)
def test_pow(device: str, p: float, shape: tuple[int, ...], seed: int) -> None:
    check_grad(lambda t: t**p, positive(np.random.default_rng(seed), shape), device=device)


@pytest.mark.parametrize("p", [2, 3])
@given(shape=shapes(), seed=seeds)
def test_pow_integer_negative_base(device: str, p: int, shape: tuple[int, ...], seed: int) -> None:
    check_grad(lambda t: t**p, normal(np.random.default_rng(seed), shape), device=device)


@given(data=st.data(), seed=seeds)
def test_softmax_and_log_softmax(device: str, data: st.DataObject, seed: int) -> None:
    shape = data.draw(shapes())
    dim = data.draw(st.integers(-len(shape), len(shape) - 1), label="dim")
    x = normal(np.random.default_rng(seed), shape) * 2
    check_grad(lambda t: tt.softmax(t, dim=dim), x, device=device)
    check_grad(lambda t: t.softmax(dim), x, device=device)
    check_grad(lambda t: tt.log_softmax(t, dim=dim), x, device=device)
    check_grad(lambda t: t.log_softmax(dim), x, device=device)


@given(shape=shapes(), seed=seeds)
def test_softmax_default_dim_is_last(device: str, shape: tuple[int, ...], seed: int) -> None:
    x = normal(np.random.default_rng(seed), shape)
    check_grad(tt.softmax, x, device=device)
    check_grad(tt.log_softmax, x, device=device)


# --------------------------------------------------------------------------- matmul


@st.composite
def matmul_shapes(draw: st.DrawFn, kind: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    side = st.integers(1, 4)
    m, k, n = draw(side), draw(side), draw(side)
    if kind == "mm":
        return (m, k), (k, n)
    if kind == "mv":
        return (m, k), (k,)
    if kind == "vv":
        return (k,), (k,)
    if kind == "vm":
        return (k,), (k, n)
    batch = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=1, max_dims=2, max_side=3))
    ba, bb = batch.input_shapes
    assume(not hidden_outer(ba, bb) and not (kind == "batched" and hidden_outer((*ba, 1, 1), (*bb, 1, 1))))
    if kind == "batched":
        return (*ba, m, k), (*bb, k, n)
    if kind == "batched_mv":
        return (*ba, m, k), (k,)
    if kind == "vector_batched":
        return (k,), (*bb, k, n)
    assert kind == "batched_matrix"  # a batch against one shared matrix
    return (*ba, m, k), (k, n)


@pytest.mark.parametrize("kind", ["mm", "mv", "vv", "vm", "batched", "batched_mv", "vector_batched", "batched_matrix"])
@given(data=st.data(), seed=seeds)
def test_matmul(device: str, kind: str, data: st.DataObject, seed: int) -> None:
    sa, sb = data.draw(matmul_shapes(kind), label="shapes")
    rng = np.random.default_rng(seed)
    check_grad(operator.matmul, normal(rng, sa), normal(rng, sb), device=device)


# ----------------------------------------------------------------------- reductions


@pytest.mark.parametrize("op", ["sum", "mean", "amax", "amin"])
@pytest.mark.parametrize("keepdim", [False, True])
@given(data=st.data(), seed=seeds)
def test_reduction(device: str, op: str, keepdim: bool, data: st.DataObject, seed: int) -> None:
    shape = data.draw(shapes())
    dim = data.draw(st.integers(-len(shape), len(shape) - 1), label="dim")
    x = distinct(np.random.default_rng(seed), shape)
    check_grad(lambda t: getattr(t, op)(dim=dim, keepdim=keepdim), x, device=device)
    check_grad(lambda t: getattr(t, op)(dim, keepdim), x, device=device)


@pytest.mark.parametrize("op", ["sum", "mean", "max", "min", "amax"])
@given(shape=shapes(min_dims=0), seed=seeds)
def test_full_reduction(device: str, op: str, shape: tuple[int, ...], seed: int) -> None:
    x = distinct(np.random.default_rng(seed), shape)
    check_grad(lambda t: getattr(t, op)(), x, device=device)
    check_grad(lambda t: getattr(t, op)(keepdim=True), x, device=device)  # every dim kept as 1


@given(shape=shapes(max_dims=2), seed=seeds)
def test_max_with_ties_splits_gradient(device: str, shape: tuple[int, ...], seed: int) -> None:
    # Not a finite-difference check (max is not differentiable at a tie): the
    # gradient is shared evenly among the tied maxima, as torch.amax does.
    x = np.zeros(shape)
    x[(0,) * len(shape)] = -1.0
    t = tt.tensor(x, dtype="float64", device=device, requires_grad=True)
    t.max().backward()
    assert t.grad is not None
    expected = (x == 0.0) / np.count_nonzero(x == 0.0) if np.any(x == 0.0) else np.ones(shape)
    np.testing.assert_allclose(t.grad.numpy(), expected)


# ------------------------------------------------------------------ shapes and views


@given(data=st.data(), seed=seeds)
def test_reshape(device: str, data: st.DataObject, seed: int) -> None:
    shape = data.draw(shapes(min_dims=0))
    x = normal(np.random.default_rng(seed), shape)
    n = x.size
    targets = (
        [(n,), (-1,), shape[::-1], (1, n), (n, 1, 1), ()] if n == 1 else [(n,), (-1,), shape[::-1], (1, n), (n, 1)]
    )
    if n % 2 == 0:
        targets += [(2, -1), (-1, 2)]
    for target in targets:
        check_grad(lambda t, s=target: t.reshape(s), x, device=device)
        check_grad(lambda t, s=target: tt.reshape(t, s), x, device=device)
    if shape:
        check_grad(lambda t: t.reshape(*shape[::-1]), x, device=device)


@given(data=st.data(), seed=seeds)
def test_flatten(device: str, data: st.DataObject, seed: int) -> None:
    shape = data.draw(shapes(max_dims=4, max_side=3))
    nd = len(shape)
    start = data.draw(st.integers(-nd, nd - 1), label="start_dim")
    end = data.draw(st.integers(start % nd, nd - 1), label="end_dim")
    x = normal(np.random.default_rng(seed), shape)
    check_grad(lambda t: tt.flatten(t), x, device=device)
    check_grad(lambda t: tt.flatten(t, start_dim=start), x, device=device)
    check_grad(lambda t: t.flatten(start, end), x, device=device)


@given(m=st.integers(1, 5), n=st.integers(1, 5), seed=seeds)
def test_transpose(device: str, m: int, n: int, seed: int) -> None:
    x = normal(np.random.default_rng(seed), (m, n))
    check_grad(lambda t: t.T, x, device=device)
    check_grad(lambda t: t.T @ t, x, device=device)


@st.composite
def basic_keys(draw: st.DrawFn, shape: tuple[int, ...]) -> Any:
    """An int, a slice, or a tuple of ints and slices over the leading dims."""

    def one(n: int) -> Any:
        if draw(st.booleans()):
            return draw(st.integers(-n, n - 1))
        start = draw(st.one_of(st.none(), st.integers(-n, n - 1)))
        stop = draw(st.one_of(st.none(), st.integers(-n, n)))
        step = draw(st.sampled_from([None, 1, 2]))
        return slice(start, stop, step)

    if draw(st.booleans()):
        return one(shape[0])
    k = draw(st.integers(1, len(shape)))
    key = tuple(one(n) for n in shape[:k])
    if k < len(shape) and draw(st.booleans()):
        key = (*key, Ellipsis)
    return key


@given(data=st.data(), seed=seeds)
def test_getitem(device: str, data: st.DataObject, seed: int) -> None:
    shape = data.draw(shapes())
    key = data.draw(basic_keys(shape), label="key")
    x = normal(np.random.default_rng(seed), shape)
    expected_shape = x[key].shape
    if 0 in expected_shape:  # an empty selection has nothing to check
        return
    check_grad(lambda t: t[key], x, device=device)


@pytest.mark.parametrize(
    "key",
    [0, -1, slice(1, 3), slice(None, None, 2), (1, 2), (slice(0, 2), 1), (Ellipsis, 0), (0, slice(None), -1)],
    ids=repr,
)
def test_getitem_fixed_keys(device: str, key: Any) -> None:
    x = normal(np.random.default_rng(0), (3, 4, 2))
    check_grad(lambda t: t[key], x, device=device)


@given(data=st.data(), seed=seeds)
def test_gather_with_repeated_indices(device: str, data: st.DataObject, seed: int) -> None:
    shape = data.draw(shapes())
    n = shape[0]
    idx = data.draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=6), label="idx")  # negatives too
    idx = [*idx, idx[0]]  # at least one repeat: its gradients must add up
    index = tt.tensor(idx, device=device)
    x = normal(np.random.default_rng(seed), shape)
    check_grad(lambda t: t[index], x, device=device)


@st.composite
def cat_shapes(draw: st.DrawFn, stack: bool) -> tuple[int, list[tuple[int, ...]]]:
    shape = draw(shapes())
    count = draw(st.integers(1, 3))
    if stack:
        dim = draw(st.integers(-len(shape) - 1, len(shape)))
        return dim, [shape] * count
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    sizes = draw(st.lists(st.integers(1, 3), min_size=count, max_size=count))
    return dim, [(*shape[: dim % len(shape)], s, *shape[dim % len(shape) + 1 :]) for s in sizes]


@pytest.mark.parametrize("op", ["cat", "stack"])
@given(data=st.data(), seed=seeds)
def test_cat_and_stack(device: str, op: str, data: st.DataObject, seed: int) -> None:
    dim, in_shapes = data.draw(cat_shapes(op == "stack"), label="dim, shapes")
    rng = np.random.default_rng(seed)
    arrays = [normal(rng, s) for s in in_shapes]
    fn = getattr(tt, op)
    check_grad(lambda *ts: fn(list(ts), dim=dim), *arrays, device=device)


def test_cat_default_dim_and_tuple_input(device: str) -> None:
    rng = np.random.default_rng(1)
    a, b = normal(rng, (2, 3)), normal(rng, (4, 3))
    check_grad(lambda x, y: tt.cat((x, y)), a, b, device=device)
    check_grad(lambda x, y: tt.stack((x, x, y[:2])), a, b, device=device)


# ---------------------------------------------------------------------------- where


@pytest.mark.parametrize("form", ["tensor_tensor", "tensor_scalar", "scalar_tensor"])
@given(data=st.data(), seed=seeds)
def test_where(device: str, form: str, data: st.DataObject, seed: int) -> None:
    sa, sb = data.draw(broadcast_pairs(data.draw(st.sampled_from(["same", "trailing", "ones"]))), label="shapes")
    assume(not hidden_outer(sa, sb))
    out_shape = np.broadcast_shapes(sa, sb)
    rng = np.random.default_rng(seed)
    cond_shape = out_shape[data.draw(st.integers(0, len(out_shape)), label="cond rank cut") :]
    assume(not hidden_outer(cond_shape, sa) and not hidden_outer(np.broadcast_shapes(cond_shape, sa), sb))
    cond = tt.tensor(rng.random(cond_shape) < 0.5, device=device)
    a, b = normal(rng, sa), normal(rng, sb)
    if form == "tensor_tensor":
        check_grad(lambda x, y: tt.where(cond, x, y), a, b, device=device)
    elif form == "tensor_scalar":
        check_grad(lambda x: tt.where(cond, x, 0.5), a, device=device)
    else:
        check_grad(lambda y: tt.where(cond, -2.0, y), b, device=device)


@given(shape=shapes(), seed=seeds)
def test_where_from_comparison(device: str, shape: tuple[int, ...], seed: int) -> None:
    # The usual pattern: the condition comes from the same tensor (a leaky relu).
    x = away_from_zero(np.random.default_rng(seed), shape)
    check_grad(lambda t: tt.where(t > 0, t, t * 0.1), x, device=device)


# ------------------------------------------------------------------ dtypes, devices


@given(shape=shapes(min_dims=0), seed=seeds)
def test_astype(device: str, shape: tuple[int, ...], seed: int) -> None:
    x = normal(np.random.default_rng(seed), shape)
    # Through float32 the finite differences need a larger step and tolerance.
    check_grad(lambda t: t.astype("float32"), x, device=device, eps=1e-3, rtol=1e-3, atol=1e-3)
    check_grad(lambda t: (t.astype("float32").tanh() * 2.0).astype("float64"), x, device=device, eps=1e-3, rtol=1e-3, atol=1e-3)  # fmt: skip
    check_grad(lambda t: t.astype("float64") * t, x, device=device)


@given(shape=shapes(min_dims=0), seed=seeds)
def test_to_device_round_trip(device: str, other_device: str, shape: tuple[int, ...], seed: int) -> None:
    x = normal(np.random.default_rng(seed), shape)
    check_grad(lambda t: t.to(other_device).to(device), x, device=device)
    check_grad(lambda t: (t.to(other_device).exp() * 3.0).to(device) * t, x, device=device)
    check_grad(lambda t: t.to(device), x, device=device)  # the same device: itself


# ------------------------------------------------------------------- compositions


@given(b=st.integers(1, 4), i=st.integers(1, 4), h=st.integers(1, 4), o=st.integers(1, 4), seed=seeds)
def test_mlp(device: str, b: int, i: int, h: int, o: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x, w1, b1, w2, b2 = (normal(rng, s) for s in [(b, i), (i, h), (h,), (h, o), (o,)])

    def mlp(x: Any, w1: Any, b1: Any, w2: Any, b2: Any) -> Any:
        hidden = (x @ w1 + b1).tanh()
        return (hidden @ w2 + b2).log_softmax(dim=-1).mean(dim=0)

    check_grad(mlp, x, w1, b1, w2, b2, device=device)


@given(shape=shapes(max_dims=2), seed=seeds)
def test_diamond(device: str, shape: tuple[int, ...], seed: int) -> None:
    x = normal(np.random.default_rng(seed), shape)

    def diamond(t: Any) -> Any:
        y = t.exp()
        left, right = y * 2.0, y.tanh()
        return (left * right + y).sigmoid() / (1.0 + y)

    check_grad(diamond, x, device=device)
