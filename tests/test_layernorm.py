"""LayerNorm: the fused backward against finite differences, PyTorch, and the error texts."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_gradcheck import check_grad, seeds

import typedtorch as tt
from typedtorch import nn
from typedtorch.nn import _functional_attention as F

AnyTensor = tt.Tensor[*tuple[Any, ...]]


@st.composite
def ln_shapes(draw: st.DrawFn) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """An input shape and a normalized_shape that ends it (one or two dims)."""
    k = draw(st.integers(1, 2))
    norm = tuple(draw(st.lists(st.integers(2, 4), min_size=k, max_size=k)))
    lead = tuple(draw(st.lists(st.integers(1, 3), min_size=0, max_size=2)))
    return (*lead, *norm), norm


@settings(max_examples=12)
@given(shapes=ln_shapes(), seed=seeds, affine=st.sampled_from(["both", "weight", "none"]))
def test_gradcheck(device: str, shapes: tuple[tuple[int, ...], tuple[int, ...]], seed: int, affine: str) -> None:
    shape, norm = shapes
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape) * 2 + 0.5
    w, b = rng.standard_normal(norm), rng.standard_normal(norm)
    if affine == "both":
        check_grad(lambda t, tw, tb: F.layer_norm(t, norm, tw, tb), x, w, b, device=device)
    elif affine == "weight":
        check_grad(lambda t, tw: F.layer_norm(t, norm, tw), x, w, device=device)
    else:
        check_grad(lambda t: F.layer_norm(t, norm, eps=1e-3), x, device=device)


def test_gradcheck_module(device: str) -> None:
    # Through the layer, its parameters as leaves; the input's gradient alone too.
    ln = nn.LayerNorm(5, device=device, dtype="float64")
    rng = np.random.default_rng(2)

    def fn(x: AnyTensor, w: AnyTensor, b: AnyTensor) -> AnyTensor:
        ln.weight, ln.bias = w, b
        return ln(x)

    check_grad(fn, rng.standard_normal((2, 3, 5)), rng.standard_normal(5), rng.standard_normal(5), device=device)
    frozen = nn.LayerNorm(5, elementwise_affine=False, device=device, dtype="float64")
    check_grad(frozen, rng.standard_normal((4, 5)), device=device)


def test_only_parameters_need_grad(device: str) -> None:
    # The input does not require grad: the weight and bias still get theirs.
    ln = nn.LayerNorm(3, device=device, dtype="float64")
    x = tt.tensor([[1.0, 2.0, 4.0], [0.0, -1.0, 5.0]], dtype="float64", device=device)
    ln(x).sum().backward()
    assert ln.weight is not None and ln.weight.grad is not None and ln.bias is not None and ln.bias.grad is not None
    np.testing.assert_allclose(ln.bias.grad.numpy(), [2.0, 2.0, 2.0])


def test_normalises(device: str) -> None:
    x = np.random.default_rng(0).standard_normal((6, 16)) * 5 + 3
    y = nn.LayerNorm(16, device=device, dtype="float64")(tt.tensor(x, dtype="float64", device=device)).numpy()
    np.testing.assert_allclose(y.mean(axis=1), 0.0, atol=1e-14)
    # Biased variance, as PyTorch: var(y) = var / (var + eps).
    var = x.var(axis=1)
    np.testing.assert_allclose(y.var(axis=1), var / (var + 1e-5), rtol=1e-12)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("norm", [(8,), (3, 8)])
@pytest.mark.parametrize("options", [{}, {"bias": False}, {"elementwise_affine": False}, {"eps": 0.1}])
def test_against_pytorch(device: str, dtype: str, norm: tuple[int, ...], options: dict[str, Any]) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 3, 8)) * 3 + 1
    g = rng.standard_normal(x.shape)
    tdtype = getattr(torch, dtype)
    ref = torch.nn.LayerNorm(norm, dtype=tdtype, **options)
    with torch.no_grad():
        for p in ref.parameters():
            p.copy_(torch.randn_like(p))
    ln = nn.LayerNorm(norm, device=device, dtype=dtype, **options)
    ln.load_state_dict({k: tt.tensor(v.numpy(), dtype=dtype) for k, v in ref.state_dict().items()})
    assert sorted(dict(ln.named_parameters())) == sorted(dict(ref.named_parameters()))
    t = tt.tensor(x, dtype=dtype, device=device, requires_grad=True)
    (ln(t) * tt.tensor(g, dtype=dtype, device=device)).sum().backward()
    tx = torch.tensor(x, dtype=tdtype, requires_grad=True)
    (ref(tx) * torch.tensor(g, dtype=tdtype)).sum().backward()
    tol = {"rtol": 1e-5, "atol": 1e-5} if dtype == "float32" else {"rtol": 1e-12, "atol": 1e-12}
    np.testing.assert_allclose(ln(t).numpy(), ref(tx).detach().numpy(), **tol)
    assert t.grad is not None and tx.grad is not None
    np.testing.assert_allclose(t.grad.numpy(), tx.grad.numpy(), **tol)
    for name, p in ref.named_parameters():
        mine = dict(ln.named_parameters())[name].grad
        assert mine is not None and p.grad is not None
        np.testing.assert_allclose(mine.numpy(), p.grad.numpy(), **tol)


def test_module_parameters() -> None:
    assert [n for n, _ in nn.LayerNorm(4).named_parameters()] == ["weight", "bias"]
    assert [n for n, _ in nn.LayerNorm(4, bias=False).named_parameters()] == ["weight"]
    assert list(nn.LayerNorm(4, elementwise_affine=False).parameters()) == []
    ln = nn.LayerNorm((2, 3))
    assert ln.normalized_shape == (2, 3) and ln.weight is not None and ln.weight.shape == (2, 3)
    assert ln.weight.tolist() == [[1.0] * 3] * 2
    assert repr(nn.LayerNorm(4)) == "LayerNorm((4,), eps=1e-05, elementwise_affine=True)"
    assert nn.LayerNorm(4, dtype="float64").weight.dtype == np.float64  # type: ignore[union-attr]


# ------------------------------------------------------------------------- errors


def test_wrong_last_dim_names_the_layer_and_sizes() -> None:
    with pytest.raises(
        tt.ShapeError,
        match=r"^LayerNorm\[128\]: input is Tensor\[32, 64, 100\], dim 2 is 100, expected D = 128 \(rule '\*S D -> \*S D'\)$",
    ):
        nn.LayerNorm(128)(tt.zeros(32, 64, 100))


def test_too_few_dims() -> None:
    with pytest.raises(
        tt.ShapeError, match=r"^LayerNorm\[4\]: input is Tensor\[\(\)\], expected at least 1 dim, got 0"
    ):
        nn.LayerNorm(4)(tt.tensor(1.0))
    with pytest.raises(
        tt.ShapeError, match=r"LayerNorm\[3, 4\]: input is Tensor\[4\], expected at least 2 dims, got 1"
    ):
        nn.LayerNorm((3, 4))(tt.zeros(4))


def test_several_dims_wrong() -> None:
    with pytest.raises(
        tt.ShapeError,
        match=r"^LayerNorm\[3, 4\]: input is Tensor\[2, 5, 4\], dim 1 is 5, expected 3 \(rule '\*S 3 4 -> \*S 3 4'\)",
    ):
        nn.LayerNorm((3, 4))(tt.zeros(2, 5, 4))


def test_functional_errors() -> None:
    x = tt.zeros(2, 4)
    with pytest.raises(
        tt.ShapeError, match=r"layer_norm: input shape \(2, 4\) does not end in normalized_shape \(5,\)"
    ):
        F.layer_norm(x, (5,))
    with pytest.raises(tt.ShapeError, match=r"layer_norm: weight has shape \(3,\), expected normalized_shape \(4,\)"):
        F.layer_norm(x, 4, tt.ones(3))
    with pytest.raises(tt.ShapeError, match=r"layer_norm: bias has shape \(4, 1\), expected normalized_shape \(4,\)"):
        F.layer_norm(x, [4], tt.ones(4), tt.zeros(4, 1))
    with pytest.raises(TypeError, match=r"layer_norm: expected a floating-point tensor, got dtype int64"):
        F.layer_norm(tt.tensor([[1, 2]]), 2)
    with pytest.raises(TypeError, match=r"layer_norm: weight must be a Tensor or None, got list"):
        F.layer_norm(x, 4, [1.0, 1.0, 1.0, 1.0])  # type: ignore[arg-type]
    with pytest.raises(tt.DeviceError, match=r"layer_norm: input on cpu but weight on strict"):
        F.layer_norm(x, 4, tt.ones(4, device="strict"))


@pytest.mark.parametrize("bad", [0, -3, (), (2, 0), 2.5, "4"])
def test_bad_normalized_shape(bad: Any) -> None:
    with pytest.raises((ValueError, TypeError), match=r"LayerNorm: normalized_shape must"):
        nn.LayerNorm(bad)


def test_bad_eps() -> None:
    with pytest.raises(ValueError, match=r"LayerNorm: eps must be non-negative, got -1"):
        nn.LayerNorm(4, eps=-1)
