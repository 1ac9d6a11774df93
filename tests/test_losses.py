"""Every loss and reduction: values against written-out references, gradients against finite
differences (cpu and strict), and against PyTorch when it is installed; every refusal's text.

References are plain numpy in float64, written from PyTorch's documented formulas (not
from typedtorch's kernels). Gradient checks use ``check_grad`` from ``test_nn_grad``:
central differences of ``sum(loss * W)`` through typedtorch's own forward pass.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_nn_grad import check_grad

import typedtorch as tt
import typedtorch.nn.functional as F
from typedtorch import nn

AnyTensor = tt.Tensor[*tuple[Any, ...]]
REDUCTIONS = ["mean", "sum", "none"]


def rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def t64(a: Any, device: str = "cpu", **kw: Any) -> AnyTensor:
    return tt.tensor(np.asarray(a, dtype=np.float64), dtype="float64", device=device, **kw)


def reduce(per: np.ndarray, reduction: str, denom: float | None = None) -> np.ndarray:
    if reduction == "none":
        return per
    if reduction == "sum":
        return np.asarray(per.sum())
    return np.asarray(per.sum() / (per.size if denom is None else denom))


# ------------------------------------------------------------------ pointwise references


def ref_mse(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    return (x - t) ** 2


def ref_l1(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    return np.abs(x - t)


def ref_smooth_l1(x: np.ndarray, t: np.ndarray, beta: float = 1.0) -> np.ndarray:
    d = np.abs(x - t)
    return np.where(d < beta, 0.5 * d**2 / beta, d - 0.5 * beta)


def ref_huber(x: np.ndarray, t: np.ndarray, delta: float = 1.0) -> np.ndarray:
    d = np.abs(x - t)
    return np.where(d < delta, 0.5 * d**2, delta * (d - 0.5 * delta))


def ref_bce(p: np.ndarray, t: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
    with np.errstate(divide="ignore"):
        per = -(t * np.maximum(np.log(p), -100) + (1 - t) * np.maximum(np.log(1 - p), -100))
    return per if w is None else per * w


def ref_bce_logits(
    x: np.ndarray, t: np.ndarray, w: np.ndarray | None = None, pw: np.ndarray | None = None
) -> np.ndarray:
    # -[pw t log s(x) + (1 - t) log(1 - s(x))], with log s(x) = -log(1 + exp(-x)) computed stably.
    log_s = -np.logaddexp(0.0, -x)
    log_1ms = -np.logaddexp(0.0, x)
    per = -((1.0 if pw is None else pw) * t * log_s + (1 - t) * log_1ms)
    return per if w is None else per * w


POINTWISE: dict[str, tuple[Callable[..., Any], Callable[..., np.ndarray], dict[str, Any]]] = {
    "mse_loss": (nn.mse_loss, ref_mse, {}),
    "l1_loss": (nn.l1_loss, ref_l1, {}),
    "smooth_l1_loss": (nn.smooth_l1_loss, ref_smooth_l1, {}),
    "smooth_l1_loss beta=0.3": (nn.smooth_l1_loss, ref_smooth_l1, {"beta": 0.3}),
    "huber_loss": (nn.huber_loss, ref_huber, {}),
    "huber_loss delta=0.4": (nn.huber_loss, ref_huber, {"delta": 0.4}),
    "binary_cross_entropy_with_logits": (nn.binary_cross_entropy_with_logits, ref_bce_logits, {}),
}


def pointwise_inputs(name: str, shape: tuple[int, ...], seed: int) -> tuple[np.ndarray, np.ndarray]:
    r = rng(seed)
    if name.startswith("binary"):
        return r.standard_normal(shape) * 3, r.uniform(0, 1, shape)
    # Differences kept away from the kinks (|d| = 0, beta, delta), where a difference quotient is meaningless.
    x = r.standard_normal(shape) * 2
    d = r.choice([-1.0, 1.0], shape) * r.choice([0.1, 0.25, 0.7, 1.6, 2.5], shape) + r.uniform(-0.02, 0.02, shape)
    return x, x - d


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", list(POINTWISE))
def test_pointwise_values(device: str, name: str, reduction: str) -> None:
    fn, ref, kw = POINTWISE[name]
    x, t = pointwise_inputs(name, (3, 4), 0)
    out = fn(t64(x, device), t64(t, device), reduction=reduction, **kw)
    expected = reduce(ref(x, t, **kw), reduction)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", list(POINTWISE))
def test_pointwise_gradients(device: str, name: str, reduction: str) -> None:
    fn, _, kw = POINTWISE[name]
    x, t = pointwise_inputs(name, (2, 3), 1)
    check_grad(lambda a, b: fn(a, b, reduction=reduction, **kw), x, t, device=device)
    check_grad(lambda a, b: fn(a, b, reduction=reduction, **kw), x, t, device=device, needs=(True, False))


@given(shape=st.lists(st.integers(1, 4), min_size=0, max_size=3).map(tuple), seed=st.integers(0, 99))
def test_pointwise_gradients_any_shape(shape: tuple[int, ...], seed: int) -> None:
    for name in ("l1_loss", "huber_loss", "binary_cross_entropy_with_logits"):
        fn, _, kw = POINTWISE[name]
        x, t = pointwise_inputs(name, shape, seed)
        check_grad(lambda a, b, fn=fn, kw=kw: fn(a, b, **kw), x, t, device="cpu")


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_values_and_gradients(device: str, reduction: str) -> None:
    r = rng(2)
    p, t, w = r.uniform(0.05, 0.95, (3, 4)), r.uniform(0, 1, (3, 4)), r.uniform(0.5, 2, (4,))
    out = nn.binary_cross_entropy(t64(p, device), t64(t, device), reduction=reduction)
    np.testing.assert_allclose(out.numpy(), reduce(ref_bce(p, t), reduction), rtol=1e-12)
    weighted = nn.binary_cross_entropy(t64(p, device), t64(t, device), t64(w, device), reduction=reduction)
    np.testing.assert_allclose(weighted.numpy(), reduce(ref_bce(p, t, w), reduction), rtol=1e-12)
    wt = t64(w, device)
    check_grad(lambda a, b: nn.binary_cross_entropy(a, b, wt, reduction=reduction), p, t, device=device)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits_weights(device: str, reduction: str) -> None:
    r = rng(3)
    x, t = r.standard_normal((3, 4)) * 3, r.uniform(0, 1, (3, 4))
    w, pw = r.uniform(0.5, 2, (3, 4)), r.uniform(0.5, 3, (4,))
    out = nn.binary_cross_entropy_with_logits(
        t64(x, device), t64(t, device), t64(w, device), reduction=reduction, pos_weight=t64(pw, device)
    )
    np.testing.assert_allclose(out.numpy(), reduce(ref_bce_logits(x, t, w, pw), reduction), rtol=1e-12)
    wt, pwt = t64(w, device), t64(pw, device)
    check_grad(
        lambda a, b: nn.binary_cross_entropy_with_logits(a, b, wt, reduction=reduction, pos_weight=pwt),
        x,
        t,
        device=device,
    )


def test_bce_with_logits_is_stable_for_huge_logits(device: str) -> None:
    x = t64([1e4, -1e4, 30.0, -30.0, 0.0], device, requires_grad=True)
    t = t64([0.0, 1.0, 1.0, 0.0, 1.0], device)
    loss = nn.binary_cross_entropy_with_logits(x, t, reduction="none")
    np.testing.assert_allclose(
        loss.numpy(), [1e4, 1e4, math.log1p(math.exp(-30)), math.log1p(math.exp(-30)), math.log(2)]
    )
    loss.sum().backward()
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), [1.0, -1.0, -1 / (1 + math.exp(30)), 1 / (1 + math.exp(30)), -0.5])


# ---------------------------------------------------------------- class-index references


def ref_class_loss(
    z: np.ndarray,
    y: np.ndarray,
    weight: np.ndarray | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
    log_probs: bool = False,
) -> np.ndarray:
    """PyTorch's cross_entropy/nll_loss written out with a loop over positions."""
    if z.ndim == 1:
        z, y = z[None], np.asarray(y)[None]
        squeeze = True
    else:
        squeeze = False
    c = z.shape[1]
    rows = np.moveaxis(z, 1, -1).reshape(-1, c)
    labels = y.reshape(-1)
    w = np.ones(c) if weight is None else weight
    per = np.zeros(len(labels))
    denom = 0.0
    for i, (row, lab) in enumerate(zip(rows, labels, strict=True)):
        if lab == ignore_index:
            continue
        logp = row if log_probs else row - row.max() - np.log(np.exp(row - row.max()).sum())
        per[i] = (1 - label_smoothing) * -w[lab] * logp[lab] - label_smoothing / c * (w * logp).sum()
        denom += w[lab]
    if reduction == "none":
        out = per.reshape(y.shape)
        return out[0] if squeeze else out
    if reduction == "sum":
        return np.asarray(per.sum())
    return np.asarray(per.sum() / denom)


LAYOUTS = {
    "(N, C)": ((5, 4), (5,)),
    "(N, C, d1)": ((3, 4, 2), (3, 2)),
    "(N, C, d1, d2)": ((2, 3, 2, 3), (2, 2, 3)),
    "(C,)": ((4,), ()),
}
OPTIONS = {
    "plain": {},
    "weight": {"weight": True},
    "ignore_index": {"ignore_index": 1},
    "weight+ignore": {"weight": True, "ignore_index": 0},
    "smoothing": {"label_smoothing": 0.2},
    "all": {"weight": True, "ignore_index": 2, "label_smoothing": 0.1},
}


def class_case(layout: str, seed: int, log_probs: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    zs, ys = LAYOUTS[layout]
    r = rng(seed)
    c = zs[1] if len(zs) > 1 else zs[0]
    z = r.standard_normal(zs) * 2
    if log_probs:  # log-probabilities along the class dim
        axis = 1 if len(zs) > 1 else 0
        z = z - np.log(np.exp(z).sum(axis=axis, keepdims=True))
    y = r.integers(0, c, ys)
    return z, y, r.uniform(0.5, 2.0, c)


def class_kwargs(option: str, w: np.ndarray, device: str, log_probs: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    opts = dict(OPTIONS[option])
    if log_probs:
        opts.pop("label_smoothing", None)
    ours: dict[str, Any] = {k: v for k, v in opts.items() if k != "weight"}
    ref: dict[str, Any] = dict(ours)
    if opts.get("weight"):
        ours["weight"] = t64(w, device)
        ref["weight"] = w
    return ours, ref


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("option", list(OPTIONS))
@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("kind", ["cross_entropy", "nll_loss"])
def test_class_losses_values_and_gradients(device: str, kind: str, layout: str, option: str, reduction: str) -> None:
    log_probs = kind == "nll_loss"
    if log_probs and option == "smoothing":
        pytest.skip("nll_loss has no label_smoothing")
    z, y, w = class_case(layout, 4, log_probs)
    ours, ref = class_kwargs(option, w, device, log_probs)
    if y.ndim == 0 and y == ours.get("ignore_index"):  # one sample, ignored: nan (tested on its own below)
        y = (y + 1) % z.shape[0]
    fn = nn.nll_loss if log_probs else nn.cross_entropy
    labels = tt.tensor(y, device=device)
    out = fn(t64(z, device), labels, reduction=reduction, **ours)
    expected = ref_class_loss(z, y, reduction=reduction, log_probs=log_probs, **ref)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12, atol=1e-14)
    # Finite differences for one layout per option and reduction (every layout is covered
    # across the grid; the layout only moves the class dim, which the values above check).
    layouts, options = list(LAYOUTS), list(OPTIONS)
    if layouts.index(layout) == (options.index(option) + REDUCTIONS.index(reduction)) % len(layouts):
        check_grad(lambda a: fn(a, labels, reduction=reduction, **ours), z, device=device)


def test_cross_entropy_equals_nll_of_log_softmax(device: str) -> None:
    z, y, w = class_case("(N, C, d1)", 5)
    logits, labels = t64(z, device), tt.tensor(y, device=device)
    a = nn.cross_entropy(logits, labels, t64(w, device), reduction="none")
    b = nn.nll_loss(logits.log_softmax(dim=1), labels, t64(w, device), reduction="none")
    np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12)


def test_cross_entropy_module_forms_match_the_functions(device: str) -> None:
    z, y, w = class_case("(N, C)", 6)
    logits, labels, weight = t64(z, device), tt.tensor(y, device=device), t64(w, device)
    for reduction in REDUCTIONS:
        kw: dict[str, Any] = {"ignore_index": 1, "reduction": reduction}
        np.testing.assert_array_equal(
            nn.CrossEntropyLoss(weight, label_smoothing=0.1, **kw)(logits, labels).numpy(),
            nn.cross_entropy(logits, labels, weight, label_smoothing=0.1, **kw).numpy(),
        )
        np.testing.assert_array_equal(
            nn.NLLLoss(weight, **kw)(logits, labels).numpy(), nn.nll_loss(logits, labels, weight, **kw).numpy()
        )


def test_pointwise_module_forms_match_the_functions(device: str) -> None:
    x, t = (t64(a, device) for a in pointwise_inputs("mse_loss", (3, 2), 7))
    p = t64(rng(7).uniform(0.1, 0.9, (3, 2)), device)
    target01 = t64(rng(8).uniform(0, 1, (3, 2)), device)
    w = t64(rng(9).uniform(0.5, 2, (2,)), device)
    for reduction in REDUCTIONS:
        pairs = [
            (nn.MSELoss(reduction)(x, t), F.mse_loss(x, t, reduction=reduction)),
            (nn.L1Loss(reduction)(x, t), F.l1_loss(x, t, reduction=reduction)),
            (nn.SmoothL1Loss(reduction, beta=0.5)(x, t), F.smooth_l1_loss(x, t, reduction=reduction, beta=0.5)),
            (nn.HuberLoss(reduction, delta=0.5)(x, t), F.huber_loss(x, t, reduction, 0.5)),
            (
                nn.BCELoss(w, reduction=reduction)(p, target01),
                F.binary_cross_entropy(p, target01, w, reduction=reduction),
            ),
            (
                nn.BCEWithLogitsLoss(w, reduction=reduction, pos_weight=w)(x, target01),
                F.binary_cross_entropy_with_logits(x, target01, w, reduction=reduction, pos_weight=w),
            ),
        ]
        for a, b in pairs:
            np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_loss_weights_are_buffers() -> None:
    w = tt.ones(3)
    ce = nn.CrossEntropyLoss(w)
    assert ce.weight is w and list(ce.state_dict()) == ["weight"] and list(ce.parameters()) == []
    assert list(nn.BCEWithLogitsLoss(pos_weight=w).state_dict()) == ["pos_weight"]
    assert nn.CrossEntropyLoss().state_dict() == {}
    assert repr(ce) == "CrossEntropyLoss(reduction='mean', ignore_index=-100, label_smoothing=0.0)"
    assert repr(nn.HuberLoss(delta=2.0)) == "HuberLoss(reduction='mean', delta=2.0)"


# ------------------------------------------------------------------ regressions (issues 10 and 15)


def test_cross_entropy_with_minus_inf_logits_is_finite(device: str) -> None:
    # Masking with -inf: the one-hot multiply made 0 * inf = nan. PyTorch: log(1 + e) = 1.3133.
    z = tt.tensor([[0.0, 1.0, -math.inf], [-math.inf, 0.0, 0.0]], device=device, requires_grad=True)
    loss = nn.cross_entropy(z, tt.tensor([0, 2], device=device), reduction="none")
    np.testing.assert_allclose(loss.numpy(), [math.log1p(math.e), math.log(2)], rtol=1e-6)
    loss.sum().backward()
    assert z.grad is not None
    grad = z.grad.numpy()
    assert np.isfinite(grad).all()
    np.testing.assert_allclose(grad[:, [0, 2]][[0, 1], [1, 0]], [0.0, 0.0])  # no gradient into a masked logit
    smoothed = nn.cross_entropy(z.detach(), tt.tensor([0, 2], device=device), label_smoothing=0.1)
    assert smoothed.item() == math.inf  # as PyTorch: smoothing puts mass on the masked class


def test_cross_entropy_float16_counts_labels_in_integers() -> None:
    # A float16 one-hot sum stops counting at 2048: valid labels were refused above that.
    n = 70_000
    labels = tt.tensor(np.arange(n) % 3)
    loss = nn.cross_entropy(tt.zeros(n, 3, dtype="float16"), labels)
    assert loss.dtype == np.float16
    np.testing.assert_allclose(float(loss.item()), math.log(3), rtol=1e-3)
    bad = np.arange(n) % 3
    bad[-1] = 3
    with pytest.raises(IndexError, match=re.escape("target labels must lie in [0, 3)")):
        nn.cross_entropy(tt.zeros(n, 3, dtype="float16"), tt.tensor(bad))


@pytest.mark.parametrize("fn", [nn.mse_loss, nn.l1_loss, nn.smooth_l1_loss, nn.huber_loss])
def test_integer_inputs_are_refused(fn: Callable[..., Any]) -> None:
    # uint8 16 - 0 squared wrapped around to 0.
    a, b = tt.tensor(np.array([16], dtype=np.uint8)), tt.tensor(np.array([0], dtype=np.uint8))
    name = fn.__name__
    with pytest.raises(TypeError, match=re.escape(f"{name}: input must be a floating-point tensor, got dtype uint8")):
        fn(a, b)
    with pytest.raises(TypeError, match=re.escape(f"{name}: target must be a floating-point tensor, got dtype int64")):
        fn(tt.zeros(2), tt.tensor([1, 2]))
    with pytest.raises(TypeError, match=re.escape(f"{name}: input is float32 but target is float64")):
        fn(tt.zeros(2), tt.zeros(2, dtype="float64"))


def test_binary_cross_entropy_checks_its_ranges(device: str) -> None:
    p = tt.tensor([0.2, 0.7], device=device)
    with pytest.raises(ValueError, match=re.escape("binary_cross_entropy: all targets must lie in [0, 1]")):
        nn.binary_cross_entropy(p, tt.tensor([0.0, 1.5], device=device))
    with pytest.raises(ValueError, match=re.escape("all input probabilities must lie in [0, 1]")):
        nn.binary_cross_entropy(tt.tensor([0.2, math.nan], device=device), p)
    with pytest.raises(ValueError, match=re.escape("binary_cross_entropy_with_logits: all targets must lie in [0, 1]")):
        nn.binary_cross_entropy_with_logits(p, tt.tensor([-0.5, 1.0], device=device))


NON_TENSOR_CALLS: list[tuple[str, Callable[[Any], Any]]] = [
    ("mse_loss", lambda bad: nn.mse_loss(bad, tt.zeros(2))),
    ("l1_loss", lambda bad: nn.l1_loss(tt.zeros(2), bad)),
    ("smooth_l1_loss", lambda bad: nn.smooth_l1_loss(bad, tt.zeros(2))),
    ("huber_loss", lambda bad: nn.huber_loss(bad, tt.zeros(2))),
    ("binary_cross_entropy", lambda bad: nn.binary_cross_entropy(bad, tt.zeros(2))),
    ("binary_cross_entropy_with_logits", lambda bad: nn.binary_cross_entropy_with_logits(tt.zeros(2), bad)),
    ("cross_entropy", lambda bad: nn.cross_entropy(bad, tt.tensor([0, 1]))),
    ("cross_entropy", lambda bad: nn.cross_entropy(tt.zeros(2, 3), bad)),
    ("nll_loss", lambda bad: nn.nll_loss(bad, tt.tensor([0, 1]))),
    ("mse_loss", lambda bad: nn.MSELoss()(bad, tt.zeros(2))),
    ("CrossEntropyLoss", lambda bad: nn.CrossEntropyLoss(bad)),
    ("relu", lambda bad: F.relu(bad)),
    ("softmax", lambda bad: F.softmax(bad, dim=0)),
    ("dropout", lambda bad: F.dropout(bad)),
    ("Linear", lambda bad: nn.Linear(2, 3)(bad)),
    ("Dropout", lambda bad: nn.Dropout(0.5)(bad)),
]


@pytest.mark.parametrize("bad", [[0.0, 1.0], np.zeros(2)], ids=["list", "ndarray"])
@pytest.mark.parametrize(("name", "call"), NON_TENSOR_CALLS, ids=[n for n, _ in NON_TENSOR_CALLS])
def test_non_tensor_arguments_are_a_clear_type_error(name: str, call: Callable[[Any], Any], bad: Any) -> None:
    kind = type(bad).__name__
    with pytest.raises(TypeError, match=rf"^{name}\b.*\b{kind}\b") as info:
        call(bad)
    assert "tt.tensor" in str(info.value)


def test_layers_refuse_integer_inputs() -> None:
    with pytest.raises(TypeError, match=re.escape("Linear: input must be a floating-point tensor, got dtype int64")):
        nn.Linear(2, 3)(tt.tensor([[0, 1]]))
    with pytest.raises(TypeError, match=re.escape("Dropout: input must be a floating-point tensor, got dtype int64")):
        nn.Dropout(0.5)(tt.tensor([1, 2]))


# ------------------------------------------------------------------------------- errors


def test_shape_refusals(device: str) -> None:
    z = tt.zeros(4, 3, device=device)
    with pytest.raises(tt.ShapeError) as info:
        nn.mse_loss(tt.zeros(4, 1, device=device), tt.zeros(4, device=device))  # type: ignore[arg-type]
    assert str(info.value) == "mse_loss: input shape (4, 1) and target shape (4,) differ (mse_loss never broadcasts)"
    with pytest.raises(tt.ShapeError) as info:
        nn.cross_entropy(z, tt.zeros(5, dtype="int64", device=device))  # type: ignore[arg-type]
    assert str(info.value) == (
        "cross_entropy: expected input (N, C) with target (N,), (N, C, d1, ...) with (N, d1, ...), "
        "or (C,) with (); got input (4, 3) and target (5,)"
    )
    with pytest.raises(tt.ShapeError, match=re.escape("got input (2, 3, 4) and target (2, 3)")):
        nn.nll_loss(tt.zeros(2, 3, 4, device=device), tt.zeros(2, 3, dtype="int64", device=device))  # type: ignore[arg-type]
    with pytest.raises(tt.ShapeError, match=re.escape("weight must have shape (3,), one per class; got (4,)")):
        nn.cross_entropy(z, tt.zeros(4, dtype="int64", device=device), tt.ones(4, device=device))  # type: ignore[arg-type]
    with pytest.raises(tt.ShapeError) as info:
        nn.binary_cross_entropy_with_logits(z, z, pos_weight=tt.ones(4, 1, device=device))
    assert str(info.value) == (
        "binary_cross_entropy_with_logits: pos_weight shape (4, 1) must equal the input shape (4, 3) "
        "or a trailing part of it (e.g. (3,)); size-1 dims are not stretched"
    )
    with pytest.raises(tt.ShapeError, match=re.escape("input (4, 0) has no classes")):
        nn.cross_entropy(tt.zeros(4, 0, device=device), tt.zeros(4, dtype="int64", device=device))
    with pytest.raises(tt.ShapeError, match=re.escape("mse_loss: empty input (shape (0,)); the mean is undefined")):
        nn.mse_loss(tt.zeros(0, device=device), tt.zeros(0, device=device))
    assert nn.mse_loss(tt.zeros(0, device=device), tt.zeros(0, device=device), reduction="sum").item() == 0.0


def test_label_refusals(device: str) -> None:
    z = tt.zeros(4, 3, device=device)
    with pytest.raises(TypeError, match="cross_entropy: target must hold integer class indices, got dtype float32"):
        nn.cross_entropy(z, tt.zeros(4, device=device))
    with pytest.raises(IndexError) as info:
        nn.cross_entropy(z, tt.tensor([0, 1, 2, 3], device=device))
    assert str(info.value) == (
        "cross_entropy: target labels must lie in [0, 3) or equal ignore_index (-100); "
        "got min 3 and max 3 among the others (labels range over [0, 3])"
    )
    with pytest.raises(IndexError, match=re.escape("got min -1 and max -1")):
        nn.nll_loss(z, tt.tensor([0, -1, 2, 2], device=device))
    with pytest.raises(IndexError, match=re.escape("equal ignore_index (5)")):
        nn.cross_entropy(z, tt.tensor([0, 5, 2, -100], device=device), ignore_index=5)
    with pytest.raises(TypeError, match="ignore_index must be an int, got float"):
        nn.cross_entropy(z, tt.tensor([0, 1, 2, 0], device=device), ignore_index=1.5)  # type: ignore[arg-type]


def test_option_refusals() -> None:
    x = tt.zeros(3)
    with pytest.raises(ValueError, match=re.escape("mse_loss: reduction must be 'mean', 'sum' or 'none', got 'max'")):
        nn.mse_loss(x, x, reduction="max")  # type: ignore[call-overload]
    with pytest.raises(ValueError, match=re.escape("MSELoss: reduction must be 'mean', 'sum' or 'none', got 'avg'")):
        nn.MSELoss("avg")  # type: ignore[call-overload]
    with pytest.raises(ValueError, match=re.escape("smooth_l1_loss: beta must be >= 0, got -1.0")):
        nn.smooth_l1_loss(x, x, beta=-1.0)
    with pytest.raises(ValueError, match=re.escape("SmoothL1Loss: beta must be >= 0, got -1")):
        nn.SmoothL1Loss(beta=-1)
    with pytest.raises(ValueError, match=re.escape("huber_loss: delta must be > 0, got 0.0")):
        nn.huber_loss(x, x, delta=0.0)
    with pytest.raises(ValueError, match=re.escape("HuberLoss: delta must be > 0")):
        nn.HuberLoss(delta=-2.0)
    with pytest.raises(ValueError, match=re.escape("huber_loss: delta must be a finite number, got nan")):
        nn.huber_loss(x, x, delta=math.nan)
    labels = tt.tensor([0])
    with pytest.raises(ValueError, match=re.escape("cross_entropy: label_smoothing must lie in [0, 1], got 1.5")):
        nn.cross_entropy(tt.zeros(1, 2), labels, label_smoothing=1.5)
    learnable = tt.ones(2, requires_grad=True)
    with pytest.raises(ValueError, match=re.escape("cross_entropy: weight takes no gradient; pass weight.detach()")):
        nn.cross_entropy(tt.zeros(1, 2), labels, learnable)
    with pytest.raises(TypeError, match=re.escape("cross_entropy: input is float32 but weight is float64")):
        nn.cross_entropy(tt.zeros(1, 2), labels, tt.ones(2, dtype="float64"))
    with pytest.raises(tt.DeviceError, match="tensors on different devices: cpu and strict"):
        nn.l1_loss(x, tt.zeros(3, device="strict"))
    with pytest.raises(TypeError, match="cross_entropy: input must be a floating-point tensor, got dtype int64"):
        nn.cross_entropy(tt.tensor([[1, 2]]), labels)


def test_all_targets_ignored_gives_nan_and_zero_gradient(device: str) -> None:
    # As PyTorch: the weighted mean over no targets is 0/0, and no gradient flows.
    z = tt.zeros(3, 2, device=device, requires_grad=True)
    loss = nn.cross_entropy(z, tt.tensor([-100, -100, -100], device=device))
    assert math.isnan(loss.item())
    loss.backward()
    assert z.grad is not None
    np.testing.assert_array_equal(z.grad.numpy(), np.zeros((3, 2)))
    assert nn.cross_entropy(z, tt.tensor([-100, -100, -100], device=device), reduction="sum").item() == 0.0


def test_default_cross_entropy_matches_the_hand_written_step_bit_for_bit() -> None:
    # benchmarks/step_numpy.py computes exactly this; the speed table relies on identical losses.
    r = rng(11)
    out = r.standard_normal((64, 10)).astype(np.float32)
    y = r.integers(0, 10, 64)
    onehot = (y.reshape(-1, 1) == np.arange(10)).astype(np.float32)
    shifted = out - np.max(out, axis=1, keepdims=True)
    e = np.exp(shifted)
    total = np.sum(e, axis=1, keepdims=True)
    expected_loss = np.sum(onehot * (np.log(total) - shifted)) / 64
    g = e / total
    g -= onehot
    g *= np.float32(1.0 / 64)
    z = tt.tensor(out, requires_grad=True)
    loss = nn.cross_entropy(z, tt.tensor(y))
    loss.backward()
    assert loss.item() == float(expected_loss)
    assert z.grad is not None
    np.testing.assert_array_equal(z.grad.numpy(), g)


# ---------------------------------------------------------------------------- PyTorch


def _torch_case(name: str) -> tuple[Callable[..., Any], Callable[..., Any], dict[str, Any], bool]:
    """(ours, torch's, extra kwargs, class-index loss?)"""
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    return {
        "mse_loss": (nn.mse_loss, tf.mse_loss, {}, False),
        "l1_loss": (nn.l1_loss, tf.l1_loss, {}, False),
        "smooth_l1_loss": (nn.smooth_l1_loss, tf.smooth_l1_loss, {"beta": 0.5}, False),
        "huber_loss": (nn.huber_loss, tf.huber_loss, {"delta": 0.7}, False),
        "binary_cross_entropy": (nn.binary_cross_entropy, tf.binary_cross_entropy, {}, False),
        "binary_cross_entropy_with_logits": (
            nn.binary_cross_entropy_with_logits,
            tf.binary_cross_entropy_with_logits,
            {"pos_weight": True},
            False,
        ),
        "cross_entropy": (nn.cross_entropy, tf.cross_entropy, {"ignore_index": 1, "label_smoothing": 0.1}, True),
        "cross_entropy K-dim": (nn.cross_entropy, tf.cross_entropy, {"weight": True}, True),
        "nll_loss": (nn.nll_loss, tf.nll_loss, {"weight": True, "ignore_index": 0}, True),
    }[name]


TORCH_CASES = [
    "mse_loss",
    "l1_loss",
    "smooth_l1_loss",
    "huber_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "cross_entropy K-dim",
    "nll_loss",
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", TORCH_CASES)
def test_against_torch(name: str, reduction: str, dtype: str) -> None:
    """Forward and input gradient (and target gradient for the pointwise losses) equal torch's."""
    torch = pytest.importorskip("torch")
    ours, theirs, extra, classes = _torch_case(name)
    r = rng(hash(name) % 1000)
    tol = {"rtol": 2e-5, "atol": 1e-6} if dtype == "float32" else {"rtol": 1e-11, "atol": 1e-13}
    if classes:
        shape = (4, 3, 5) if "K-dim" in name else (6, 5)
        z = r.standard_normal(shape).astype(dtype) * 2
        if name == "nll_loss":
            z = (z - np.log(np.exp(z).sum(axis=1, keepdims=True))).astype(dtype)
        y = r.integers(0, shape[1], (shape[0], *shape[2:]))
        w = r.uniform(0.5, 2, shape[1]).astype(dtype)
        kw = {k: v for k, v in extra.items() if k != "weight"}
        ours_kw, torch_kw = dict(kw), dict(kw)
        if extra.get("weight"):
            ours_kw["weight"], torch_kw["weight"] = tt.tensor(w, dtype=dtype), torch.tensor(w)
        a = tt.tensor(z, dtype=dtype, requires_grad=True)
        a_t = torch.tensor(z, requires_grad=True)
        out = ours(a, tt.tensor(y), reduction=reduction, **ours_kw)
        out_t = theirs(a_t, torch.tensor(y), reduction=reduction, **torch_kw)
        leaves = [(a, a_t)]
    else:
        x, t = pointwise_inputs(name, (3, 4), 12)
        if name == "binary_cross_entropy":
            x = r.uniform(0.05, 0.95, (3, 4))
        x, t = x.astype(dtype), t.astype(dtype)
        ours_kw, torch_kw = {k: v for k, v in extra.items() if k != "pos_weight"}, {}
        torch_kw.update(ours_kw)
        if extra.get("pos_weight"):
            pw = r.uniform(0.5, 3, (4,)).astype(dtype)
            ours_kw["pos_weight"], torch_kw["pos_weight"] = tt.tensor(pw, dtype=dtype), torch.tensor(pw)
        a, b = tt.tensor(x, dtype=dtype, requires_grad=True), tt.tensor(t, dtype=dtype, requires_grad=True)
        a_t, b_t = torch.tensor(x, requires_grad=True), torch.tensor(t, requires_grad=True)
        if name == "huber_loss":
            out = ours(a, b, reduction, ours_kw["delta"])
        else:
            out = ours(a, b, reduction=reduction, **ours_kw)
        out_t = theirs(a_t, b_t, reduction=reduction, **torch_kw)
        leaves = [(a, a_t), (b, b_t)]
    np.testing.assert_allclose(out.numpy(), out_t.detach().numpy(), **tol)
    seed = np.random.default_rng(0).standard_normal(out.shape).astype(dtype)
    (out * tt.tensor(seed, dtype=dtype)).sum().backward()
    (out_t * torch.tensor(seed)).sum().backward()
    for ours_leaf, torch_leaf in leaves:
        assert ours_leaf.grad is not None and torch_leaf.grad is not None
        np.testing.assert_allclose(ours_leaf.grad.numpy(), torch_leaf.grad.numpy(), **tol)


def test_minus_inf_masking_against_torch() -> None:
    torch = pytest.importorskip("torch")
    z = np.array([[0.0, 1.0, -np.inf], [-np.inf, 0.5, 2.0]], dtype=np.float32)
    y = np.array([0, 2])
    for smoothing in (0.0, 0.2):
        ours = nn.cross_entropy(tt.tensor(z), tt.tensor(y), reduction="none", label_smoothing=smoothing)
        theirs = torch.nn.functional.cross_entropy(
            torch.tensor(z), torch.tensor(y), reduction="none", label_smoothing=smoothing
        )
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)
