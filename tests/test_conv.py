"""``conv1d``/``conv2d`` and ``nn.Conv1d``/``nn.Conv2d``: finite differences, PyTorch, shape rules, errors.

Every configuration (stride, padding including ``"same"``/``"valid"``, dilation,
groups, odd and non-square sizes, no bias, a first layer) is checked against central
finite differences in float64 on every device, and against ``torch.nn.functional``
in float32 and float64 (forward and every gradient) when PyTorch is installed. Each
run-time refusal has its message asserted; the layers' messages are the shape rule's.
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

# (name, input shape, weight shape, keyword arguments): each exercises one feature.
CONV2D = [
    ("basic", (2, 2, 5, 4), (3, 2, 3, 3), {}),
    ("stride2-pad1", (1, 2, 5, 6), (3, 2, 3, 3), {"stride": 2, "padding": 1}),
    ("dilation2", (1, 2, 6, 5), (2, 2, 3, 3), {"dilation": 2, "padding": 1}),
    ("groups2", (1, 4, 4, 4), (4, 2, 3, 3), {"groups": 2}),
    ("depthwise", (1, 3, 5, 4), (3, 1, 2, 2), {"groups": 3, "stride": (1, 2)}),
    ("same-odd", (1, 2, 5, 4), (3, 2, 3, 3), {"padding": "same"}),
    ("same-even", (1, 2, 5, 4), (2, 2, 2, 4), {"padding": "same", "dilation": (2, 1)}),
    ("valid", (1, 2, 4, 5), (2, 2, 2, 2), {"padding": "valid"}),
    ("1x1", (2, 3, 3, 4), (2, 3, 1, 1), {}),
    ("1x1-stride2-pad", (1, 2, 5, 5), (2, 2, 1, 1), {"stride": 2, "padding": 1}),
    ("non-square", (1, 2, 6, 5), (3, 2, 2, 3), {"stride": (2, 1), "padding": (1, 0), "dilation": (1, 2)}),
    ("kernel-covers-input", (2, 1, 3, 3), (2, 1, 3, 3), {}),
    ("stride-past-end", (1, 1, 6, 7), (1, 1, 2, 2), {"stride": 3}),
]
CONV1D = [
    ("basic", (2, 3, 7), (4, 3, 3), {}),
    ("stride-pad-dilation", (2, 2, 9), (3, 2, 2), {"stride": 2, "padding": 2, "dilation": 3}),
    ("groups", (1, 4, 6), (2, 2, 3), {"groups": 2}),
    ("same-even", (1, 2, 5), (2, 2, 4), {"padding": "same"}),
]


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def _conv(rank: int, kwargs: dict[str, Any], bias: bool = True) -> Any:
    f = F.conv2d if rank == 2 else F.conv1d

    def fn(x: AnyTensor, w: AnyTensor, b: AnyTensor | None = None) -> AnyTensor:
        return f(x, w, b if bias else None, **kwargs)

    return fn


# ------------------------------------------------------------------- finite differences


@pytest.mark.parametrize(("name", "xs", "ws", "kwargs"), CONV2D, ids=[c[0] for c in CONV2D])
def test_conv2d_gradients(device: str, name: str, xs: tuple[int, ...], ws: tuple[int, ...], kwargs: Any) -> None:
    r = rng(len(name))
    check_grad(_conv(2, kwargs), r.standard_normal(xs), r.standard_normal(ws), r.standard_normal(ws[0]), device=device)


@pytest.mark.parametrize(("name", "xs", "ws", "kwargs"), CONV1D, ids=[c[0] for c in CONV1D])
def test_conv1d_gradients(device: str, name: str, xs: tuple[int, ...], ws: tuple[int, ...], kwargs: Any) -> None:
    r = rng(len(name) + 1)
    check_grad(_conv(1, kwargs), r.standard_normal(xs), r.standard_normal(ws), r.standard_normal(ws[0]), device=device)


def test_conv2d_without_bias(device: str) -> None:
    r = rng(5)
    check_grad(
        _conv(2, {"stride": 2, "padding": 1}, bias=False),
        r.standard_normal((1, 2, 5, 5)),
        r.standard_normal((2, 2, 3, 3)),
        device=device,
    )


def test_first_layer_computes_no_input_gradient(device: str) -> None:
    r = rng(6)
    check_grad(
        _conv(2, {"padding": 1}),
        r.standard_normal((2, 1, 4, 4)),
        r.standard_normal((2, 1, 3, 3)),
        r.standard_normal(2),
        device=device,
        needs=(False, True, True),
    )
    x = tt.tensor(r.standard_normal((2, 1, 4, 4)), dtype="float64", device=device)
    out = nn.Conv2d(1, 2, 3, device=device, dtype="float64")(x)
    assert out._node is not None
    grads = out._node.backward(tt.ones(*out.shape, dtype="float64", device=device)._data)
    assert grads[0] is None and grads[1] is not None and grads[2] is not None


def test_frozen_weight_gets_no_gradient(device: str) -> None:
    r = rng(7)
    check_grad(
        _conv(2, {}),
        r.standard_normal((1, 2, 4, 4)),
        r.standard_normal((2, 2, 2, 2)),
        r.standard_normal(2),
        device=device,
        needs=(True, False, True),
    )


def test_layer_gradients_through_its_parameters(device: str) -> None:
    layer = nn.Conv2d(2, 3, 3, stride=2, padding=1, device=device, dtype="float64")
    r = rng(8)

    def fn(x: AnyTensor, w: AnyTensor, b: AnyTensor) -> AnyTensor:
        layer.weight, layer.bias = w, b
        return layer(x)

    check_grad(
        fn, r.standard_normal((1, 2, 5, 4)), r.standard_normal((3, 2, 3, 3)), r.standard_normal(3), device=device
    )


def test_output_is_an_nchw_view_that_downstream_ops_accept(device: str) -> None:
    # The kernel computes in (C, N, H, W) and returns the NCHW view: everything after it
    # (elementwise ops, reshape, another conv) must see ordinary NCHW values.
    r = rng(9)
    x = r.standard_normal((2, 3, 6, 6))
    w1, w2 = r.standard_normal((4, 3, 3, 3)), r.standard_normal((2, 4, 3, 3))
    t = tt.tensor(x, dtype="float64", device=device)
    out = F.conv2d(
        F.conv2d(t, tt.tensor(w1, dtype="float64", device=device)).relu(), tt.tensor(w2, dtype="float64", device=device)
    )
    flat = out.reshape(2, -1).numpy()
    h = np.maximum(_reference_conv2d(x, w1), 0)
    np.testing.assert_allclose(flat, _reference_conv2d(h, w2).reshape(2, -1), rtol=1e-12, atol=1e-12)


def _reference_conv2d(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """The definition, written as loops over output positions (stride 1, no padding)."""
    n, _, h, wd = x.shape
    o, _, kh, kw = w.shape
    out = np.zeros((n, o, h - kh + 1, wd - kw + 1))
    for i in range(h - kh + 1):
        for j in range(wd - kw + 1):
            out[:, :, i, j] = np.einsum("ncij,ocij->no", x[:, :, i : i + kh, j : j + kw], w)
    return out


# ---------------------------------------------------------------------------- PyTorch


def _torch_conv(torch: Any, rank: int, x: Any, w: Any, b: Any, kwargs: dict[str, Any]) -> Any:
    f = torch.nn.functional.conv2d if rank == 2 else torch.nn.functional.conv1d
    return f(x, w, b, **kwargs)


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths")
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(
    ("rank", "name", "xs", "ws", "kwargs"),
    [(2, *c) for c in CONV2D] + [(1, *c) for c in CONV1D],
    ids=[f"2d-{c[0]}" for c in CONV2D] + [f"1d-{c[0]}" for c in CONV1D],
)
def test_against_torch(
    rank: int, name: str, xs: tuple[int, ...], ws: tuple[int, ...], kwargs: dict[str, Any], dtype: str
) -> None:
    torch = pytest.importorskip("torch")
    r = rng(len(name) + rank)
    x, w, b = r.standard_normal(xs), r.standard_normal(ws), r.standard_normal(ws[0])
    grad = None
    tol = {"float32": 2e-5, "float64": 1e-12}[dtype]
    xt, wt, bt = (tt.tensor(a, dtype=dtype, requires_grad=True) for a in (x, w, b))
    out = _conv(rank, kwargs)(xt, wt, bt)
    xr, wr, br = (torch.tensor(a, dtype=getattr(torch, dtype), requires_grad=True) for a in (x, w, b))
    ref = _torch_conv(torch, rank, xr, wr, br, kwargs)
    assert out.shape == tuple(ref.shape)
    grad = r.standard_normal(out.shape)
    (out * tt.tensor(grad, dtype=dtype)).sum().backward()
    (ref * torch.tensor(grad, dtype=getattr(torch, dtype))).sum().backward()
    scale = max(1.0, float(np.abs(ref.detach().numpy()).max()))
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=tol, atol=tol * scale)
    for ours, theirs, what in ((xt, xr, "input"), (wt, wr, "weight"), (bt, br, "bias")):
        assert ours.grad is not None
        expected = theirs.grad.numpy()
        np.testing.assert_allclose(
            ours.grad.numpy(), expected, rtol=tol, atol=tol * max(1.0, float(np.abs(expected).max())), err_msg=what
        )


def test_torch_checkpoint_converts_without_reshaping() -> None:
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    theirs = torch.nn.Conv2d(3, 8, 3, stride=2, padding=1, groups=1)
    ours = nn.Conv2d(3, 8, 3, stride=2, padding=1)
    state = {k: tt.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()}
    ours.load_state_dict(state)
    x = rng(1).standard_normal((2, 3, 9, 9)).astype(np.float32)
    np.testing.assert_allclose(ours(tt.tensor(x)).numpy(), theirs(torch.tensor(x)).detach().numpy(), atol=1e-5)


# ------------------------------------------------------------------------- the layers


def test_conv2d_init_matches_pytorch_bounds() -> None:
    layer = nn.Conv2d(4, 6, (3, 2), groups=2, seed=0)
    assert layer.weight.shape == (6, 2, 3, 2)
    assert layer.bias is not None and layer.bias.shape == (6,)
    bound = 1 / np.sqrt(2 * 3 * 2)  # fan_in = in_channels / groups * kH * kW
    for t in (layer.weight, layer.bias):
        a = t.numpy()
        assert a.dtype == np.float32 and np.abs(a).max() <= bound and np.abs(a).max() > 0.8 * bound
    assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"]
    again = nn.Conv2d(4, 6, (3, 2), groups=2, seed=0)
    assert again.weight.tolist() == layer.weight.tolist()
    assert nn.Conv2d(4, 6, 3, bias=False).bias is None


def test_conv_layers_follow_the_host_generator() -> None:
    tt.manual_seed(3)
    a = nn.Conv1d(2, 3, 4)
    tt.manual_seed(3)
    b = nn.Conv1d(2, 3, 4)
    assert a.weight.shape == (3, 2, 4) and a.weight.tolist() == b.weight.tolist()


def test_layer_repr_like_pytorch() -> None:
    assert repr(nn.Conv2d(1, 32, 3)) == "Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1))"
    assert (
        repr(nn.Conv2d(4, 8, (3, 5), stride=2, padding=1, dilation=2, groups=2, bias=False))
        == "Conv2d(4, 8, kernel_size=(3, 5), stride=(2, 2), padding=(1, 1), dilation=(2, 2), groups=2, bias=False)"
    )
    assert repr(nn.Conv1d(3, 8, 5, padding="same")) == "Conv1d(3, 8, kernel_size=(5,), stride=(1,), padding='same')"


def test_layers_on_strict_device() -> None:
    layer = nn.Conv2d(1, 4, 3, padding=1, device="strict")
    assert layer.weight.device == "strict"
    out = layer(tt.ones(2, 1, 5, 5, device="strict"))
    assert out.shape == (2, 4, 5, 5) and out.device == "strict"


# ------------------------------------------------------------------- the shape rules


def _rule_error(layer: Any, shape: tuple[int, ...]) -> str:
    with pytest.raises(tt.ShapeError) as e:
        _rules.output_shape(layer.rule_name(), type(layer).__shape_rule__, shape, layer.__shape_params__())
    return str(e.value)


def _layer_error(layer: Any, shape: tuple[int, ...]) -> str:
    with pytest.raises(tt.ShapeError) as e:
        layer(tt.zeros(*shape))
    return str(e.value)


@pytest.mark.parametrize(
    ("layer", "shape"),
    [
        (nn.Conv2d(1, 32, 3), (64, 3, 28, 28)),  # wrong channels
        (nn.Conv2d(1, 32, 3), (64, 28, 28)),  # missing the channel dim
        (nn.Conv2d(1, 32, 5, stride=2), (2, 1, 4, 9)),  # too small
        (nn.Conv2d(1, 32, 3, padding="valid", dilation=2), (2, 1, 4, 4)),
        (nn.Conv1d(3, 8, 5), (4, 2, 50)),
        (nn.Conv1d(3, 8, 5, padding=1), (4, 3, 2)),
        (nn.Conv1d(3, 8, 5), (4, 3, 1, 50)),
    ],
    ids=["channels", "rank", "too-small", "dilated", "1d-channels", "1d-too-small", "1d-rank"],
)
def test_layer_message_is_the_rules(layer: Any, shape: tuple[int, ...]) -> None:
    assert _layer_error(layer, shape) == _rule_error(layer, shape)


def test_conv2d_error_texts() -> None:
    rule = nn.Conv2d.__shape_rule__
    assert _layer_error(nn.Conv2d(1, 32, 3), (64, 3, 28, 28)) == (
        f"Conv2d[1, 32, 3, 1, 0, 1]: input is Tensor[64, 3, 28, 28], dim 1 is 3, expected CIn = 1 (rule {rule!r})"
    )
    assert _layer_error(nn.Conv2d(1, 32, 3), (64, 28, 28)) == (
        f"Conv2d[1, 32, 3, 1, 0, 1]: input is Tensor[64, 28, 28], expected 4 dims, got 3 (rule {rule!r})"
    )
    assert _layer_error(nn.Conv2d(1, 8, 5, stride=2), (2, 1, 4, 9)) == (
        f"Conv2d[1, 8, 5, 2, 0, 1]: input is Tensor[2, 1, 4, 9], output dim 2 would be 0 (rule {rule!r})"
    )


def test_rule_free_configurations_are_checked_explicitly() -> None:
    same = nn.Conv2d(3, 8, 4, padding="same")
    assert same.__shape_params__() is None
    assert _layer_error(same, (2, 1, 9, 9)) == (
        "Conv2d(3, 8, kernel_size=(4, 4), stride=(1, 1), padding='same'): input is Tensor[2, 1, 9, 9], "
        "dim 1 is 1, expected in_channels = 3"
    )
    wide = nn.Conv2d(3, 8, (3, 5))
    assert _layer_error(wide, (2, 3, 9)) == (
        "Conv2d(3, 8, kernel_size=(3, 5), stride=(1, 1)): input is Tensor[2, 3, 9], expected 4 dims (N, C, H, W), got 3"
    )
    assert _layer_error(wide, (2, 3, 9, 4)) == (
        "Conv2d(3, 8, kernel_size=(3, 5), stride=(1, 1)): input of shape (2, 3, 9, 4) is too small: "
        "size 9 x 4 (padded 9 x 4) gives output size 7 x 0 (kernel 3 x 5, stride 1 x 1, dilation 1 x 1)"
    )
    assert _layer_error(nn.Conv1d(2, 4, 4, padding="same"), (2, 3, 9)) == (
        "Conv1d(2, 4, kernel_size=(4,), stride=(1,), padding='same'): input is Tensor[2, 3, 9], "
        "dim 1 is 3, expected in_channels = 2"
    )


def test_same_padding_of_an_odd_kernel_is_the_rules_padding() -> None:
    # D * (K - 1) even: "same" pads D * (K - 1) / 2 on each side, the rule's P (as the
    # plugin types it: Conv2d[3, 8, 5, 1, 4, 2]), so the rule checks the input.
    layer = nn.Conv2d(3, 8, 5, padding="same", dilation=2)
    assert layer.__shape_params__() == {"CIn": 3, "COut": 8, "K": 5, "S": 1, "P": 4, "D": 2}
    assert layer(tt.zeros(2, 3, 9, 9)).shape == (2, 8, 9, 9)
    assert _layer_error(layer, (2, 1, 9, 9)).startswith(
        "Conv2d[3, 8, 5, 1, 4, 2]: input is Tensor[2, 1, 9, 9], dim 1 is 1, expected CIn = 3"
    )
    assert nn.Conv1d(2, 4, 3, padding="same").__shape_params__() == {
        "CIn": 2,
        "COut": 4,
        "K": 3,
        "S": 1,
        "P": 1,
        "D": 1,
    }


@given(
    n=st.integers(1, 2),
    c=st.integers(1, 3),
    size=st.integers(1, 9),
    k=st.integers(1, 4),
    s=st.integers(1, 3),
    p=st.integers(0, 2),
    d=st.integers(1, 2),
)
def test_rule_agrees_with_the_kernel(n: int, c: int, size: int, k: int, s: int, p: int, d: int) -> None:
    layer = nn.Conv2d(c, 2, k, stride=s, padding=p, dilation=d)
    shape = (n, c, size, size + 1)
    try:
        expected = _rules.output_shape(layer.rule_name(), nn.Conv2d.__shape_rule__, shape, layer.__shape_params__())
    except tt.ShapeError:
        with pytest.raises(tt.ShapeError):
            layer(tt.zeros(*shape))
        return
    assert layer(tt.zeros(*shape)).shape == expected
    with tt.no_grad():
        assert F.conv2d(tt.zeros(*shape), layer.weight, stride=s, padding=p, dilation=d).shape == expected


def test_checked_methods_bind_the_layers_sizes() -> None:
    layer = nn.Conv2d(1, 32, 3)
    dims = layer.__typedtorch_dims__()
    assert sorted(getattr(tv, "__name__", "") for tv in dims) == ["CIn", "COut", "D", "K", "P", "S"]
    assert sorted(dims.values()) == [0, 1, 1, 1, 3, 32]
    assert nn.Conv2d(1, 32, (3, 5)).__typedtorch_dims__() == {}


# ----------------------------------------------------------------- functional refusals


def _msg(exc: type[Exception], fn: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(exc) as e:
        fn(*args, **kwargs)
    return str(e.value)


def test_functional_refusals() -> None:
    x, w = tt.zeros(2, 4, 6, 6), tt.zeros(6, 2, 3, 3)
    assert _msg(tt.ShapeError, F.conv2d, x, w) == (
        "conv2d: input has 4 channels but weight shape (6, 2, 3, 3) expects 2 (weight.shape[1] * groups = 2 * 1)"
    )
    assert _msg(ValueError, F.conv2d, x, w, groups=4) == (
        "conv2d: groups=4 must be positive and divide both input channels (4) and output channels (6)"
    )
    assert _msg(ValueError, F.conv2d, x, w, groups=0) == "conv2d: groups must be a positive int, got 0"
    assert _msg(ValueError, F.conv2d, x, w, stride=2, padding="same", groups=2) == (
        "conv2d: padding='same' is not supported for strided convolutions (stride (2, 2))"
    )
    assert _msg(ValueError, F.conv2d, x, w, padding="full", groups=2) == (
        "conv2d: padding must be an int, a pair, 'valid' or 'same', got 'full'"
    )
    assert _msg(ValueError, F.conv2d, x, w, padding=-1, groups=2) == "conv2d: padding must be at least 0, got -1"
    assert _msg(ValueError, F.conv2d, x, w, stride=0, groups=2) == "conv2d: stride must be at least 1, got 0"
    assert _msg(TypeError, F.conv2d, x, w, dilation=(1, 2, 3), groups=2) == (
        "conv2d: dilation must be an int or a pair of ints, got (1, 2, 3)"
    )
    assert _msg(tt.ShapeError, F.conv2d, x, w, tt.zeros(5), groups=2) == (
        "conv2d: bias shape (5,) does not match 6 output channels"
    )
    assert _msg(tt.ShapeError, F.conv2d, tt.zeros(4, 6, 6), w) == (
        "conv2d: expected a 4-D input (N, C, H, W), got shape (4, 6, 6)"
    )
    assert _msg(tt.ShapeError, F.conv2d, x, tt.zeros(6, 4, 3)) == "conv2d: expected a 4-D weight, got shape (6, 4, 3)"
    assert _msg(tt.ShapeError, F.conv1d, tt.zeros(2, 3, 2), tt.zeros(4, 3, 3)) == (
        "conv1d: input of shape (2, 3, 2) is too small: length 2 (padded 2) gives output length 0 "
        "(kernel 3, stride 1, dilation 1)"
    )
    assert _msg(TypeError, F.conv2d, np.zeros((2, 4, 6, 6)), w) == (
        "conv2d: input must be a typedtorch Tensor, got ndarray"
    )
    assert _msg(TypeError, F.conv2d, tt.zeros(2, 4, 6, 6, dtype="int64"), w, groups=2) == (
        "conv2d: input must be a floating-point tensor, got int64"
    )
    assert _msg(TypeError, F.conv2d, x, tt.zeros(6, 2, 3, 3, dtype="float64"), groups=2) == (
        "conv2d: input is float32 but weight is float64; convert one of them"
    )
    assert _msg(tt.DeviceError, F.conv2d, x, tt.zeros(6, 2, 3, 3, device="strict"), groups=2) == (
        "conv2d: input on cpu but parameters on strict"
    )


def test_constructor_refusals() -> None:
    assert _msg(ValueError, nn.Conv2d, 0, 4, 3) == "Conv2d: in_channels must be a positive int, got 0"
    assert _msg(ValueError, nn.Conv2d, 3, 4, 3, groups=2) == (
        "Conv2d: groups=2 must divide in_channels=3 and out_channels=4"
    )
    assert _msg(ValueError, nn.Conv2d, 1, 4, 0) == "Conv2d: kernel_size must be at least 1, got 0"
    assert _msg(ValueError, nn.Conv2d, 1, 4, 3, padding_mode="reflect") == (
        "Conv2d: only padding_mode='zeros' is supported, got 'reflect'"
    )
    assert _msg(ValueError, nn.Conv1d, 1, 4, 3, stride=2, padding="same") == (
        "Conv1d: padding='same' is not supported for strided convolutions (stride 2)"
    )
    assert _msg(TypeError, nn.Conv1d, 1, 4, (3, 3)) == "Conv1d: kernel_size must be an int (or a 1-tuple), got (3, 3)"
    assert _msg(TypeError, nn.Conv2d(1, 2, 3), np.zeros((1, 1, 5, 5))) == (
        "Conv2d: expected a typedtorch Tensor, got ndarray"
    )


# -------------------------------------------------------------- reused work arrays


def test_reused_columns_never_leak_between_live_graphs(device: str) -> None:
    # The columns of a convolution go back to a pool only when their node dies. Two
    # graphs alive at once, and one kept for a second backward, must each keep their own.
    from typedtorch._ops.conv import scratch

    r = rng(11)
    w_np = r.standard_normal((3, 2, 3, 3))
    xs = [r.standard_normal((2, 2, 6, 5)) for _ in range(3)]

    def grads(x_np: np.ndarray, retain: bool = False) -> tuple[Any, AnyTensor]:
        w = tt.tensor(w_np, dtype="float64", device=device, requires_grad=True)
        loss = (F.conv2d(tt.tensor(x_np, dtype="float64", device=device), w, padding=1) ** 2).sum()
        return loss, w

    expected = []
    for x in xs:
        loss, w = grads(x)
        loss.backward()
        assert w.grad is not None
        expected.append(w.grad.numpy())
    live = [grads(x) for x in xs]  # three graphs, none freed yet
    for (loss, w), want in zip(reversed(live), reversed(expected), strict=True):
        loss.backward(retain_graph=True)
        assert w.grad is not None
        np.testing.assert_array_equal(w.grad.numpy(), want)
    with tt.no_grad():  # meanwhile: convolutions whose columns go straight back to the pool
        for x in xs:
            F.conv2d(tt.tensor(x, dtype="float64", device=device), tt.tensor(w_np, dtype="float64", device=device))
    for (loss, w), want in zip(live, expected, strict=True):
        loss.backward()  # the retained graphs, a second time: twice the gradient
        assert w.grad is not None
        np.testing.assert_array_equal(w.grad.numpy(), 2 * want)
    assert scratch.held <= scratch.limit


def test_scratch_pool_is_bounded() -> None:
    from typedtorch._backend import get_backend
    from typedtorch._ops.conv import Scratch

    xp = get_backend("cpu").xp
    pool = Scratch(limit=1000)
    a = pool.take(xp, (10, 10), xp.float64, "cpu")  # 800 bytes
    b = pool.take(xp, (10, 10), xp.float64, "cpu")
    pool.give(xp, a)
    pool.give(xp, b)  # over the limit: dropped, not kept
    assert pool.held == 800
    assert pool.take(xp, (10, 10), xp.float64, "cpu") is a
    assert pool.take(xp, (10, 10), xp.float64, "cpu") is not b
    assert pool.held == 0


@pytest.mark.parametrize(
    "module",
    [
        "typedtorch.nn._conv",
        "typedtorch.nn._pool",
        "typedtorch.nn._batchnorm",
        "typedtorch.nn._functional_conv",
        "typedtorch._ops.conv",
        "typedtorch._ops.pool",
        "typedtorch._ops.batchnorm",
    ],
)
def test_docstring_examples_run(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
