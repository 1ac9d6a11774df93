"""GELU: accuracy of the erf-free ``Phi``, finite differences, the PyTorch oracle, errors.

The exact form has no ``erf`` in the array API to lean on, so its accuracy is tested
against Python's ``math.erfc`` directly: float64 to a few units of round-off (the
conditioning of ``Phi`` grows like ``x^2`` in the lower tail), float32 to float32
round-off in relative terms over the range where its values are normal numbers.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_gradcheck import check_grad, seeds, shapes

import typedtorch as tt
import typedtorch._ops.activation as activation
from typedtorch import nn
from typedtorch.nn import _functional_attention as F


def exact(x: float) -> float:
    return x * 0.5 * math.erfc(-x / math.sqrt(2.0))


def exact_derivative(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0)) + x * math.exp(-x * x / 2.0) / math.sqrt(2.0 * math.pi)


def tanh_form(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)))


# ---------------------------------------------------------------------- accuracy


@pytest.mark.parametrize(("lo", "rtol"), [(-5.0, 1e-14), (-10.0, 3e-14), (-37.0, 5e-13)])
def test_float64_matches_erfc_to_round_off(lo: float, rtol: float) -> None:
    x = np.linspace(lo, 10.0, 5001)
    got = F.gelu(tt.tensor(x, dtype="float64")).numpy()
    ref = np.array([exact(v) for v in x])
    nonzero = ref != 0.0
    np.testing.assert_allclose(got[nonzero], ref[nonzero], rtol=rtol, atol=0.0)
    assert np.all(got[~nonzero] == 0.0)


def test_float64_derivative() -> None:
    x = np.linspace(-12.0, 10.0, 4001)
    t = tt.tensor(x, dtype="float64", requires_grad=True)
    F.gelu(t).sum().backward()
    assert t.grad is not None
    np.testing.assert_allclose(t.grad.numpy(), [exact_derivative(v) for v in x], rtol=0.0, atol=4e-16)


def test_float32_relative_accuracy() -> None:
    # Relative accuracy down to x = -7 (Phi(-7) is 1e-12): no cancellation in the tail.
    x = np.linspace(-7.0, 8.0, 10001).astype(np.float32)
    got = F.gelu(tt.tensor(x)).numpy().astype(np.float64)
    ref = np.array([exact(float(v)) for v in x])
    np.testing.assert_allclose(got, ref, rtol=2e-6, atol=1e-30)
    near = np.abs(x) < 3
    np.testing.assert_allclose(got[near], ref[near], rtol=1e-6, atol=1e-30)


def test_float32_derivative() -> None:
    x = np.linspace(-9.0, 9.0, 6001).astype(np.float32)
    t = tt.tensor(x, requires_grad=True)
    F.gelu(t).sum().backward()
    assert t.grad is not None
    np.testing.assert_allclose(t.grad.numpy(), [exact_derivative(float(v)) for v in x], rtol=0.0, atol=3e-7)


def test_tanh_form_matches_its_formula() -> None:
    x = np.linspace(-8.0, 8.0, 2001)
    got = F.gelu(tt.tensor(x, dtype="float64"), approximate="tanh").numpy()
    np.testing.assert_allclose(got, tanh_form(x), rtol=1e-14, atol=1e-15)


def test_float16_is_computed_in_float32() -> None:
    x = np.array([-3.0, -1.0, 0.0, 0.5, 2.0], dtype=np.float16)
    t = tt.tensor(x, dtype="float16", requires_grad=True)
    y = F.gelu(t)
    assert y.dtype == np.float16
    np.testing.assert_allclose(y.numpy(), [exact(float(v)) for v in x], rtol=1e-3, atol=1e-4)
    y.sum().backward()
    assert t.grad is not None and t.grad.dtype == np.float16
    np.testing.assert_allclose(t.grad.numpy(), [exact_derivative(float(v)) for v in x], rtol=2e-3, atol=1e-3)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_special_values(dtype: str) -> None:
    t = tt.tensor([-np.inf, np.inf, np.nan, 0.0, -1e30, 1e30], dtype=dtype, requires_grad=True)
    y = F.gelu(t)
    # The exact form gives its limits at -inf and +inf (PyTorch: nan and inf).
    assert y.tolist()[:2] == [0.0, np.inf] and np.isnan(y.tolist()[2])
    assert y.tolist()[3:] == [0.0, 0.0, 1e30 if dtype == "float64" else float(np.float32(1e30))]
    y.sum().backward()
    assert t.grad is not None
    g = t.grad.tolist()
    assert g[:2] == [0.0, 1.0] and np.isnan(g[2]) and g[3] == pytest.approx(0.5) and g[4:] == [0.0, 1.0]
    # The tanh form, as PyTorch: -inf * 0 = nan at -inf.
    with np.errstate(invalid="ignore"):  # numpy warns about the -inf * 0
        yt = F.gelu(tt.tensor([-np.inf, np.inf], dtype=dtype), approximate="tanh").tolist()
    assert np.isnan(yt[0]) and yt[1] == np.inf


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_blocks_change_nothing(monkeypatch: pytest.MonkeyPatch, dtype: str, approximate: Any) -> None:
    # On the CPU large inputs are evaluated in cache-sized blocks; the values and the
    # gradient must be the same as in one piece, including a ragged last block.
    x = np.random.default_rng(0).standard_normal(123 * (activation.CHUNK // 20)) * 3  # 6.15 blocks

    def run() -> tuple[np.ndarray, np.ndarray]:
        t = tt.tensor(x.reshape(-1, 123), dtype=dtype, requires_grad=True)
        y = F.gelu(t, approximate)
        (y * 1.5).sum().backward()
        assert t.grad is not None
        return y.numpy(), t.grad.numpy()

    blocked = run()
    monkeypatch.setattr(activation, "CHUNK", 10**9)
    whole = run()
    np.testing.assert_array_equal(blocked[0], whole[0])
    np.testing.assert_array_equal(blocked[1], whole[1])


# ------------------------------------------------------------- finite differences


@pytest.mark.parametrize("approximate", ["none", "tanh"])
@settings(max_examples=8)
@given(shape=shapes(min_dims=0, max_side=3), seed=seeds)
def test_gradcheck(device: str, approximate: Any, shape: tuple[int, ...], seed: int) -> None:
    x = np.asarray(np.random.default_rng(seed).standard_normal(shape) * 2.5)
    check_grad(lambda t: F.gelu(t, approximate), x, device=device)
    check_grad(nn.GELU(approximate), x, device=device)


def test_gradcheck_tails(device: str) -> None:
    x = np.array([-9.0, -6.5, -4.0, -1e-3, 1e-3, 4.0, 7.5])
    check_grad(F.gelu, x, device=device)


def test_gradcheck_in_a_chain(device: str) -> None:
    rng = np.random.default_rng(3)
    check_grad(
        lambda a, w: F.gelu(a @ w) * a[:, :1], rng.standard_normal((3, 4)), rng.standard_normal((4, 5)), device=device
    )


def test_no_graph_without_grad(device: str) -> None:
    t = tt.tensor([1.0, -2.0], device=device, requires_grad=True)
    with tt.no_grad():
        y = F.gelu(t)
    assert not y.requires_grad
    assert not F.gelu(tt.tensor([1.0], device=device)).requires_grad


# ------------------------------------------------------------------------ PyTorch


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_against_pytorch(device: str, dtype: str, approximate: Any) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    x = rng.standard_normal((7, 300)) * 3
    w = rng.standard_normal(x.shape)
    t = tt.tensor(x, dtype=dtype, device=device, requires_grad=True)
    (nn.GELU(approximate)(t) * tt.tensor(w, dtype=dtype, device=device)).sum().backward()
    tx = torch.tensor(x, dtype=getattr(torch, dtype), requires_grad=True)
    ty = torch.nn.functional.gelu(tx, approximate=approximate)
    (ty * torch.tensor(w, dtype=getattr(torch, dtype))).sum().backward()
    assert t.grad is not None
    # PyTorch's float32 erf is Abramowitz-Stegun 7.1.26 (absolute error 1.5e-7), so
    # float32 agrees to that; float64 to round-off.
    atol = 1e-6 if dtype == "float32" else 1e-14
    np.testing.assert_allclose(
        nn.GELU(approximate)(t).numpy(), ty.detach().numpy(), rtol=1e-5 if atol > 1e-8 else 1e-13, atol=atol
    )
    np.testing.assert_allclose(t.grad.numpy(), tx.grad.numpy(), rtol=1e-5 if atol > 1e-8 else 1e-12, atol=atol * 10)


# ------------------------------------------------------------------------- errors


def test_errors() -> None:
    with pytest.raises(ValueError, match=r"gelu: approximate must be 'none' or 'tanh', got 'erf'"):
        F.gelu(tt.tensor([1.0]), approximate="erf")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"GELU: approximate must be 'none' or 'tanh', got 'fast'"):
        nn.GELU("fast")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"gelu: expected a floating-point tensor, got dtype int64"):
        F.gelu(tt.tensor([1, 2]))
    with pytest.raises(TypeError, match=r"gelu: expected a Tensor, got list"):
        F.gelu([1.0])  # type: ignore[arg-type]


def test_module() -> None:
    assert repr(nn.GELU()) == "GELU(approximate='none')"
    assert repr(nn.GELU("tanh")) == "GELU(approximate='tanh')"
    assert list(nn.GELU().parameters()) == []
    model = nn.Linear(3, 4) >> nn.GELU() >> nn.Linear(4, 2)
    assert model(tt.zeros(5, 3)).shape == (5, 2)


@given(x=st.floats(-30, 30))
def test_monotone_above_its_minimum(x: float) -> None:
    # GELU's only minimum is near x = -0.7518: it increases to the right of it.
    if x > -0.75:
        a, b = F.gelu(tt.tensor([x, x + 0.01], dtype="float64")).tolist()
        assert b > a
