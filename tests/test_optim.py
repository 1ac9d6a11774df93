"""``typedtorch.optim`` against PyTorch's update rules written out in numpy (and torch itself, if installed)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import typedtorch as tt
from typedtorch import nn, optim

STEPS = 5
SHAPES = [(3, 2), (4,)]


def _grads(step: int) -> list[np.ndarray]:
    """Fixed gradients per step, so the reference and the optimizer see the same ones."""
    r = np.random.default_rng(100 + step)
    return [r.standard_normal(s) for s in SHAPES]


def _start() -> list[np.ndarray]:
    r = np.random.default_rng(0)
    return [r.standard_normal(s) for s in SHAPES]


def run_optimizer(make: Callable[[list[Any]], optim.Optimizer], device: str) -> list[np.ndarray]:
    params = [tt.tensor(a, dtype="float64", device=device, requires_grad=True) for a in _start()]
    opt = make(params)
    arrays = [p._data for p in params]
    for step in range(STEPS):
        opt.zero_grad()
        grads = [tt.tensor(g, dtype="float64", device=device) for g in _grads(step)]
        snapshots = [g.numpy().copy() for g in grads]
        for p, g in zip(params, grads, strict=True):
            p.grad = g
        opt.step()
        for g, snap in zip(grads, snapshots, strict=True):  # gradients are never written into
            np.testing.assert_array_equal(g.numpy(), snap)
    assert [p._data for p in params] == arrays  # updated in place: the same array objects
    return [p.numpy() for p in params]


def sgd_reference(
    lr: float, momentum: float = 0.0, weight_decay: float = 0.0, dampening: float = 0.0, nesterov: bool = False
) -> list[np.ndarray]:
    """torch.optim.SGD's documented algorithm."""
    params = _start()
    bufs: list[np.ndarray | None] = [None] * len(params)
    for step in range(STEPS):
        for i, g in enumerate(_grads(step)):
            g = g + weight_decay * params[i]
            if momentum:
                buf = bufs[i]
                buf = g.copy() if buf is None else momentum * buf + (1 - dampening) * g
                bufs[i] = buf
                g = g + momentum * buf if nesterov else buf
            params[i] = params[i] - lr * g
    return params


def adam_reference(
    lr: float, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0.0
) -> list[np.ndarray]:
    """torch.optim.Adam's documented algorithm (L2 weight decay added to the gradient)."""
    b1, b2 = betas
    params = _start()
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    for step in range(STEPS):
        t = step + 1
        for i, g in enumerate(_grads(step)):
            g = g + weight_decay * params[i]
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            m_hat = m[i] / (1 - b1**t)
            v_hat = v[i] / (1 - b2**t)
            params[i] = params[i] - lr * m_hat / (np.sqrt(v_hat) + eps)
    return params


SGD_CASES = [
    {"lr": 0.1},
    {"lr": 0.05, "momentum": 0.9},
    {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.01},
    {"lr": 0.05, "momentum": 0.5, "dampening": 0.3},
    {"lr": 0.05, "momentum": 0.9, "nesterov": True},
    {"lr": 0.2, "weight_decay": 0.1},
]
ADAM_CASES = [
    {"lr": 1e-3},
    {"lr": 0.1, "betas": (0.8, 0.99)},
    {"lr": 0.01, "weight_decay": 0.05},
    {"lr": 0.01, "eps": 1e-3},
]


@pytest.mark.parametrize("kw", SGD_CASES, ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()))
def test_sgd_matches_the_formulas(device: str, kw: dict[str, Any]) -> None:
    ours = run_optimizer(lambda ps: optim.SGD(ps, **kw), device)
    for a, b in zip(ours, sgd_reference(**kw), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("kw", ADAM_CASES, ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()))
def test_adam_matches_the_formulas(device: str, kw: dict[str, Any]) -> None:
    ours = run_optimizer(lambda ps: optim.Adam(ps, **kw), device)
    for a, b in zip(ours, adam_reference(**kw), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_adam_first_step_moves_each_weight_by_lr() -> None:
    w = tt.tensor([1.0, -2.0, 3.0], requires_grad=True)
    opt = optim.Adam([w], lr=0.1)
    (w * w).sum().backward()
    opt.step()
    np.testing.assert_allclose(w.numpy(), [0.9, -1.9, 2.9], rtol=1e-6)


def test_float32_updates_stay_float32(device: str) -> None:
    w = tt.ones(3, device=device, requires_grad=True)
    for opt in (optim.SGD([w], lr=0.1, momentum=0.9, weight_decay=0.1), optim.Adam([w], weight_decay=0.1)):
        (w * w).sum().backward()
        opt.step()
        opt.zero_grad()
        assert w.numpy().dtype == np.float32


def test_parameters_without_gradient_are_skipped() -> None:
    a = tt.ones(2, requires_grad=True)
    b = tt.ones(2, requires_grad=True)
    for opt in (optim.SGD([a, b], lr=0.5, momentum=0.9, weight_decay=0.1), optim.Adam([a, b], lr=0.5)):
        (a * 3).sum().backward()
        opt.step()
        np.testing.assert_array_equal(b.numpy(), [1.0, 1.0])
        opt.zero_grad()
        assert a.grad is None and b.grad is None


def test_shared_gradient_array_is_not_modified() -> None:
    # Backward may hand two leaves the very same gradient array.
    a = tt.ones(3, requires_grad=True)
    b = tt.ones(3, requires_grad=True)
    g = tt.full((3,), 2.0)
    a.grad, b.grad = g, g
    opt = optim.SGD([a, b], lr=0.1, momentum=0.9)
    opt.step()
    opt.step()
    np.testing.assert_array_equal(g.numpy(), [2.0, 2.0, 2.0])
    np.testing.assert_allclose(a.numpy(), 1 - 0.1 * 2 - 0.1 * (0.9 * 2 + 2))


def test_duplicate_parameters_are_updated_once() -> None:
    w = tt.ones(2, requires_grad=True)
    opt = optim.SGD([w, w], lr=0.5)
    assert len(opt.params) == 1
    w.grad = tt.ones(2)
    opt.step()
    np.testing.assert_array_equal(w.numpy(), [0.5, 0.5])


def test_optimizer_keeps_working_after_module_to() -> None:
    fc = nn.Linear(2, 1, seed=0)
    opt = optim.Adam(fc.parameters(), lr=0.1)
    fc.to("strict")
    before = fc.weight.numpy().copy()
    nn.mse_loss(fc(tt.ones(4, 2, device="strict")), tt.zeros(4, 1, device="strict")).backward()
    opt.step()
    assert fc.weight.device == "strict"
    assert not np.array_equal(fc.weight.numpy(), before)


def test_lr_can_change_between_steps() -> None:
    w = tt.zeros(1, requires_grad=True)
    opt = optim.SGD([w], lr=1.0)
    w.grad = tt.ones(1)
    opt.step()
    opt.lr = 0.5
    opt.step()
    np.testing.assert_allclose(w.numpy(), [-1.5])


def test_invalid_arguments() -> None:
    w = tt.ones(2, requires_grad=True)
    with pytest.raises(ValueError, match="SGD got an empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="invalid learning rate -1"):
        optim.SGD([w], lr=-1)
    with pytest.raises(ValueError, match="invalid momentum"):
        optim.SGD([w], lr=0.1, momentum=-0.5)
    with pytest.raises(ValueError, match="nesterov needs a positive momentum"):
        optim.SGD([w], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match=r"invalid beta parameter at index 1: 1\.0"):
        optim.Adam([w], betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="invalid eps"):
        optim.Adam([w], eps=-1.0)
    with pytest.raises(ValueError, match="can only optimize leaf tensors"):
        optim.Adam([w * 2])
    with pytest.raises(TypeError, match="got a single Tensor"):
        optim.SGD(w, lr=0.1)
    with pytest.raises(TypeError, match="expected tensors, got float"):
        optim.SGD([1.0], lr=0.1)  # type: ignore[list-item]


def test_repr() -> None:
    opt = optim.SGD([tt.ones(1, requires_grad=True)], lr=0.1, momentum=0.9)
    assert repr(opt) == "SGD(1 tensors, lr=0.1, momentum=0.9, weight_decay=0.0, dampening=0.0, nesterov=False)"


def test_training_reduces_the_loss(device: str) -> None:
    tt.manual_seed(0)
    model = (nn.Linear(4, 16) >> nn.Tanh() >> nn.Linear(16, 3)).to(device)
    x = tt.randn(32, 4).to(device)
    y = tt.tensor(np.random.default_rng(0).integers(0, 3, 32), device=device)
    for opt in (optim.SGD(model.parameters(), lr=0.5, momentum=0.9), optim.Adam(model.parameters(), lr=0.01)):
        first = last = math.inf
        for step in range(30):
            opt.zero_grad()
            loss = nn.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            if step == 0:
                first = loss.item()
            last = loss.item()
        assert last < 0.8 * first


# ------------------------------------------------------------------ against torch itself


@pytest.mark.parametrize("kind", ["sgd", "adam"])
def test_against_torch(kind: str) -> None:
    torch = pytest.importorskip("torch")
    params_t = [torch.tensor(a, requires_grad=True) for a in _start()]
    if kind == "sgd":
        opt_t = torch.optim.SGD(params_t, lr=0.05, momentum=0.9, weight_decay=0.01, nesterov=True)
        ours = run_optimizer(lambda ps: optim.SGD(ps, lr=0.05, momentum=0.9, weight_decay=0.01, nesterov=True), "cpu")
    else:
        opt_t = torch.optim.Adam(params_t, lr=0.01, betas=(0.8, 0.99), weight_decay=0.05)
        ours = run_optimizer(lambda ps: optim.Adam(ps, lr=0.01, betas=(0.8, 0.99), weight_decay=0.05), "cpu")
    for step in range(STEPS):
        opt_t.zero_grad()
        for p, g in zip(params_t, _grads(step), strict=True):
            p.grad = torch.tensor(g)
        opt_t.step()
    for a, p in zip(ours, params_t, strict=True):
        np.testing.assert_allclose(a, p.detach().numpy(), rtol=1e-10, atol=1e-12)
