"""Pooling (``max_pool2d``, ``avg_pool2d``, ``adaptive_avg_pool2d`` and their layers).

Finite differences on every device for each configuration (stride, padding,
dilation, ``ceil_mode``, odd and non-square sizes; max pooling on distinct values,
where it is differentiable), PyTorch in float32 and float64, ties routed to the first
maximum as PyTorch does, the shape rules against the kernels, and every refusal.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_nn_grad import check_grad

import typedtorch as tt
from typedtorch import _rules, nn
from typedtorch.nn import _functional_conv as F

AnyTensor = tt.Tensor[*tuple[Any, ...]]

# (name, input shape, keyword arguments)
MAX = [
    ("k2", (2, 2, 4, 6), {"kernel_size": 2}),
    ("k2-odd-floor", (1, 2, 5, 5), {"kernel_size": 2}),
    ("k3-s2-p1", (1, 2, 5, 6), {"kernel_size": 3, "stride": 2, "padding": 1}),
    ("k3-s1-overlap", (1, 1, 5, 5), {"kernel_size": 3, "stride": 1}),
    ("dilation2", (1, 2, 6, 6), {"kernel_size": 2, "stride": 1, "dilation": 2, "padding": 1}),
    ("ceil", (1, 2, 5, 7), {"kernel_size": 2, "ceil_mode": True}),
    ("ceil-s2-k3-p1", (1, 1, 6, 6), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
    ("non-square", (1, 2, 5, 6), {"kernel_size": (2, 3), "stride": (1, 2), "padding": (1, 0)}),
    ("k1", (1, 2, 3, 3), {"kernel_size": 1}),
]
AVG = [
    ("k2", (2, 2, 4, 6), {"kernel_size": 2}),
    ("k3-s2-p1", (1, 2, 5, 6), {"kernel_size": 3, "stride": 2, "padding": 1}),
    ("exclude-pad", (1, 2, 5, 6), {"kernel_size": 3, "stride": 2, "padding": 1, "count_include_pad": False}),
    ("ceil", (1, 2, 5, 7), {"kernel_size": 2, "ceil_mode": True}),
    ("ceil-pad", (1, 1, 6, 6), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
    ("divisor", (1, 2, 4, 4), {"kernel_size": 2, "stride": 1, "divisor_override": 3}),
    ("non-square", (1, 2, 5, 6), {"kernel_size": (3, 2), "stride": (2, 1), "padding": (1, 1)}),
]
ADAPTIVE = [
    ("global", (2, 3, 5, 4), 1),
    ("divisible", (1, 2, 6, 4), (3, 2)),
    ("uneven", (1, 2, 7, 5), (3, 2)),
    ("upsample", (1, 1, 3, 2), (5, 4)),
    ("keep-height", (1, 2, 4, 6), (None, 4)),
]


def distinct(r: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Values at least 0.2 apart: max pooling is differentiable there."""
    n = int(np.prod(shape))
    return (r.permutation(n) * 0.3 + r.uniform(0, 0.1, n) - 0.15 * n).reshape(shape)


# ------------------------------------------------------------------- finite differences


@pytest.mark.parametrize(("name", "shape", "kwargs"), MAX, ids=[c[0] for c in MAX])
def test_max_pool_gradients(device: str, name: str, shape: tuple[int, ...], kwargs: dict[str, Any]) -> None:
    check_grad(lambda x: F.max_pool2d(x, **kwargs), distinct(np.random.default_rng(len(name)), shape), device=device)


@pytest.mark.parametrize(("name", "shape", "kwargs"), AVG, ids=[c[0] for c in AVG])
def test_avg_pool_gradients(device: str, name: str, shape: tuple[int, ...], kwargs: dict[str, Any]) -> None:
    r = np.random.default_rng(len(name))
    check_grad(lambda x: F.avg_pool2d(x, **kwargs), r.standard_normal(shape), device=device)


@pytest.mark.parametrize(("name", "shape", "size"), ADAPTIVE, ids=[c[0] for c in ADAPTIVE])
def test_adaptive_avg_pool_gradients(device: str, name: str, shape: tuple[int, ...], size: Any) -> None:
    r = np.random.default_rng(len(name))
    check_grad(lambda x: F.adaptive_avg_pool2d(x, size), r.standard_normal(shape), device=device)


def test_pooling_layers_gradients(device: str) -> None:
    r = np.random.default_rng(3)
    x = distinct(r, (2, 3, 6, 6))
    model = nn.MaxPool2d(2)
    check_grad(lambda t: nn.AvgPool2d(3, 1, 1)(model(t).relu()), x, device=device)


# ------------------------------------------------------------------ ties: first maximum


def test_ties_go_to_the_first_maximum(device: str) -> None:
    # A flat image: every window is one big tie. PyTorch hands each window's gradient
    # to its first element in row-major order, and so must we (not to all four).
    x = tt.zeros(1, 1, 4, 4, dtype="float64", device=device, requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    assert x.grad is not None
    assert x.grad.tolist() == [[[[1, 0, 1, 0], [0, 0, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]]]]


def test_ties_in_overlapping_windows_and_padding(device: str) -> None:
    # Overlapping 3x3 windows over a plateau of 1s: each window sends its gradient to
    # its own first 1, so a position first in several windows collects several.
    x = tt.tensor(
        [[[[0.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 0.0], [1.0, 1.0, 1.0, 1.0]]]], dtype="float64", device=device
    )
    x.requires_grad = True
    F.max_pool2d(x, 3, stride=1, padding=1).sum().backward()
    assert x.grad is not None
    assert x.grad.tolist() == [[[[0, 6, 2, 0], [2, 1, 1, 0], [0, 0, 0, 0]]]]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(("name", "shape", "kwargs"), MAX, ids=[c[0] for c in MAX])
def test_max_pool_ties_against_torch(name: str, shape: tuple[int, ...], kwargs: dict[str, Any], dtype: str) -> None:
    torch = pytest.importorskip("torch")
    r = np.random.default_rng(len(name) + 7)
    x = r.integers(0, 3, shape).astype(np.float64)  # three values only: ties everywhere
    _compare(
        torch, lambda t: F.max_pool2d(t, **kwargs), lambda t: torch.nn.functional.max_pool2d(t, **kwargs), x, dtype
    )


# ---------------------------------------------------------------------------- PyTorch


def _compare(torch: Any, ours: Any, theirs: Any, x: np.ndarray, dtype: str) -> None:
    tol = {"float32": 1e-6, "float64": 1e-13}[dtype]
    xt = tt.tensor(x, dtype=dtype, requires_grad=True)
    xr = torch.tensor(x, dtype=getattr(torch, dtype), requires_grad=True)
    out, ref = ours(xt), theirs(xr)
    assert out.shape == tuple(ref.shape)
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=tol, atol=tol)
    g = np.random.default_rng(0).standard_normal(out.shape)
    (out * tt.tensor(g, dtype=dtype)).sum().backward()
    (ref * torch.tensor(g, dtype=getattr(torch, dtype))).sum().backward()
    assert xt.grad is not None
    np.testing.assert_allclose(xt.grad.numpy(), xr.grad.numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(("name", "shape", "kwargs"), MAX, ids=[c[0] for c in MAX])
def test_max_pool_against_torch(name: str, shape: tuple[int, ...], kwargs: dict[str, Any], dtype: str) -> None:
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(len(name)).standard_normal(shape)
    _compare(
        torch, lambda t: F.max_pool2d(t, **kwargs), lambda t: torch.nn.functional.max_pool2d(t, **kwargs), x, dtype
    )


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(("name", "shape", "kwargs"), AVG, ids=[c[0] for c in AVG])
def test_avg_pool_against_torch(name: str, shape: tuple[int, ...], kwargs: dict[str, Any], dtype: str) -> None:
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(len(name)).standard_normal(shape)
    _compare(
        torch, lambda t: F.avg_pool2d(t, **kwargs), lambda t: torch.nn.functional.avg_pool2d(t, **kwargs), x, dtype
    )


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(("name", "shape", "size"), ADAPTIVE, ids=[c[0] for c in ADAPTIVE])
def test_adaptive_avg_pool_against_torch(name: str, shape: tuple[int, ...], size: Any, dtype: str) -> None:
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(len(name)).standard_normal(shape)
    _compare(
        torch,
        lambda t: F.adaptive_avg_pool2d(t, size),
        lambda t: torch.nn.functional.adaptive_avg_pool2d(t, size),
        x,
        dtype,
    )


# ------------------------------------------------------------------- the shape rules


def _layer_error(layer: Any, shape: tuple[int, ...]) -> str:
    with pytest.raises(tt.ShapeError) as e:
        layer(tt.zeros(*shape))
    return str(e.value)


def _rule_error(layer: Any, shape: tuple[int, ...]) -> str:
    with pytest.raises(tt.ShapeError) as e:
        _rules.output_shape(layer.rule_name(), type(layer).__shape_rule__, shape, layer.__shape_params__())
    return str(e.value)


@pytest.mark.parametrize(
    ("layer", "shape"),
    [
        (nn.MaxPool2d(2), (64, 64, 24)),
        (nn.MaxPool2d(3, stride=2), (1, 8, 2, 9)),
        (nn.MaxPool2d(2, padding=1, dilation=3), (1, 8, 1, 1)),
        (nn.AvgPool2d(2), (4, 1, 1, 9)),
        (nn.AvgPool2d(5, 1, 2), (28, 28)),
        (nn.AdaptiveAvgPool2d(1), (2, 512)),
        (nn.AdaptiveAvgPool2d((7, 5)), (2, 3, 4, 4, 4)),
    ],
    ids=["max-rank", "max-too-small", "max-dilated", "avg-too-small", "avg-rank", "adaptive-rank", "adaptive-5d"],
)
def test_layer_message_is_the_rules(layer: Any, shape: tuple[int, ...]) -> None:
    assert _layer_error(layer, shape) == _rule_error(layer, shape)


def test_pool_error_texts() -> None:
    rule = nn.MaxPool2d.__shape_rule__
    assert _layer_error(nn.MaxPool2d(3, stride=2), (1, 8, 2, 9)) == (
        f"MaxPool2d[3, 2, 0, 1]: input is Tensor[1, 8, 2, 9], output dim 2 would be 0 (rule {rule!r})"
    )
    assert _layer_error(nn.AvgPool2d(2), (64, 24, 24)) == (
        f"AvgPool2d[2, 2, 0]: input is Tensor[64, 24, 24], expected 4 dims, got 3 (rule {nn.AvgPool2d.__shape_rule__!r})"
    )
    # Configurations the rule cannot state are checked explicitly.
    assert nn.MaxPool2d(2, ceil_mode=True).__shape_params__() is None
    assert _layer_error(nn.MaxPool2d(2, ceil_mode=True), (8, 24, 24)) == (
        "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=True): input is Tensor[8, 24, 24], "
        "expected 4 dims (N, C, H, W), got 3"
    )
    assert _layer_error(nn.MaxPool2d((2, 3), stride=1, ceil_mode=True), (1, 1, 1, 1)) == (
        "MaxPool2d(kernel_size=(2, 3), stride=1, padding=0, dilation=1, ceil_mode=True): input of shape "
        "(1, 1, 1, 1) is too small: size 1 x 1 (padded 1 x 1) gives output size 0 x -1 (kernel 2 x 3, stride 1 x 1, "
        "dilation 1 x 1)"
    )
    assert _layer_error(nn.AdaptiveAvgPool2d((None, 3)), (2, 3, 4)) == (
        "AdaptiveAvgPool2d(output_size=(None, 3)): input is Tensor[2, 3, 4], expected 4 dims (N, C, H, W), got 3"
    )


@given(
    size=st.integers(1, 9),
    k=st.integers(1, 4),
    s=st.integers(1, 3),
    p=st.integers(0, 2),
    d=st.integers(1, 2),
)
def test_rules_agree_with_the_kernels(size: int, k: int, s: int, p: int, d: int) -> None:
    shape = (2, 3, size, size + 2)
    layers: list[Any] = []
    if 2 * p <= d * (k - 1) + 1:
        layers.append(nn.MaxPool2d(k, s, p, d))
    if 2 * p <= k:
        layers.append(nn.AvgPool2d(k, s, p))
    layers.append(nn.AdaptiveAvgPool2d((k, s)))
    for layer in layers:
        try:
            expected = _rules.output_shape(
                layer.rule_name(), type(layer).__shape_rule__, shape, layer.__shape_params__()
            )
        except tt.ShapeError:
            with pytest.raises(tt.ShapeError):
                layer(tt.zeros(*shape))
            continue
        assert layer(tt.zeros(*shape)).shape == expected


@pytest.mark.parametrize("ceil_mode", [False, True])
def test_output_sizes_match_torch_in_ceil_mode(ceil_mode: bool) -> None:
    torch = pytest.importorskip("torch")
    for size in range(1, 12):
        for k, s, p in [(2, 2, 0), (3, 2, 1), (3, 3, 1), (2, 3, 1), (4, 3, 2)]:
            x = np.zeros((1, 1, size, size + 1), np.float32)
            try:
                ref: Any = tuple(torch.nn.functional.max_pool2d(torch.tensor(x), k, s, p, ceil_mode=ceil_mode).shape)
            except RuntimeError:
                ref = None
            try:
                ours: Any = F.max_pool2d(tt.tensor(x), k, s, p, ceil_mode=ceil_mode).shape
            except tt.ShapeError:
                ours = None
            assert ours == ref, (size, k, s, p)
            ref_avg = tuple(torch.nn.functional.avg_pool2d(torch.tensor(x), k, s, p, ceil_mode).shape) if ref else None
            ours_avg = F.avg_pool2d(tt.tensor(x), k, s, p, ceil_mode).shape if ours else None
            assert ours_avg == ref_avg, (size, k, s, p)


# --------------------------------------------------------------------------- refusals


def _msg(exc: type[Exception], fn: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(exc) as e:
        fn(*args, **kwargs)
    return str(e.value)


def test_refusals() -> None:
    x = tt.zeros(2, 3, 8, 8)
    assert _msg(ValueError, F.max_pool2d, x, 2, padding=2) == (
        "max_pool2d: padding should be at most half of the effective kernel size, got padding=2, kernel_size=2, "
        "dilation=1"
    )
    assert _msg(ValueError, F.avg_pool2d, x, 3, padding=2) == (
        "avg_pool2d: padding should be at most half of the effective kernel size, got padding=2, kernel_size=3, "
        "dilation=1"
    )
    assert _msg(ValueError, F.max_pool2d, x, 2, return_indices=True) == (
        "max_pool2d: return_indices=True is not supported"
    )
    assert _msg(ValueError, nn.MaxPool2d, 2, return_indices=True) == "MaxPool2d: return_indices=True is not supported"
    assert _msg(ValueError, F.max_pool2d, x, 0) == "max_pool2d: kernel_size must be at least 1, got 0"
    assert _msg(ValueError, F.avg_pool2d, x, 2, divisor_override=0) == (
        "avg_pool2d: divisor_override must be a positive int, got 0"
    )
    assert _msg(tt.ShapeError, F.max_pool2d, tt.zeros(3, 8, 8), 2) == (
        "max_pool2d: expected a 4-D input (N, C, H, W), got shape (3, 8, 8)"
    )
    assert _msg(tt.ShapeError, F.avg_pool2d, tt.zeros(1, 1, 2, 5), 3) == (
        "avg_pool2d: input of shape (1, 1, 2, 5) is too small: size 2 x 5 (padded 2 x 5) gives output size 0 x 1 "
        "(kernel 3 x 3, stride 3 x 3, dilation 1 x 1)"
    )
    assert _msg(TypeError, F.max_pool2d, tt.zeros(1, 1, 4, 4, dtype="int64"), 2) == (
        "max_pool2d: input must be a floating-point tensor, got int64"
    )
    assert _msg(TypeError, F.adaptive_avg_pool2d, [[1.0]], 1) == (
        "adaptive_avg_pool2d: input must be a typedtorch Tensor, got list"
    )
    assert _msg(ValueError, F.adaptive_avg_pool2d, x, 0) == "adaptive_avg_pool2d: output_size must be at least 1, got 0"
    assert _msg(tt.ShapeError, F.adaptive_avg_pool2d, tt.zeros(1, 1, 0, 3), 1) == (
        "adaptive_avg_pool2d: input of shape (1, 1, 0, 3) has an empty spatial dim"
    )
    assert _msg(TypeError, nn.MaxPool2d(2), np.zeros((1, 1, 4, 4))) == (
        "MaxPool2d: expected a typedtorch Tensor, got ndarray"
    )


def test_layer_reprs() -> None:
    assert repr(nn.MaxPool2d(2)) == "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"
    assert repr(nn.AvgPool2d(3, 2, 1)) == "AvgPool2d(kernel_size=3, stride=2, padding=1)"
    assert repr(nn.AdaptiveAvgPool2d((7, 7))) == "AdaptiveAvgPool2d(output_size=(7, 7))"
    assert list(nn.MaxPool2d(2).named_parameters()) == []
