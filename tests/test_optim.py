"""``typedtorch.optim`` against PyTorch's update rules written out in numpy (and torch itself, if installed)."""

from __future__ import annotations

import math
import re
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
    with pytest.raises(ValueError, match=re.escape("SGD: invalid learning rate -1 (must be a finite number >= 0.0)")):
        optim.SGD([w], lr=-1)
    with pytest.raises(ValueError, match=re.escape("SGD: invalid momentum -0.5")):
        optim.SGD([w], lr=0.1, momentum=-0.5)
    with pytest.raises(ValueError, match="nesterov needs a positive momentum"):
        optim.SGD([w], lr=0.1, nesterov=True)
    with pytest.raises(
        ValueError,
        match=re.escape("Adam: invalid beta parameter at index 1 1.0 (must be a finite number in [0.0, 1.0))"),
    ):
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
    # PyTorch's layout: one block per parameter group, options sorted.
    assert repr(opt) == (
        "SGD (\nParameter Group 0\n    dampening: 0.0\n    lr: 0.1\n    maximize: False\n"
        "    momentum: 0.9\n    nesterov: False\n    weight_decay: 0.0\n)"
    )


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


# ======================================================= every optimizer, written out


def adamw_reference(
    lr: float,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 1e-2,
    amsgrad: bool = False,
    maximize: bool = False,
) -> list[np.ndarray]:
    """torch.optim.AdamW's documented algorithm (decoupled decay; amsgrad keeps the running max of v)."""
    b1, b2 = betas
    params = _start()
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    vmax = [np.zeros_like(p) for p in params]
    for step in range(STEPS):
        t = step + 1
        for i, g in enumerate(_grads(step)):
            g = -g if maximize else g
            params[i] = params[i] * (1 - lr * weight_decay)
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            vmax[i] = np.maximum(vmax[i], v[i])
            v_hat = (vmax[i] if amsgrad else v[i]) / (1 - b2**t)
            params[i] = params[i] - lr * (m[i] / (1 - b1**t)) / (np.sqrt(v_hat) + eps)
    return params


def rmsprop_reference(
    lr: float = 1e-2,
    alpha: float = 0.99,
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    momentum: float = 0.0,
    centered: bool = False,
    maximize: bool = False,
) -> list[np.ndarray]:
    """torch.optim.RMSprop's documented algorithm."""
    params = _start()
    sq = [np.zeros_like(p) for p in params]
    mean = [np.zeros_like(p) for p in params]
    buf = [np.zeros_like(p) for p in params]
    for step in range(STEPS):
        for i, g in enumerate(_grads(step)):
            g = -g if maximize else g
            g = g + weight_decay * params[i]
            sq[i] = alpha * sq[i] + (1 - alpha) * g * g
            v = sq[i]
            if centered:
                mean[i] = alpha * mean[i] + (1 - alpha) * g
                v = v - mean[i] ** 2
            if momentum > 0:
                buf[i] = momentum * buf[i] + g / (np.sqrt(v) + eps)
                params[i] = params[i] - lr * buf[i]
            else:
                params[i] = params[i] - lr * g / (np.sqrt(v) + eps)
    return params


def adadelta_reference(
    lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6, weight_decay: float = 0.0, maximize: bool = False
) -> list[np.ndarray]:
    """torch.optim.Adadelta's documented algorithm."""
    params = _start()
    v = [np.zeros_like(p) for p in params]
    u = [np.zeros_like(p) for p in params]
    for step in range(STEPS):
        for i, g in enumerate(_grads(step)):
            g = -g if maximize else g
            g = g + weight_decay * params[i]
            v[i] = rho * v[i] + (1 - rho) * g * g
            delta = np.sqrt(u[i] + eps) / np.sqrt(v[i] + eps) * g
            u[i] = rho * u[i] + (1 - rho) * delta * delta
            params[i] = params[i] - lr * delta
    return params


def amsgrad_adam_reference(lr: float, maximize: bool = False, weight_decay: float = 0.0) -> list[np.ndarray]:
    """Adam with amsgrad (and L2 decay), written out."""
    b1, b2, eps = 0.9, 0.999, 1e-8
    params = _start()
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    vmax = [np.zeros_like(p) for p in params]
    for step in range(STEPS):
        t = step + 1
        for i, g in enumerate(_grads(step)):
            g = -g if maximize else g
            g = g + weight_decay * params[i]
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            vmax[i] = np.maximum(vmax[i], v[i])
            params[i] = params[i] - lr * (m[i] / (1 - b1**t)) / (np.sqrt(vmax[i] / (1 - b2**t)) + eps)
    return params


FORMULAS: list[tuple[str, Callable[[list[Any]], optim.Optimizer], Callable[[], list[np.ndarray]]]] = [
    ("SGD maximize", lambda ps: optim.SGD(ps, lr=0.05, momentum=0.9, maximize=True), lambda: _neg_sgd()),
    ("Adam amsgrad", lambda ps: optim.Adam(ps, lr=0.05, amsgrad=True), lambda: amsgrad_adam_reference(0.05)),
    (
        "Adam amsgrad maximize wd",
        lambda ps: optim.Adam(ps, lr=0.05, amsgrad=True, maximize=True, weight_decay=0.1),
        lambda: amsgrad_adam_reference(0.05, maximize=True, weight_decay=0.1),
    ),
    ("AdamW", lambda ps: optim.AdamW(ps, lr=0.05), lambda: adamw_reference(0.05)),
    (
        "AdamW wd amsgrad",
        lambda ps: optim.AdamW(ps, lr=0.05, weight_decay=0.3, amsgrad=True),
        lambda: adamw_reference(0.05, weight_decay=0.3, amsgrad=True),
    ),
    (
        "Adam decoupled = AdamW",
        lambda ps: optim.Adam(ps, lr=0.05, weight_decay=0.3, decoupled_weight_decay=True),
        lambda: adamw_reference(0.05, weight_decay=0.3),
    ),
    ("RMSprop", lambda ps: optim.RMSprop(ps), lambda: rmsprop_reference()),
    (
        "RMSprop momentum",
        lambda ps: optim.RMSprop(ps, lr=0.01, momentum=0.9, weight_decay=0.1),
        lambda: rmsprop_reference(lr=0.01, momentum=0.9, weight_decay=0.1),
    ),
    (
        "RMSprop centered",
        lambda ps: optim.RMSprop(ps, lr=0.01, alpha=0.9, centered=True, eps=1e-6),
        lambda: rmsprop_reference(lr=0.01, alpha=0.9, centered=True, eps=1e-6),
    ),
    (
        "RMSprop centered momentum maximize",
        lambda ps: optim.RMSprop(ps, lr=0.01, momentum=0.5, centered=True, maximize=True),
        lambda: rmsprop_reference(lr=0.01, momentum=0.5, centered=True, maximize=True),
    ),
    ("Adadelta", lambda ps: optim.Adadelta(ps), lambda: adadelta_reference()),
    (
        "Adadelta options",
        lambda ps: optim.Adadelta(ps, lr=0.5, rho=0.8, eps=1e-4, weight_decay=0.1, maximize=True),
        lambda: adadelta_reference(lr=0.5, rho=0.8, eps=1e-4, weight_decay=0.1, maximize=True),
    ),
]


def _neg_sgd() -> list[np.ndarray]:
    # maximize ascends: the same as descending on -g.
    params = _start()
    bufs: list[np.ndarray | None] = [None] * len(params)
    for step in range(STEPS):
        for i, g in enumerate(_grads(step)):
            g = -g
            buf = bufs[i]
            bufs[i] = buf = g.copy() if buf is None else 0.9 * buf + g
            params[i] = params[i] - 0.05 * buf
    return params


@pytest.mark.parametrize(("name", "make", "reference"), FORMULAS, ids=[f[0] for f in FORMULAS])
def test_every_optimizer_matches_its_formula(
    device: str, name: str, make: Callable[[list[Any]], optim.Optimizer], reference: Callable[[], list[np.ndarray]]
) -> None:
    ours = run_optimizer(make, device)
    for a, b in zip(ours, reference(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12, err_msg=name)


def test_defaults_are_pytorchs() -> None:
    w = [tt.ones(1, requires_grad=True)]
    assert optim.SGD(w).defaults == {
        "lr": 1e-3, "momentum": 0.0, "dampening": 0.0, "weight_decay": 0.0, "nesterov": False, "maximize": False,
    }  # fmt: skip
    assert optim.AdamW(w).defaults["weight_decay"] == 1e-2 and optim.AdamW(w).defaults["decoupled_weight_decay"]
    assert optim.Adam(w).defaults == {
        "lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "amsgrad": False, "maximize": False,
        "decoupled_weight_decay": False,
    }  # fmt: skip
    assert optim.RMSprop(w).defaults == {
        "lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0, "momentum": 0.0, "centered": False,
        "maximize": False,
    }  # fmt: skip
    assert optim.Adadelta(w).defaults == {"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0.0, "maximize": False}


# ------------------------------------------------------------------ parameter groups


def test_parameter_groups_take_their_own_options(device: str) -> None:
    a = tt.ones(2, device=device, requires_grad=True)
    b = tt.ones(2, device=device, requires_grad=True)
    opt = optim.SGD([{"params": [a]}, {"params": b, "lr": 0.5, "momentum": 0.9}], lr=0.1)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert [g["momentum"] for g in opt.param_groups] == [0.0, 0.9]
    assert opt.param_groups[1]["params"] == [b]  # a single tensor becomes a list
    for _ in range(2):
        a.grad = tt.ones(2, device=device)
        b.grad = tt.ones(2, device=device)
        opt.step()
    np.testing.assert_allclose(a.numpy(), [0.8, 0.8])
    np.testing.assert_allclose(b.numpy(), [1 - 0.5 - 0.5 * 1.9] * 2)
    # Groups are plain dicts: a schedule changes them in place between steps.
    opt.param_groups[0]["lr"] = 1.0
    a.grad = tt.ones(2, device=device)
    opt.step()
    np.testing.assert_allclose(a.numpy(), [-0.2, -0.2], rtol=1e-6)


def test_add_param_group_and_its_refusals() -> None:
    a, b, c = (tt.ones(1, requires_grad=True) for _ in range(3))
    opt = optim.Adam([a], lr=0.1)
    opt.add_param_group({"params": [b], "betas": (0.5, 0.9)})
    assert opt.param_groups[1]["betas"] == (0.5, 0.9) and opt.param_groups[1]["lr"] == 0.1
    assert opt.params == [a, b]
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        opt.add_param_group({"params": [a]})
    with pytest.raises(ValueError, match=re.escape("Adam: unknown option 'learning_rate' in parameter group 2")):
        opt.add_param_group({"params": [c], "learning_rate": 0.1})
    with pytest.raises(ValueError, match="Adam: parameter group 2 has no 'params'"):
        opt.add_param_group({"lr": 0.1})
    with pytest.raises(TypeError, match="Adam: parameter group 2 must be a dict, got list"):
        opt.add_param_group([c])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not a set"):
        opt.add_param_group({"params": {c}})
    with pytest.raises(ValueError, match=re.escape("Adam: invalid learning rate nan")):
        opt.add_param_group({"params": [c], "lr": math.nan})
    assert len(opt.param_groups) == 2  # nothing half-added
    with pytest.raises(TypeError, match="params must be an ordered collection"):
        optim.SGD({a, b}, lr=0.1)
    with pytest.raises(TypeError, match="got a dict"):
        optim.SGD({"params": [a]}, lr=0.1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda w: optim.SGD(w, lr=math.nan), "SGD: invalid learning rate nan (must be a finite number >= 0.0)"),
        (lambda w: optim.SGD(w, lr=math.inf), "SGD: invalid learning rate inf"),
        (lambda w: optim.SGD(w, lr=-0.1), "SGD: invalid learning rate -0.1"),
        (lambda w: optim.SGD(w, weight_decay=math.nan), "SGD: invalid weight_decay nan"),
        (lambda w: optim.SGD(w, dampening=-1.0), "SGD: invalid dampening -1.0"),
        (lambda w: optim.Adam(w, lr=math.nan), "Adam: invalid learning rate nan"),
        (lambda w: optim.Adam(w, betas=(-0.1, 0.9)), "Adam: invalid beta parameter at index 0 -0.1"),
        (lambda w: optim.AdamW(w, weight_decay=-1e-2), "AdamW: invalid weight_decay -0.01"),
        (lambda w: optim.RMSprop(w, alpha=-0.5), "RMSprop: invalid alpha -0.5"),
        (lambda w: optim.RMSprop(w, momentum=math.nan), "RMSprop: invalid momentum nan"),
        (lambda w: optim.RMSprop(w, eps=-1e-8), "RMSprop: invalid eps -1e-08"),
        (lambda w: optim.Adadelta(w, rho=1.5), "Adadelta: invalid rho 1.5 (must be a finite number in [0.0, 1.0])"),
        (lambda w: optim.Adadelta(w, lr=-1.0), "Adadelta: invalid learning rate -1.0"),
    ],
)
def test_hyperparameters_are_validated(make: Callable[[list[Any]], Any], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        make([tt.ones(1, requires_grad=True)])


def test_hyperparameter_types_are_checked() -> None:
    w = [tt.ones(1, requires_grad=True)]
    with pytest.raises(TypeError, match=re.escape("SGD: learning rate (lr) must be a number, got str")):
        optim.SGD(w, lr="0.1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="SGD: nesterov must be a bool, got int"):
        optim.SGD(w, momentum=0.9, nesterov=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Adam: betas must be a tuple of two numbers"):
        optim.Adam(w, betas=(0.9,))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"learning rate .* got bool"):
        optim.Adam(w, lr=True)


def test_lr_property_reads_and_sets_every_group() -> None:
    a, b = tt.ones(1, requires_grad=True), tt.ones(1, requires_grad=True)
    opt = optim.SGD([{"params": [a]}, {"params": [b]}], lr=0.1)
    assert opt.lr == 0.1
    opt.lr = 0.2
    assert [g["lr"] for g in opt.param_groups] == [0.2, 0.2]
    opt.param_groups[1]["lr"] = 0.3
    with pytest.raises(ValueError, match=re.escape("the parameter groups have different learning rates [0.2, 0.3]")):
        _ = opt.lr
    with pytest.raises(ValueError, match="invalid learning rate -1"):
        opt.lr = -1


def test_step_with_a_closure_returns_its_loss() -> None:
    w = tt.tensor([3.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    calls = []

    def closure() -> tt.Scalar:
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        calls.append(loss.item())
        return loss

    with tt.no_grad():  # the closure records its graph anyway, as in PyTorch
        assert opt.step(closure).item() == 9.0
    np.testing.assert_allclose(w.numpy(), [3.0 - 0.1 * 6.0])
    assert calls == [9.0]


def test_zero_grad_set_to_none_false_gives_fresh_zeros() -> None:
    a, b = tt.ones(2, requires_grad=True), tt.ones(2, requires_grad=True)
    shared = tt.full((2,), 5.0)
    a.grad, b.grad = shared, shared  # backward may hand two leaves one array
    optim.SGD([a], lr=0.1).zero_grad(set_to_none=False)
    assert a.grad is not None
    np.testing.assert_array_equal(a.grad.numpy(), [0.0, 0.0])
    assert b.grad is not None
    np.testing.assert_array_equal(b.grad.numpy(), [5.0, 5.0])  # the other leaf's gradient is untouched


def test_state_follows_a_module_moved_after_steps() -> None:
    fc = nn.Linear(2, 1, seed=0)
    opt = optim.Adam(fc.parameters(), lr=0.1)
    nn.mse_loss(fc(tt.ones(4, 2)), tt.zeros(4, 1)).backward()
    opt.step()
    fc.to("strict")
    opt.zero_grad()
    nn.mse_loss(fc(tt.ones(4, 2, device="strict")), tt.zeros(4, 1, device="strict")).backward()
    opt.step()
    assert opt.state[fc.weight]["exp_avg"].device == "strict"


# ------------------------------------------------------------------ state_dict


ALL_OPTIMIZERS: list[tuple[str, Callable[[Any], optim.Optimizer]]] = [
    ("SGD", lambda ps: optim.SGD(ps, lr=0.1)),
    ("SGD momentum nesterov", lambda ps: optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("Adam", lambda ps: optim.Adam(ps, lr=0.05)),
    ("Adam amsgrad", lambda ps: optim.Adam(ps, lr=0.05, amsgrad=True, weight_decay=0.1)),
    ("AdamW", lambda ps: optim.AdamW(ps, lr=0.05, betas=(0.8, 0.99))),
    ("RMSprop", lambda ps: optim.RMSprop(ps, lr=0.01)),
    ("RMSprop centered momentum", lambda ps: optim.RMSprop(ps, lr=0.01, momentum=0.9, centered=True)),
    ("Adadelta", lambda ps: optim.Adadelta(ps)),
]


def _two_groups(make: Callable[[Any], optim.Optimizer], params: list[Any]) -> optim.Optimizer:
    opt = make(params[:1])
    opt.add_param_group({"params": params[1:], "lr": opt.param_groups[0]["lr"] * 0.5})
    return opt


def _params(device: str) -> list[Any]:
    # float32, as the gradients `_steps` gives them (a gradient must have its tensor's dtype).
    return [tt.tensor(a.astype(np.float32), device=device, requires_grad=True) for a in _start()]


def _steps(opt: optim.Optimizer, params: list[Any], first: int, count: int, device: str) -> None:
    for step in range(first, first + count):
        for p, g in zip(params, _grads(step), strict=True):
            p.grad = tt.tensor(g.astype(np.float32), device=device)
        opt.step()


@pytest.mark.parametrize(("name", "make"), ALL_OPTIMIZERS, ids=[n for n, _ in ALL_OPTIMIZERS])
def test_state_dict_round_trip_continues_bit_identically(
    device: str, name: str, make: Callable[[Any], optim.Optimizer]
) -> None:
    straight = _params(device)
    opt = _two_groups(make, straight)
    _steps(opt, straight, 0, 7, device)

    resumed = _params(device)
    first = _two_groups(make, resumed)
    _steps(first, resumed, 0, 4, device)
    saved = first.state_dict()
    values = [p.numpy().copy() for p in resumed]
    # A fresh optimizer over fresh parameters holding the same values.
    fresh_params = [tt.tensor(v, device=device, requires_grad=True) for v in values]
    fresh = _two_groups(make, fresh_params)
    fresh.load_state_dict(saved)
    del first, saved
    _steps(fresh, fresh_params, 4, 3, device)
    for a, b in zip(straight, fresh_params, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=name)


def test_state_dict_layout_is_pytorchs() -> None:
    a, b = tt.ones(2, 3, requires_grad=True), tt.ones(3, requires_grad=True)
    opt = optim.Adam([{"params": [a]}, {"params": [b], "lr": 0.01}], lr=0.1, amsgrad=True)
    a.grad = tt.ones(2, 3)  # b has no gradient: no state for it
    opt.step()
    opt.step()
    sd = opt.state_dict()
    assert set(sd) == {"state", "param_groups"}
    assert list(sd["state"]) == [0]
    entry = sd["state"][0]
    assert entry["step"] == 2 and isinstance(entry["step"], int)
    assert sorted(entry) == ["exp_avg", "exp_avg_sq", "max_exp_avg_sq", "step"]
    assert all(isinstance(entry[k], tt.Tensor) and entry[k].shape == (2, 3) for k in entry if k != "step")
    assert not entry["exp_avg"].requires_grad
    assert sd["param_groups"] == [
        {"lr": 0.1, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "amsgrad": True, "maximize": False,
         "decoupled_weight_decay": False, "params": [0]},
        {"lr": 0.01, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "amsgrad": True, "maximize": False,
         "decoupled_weight_decay": False, "params": [1]},
    ]  # fmt: skip
    sd["param_groups"][0]["lr"] = 5.0  # a copy: the optimizer is unchanged
    assert opt.param_groups[0]["lr"] == 0.1
    sgd = optim.SGD([tt.ones(1, requires_grad=True)], lr=0.1)
    assert sgd.state_dict()["state"] == {}  # no momentum: no state at all, as PyTorch


def test_load_state_dict_accepts_a_json_round_trip_and_torch_style_values() -> None:
    # What a checkpoint format may hand back: string keys, lists for tuples, a 0-d tensor step.
    w = tt.ones(3, requires_grad=True)
    opt = optim.Adam([w], lr=0.1)
    w.grad = tt.ones(3)
    opt.step()
    sd = opt.state_dict()
    entry = dict(sd["state"][0])
    entry["step"] = tt.tensor(1.0)
    entry["exp_avg"] = tt.tensor(entry["exp_avg"].numpy(), dtype="float64")  # converted to the parameter's dtype
    mangled = {
        "state": {"0": entry},
        "param_groups": [{**sd["param_groups"][0], "betas": [0.9, 0.999], "foreach": None}],
    }
    fresh = optim.Adam([tt.ones(3, requires_grad=True)], lr=0.5)
    fresh.load_state_dict(mangled)
    (p,) = fresh.params
    assert fresh.param_groups[0]["betas"] == (0.9, 0.999) and fresh.param_groups[0]["lr"] == 0.1
    st = fresh.state[p]
    assert st["step"] == 1 and st["exp_avg"].numpy().dtype == np.float32
    assert not np.shares_memory(st["exp_avg_sq"].numpy(), sd["state"][0]["exp_avg_sq"].numpy())


def test_load_state_dict_moves_state_to_the_parameters_device() -> None:
    src = optim.RMSprop([tt.ones(2, requires_grad=True)], momentum=0.9)
    src.params[0].grad = tt.ones(2)
    src.step()
    dst_param = tt.ones(2, device="strict", requires_grad=True)
    dst = optim.RMSprop([dst_param], momentum=0.9)
    dst.load_state_dict(src.state_dict())
    assert {t.device for t in dst.state[dst_param].values() if isinstance(t, tt.Tensor)} == {"strict"}
    dst_param.grad = tt.ones(2, device="strict")
    dst.step()


def _snapshot(opt: optim.Optimizer) -> Any:
    groups = [{k: (list(v) if k == "params" else v) for k, v in g.items()} for g in opt.param_groups]
    state = {
        id(p): {k: (v.numpy().copy() if isinstance(v, tt.Tensor) else v) for k, v in s.items()}
        for p, s in opt.state.items()
    }
    return groups, state


BAD_STATES: list[tuple[str, Callable[[dict[str, Any]], Any], type[Exception], str]] = [
    ("not a dict", lambda sd: [sd], ValueError, "expected a dict with 'state' and 'param_groups'"),
    ("no groups", lambda sd: {"state": sd["state"]}, ValueError, "expected a dict with 'state' and 'param_groups'"),
    (
        "group count",
        lambda sd: {**sd, "param_groups": sd["param_groups"][:1]},
        ValueError,
        "the state has 1 parameter groups, the optimizer 2",
    ),
    (
        "param count",
        lambda sd: {**sd, "param_groups": [sd["param_groups"][0], {**sd["param_groups"][1], "params": [1]}]},
        ValueError,
        "group 1 has 1 parameters in the state, 2 in the optimizer",
    ),
    (
        "bad lr",
        lambda sd: {**sd, "param_groups": [{**sd["param_groups"][0], "lr": math.nan}, sd["param_groups"][1]]},
        ValueError,
        "group 0: Adam: invalid learning rate nan",
    ),
    (
        "missing option",
        lambda sd: {
            **sd,
            "param_groups": [{k: v for k, v in sd["param_groups"][0].items() if k != "eps"}, sd["param_groups"][1]],
        },
        ValueError,
        "group 0 has no 'eps'",
    ),
    (
        "state shape",
        lambda sd: {**sd, "state": {**sd["state"], 2: {**sd["state"][2], "exp_avg": tt.zeros(5)}}},
        tt.ShapeError,
        "state 'exp_avg' of parameter 2 has shape (5,), but the parameter has (4,)",
    ),
    (
        "missing state",
        lambda sd: {**sd, "state": {**sd["state"], 0: {k: v for k, v in sd["state"][0].items() if k != "exp_avg_sq"}}},
        ValueError,
        "the state of parameter 0 has no 'exp_avg_sq'",
    ),
    (
        "unknown state",
        lambda sd: {**sd, "state": {**sd["state"], 0: {**sd["state"][0], "momentum_buffer": tt.zeros(3, 2)}}},
        ValueError,
        "unexpected state 'momentum_buffer' for parameter 0",
    ),
    (
        "unknown index",
        lambda sd: {**sd, "state": {**sd["state"], 7: {}}},
        ValueError,
        "state for parameter 7, which is in no parameter group",
    ),
    (
        "bad step",
        lambda sd: {**sd, "state": {**sd["state"], 0: {**sd["state"][0], "step": -1}}},
        ValueError,
        "'step' of parameter 0 must be a whole number >= 0, got -1",
    ),
    (
        "duplicate index",
        lambda sd: {**sd, "param_groups": [sd["param_groups"][0], {**sd["param_groups"][1], "params": [0, 2]}]},
        ValueError,
        "parameter index 0 appears twice",
    ),
]


@pytest.mark.parametrize(("name", "mangle", "error", "message"), BAD_STATES, ids=[b[0] for b in BAD_STATES])
def test_load_state_dict_refusals_change_nothing(
    name: str, mangle: Callable[[dict[str, Any]], Any], error: type[Exception], message: str
) -> None:
    params = _params("cpu")
    opt = optim.Adam([{"params": params[:1]}, {"params": [*params[1:], tt.ones(4, requires_grad=True)]}], lr=0.1)
    for p in opt.params:
        p.grad = tt.ones(*p.shape)
    opt.step()
    good = opt.state_dict()
    target_params = _params("cpu")
    target = optim.Adam(
        [{"params": target_params[:1]}, {"params": [*target_params[1:], tt.ones(4, requires_grad=True)]}], lr=0.3
    )
    for p in target.params:
        p.grad = tt.ones(*p.shape)
    target.step()
    target.step()
    before = _snapshot(target)
    with pytest.raises(error, match=re.escape(message)):
        target.load_state_dict(mangle(good))
    after = _snapshot(target)
    assert after[0] == before[0]
    assert after[1].keys() == before[1].keys()
    for key, entry in before[1].items():
        for k, v in entry.items():
            np.testing.assert_array_equal(after[1][key][k], v)


# ------------------------------------------------------------ writing your own optimizer


class _PrivateSignSGD(optim.Optimizer):
    """A custom optimizer on today's API: per-parameter state through ``self.state``."""

    def __init__(self, params: Any, lr: float = 0.1) -> None:
        super().__init__(params, {"lr": lr})

    def step(self, closure: Any = None) -> Any:
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                st = self.state[p]
                st["count"] = st.get("count", 0) + 1
                xp = p._backend.xp
                p._data -= group["lr"] * xp.sign(p._grad)
        return None


def test_a_custom_optimizer_gets_groups_state_and_checkpoints(device: str) -> None:
    w = tt.tensor([1.0, -2.0], device=device, requires_grad=True)
    opt = _PrivateSignSGD([w], lr=0.25)
    w.grad = tt.tensor([3.0, -0.5], device=device)
    opt.step()
    np.testing.assert_allclose(w.numpy(), [0.75, -1.75])
    sd = opt.state_dict()
    assert sd == {"state": {0: {"count": 1}}, "param_groups": [{"lr": 0.25, "params": [0]}]}
    other = _PrivateSignSGD([tt.zeros(2, device=device, requires_grad=True)])
    other.load_state_dict(sd)
    assert other.param_groups[0]["lr"] == 0.25 and list(other.state.values()) == [{"count": 1}]
    with pytest.raises(NotImplementedError, match="Optimizer must implement step"):
        optim.Optimizer([w], {"lr": 0.1}).step()


def test_custom_optimizer_with_the_public_in_place_api(device: str) -> None:
    """The documented way (optim/_optimizer.py): in-place ops under no_grad, on every device."""

    class DecayedSGD(optim.Optimizer):
        def __init__(self, params: Any, lr: float = 0.01, weight_decay: float = 0.0) -> None:
            super().__init__(params, {"lr": lr, "weight_decay": weight_decay})

        def step(self, closure: Any = None) -> Any:
            with tt.no_grad():
                for group in self.param_groups:
                    for p in group["params"]:
                        if p.grad is not None:
                            p.mul_(1 - group["lr"] * group["weight_decay"])
                            p -= group["lr"] * p.grad
            return None

    w = tt.tensor([1.0, -2.0], device=device, requires_grad=True)
    opt = DecayedSGD([w], lr=0.25, weight_decay=0.4)
    before = w._data
    w.grad = tt.tensor([3.0, -0.5], device=device)
    opt.step()
    assert w._data is before  # updated in place, not rebound
    assert w.requires_grad and w._node is None  # still a leaf
    np.testing.assert_allclose(w.numpy(), [0.9 - 0.75, -1.8 + 0.125], rtol=1e-6)  # float32


# ------------------------------------------------------------ against torch, 200 steps


TORCH_RUNS: list[tuple[str, dict[str, Any]]] = [
    ("SGD", {"lr": 0.01}),
    ("SGD", {"lr": 0.01, "momentum": 0.9, "dampening": 0.1, "weight_decay": 1e-3}),
    ("SGD", {"lr": 0.01, "momentum": 0.9, "nesterov": True, "maximize": True}),
    ("Adam", {"lr": 0.01, "weight_decay": 1e-3}),
    ("Adam", {"lr": 0.01, "betas": (0.8, 0.95), "amsgrad": True, "maximize": True}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
    ("RMSprop", {}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5, "centered": True, "weight_decay": 1e-3}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.95, "weight_decay": 1e-3, "maximize": True}),
]
TORCH_SHAPES = [(8, 4), (4,), (5, 5)]


def _torch_vs_ours(name: str, kw: dict[str, Any], dtype: str, steps: int = 200) -> float:
    """Worst relative parameter difference after ``steps`` steps from the same init.

    Each step's gradient is that of ``sum(A * p**2 / 2 + b * p)``, ``A * p + b``, with a
    fresh random ``(A, b)`` per step, evaluated at each side's own parameters: the data
    are identical, and any difference in the updates compounds as in training. The
    difference is measured per tensor, relative to its largest magnitude.
    """
    torch = pytest.importorskip("torch")
    r = np.random.default_rng(0)
    init = [r.standard_normal(s).astype(dtype) for s in TORCH_SHAPES]
    ours = [tt.tensor(a, dtype=dtype, requires_grad=True) for a in init]
    theirs = [torch.tensor(a, requires_grad=True) for a in init]
    opt = getattr(optim, name)(ours, **kw)
    opt_t = getattr(torch.optim, name)(theirs, **kw)
    for step in range(steps):
        d = np.random.default_rng(1000 + step)
        for p, p_t, s in zip(ours, theirs, TORCH_SHAPES, strict=True):
            a, b = d.uniform(0.1, 2.0, s).astype(dtype), d.standard_normal(s).astype(dtype)
            p.grad = tt.tensor(a * p.numpy() + b, dtype=dtype)
            p_t.grad = torch.tensor(a * p_t.detach().numpy() + b)
        opt.step()
        opt_t.step()
    worst = 0.0
    for x, y in zip(ours, theirs, strict=True):
        u, v = x.numpy().astype(np.float64), y.detach().numpy().astype(np.float64)
        worst = max(worst, float(np.max(np.abs(u - v)) / np.max(np.abs(v))))
    return worst


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize(("name", "kw"), TORCH_RUNS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(TORCH_RUNS)])
def test_against_torch_200_steps(name: str, kw: dict[str, Any], dtype: str) -> None:
    worst = _torch_vs_ours(name, kw, dtype)
    print(f"\n{name} {kw} {dtype}: worst relative parameter difference after 200 steps {worst:.2e}")
    assert worst < (1e-12 if dtype == "float64" else 1e-5), worst
