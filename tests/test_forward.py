"""Forward results of every op against plain numpy, and the dtypes they come out in."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import typedtorch as tt

AnyTensor = tt.Tensor[*tuple[Any, ...]]


def dtype_name(t: AnyTensor) -> str:
    """``"float32"`` for numpy's and array-api-strict's float32 alike."""
    return str(t.dtype).rsplit(".", 1)[-1]


def same(t: AnyTensor, expected: Any, dtype: str | None = None, rtol: float = 1e-6, atol: float = 1e-6) -> None:
    """``t`` holds ``expected`` (compared on the host), with ``dtype`` when given."""
    assert isinstance(t, tt.Tensor), f"expected a Tensor, got {type(t).__name__}"
    got = t.numpy()
    expected = np.asarray(expected)
    assert got.shape == expected.shape, f"shape {got.shape} != {expected.shape}"
    if dtype is not None:
        assert dtype_name(t) == dtype, f"dtype {dtype_name(t)} != {dtype}"
        assert got.dtype == np.dtype(dtype)
    if got.dtype == np.bool_ or expected.dtype == np.bool_ or got.dtype.kind in "iu":
        np.testing.assert_array_equal(got, expected)
    else:
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol)


def rng_values(shape: tuple[int, ...], seed: int = 0, low: float = -2.0, high: float = 2.0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(low, high, shape).astype(np.float32)


def t32(a: Any, device: str) -> AnyTensor:
    return tt.tensor(a, device=device)


# ------------------------------------------------------------------------- factories


def test_factories_default_float32(device: str) -> None:
    for t, value in [(tt.zeros(3, 2, device=device), 0.0), (tt.ones(4, device=device), 1.0)]:
        same(t, np.full(t.shape, value), "float32")
    assert tt.zeros(3, 2, device=device).shape == (3, 2)
    assert tt.zeros(device=device).shape == ()
    for factory in (tt.randn, tt.rand):
        r = factory(5, 3, device=device)
        assert r.shape == (5, 3) and dtype_name(r) == "float32"
        assert r.device == device
    u = tt.rand(1000, device=device).numpy()
    assert 0.0 <= u.min() and u.max() < 1.0
    n = tt.randn(4000, device=device).numpy()
    assert abs(n.mean()) < 0.1 and 0.9 < n.std() < 1.1


def test_factories_dtype_argument(device: str) -> None:
    same(tt.zeros(2, dtype="float64", device=device), [0.0, 0.0], "float64")
    same(tt.ones(2, 2, dtype="int64", device=device), [[1, 1], [1, 1]], "int64")
    assert dtype_name(tt.randn(3, dtype="float64", device=device)) == "float64"
    assert dtype_name(tt.rand(3, dtype="float64", device=device)) == "float64"
    with pytest.raises(TypeError, match="unknown dtype"):
        tt.zeros(2, dtype="float128", device=device)
    # Every spelling of a dtype: a tt dtype, a name, a numpy type or dtype object.
    for spelling in (tt.float64, "float64", np.float64, np.dtype("float64")):
        same(tt.zeros(2, dtype=spelling, device=device), [0.0, 0.0], "float64")
    assert tt.zeros(2, dtype=np.float32, device=device).dtype == tt.float32


def test_full_and_arange(device: str) -> None:
    same(tt.full((2, 3), 0.5, device=device), np.full((2, 3), 0.5), "float32")
    same(tt.full((2,), 7, device=device), [7, 7], "int64")
    same(tt.full((), 1.5, device=device), 1.5, "float32")
    same(tt.arange(5, device=device), np.arange(5), "int64")
    same(tt.arange(2, 8, 2, device=device), [2, 4, 6], "int64")
    same(tt.arange(0.0, 1.0, 0.25, device=device), [0.0, 0.25, 0.5, 0.75], "float32")
    same(tt.arange(3, dtype="float64", device=device), [0.0, 1.0, 2.0], "float64")


@pytest.mark.parametrize(
    ("data", "dtype"),
    [
        ([1.0, 2.0], "float32"),
        ([[1.5], [2.5]], "float32"),
        (3.0, "float32"),
        ([1, 2, 3], "int64"),
        (7, "int64"),
        ([True, False], "bool"),
        # A numpy array keeps its dtype, as torch.tensor(ndarray) does.
        (np.arange(4, dtype=np.int32), "int32"),
        (np.ones((2, 2), dtype=np.float64), "float64"),
        (np.ones(3, dtype=np.float16), "float16"),
    ],
    ids=repr,
)
def test_tensor_default_dtypes(device: str, data: Any, dtype: str) -> None:
    if device == "strict" and dtype == "float16":
        pytest.skip("array-api-strict has no float16")
    t = tt.tensor(data, device=device)
    same(t, np.asarray(data).astype(dtype), dtype)
    assert t.device == device
    assert not t.requires_grad


def test_tensor_explicit_dtype_and_copy(device: str) -> None:
    host = np.arange(6.0).reshape(2, 3)
    t = tt.tensor(host, dtype="float64", device=device)
    same(t, host, "float64")
    host[0, 0] = 100.0  # tt.tensor copies on every device
    assert t.numpy()[0, 0] == 0.0
    same(tt.tensor([1, 2], dtype="float32", device=device), [1.0, 2.0], "float32")
    # From another tensor: a copy, of the same dtype unless asked.
    same(tt.tensor(t, device=device), t.numpy(), "float64")
    same(tt.tensor(t, dtype="float64", device=device), t.numpy(), "float64")
    u = tt.tensor([1.0, 2.0], device=device)
    v = tt.tensor(u, device=device)
    v._data[0] = 9.0  # in place on the copy; the original keeps its value
    assert u.numpy()[0] == 1.0


def test_introspection(device: str) -> None:
    x = tt.tensor(rng_values((3, 4)), device=device, requires_grad=True)
    assert x.shape == (3, 4) and x.ndim == 2 and x.numel() == 12 and len(x) == 3
    assert x.device == device and x.requires_grad
    assert x.grad is None
    assert x.tolist() == x.numpy().tolist()
    r = repr(x)
    assert "shape=(3, 4)" in r and "float32" in r and repr(device) in r and "requires_grad=True" in r
    s = tt.tensor(2.5, device=device)
    assert s.item() == 2.5 and float(s) == 2.5
    assert tt.tensor([[4.0]], device=device).item() == 4.0
    assert tt.tensor(3, device=device).item() == 3
    with pytest.raises(TypeError, match="0-d"):
        len(s)


# ------------------------------------------------------------------ elementwise ops

BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "div": operator.truediv,
}

# (2, 1, 4) with (3, 1) is numpy's hidden outer product, refused (test_errors); (2, 3, 4)
# with (3, 1) stretches the size-1 dim of the *lower*-rank side, which the rule allows.
SHAPE_PAIRS = [
    ((3, 4), (3, 4)), ((3, 4), (4,)), ((4,), (3, 4)), ((2, 3, 4), (3, 1)), ((2, 1), (1, 3)), ((4, 1), (4, 3)),
    ((), (2, 3)), ((2, 3), ()),
]  # fmt: skip


@pytest.mark.parametrize("op", list(BINARY))
@pytest.mark.parametrize(("sa", "sb"), SHAPE_PAIRS, ids=str)
def test_binary(device: str, op: str, sa: tuple[int, ...], sb: tuple[int, ...]) -> None:
    a, b = rng_values(sa, 1), rng_values(sb, 2, 0.5, 2.0)
    fn = BINARY[op]
    same(fn(t32(a, device), t32(b, device)), fn(a, b), "float32")


@pytest.mark.parametrize("op", list(BINARY))
@pytest.mark.parametrize("scalar", [2, 0.5, -3.25])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_binary_with_python_scalar_keeps_dtype(device: str, op: str, scalar: float, dtype: str) -> None:
    a = rng_values((2, 3), 3, 0.5, 2.0).astype(dtype)
    x = tt.tensor(a, dtype=dtype, device=device)
    fn = BINARY[op]
    tol = 1e-6 if dtype == "float32" else 1e-12
    same(fn(x, scalar), fn(a, np.asarray(scalar, dtype=dtype)), dtype, rtol=tol)
    same(fn(scalar, x), fn(np.asarray(scalar, dtype=dtype), a), dtype, rtol=tol)


def test_float32_stays_float32_through_everything(device: str) -> None:
    x = tt.tensor(rng_values((2, 3), 4, 0.5, 2.0), device=device)
    results = [
        x * 2.5,
        2.5 * x,
        1 - x,
        x / 3,
        x**2,
        x**0.5,
        -x,
        x.exp(),
        x.log(),
        x.tanh(),
        x.sigmoid(),
        x.relu(),
        x.softmax(),
        x.log_softmax(0),
        tt.maximum(x, 1.0),
        tt.where(x > 1.0, x, 0.0),
        tt.where(x > 1.0, 0.0, x),
        x.sum(),
        x.mean(dim=1),
        x.amax(0),
        x.max(0).values,
        x @ x.T,
        x.reshape(-1),
        tt.cat([x, x]),
        tt.stack([x, x]),
        x[0],
    ]
    for r in results:
        assert dtype_name(r) == "float32", r
        assert r.numpy().dtype == np.float32


def test_numpy_float64_scalars_act_as_python_floats(device: str) -> None:
    # np.float64 is a float: it must not upcast a float32 tensor (numpy's own rule
    # for typed scalars) nor make a device array go through numpy.
    a = rng_values((3,), 5, 0.5, 2.0)
    x = t32(a, device)
    two = np.float64(2.0)
    for r, expected in [
        (x * two, a * 2),
        (two * x, a * 2),
        (two - x, 2 - a),
        (x / two, a / 2),
        (x**two, a**2),
        (tt.maximum(x, two), np.maximum(a, 2)),
        (tt.where(x > two, x, two), np.where(a > 2, a, 2)),
    ]:
        same(r, expected, "float32")
    same(x > two, a > 2, "bool")


def test_integer_tensors(device: str) -> None:
    i = tt.tensor([[1, 2], [3, 4]], device=device)
    same(i + 1, [[2, 3], [4, 5]], "int64")
    same(i * i, [[1, 4], [9, 16]], "int64")
    same(i.sum(), 10, "int64")
    same(i @ i, np.array([[1, 2], [3, 4]]) @ np.array([[1, 2], [3, 4]]), "int64")


@pytest.mark.parametrize("op", ["gt", "ge", "lt", "le", "eq"])
def test_comparisons(device: str, op: str) -> None:
    a = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]], dtype=np.float32)
    b = np.array([2.0, 2.0, 2.0], dtype=np.float32)
    x, y = t32(a, device), t32(b, device)
    method = {"gt": "__gt__", "ge": "__ge__", "lt": "__lt__", "le": "__le__", "eq": "eq"}[op]
    np_op = {"gt": np.greater, "ge": np.greater_equal, "lt": np.less, "le": np.less_equal, "eq": np.equal}[op]
    same(getattr(x, method)(y), np_op(a, b), "bool")
    same(getattr(x, method)(2.0), np_op(a, 2.0), "bool")
    assert not getattr(tt.ones(2, device=device, requires_grad=True), method)(0.0).requires_grad


UNARY: dict[str, tuple[Callable[[Any], Any], Callable[[np.ndarray], np.ndarray], float, float]] = {
    "neg": (operator.neg, np.negative, -3.0, 3.0),
    "exp": (tt.exp, np.exp, -3.0, 3.0),
    "log": (tt.log, np.log, 0.1, 5.0),
    "tanh": (tt.tanh, np.tanh, -3.0, 3.0),
    "sigmoid": (tt.sigmoid, lambda a: 1 / (1 + np.exp(-a)), -6.0, 6.0),
    "relu": (tt.relu, lambda a: np.maximum(a, 0), -3.0, 3.0),
    "pow2": (lambda x: x**2, np.square, -3.0, 3.0),
    "pow3": (lambda x: x**3, lambda a: a**3, -3.0, 3.0),
    "sqrt": (lambda x: x**0.5, np.sqrt, 0.1, 4.0),
    "pow0": (lambda x: x**0, np.ones_like, -3.0, 3.0),
    "recip": (lambda x: x**-1, np.reciprocal, 0.5, 3.0),
}


@pytest.mark.parametrize("name", list(UNARY))
@given(shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=5), seed=st.integers(0, 2**16))
def test_unary(device: str, name: str, shape: tuple[int, ...], seed: int) -> None:
    fn, ref, low, high = UNARY[name]
    a = rng_values(shape, seed, low, high)
    same(fn(t32(a, device)), ref(a.astype(np.float64)), "float32", rtol=2e-6, atol=1e-6)


def test_methods_match_functions(device: str) -> None:
    a = rng_values((3, 4), 5)
    x = t32(a, device)
    for name in ["exp", "tanh", "sigmoid", "relu"]:
        same(getattr(x, name)(), getattr(tt, name)(x).numpy())
    same(x.softmax(0), tt.softmax(x, dim=0).numpy())
    same(x.log_softmax(), tt.log_softmax(x).numpy())
    same(x.maximum(0.5), tt.maximum(x, 0.5).numpy())
    same(x.flatten(), tt.flatten(x).numpy())
    same(x.reshape(4, 3), tt.reshape(x, (4, 3)).numpy())


def test_sigmoid_and_softmax_do_not_overflow(device: str) -> None:
    x = t32([-1000.0, -50.0, 0.0, 50.0, 1000.0], device)
    same(x.sigmoid(), [0.0, 0.0, 0.5, 1.0, 1.0], "float32", atol=1e-12)
    same(x.softmax(), [0.0, 0.0, 0.0, 0.0, 1.0], "float32", atol=1e-12)
    ls = x.log_softmax().numpy()
    assert np.all(np.isfinite(ls)) and ls[-1] == 0.0
    same(x[1:4].exp().log(), [-50.0, 0.0, 50.0], rtol=1e-6)


@pytest.mark.parametrize("dim", [0, 1, -1, 2, -3])
def test_softmax_log_softmax(device: str, dim: int) -> None:
    a = rng_values((2, 3, 4), 6, -5, 5).astype(np.float64)
    e = np.exp(a - a.max(axis=dim, keepdims=True))
    soft = e / e.sum(axis=dim, keepdims=True)
    x = tt.tensor(a, dtype="float64", device=device)
    same(tt.softmax(x, dim=dim), soft, "float64", rtol=1e-12)
    same(tt.log_softmax(x, dim=dim), np.log(soft), "float64", rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(tt.softmax(x, dim=dim).numpy().sum(axis=dim), 1.0, rtol=1e-12)


def test_maximum_and_where(device: str) -> None:
    a, b = rng_values((3, 4), 7), rng_values((4,), 8)
    x, y = t32(a, device), t32(b, device)
    same(tt.maximum(x, y), np.maximum(a, b), "float32")
    same(tt.maximum(x, 0.25), np.maximum(a, np.float32(0.25)), "float32")
    cond = a > 0
    c = x > 0.0
    same(tt.where(c, x, y), np.where(cond, a, b), "float32")
    same(tt.where(c, x, -1.0), np.where(cond, a, np.float32(-1.0)), "float32")
    same(tt.where(c, 2.0, y), np.where(cond, np.float32(2.0), b), "float32")
    same(tt.where(tt.tensor([True, False, True, False], device=device), x, y), np.where([1, 0, 1, 0], a, b))


# --------------------------------------------------------------------------- matmul

MATMUL_SHAPES = [
    ((3, 4), (4, 5)),
    ((3, 4), (4,)),
    ((4,), (4,)),
    ((4,), (4, 2)),
    ((2, 3, 4), (2, 4, 5)),
    ((2, 1, 3, 4), (1, 5, 4, 2)),  # batch dims (2, 1) and (1, 5) broadcast to (2, 5)
    ((2, 3, 4), (4,)),
    ((4,), (2, 4, 3)),
    ((2, 3, 4), (4, 6)),
]


@pytest.mark.parametrize(("sa", "sb"), MATMUL_SHAPES, ids=str)
def test_matmul(device: str, sa: tuple[int, ...], sb: tuple[int, ...]) -> None:
    a, b = rng_values(sa, 9).astype(np.float64), rng_values(sb, 10).astype(np.float64)
    x, y = tt.tensor(a, dtype="float64", device=device), tt.tensor(b, dtype="float64", device=device)
    same(x @ y, a @ b, "float64", rtol=1e-12)
    a32, b32 = a.astype(np.float32), b.astype(np.float32)
    same(tt.tensor(a32, device=device) @ tt.tensor(b32, device=device), a32 @ b32, "float32", rtol=1e-5, atol=1e-5)


def test_transpose(device: str) -> None:
    a = rng_values((3, 5), 11)
    same(t32(a, device).T, a.T, "float32")
    same(t32(a, device).T.T, a, "float32")


# ----------------------------------------------------------------------- reductions


@pytest.mark.parametrize("op", ["sum", "mean", "amax", "amin"])
@pytest.mark.parametrize("dim", [None, 0, 1, 2, -1, -2, (0, 2), (-1, 0)])
@pytest.mark.parametrize("keepdim", [False, True])
def test_reductions(device: str, op: str, dim: Any, keepdim: bool) -> None:
    a = rng_values((2, 3, 4), 12).astype(np.float64)
    x = tt.tensor(a, dtype="float64", device=device)
    ref = getattr(np, {"sum": "sum", "mean": "mean", "amax": "max", "amin": "min"}[op])
    expected = ref(a, axis=dim, keepdims=keepdim)
    same(getattr(x, op)(dim=dim, keepdim=keepdim), expected, "float64", rtol=1e-12)
    same(getattr(x, op)(dim, keepdim), expected, "float64", rtol=1e-12)


def test_full_reductions_give_scalars(device: str) -> None:
    a = rng_values((3, 4), 13)
    x = t32(a, device)
    for op in ["sum", "mean", "max"]:
        r = getattr(x, op)()
        assert r.shape == () and dtype_name(r) == "float32"
        np.testing.assert_allclose(r.item(), getattr(a.astype(np.float64), op)(), rtol=1e-6)


def test_argmax(device: str) -> None:
    a = rng_values((3, 4), 14)
    x = t32(a, device)
    same(x.argmax(), np.argmax(a), "int64")
    same(x.argmax(dim=0), np.argmax(a, axis=0), "int64")
    same(x.argmax(dim=1), np.argmax(a, axis=1), "int64")
    same(x.argmax(dim=-1), np.argmax(a, axis=-1), "int64")
    assert not tt.tensor(a, device=device, requires_grad=True).argmax().requires_grad


# ---------------------------------------------------------------- shapes and indexing


@pytest.mark.parametrize("target", [(12,), (-1,), (3, 4), (4, -1), (2, 2, 3), (1, 12, 1)], ids=str)
def test_reshape(device: str, target: tuple[int, ...]) -> None:
    a = rng_values((2, 6), 15)
    same(t32(a, device).reshape(target), a.reshape(target), "float32")
    same(t32(a, device).reshape(*target), a.reshape(target), "float32")
    same(tt.reshape(t32(a, device), target), a.reshape(target), "float32")


@pytest.mark.parametrize(("start", "end"), [(0, -1), (1, -1), (0, 1), (1, 2), (2, 3), (-2, -1), (3, 3)])
def test_flatten(device: str, start: int, end: int) -> None:
    a = rng_values((2, 3, 4, 5), 16)
    s, e = start % 4, end % 4
    expected = a.reshape(*a.shape[:s], -1, *a.shape[e + 1 :])
    same(t32(a, device).flatten(start, end), expected, "float32")
    same(tt.flatten(t32(a, device), start_dim=start, end_dim=end), expected, "float32")


def test_flatten_defaults(device: str) -> None:
    a = rng_values((2, 3, 4), 17)
    same(tt.flatten(t32(a, device)), a.reshape(-1))
    same(tt.flatten(t32(a, device), start_dim=1), a.reshape(2, -1))
    same(tt.flatten(t32(1.5, device)), [1.5])  # torch: a 0-d tensor flattens to shape (1,)


KEYS = [0, -1, 2, slice(1, 3), slice(None, None, 2), slice(-2, None), (1, 2), (0, slice(1, 3)), (slice(None), 1),
        (1, 2, 3), (Ellipsis, 0), (0, Ellipsis, slice(0, 2)), (None, 0)]  # fmt: skip


@pytest.mark.parametrize("key", KEYS, ids=repr)
def test_getitem(device: str, key: Any) -> None:
    a = rng_values((3, 4, 5), 18)
    same(t32(a, device)[key], a[key], "float32")


def test_gather(device: str) -> None:
    a = rng_values((4, 3), 19)
    x = t32(a, device)
    idx = [3, 0, 0, 2, 3]
    same(x[tt.tensor(idx, device=device)], a[idx], "float32")
    same(t32(a[:, 0], device)[tt.tensor(idx, device=device)], a[idx, 0], "float32")
    same(x[tt.arange(4, device=device)], a, "float32")
    same(x[tt.tensor([-1, 0, -4], device=device)], a[[-1, 0, -4]], "float32")
    if not device.startswith("cuda"):  # cupy's take wraps out-of-range indices instead
        with pytest.raises(IndexError):
            x[tt.tensor([4], device=device)]
        with pytest.raises(IndexError):
            x[tt.tensor([-5], device=device)]


@pytest.mark.parametrize("dim", [0, 1, 2, -1, -3])
def test_cat(device: str, dim: int) -> None:
    shapes = [(2, 3, 4), (2, 3, 4)]
    arrays = [rng_values(s, 20 + i) for i, s in enumerate(shapes)]
    extra = list(shapes[0])
    extra[dim] = 1
    arrays.append(rng_values(tuple(extra), 22))
    same(tt.cat([t32(a, device) for a in arrays], dim=dim), np.concatenate(arrays, axis=dim), "float32")


@pytest.mark.parametrize("dim", [0, 1, 2, 3, -1, -4])
def test_stack(device: str, dim: int) -> None:
    arrays = [rng_values((2, 3, 4), 30 + i) for i in range(3)]
    same(tt.stack([t32(a, device) for a in arrays], dim=dim), np.stack(arrays, axis=dim), "float32")


def test_cat_stack_defaults_and_single(device: str) -> None:
    a = rng_values((2, 3), 40)
    same(tt.cat([t32(a, device)]), a)
    same(tt.cat((t32(a, device), t32(a, device))), np.concatenate([a, a]))
    same(tt.stack([t32(a, device)]), a[None])


def test_astype(device: str) -> None:
    a = rng_values((2, 3), 41, -3, 3)
    x = t32(a, device)
    same(x.astype("float64"), a.astype(np.float64), "float64")
    same(x.astype("int64"), a.astype(np.int64), "int64")
    same((x > 0.0).astype("float32"), (a > 0).astype(np.float32), "float32")
    same(x.astype("float32"), a, "float32")


def test_detach_shares_memory_on_cpu() -> None:
    x = tt.tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    assert not d.requires_grad
    d.numpy()[0] = 5.0
    assert x.numpy()[0] == 5.0
