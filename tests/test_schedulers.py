"""``optim.lr_scheduler``: each scheduler against its closed form, against PyTorch over 200
steps, its checkpoint round trip, and its refusals."""

from __future__ import annotations

import math
import re
import warnings
from bisect import bisect_right
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import typedtorch as tt
from typedtorch import optim
from typedtorch.optim import lr_scheduler as S

STEPS = 200
BASE = [0.1, 0.02]  # two parameter groups with different rates


def make_opt(kind: str = "SGD") -> optim.Optimizer:
    a, b = tt.ones(2, requires_grad=True), tt.ones(3, requires_grad=True)
    groups: list[Any] = [{"params": [a], "lr": BASE[0]}, {"params": [b], "lr": BASE[1]}]
    if kind == "Adam":
        return optim.Adam(groups)
    return optim.SGD(groups, momentum=0.9)


def rates(sched: S.LRScheduler, steps: int = STEPS) -> list[list[float]]:
    out = []
    for _ in range(steps):
        out.append(sched.get_last_lr())
        sched.optimizer.step()
        sched.step()
    return out


CLOSED_FORMS: list[tuple[str, Callable[[optim.Optimizer], S.LRScheduler], Callable[[float, int], float]]] = [
    ("StepLR", lambda o: S.StepLR(o, step_size=7, gamma=0.7), lambda b, e: b * 0.7 ** (e // 7)),
    (
        "MultiStepLR",
        lambda o: S.MultiStepLR(o, milestones=[10, 50, 50, 120], gamma=0.3),
        lambda b, e: b * 0.3 ** bisect_right([10, 50, 50, 120], e),
    ),
    ("ExponentialLR", lambda o: S.ExponentialLR(o, gamma=0.98), lambda b, e: b * 0.98**e),
    (
        "CosineAnnealingLR",
        lambda o: S.CosineAnnealingLR(o, T_max=30, eta_min=1e-3),
        lambda b, e: 1e-3 + (b - 1e-3) * (1 + math.cos(math.pi * e / 30)) / 2,
    ),
    ("LambdaLR", lambda o: S.LambdaLR(o, lambda e: 1 / (1 + 0.1 * e)), lambda b, e: b / (1 + 0.1 * e)),
]


@pytest.mark.parametrize(("name", "make", "closed"), CLOSED_FORMS, ids=[c[0] for c in CLOSED_FORMS])
def test_schedulers_follow_their_closed_forms(
    name: str, make: Callable[[optim.Optimizer], S.LRScheduler], closed: Callable[[float, int], float]
) -> None:
    opt = make_opt()
    got = rates(make(opt))
    for epoch, row in enumerate(got):
        for base, lr in zip(BASE, row, strict=True):
            # The recursive forms PyTorch uses drift from the closed forms by rounding only.
            assert lr == pytest.approx(closed(base, epoch), rel=1e-9, abs=1e-15), (name, epoch)
    assert [g["lr"] for g in opt.param_groups] == rates(make(make_opt()), STEPS + 1)[-1]


def one_cycle_closed(step: int, total: int, max_lr: float, pct: float = 0.3, div: float = 25.0) -> tuple[float, float]:
    """Smith's 1cycle: (lr, momentum) at ``step``, cosine annealing, two phases."""
    initial, final = max_lr / div, max_lr / div / 1e4
    up = pct * total - 1
    if step <= up:
        f = step / up
        start, end, m0, m1 = initial, max_lr, 0.95, 0.85
    else:
        f = (step - up) / (total - 1 - up)
        start, end, m0, m1 = max_lr, final, 0.85, 0.95
    cos = (math.cos(math.pi * f) + 1) / 2
    return end + (start - end) * cos, m1 + (m0 - m1) * cos


@pytest.mark.parametrize("kind", ["SGD", "Adam"])
def test_one_cycle_follows_its_closed_form_and_cycles_momentum(kind: str) -> None:
    opt = make_opt(kind)
    sched = S.OneCycleLR(opt, max_lr=[1.0, 0.5], total_steps=STEPS)
    for step in range(STEPS):
        for i, max_lr in enumerate((1.0, 0.5)):
            lr, momentum = one_cycle_closed(step, STEPS, max_lr)
            group = opt.param_groups[i]
            assert group["lr"] == pytest.approx(lr, rel=1e-12)
            got_m = group["betas"][0] if kind == "Adam" else group["momentum"]
            assert got_m == pytest.approx(momentum, rel=1e-12)
        if kind == "Adam":
            assert opt.param_groups[0]["betas"][1] == 0.999
        opt.step()
        if step < STEPS - 1:
            sched.step()
    sched.step()  # step 200 of 200 is allowed (as PyTorch), the next is not
    with pytest.raises(ValueError, match="OneCycleLR: tried to step 201 times; total_steps is 200"):
        sched.step()


# ------------------------------------------------------------------------- torch


TORCH_CASES: list[tuple[str, dict[str, Any]]] = [
    ("StepLR", {"step_size": 7, "gamma": 0.7}),
    ("MultiStepLR", {"milestones": [10, 50, 50, 120], "gamma": 0.3}),
    ("ExponentialLR", {"gamma": 0.97}),
    ("CosineAnnealingLR", {"T_max": 30, "eta_min": 0.001}),
    ("CosineAnnealingLR", {"T_max": 200}),
    ("OneCycleLR", {"max_lr": 1.0, "total_steps": 201}),
    (
        "OneCycleLR",
        {"max_lr": [1.0, 0.3], "epochs": 4, "steps_per_epoch": 51, "three_phase": True, "anneal_strategy": "linear"},
    ),
    ("LambdaLR", {"lr_lambda": lambda e: 0.95**e}),
]


@pytest.mark.parametrize("kind", ["SGD", "Adam"])
@pytest.mark.parametrize(("name", "kw"), TORCH_CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(TORCH_CASES)])
def test_against_torch_200_steps(name: str, kw: dict[str, Any], kind: str) -> None:
    torch = pytest.importorskip("torch")
    ps = [torch.zeros(2, requires_grad=True), torch.zeros(3, requires_grad=True)]
    groups_t = [{"params": [ps[0]], "lr": BASE[0]}, {"params": [ps[1]], "lr": BASE[1]}]
    opt_t = torch.optim.Adam(groups_t) if kind == "Adam" else torch.optim.SGD(groups_t, momentum=0.9)
    sched_t = getattr(torch.optim.lr_scheduler, name)(opt_t, **kw)
    opt = make_opt(kind)
    sched = getattr(S, name)(opt, **kw)
    key = "betas" if kind == "Adam" else "momentum"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(STEPS):
            assert sched.get_last_lr() == sched_t.get_last_lr()  # exactly: the same arithmetic
            assert [g["lr"] for g in opt.param_groups] == [g["lr"] for g in opt_t.param_groups]
            assert [g[key] for g in opt.param_groups] == [g[key] for g in opt_t.param_groups]
            opt_t.step()
            opt.step()
            sched_t.step()
            sched.step()


# -------------------------------------------------------------------- checkpoints


RESUMABLE: list[tuple[str, Callable[[optim.Optimizer], S.LRScheduler]]] = [
    ("StepLR", lambda o: S.StepLR(o, 5, 0.5)),
    ("MultiStepLR", lambda o: S.MultiStepLR(o, [3, 9, 9], 0.1)),
    ("ExponentialLR", lambda o: S.ExponentialLR(o, 0.9)),
    ("CosineAnnealingLR", lambda o: S.CosineAnnealingLR(o, 7, 0.001)),
    ("OneCycleLR", lambda o: S.OneCycleLR(o, 0.5, total_steps=30)),
    ("LambdaLR", lambda o: S.LambdaLR(o, [lambda e: 0.9**e, lambda e: 1.0 / (e + 1)])),
]


def _train(opt: optim.Optimizer, sched: S.LRScheduler, first: int, count: int) -> list[list[float]]:
    seen = []
    for step in range(first, first + count):
        for i, p in enumerate(opt.params):
            p.grad = tt.tensor(np.random.default_rng(step * 10 + i).standard_normal(p.shape).astype(np.float32))
        opt.step()
        sched.step()
        seen.append(sched.get_last_lr())
    return seen


@pytest.mark.parametrize(("name", "make"), RESUMABLE, ids=[r[0] for r in RESUMABLE])
def test_state_dict_round_trip_continues_bit_identically(
    name: str, make: Callable[[optim.Optimizer], S.LRScheduler]
) -> None:
    opt = make_opt("Adam")
    sched = make(opt)
    straight = _train(opt, sched, 0, 25)

    first_opt = make_opt("Adam")
    first = make(first_opt)
    head = _train(first_opt, first, 0, 12)
    saved_opt, saved_sched = first_opt.state_dict(), first.state_dict()
    values = [p.numpy().copy() for p in first_opt.params]
    # As after a restart: new objects, the scheduler created before the optimizer's state is loaded.
    fresh_opt = make_opt("Adam")
    for p, v in zip(fresh_opt.params, values, strict=True):
        p._data[...] = v
    fresh = make(fresh_opt)
    fresh_opt.load_state_dict(saved_opt)
    fresh.load_state_dict(saved_sched)
    tail = _train(fresh_opt, fresh, 12, 13)
    assert head + tail == straight
    for a, b in zip(opt.params, fresh_opt.params, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_state_dict_holds_numbers_and_lists_only() -> None:
    import json

    opt = make_opt()
    for sched in (S.MultiStepLR(opt, [2, 4]), S.OneCycleLR(opt, 0.1, total_steps=10), S.LambdaLR(opt, lambda e: 1.0)):
        state = sched.state_dict()
        assert json.loads(json.dumps(state)) == state  # survives a JSON metadata round trip
        assert "optimizer" not in state
    multi = S.MultiStepLR(make_opt(), [2, 4, 4])
    assert multi.state_dict()["milestones"] == [2, 4, 4]


def test_load_state_dict_refusals_change_nothing() -> None:
    opt = make_opt()
    sched = S.StepLR(opt, 3, 0.5)
    _train(opt, sched, 0, 4)
    good = sched.state_dict()
    before = dict(vars(sched))
    bad_cases: list[tuple[Any, str]] = [
        ({k: v for k, v in good.items() if k != "last_epoch"}, "missing ['last_epoch']"),
        ({**good, "verbose": False}, "unexpected ['verbose']"),
        ({**good, "base_lrs": [0.1]}, "'base_lrs' must be a list of 2 numbers"),
        ({**good, "last_epoch": "3"}, "'last_epoch' must be an int"),
        ({**good, "gamma": "half"}, "'gamma' must be like 0.5, got 'half'"),
    ]
    for bad, message in bad_cases:
        with pytest.raises(ValueError, match=re.escape(message)):
            sched.load_state_dict(bad)
        assert vars(sched) == before
    with pytest.raises(TypeError, match="expected a dict, got list"):
        sched.load_state_dict([])  # type: ignore[arg-type]


def test_get_last_lr_is_a_copy() -> None:
    sched = S.ExponentialLR(make_opt(), 0.5)
    sched.get_last_lr()[0] = 99.0
    assert sched.get_last_lr() == BASE


def test_refusals() -> None:
    opt = make_opt()
    with pytest.raises(TypeError, match="StepLR: list is not an Optimizer"):
        S.StepLR([], 3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="StepLR: step_size must be a positive int, got 0"):
        S.StepLR(opt, 0)
    with pytest.raises(ValueError, match="ExponentialLR: gamma must be a finite number, got nan"):
        S.ExponentialLR(opt, math.nan)
    with pytest.raises(ValueError, match="CosineAnnealingLR: T_max must be a positive int"):
        S.CosineAnnealingLR(opt, 0)
    with pytest.raises(TypeError, match="MultiStepLR: milestones must be ints"):
        S.MultiStepLR(opt, [1.5])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="LambdaLR: expected 2 lr_lambdas"):
        S.LambdaLR(opt, [lambda e: 1.0])
    with pytest.raises(TypeError, match="LambdaLR: lr_lambda must be callable"):
        S.LambdaLR(opt, 0.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="OneCycleLR: give total_steps, or epochs and steps_per_epoch"):
        S.OneCycleLR(opt, 0.1)
    with pytest.raises(ValueError, match="OneCycleLR: pct_start must be a float in"):
        S.OneCycleLR(opt, 0.1, total_steps=10, pct_start=1)
    with pytest.raises(ValueError, match="OneCycleLR: expected 2 values for max_lr"):
        S.OneCycleLR(opt, [0.1, 0.2, 0.3], total_steps=10)
    with pytest.raises(ValueError, match="cycle_momentum needs an optimizer with momentum or betas"):
        S.OneCycleLR(optim.Adadelta([tt.ones(1, requires_grad=True)]), 0.1, total_steps=10)
    S.OneCycleLR(optim.Adadelta([tt.ones(1, requires_grad=True)]), 0.1, total_steps=10, cycle_momentum=False)
    with pytest.raises(KeyError, match=re.escape("param_groups[0] has no 'initial_lr'")):
        S.StepLR(make_opt(), 3, last_epoch=5)


def test_resuming_with_last_epoch_uses_initial_lr() -> None:
    opt = make_opt()
    S.StepLR(opt, 2, 0.5)  # records initial_lr
    opt.param_groups[0]["lr"] = 0.025  # as if 4 epochs had passed
    opt.param_groups[1]["lr"] = 0.005
    resumed = S.StepLR(opt, 2, 0.5, last_epoch=3)
    assert resumed.base_lrs == BASE
    assert resumed.get_last_lr() == [0.0125, 0.0025]  # epoch 4 is a step boundary
