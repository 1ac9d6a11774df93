"""Every layer and loss against central finite differences, in float64, on every device.

The checker builds float64 leaves on the device, asks the engine for the gradient of
``sum(fn(*leaves) * W)`` (``W`` fixed and random; a scalar loss is used as is) and
compares each element with ``(f(x + eps) - f(x - eps)) / 2 eps``, where ``f`` runs
typedtorch's own forward pass on the same device. Layer parameters are leaves too:
each test hands the checker a function that installs them in the layer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import typedtorch as tt
from typedtorch import nn

EPS = 1e-6
RTOL = 1e-5
ATOL = 1e-7

AnyTensor = tt.Tensor[*tuple[Any, ...]]


def check_grad(
    fn: Callable[..., AnyTensor], *arrays: np.ndarray, device: str, needs: tuple[bool, ...] | None = None
) -> None:
    """Compare the engine's gradients of ``fn`` at ``arrays`` with central differences.

    ``needs[i]`` False passes input ``i`` without ``requires_grad`` and checks that it
    gets no gradient.
    """
    arrays = tuple(np.asarray(a, dtype=np.float64) for a in arrays)
    needs = needs or (True,) * len(arrays)
    leaves = [tt.tensor(a, dtype="float64", device=device, requires_grad=n) for a, n in zip(arrays, needs, strict=True)]
    out = fn(*leaves)
    assert out.device == leaves[0].device
    weight = np.random.default_rng(0).standard_normal(out.shape) if out.ndim else np.ones(())
    w = tt.tensor(weight, dtype="float64", device=device)
    (out * w).sum().backward()

    def f(values: list[np.ndarray]) -> float:
        with tt.no_grad():
            ts = [tt.tensor(v, dtype="float64", device=device) for v in values]
            return float((fn(*ts) * w).sum().item())

    for i, (a, leaf, need) in enumerate(zip(arrays, leaves, needs, strict=True)):
        if not need:
            assert leaf.grad is None, f"input {i} does not require grad but got one"
            continue
        assert leaf.grad is not None, f"input {i} got no gradient"
        analytic = leaf.grad.numpy()
        assert analytic.shape == a.shape
        numeric = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            plus, minus = [x.copy() for x in arrays], [x.copy() for x in arrays]
            plus[i][idx] += EPS
            minus[i][idx] -= EPS
            numeric[idx] = (f(plus) - f(minus)) / (2 * EPS)
        np.testing.assert_allclose(analytic, numeric, rtol=RTOL, atol=ATOL, err_msg=f"input {i}")


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def linear_fn(layer: nn.Linear[Any, Any]) -> Callable[..., AnyTensor]:
    """``(x, W[, b]) -> layer(x)`` with the layer's parameters replaced by the leaves."""

    def fn(x: AnyTensor, w: AnyTensor, b: AnyTensor | None = None) -> AnyTensor:
        layer.weight = w
        layer.bias = b
        return layer(x)

    return fn


# --------------------------------------------------------------------------- Linear


@given(batch=st.integers(1, 4), n_in=st.integers(1, 4), n_out=st.integers(1, 4), seed=st.integers(0, 99))
def test_linear(device: str, batch: int, n_in: int, n_out: int, seed: int) -> None:
    r = rng(seed)
    layer = nn.Linear(n_in, n_out, device=device, dtype="float64")
    x, w, b = r.standard_normal((batch, n_in)), r.standard_normal((n_in, n_out)), r.standard_normal(n_out)
    check_grad(linear_fn(layer), x, w, b, device=device)


def test_linear_without_bias(device: str) -> None:
    r = rng(1)
    layer = nn.Linear(3, 2, bias=False, device=device, dtype="float64")
    check_grad(linear_fn(layer), r.standard_normal((4, 3)), r.standard_normal((3, 2)), device=device)


@pytest.mark.parametrize("shape", [(3,), (2, 3, 3), (2, 1, 2, 3)], ids=["vector", "batched", "4-d"])
def test_linear_any_leading_dims(device: str, shape: tuple[int, ...]) -> None:
    r = rng(2)
    layer = nn.Linear(3, 2, device=device, dtype="float64")
    check_grad(
        linear_fn(layer), r.standard_normal(shape), r.standard_normal((3, 2)), r.standard_normal(2), device=device
    )


def test_linear_first_layer_needs_no_input_gradient(device: str) -> None:
    r = rng(3)
    layer = nn.Linear(3, 2, device=device, dtype="float64")
    check_grad(
        linear_fn(layer),
        r.standard_normal((4, 3)),
        r.standard_normal((3, 2)),
        r.standard_normal(2),
        device=device,
        needs=(False, True, True),
    )
    # The recorded node skips the input gradient entirely (no g @ W.T is computed).
    x = tt.tensor(r.standard_normal((4, 3)), dtype="float64", device=device)
    out = nn.Linear(3, 2, device=device, dtype="float64")(x)
    node = out._node
    assert node is not None
    grads = node.backward(tt.ones(4, 2, dtype="float64", device=device)._data)
    assert grads[0] is None and grads[1] is not None


def test_linear_frozen_weight(device: str) -> None:
    r = rng(4)
    layer = nn.Linear(3, 2, device=device, dtype="float64")
    check_grad(
        linear_fn(layer),
        r.standard_normal((4, 3)),
        r.standard_normal((3, 2)),
        r.standard_normal(2),
        device=device,
        needs=(True, False, True),
    )


# ---------------------------------------------------------- shape-preserving layers

ELEMENTWISE = {
    "ReLU": nn.ReLU(),
    "Sigmoid": nn.Sigmoid(),
    "Tanh": nn.Tanh(),
    "Softmax": nn.Softmax(),
    "Softmax(dim=0)": nn.Softmax(dim=0),
    "LogSoftmax": nn.LogSoftmax(),
    "LogSoftmax(dim=0)": nn.LogSoftmax(dim=0),
}


@pytest.mark.parametrize("name", list(ELEMENTWISE))
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple), seed=st.integers(0, 99))
def test_elementwise_layers(device: str, name: str, shape: tuple[int, ...], seed: int) -> None:
    x = rng(seed).standard_normal(shape)
    if name == "ReLU":  # keep clear of the kink, where the derivative jumps
        x = np.where(np.abs(x) < 0.05, 0.5, x)
    check_grad(ELEMENTWISE[name], x, device=device)


@pytest.mark.parametrize("p", [0.0, 0.3, 0.5, 1.0])
def test_dropout(device: str, p: float) -> None:
    drop = nn.Dropout(p)

    def fn(x: AnyTensor) -> AnyTensor:
        tt.manual_seed(7)  # the same mask for every evaluation
        return drop(x)

    check_grad(fn, rng(5).standard_normal((4, 5)), device=device)


def test_dropout_eval_is_identity_for_gradients(device: str) -> None:
    check_grad(nn.Dropout(0.9).eval(), rng(6).standard_normal((3, 3)), device=device)


def test_flatten(device: str) -> None:
    check_grad(nn.Flatten(), rng(7).standard_normal((2, 3, 4)), device=device)


# ---------------------------------------------------------------------------- losses


@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple), seed=st.integers(0, 99))
def test_mse_loss(device: str, shape: tuple[int, ...], seed: int) -> None:
    r = rng(seed)
    check_grad(nn.mse_loss, r.standard_normal(shape), r.standard_normal(shape), device=device)


def test_mse_loss_sum_and_module(device: str) -> None:
    r = rng(8)
    p, t = r.standard_normal((3, 2)), r.standard_normal((3, 2))
    check_grad(lambda a, b: nn.mse_loss(a, b, reduction="sum"), p, t, device=device)
    check_grad(nn.MSELoss(), p, t, device=device)
    check_grad(nn.MSELoss(), p, t, device=device, needs=(True, False))


@given(batch=st.integers(1, 5), classes=st.integers(1, 5), seed=st.integers(0, 99))
def test_cross_entropy(device: str, batch: int, classes: int, seed: int) -> None:
    r = rng(seed)
    labels = tt.tensor(r.integers(0, classes, batch), device=device)
    logits = r.standard_normal((batch, classes)) * 3
    check_grad(lambda z: nn.cross_entropy(z, labels), logits, device=device)
    check_grad(lambda z: nn.CrossEntropyLoss()(z, labels), logits, device=device)


def test_cross_entropy_large_logits(device: str) -> None:
    # Far from the 1e4 extremes (where a difference quotient is meaningless), but large
    # enough that an unshifted exp would overflow float64's 1e308 range.
    labels = tt.tensor([0, 2, 1], device=device)
    logits = np.array([[800.0, 801.0, 799.5], [-800.0, -801.0, -799.0], [0.0, 1.0, -1.0]])
    check_grad(lambda z: nn.cross_entropy(z, labels), logits, device=device)


def test_binary_cross_entropy(device: str) -> None:
    r = rng(9)
    p = r.uniform(0.05, 0.95, (3, 4))
    t = r.uniform(0.0, 1.0, (3, 4))
    check_grad(nn.binary_cross_entropy, p, t, device=device)
    check_grad(nn.BCELoss(), p, t, device=device, needs=(True, False))


# ------------------------------------------------------------------------ composites


def test_sequential_end_to_end(device: str) -> None:
    """A whole MLP with its loss: the gradient with respect to the input."""
    tt.manual_seed(0)
    model = (nn.Linear(3, 5, dtype="float64") >> nn.Tanh() >> nn.Linear(5, 2, dtype="float64")).to(device)
    labels = tt.tensor([1, 0, 1, 1], device=device)
    check_grad(lambda x: nn.cross_entropy(model(x), labels), rng(10).standard_normal((4, 3)), device=device)


def test_sequential_parameter_gradients(device: str) -> None:
    """The gradient with respect to the first layer's weight, through the whole chain."""
    tt.manual_seed(1)
    first = nn.Linear(3, 4, device=device, dtype="float64")
    model = first >> nn.Sigmoid() >> nn.Linear(4, 1, device=device, dtype="float64")
    x = tt.tensor(rng(11).standard_normal((5, 3)), dtype="float64", device=device)
    y = tt.tensor(rng(12).standard_normal((5, 1)), dtype="float64", device=device)

    def fn(w: AnyTensor) -> AnyTensor:
        first.weight = w
        return nn.mse_loss(model(x), y)

    check_grad(fn, first.weight.numpy(), device=device)
