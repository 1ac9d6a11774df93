"""``typedtorch.nn`` at run time: layers' values and errors, losses, and the Module API."""

from __future__ import annotations

import re
from typing import Any, Literal, TypeVar

import numpy as np
import pytest

import typedtorch as tt
import typedtorch.nn as nn_module
from typedtorch import nn

B = TypeVar("B")


def host(t: tt.Tensor[*tuple[Any, ...]]) -> np.ndarray:
    return np.asarray(t.numpy())


def test_import_forms() -> None:
    assert nn_module is nn is tt.nn
    assert tt.optim.SGD is not None
    for name in nn.__all__:
        assert getattr(nn, name).__doc__, f"nn.{name} has no docstring"


# --------------------------------------------------------------------------- Linear


def test_linear_forward_is_x_at_w_plus_b(device: str) -> None:
    fc = nn.Linear(5, 3, device=device, seed=0)
    assert fc.weight.shape == (5, 3)  # stored (in, out): forward needs no transpose
    assert fc.bias is not None and fc.bias.shape == (3,)
    x = np.random.default_rng(0).standard_normal((4, 5)).astype(np.float32)
    out = fc(tt.tensor(x, device=device))
    assert out.device == fc.weight.device
    np.testing.assert_allclose(host(out), x @ host(fc.weight) + host(fc.bias), rtol=1e-6, atol=1e-6)
    batched = fc(tt.tensor(np.stack([x, x]), device=device))
    assert batched.shape == (2, 4, 3)
    assert fc(tt.tensor(x[0], device=device)).shape == (3,)


def test_linear_without_bias(device: str) -> None:
    fc = nn.Linear(5, 3, bias=False, device=device)
    assert fc.bias is None
    assert [n for n, _ in fc.named_parameters()] == ["weight"]
    x = tt.ones(2, 5, device=device)
    np.testing.assert_allclose(host(fc(x)), np.ones((2, 5)) @ host(fc.weight), rtol=1e-6)


def test_linear_init_is_kaiming_uniform_and_seeded() -> None:
    fc = nn.Linear(400, 300, seed=1)
    bound = 1 / np.sqrt(400)
    w, b = host(fc.weight), host(fc.bias)  # type: ignore[arg-type]
    assert w.dtype == np.float32 and fc.weight.requires_grad
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    # Uniform on [-bound, bound]: the spread fills the interval.
    assert np.abs(w).max() > 0.99 * bound and abs(w.mean()) < 0.01 * bound
    np.testing.assert_allclose(w.std(), bound / np.sqrt(3), rtol=0.02)
    same = nn.Linear(400, 300, seed=1)
    other = nn.Linear(400, 300, seed=2)
    np.testing.assert_array_equal(host(same.weight), w)
    np.testing.assert_array_equal(host(same.bias), b)  # type: ignore[arg-type]
    assert not np.array_equal(host(other.weight), w)
    # The bias is not a copy of the weight's first draws.
    assert not np.array_equal(b, w.reshape(-1)[:300])


def test_linear_init_follows_manual_seed() -> None:
    tt.manual_seed(5)
    a = nn.Linear(3, 4)
    tt.manual_seed(5)
    b = nn.Linear(3, 4)
    np.testing.assert_array_equal(host(a.weight), host(b.weight))
    c = nn.Linear(3, 4)
    assert not np.array_equal(host(b.weight), host(c.weight))


def test_linear_same_seed_same_values_on_every_device(device: str) -> None:
    here = nn.Linear(6, 2, seed=3, device=device)
    cpu = nn.Linear(6, 2, seed=3)
    np.testing.assert_array_equal(here.weight.numpy(), host(cpu.weight))
    assert here.weight.device == tt.zeros(1, device=device).device


def test_linear_dtype() -> None:
    fc = nn.Linear(3, 2, dtype="float64", seed=0)
    assert host(fc.weight).dtype == np.float64
    assert host(fc(tt.ones(1, 3, dtype="float64"))).dtype == np.float64


def test_linear_checks_its_input_without_decorators(device: str) -> None:
    fc = nn.Linear(784, 128, device=device)
    x: Any = tt.zeros(64, 100, device=device)
    with pytest.raises(tt.ShapeError) as info:
        fc(x)
    assert (
        str(info.value) == "Linear[784, 128]: input is Tensor[64, 100], expected Tensor[64, 784] (last dim: 100 != 784)"
    )
    assert isinstance(info.value, TypeError)
    with pytest.raises(
        tt.ShapeError,
        match=re.escape("Linear[784, 128]: input is Tensor[()], expected at least 1 dim (the 784 features)"),
    ):
        fc(tt.zeros(device=device))


def test_linear_rejects_parameters_on_another_device() -> None:
    fc = nn.Linear(3, 2)
    with pytest.raises(tt.DeviceError, match="input on strict but parameters on cpu"):
        fc(tt.zeros(1, 3, device="strict"))


@pytest.mark.parametrize("bad", [-1, 2.5, "3", True])
def test_linear_rejects_bad_sizes(bad: Any) -> None:
    with pytest.raises(ValueError, match="in_features must be a non-negative int"):
        nn.Linear(bad, 3)


def test_linear_zero_sizes() -> None:
    fc = nn.Linear(0, 3)
    assert fc.weight.shape == (0, 3)
    np.testing.assert_array_equal(host(fc(tt.zeros(2, 0))), np.zeros((2, 3)))


# ------------------------------------------------------------- shape-preserving layers


def test_activation_values(device: str) -> None:
    data = np.array([[-2.0, -0.5, 0.0, 0.5, 3.0]], dtype=np.float32)
    x = tt.tensor(data, device=device)
    np.testing.assert_allclose(host(nn.ReLU()(x)), np.maximum(data, 0))
    np.testing.assert_allclose(host(nn.Sigmoid()(x)), 1 / (1 + np.exp(-data)), rtol=1e-6)
    np.testing.assert_allclose(host(nn.Tanh()(x)), np.tanh(data), rtol=1e-6)
    soft = np.exp(data) / np.exp(data).sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(host(nn.Softmax()(x)), soft, rtol=1e-6)
    np.testing.assert_allclose(host(nn.LogSoftmax(dim=1)(x)), np.log(soft), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(host(nn.Softmax(dim=0)(x)), np.ones_like(data))


def test_dropout_train_and_eval(device: str) -> None:
    drop = nn.Dropout(0.25)
    assert drop.training
    x = tt.ones(200, 100, device=device)
    tt.manual_seed(0)
    out = host(drop(x))
    kept = out != 0
    np.testing.assert_allclose(out[kept], 1 / 0.75, rtol=1e-6)  # survivors are scaled up
    assert abs(kept.mean() - 0.75) < 0.01
    tt.manual_seed(0)
    np.testing.assert_array_equal(host(drop(x)), out)  # one seed, one mask
    assert drop.eval() is drop and not drop.training
    assert drop(x) is x  # evaluation: the identity, not even a copy
    drop.train()
    assert drop.training


def test_dropout_extremes(device: str) -> None:
    x = tt.ones(3, 4, device=device)
    assert nn.Dropout(0.0)(x) is x
    np.testing.assert_array_equal(host(nn.Dropout(1.0)(x)), np.zeros((3, 4)))
    for bad in (-0.1, 1.5):
        with pytest.raises(ValueError, match=r"Dropout: p must lie in \[0, 1\]"):
            nn.Dropout(bad)


def test_flatten(device: str) -> None:
    out = nn.Flatten()(tt.zeros(64, 28, 28, device=device))
    assert out.shape == (64, 784)
    assert nn.Flatten()(tt.zeros(5, 3, device=device)).shape == (5, 3)
    with pytest.raises(ValueError, match="only start_dim=1, end_dim=-1"):
        nn.Flatten(start_dim=2)  # type: ignore[arg-type]


# --------------------------------------------------------------------- composition


def test_rshift_builds_a_flat_sequential() -> None:
    a, r, b = nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2)
    model = a >> r >> b
    assert isinstance(model, nn.Sequential)
    assert list(model) == [a, r, b] and len(model) == 3 and model[0] is a and model[-1] is b
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    head = nn.Linear(2, 1)
    longer = model >> head
    assert list(longer) == [a, r, b, head]
    assert len(model) == 3  # `>>` never changes its operands
    joined = (a >> r) >> (b >> nn.Sigmoid())
    assert len(joined) == 4


def test_sequential_calls_layers_in_order(device: str) -> None:
    tt.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2)).to(device)
    x = tt.randn(5, 4).to(device)
    expected = model[2](model[1](model[0](x)))
    np.testing.assert_array_equal(host(model(x)), host(expected))
    assert model(x).shape == (5, 2)


def test_sequential_accepts_functions_and_rejects_non_callables() -> None:
    seq: nn.Sequential[Any, Any] = nn.Sequential(nn.Linear(2, 2), tt.relu)  # type: ignore[arg-type]
    assert seq(tt.ones(1, 2)).shape == (1, 2)
    with pytest.raises(TypeError, match="Sequential: layer 1 is not callable: str"):
        nn.Sequential(nn.Linear(2, 2), "relu")  # type: ignore[call-overload]


def test_sequential_with_flatten_first() -> None:
    model = nn.Flatten() >> nn.Linear(12, 2)
    assert model(tt.zeros(5, 3, 4)).shape == (5, 2)


def test_shape_preserving_chain() -> None:
    chain = nn.ReLU() >> nn.Dropout(0.5)
    assert isinstance(chain, nn.Sequential) and isinstance(chain, nn.ShapePreserving)
    assert chain.eval()(tt.tensor([-1.0, 2.0])).tolist() == [0.0, 2.0]
    model = chain >> nn.Linear(2, 1)
    assert type(model) is nn.Sequential and len(model) == 3
    assert repr(chain).startswith("Sequential(\n  (0): ReLU()")


def test_mismatched_chain_fails_at_run_time_with_the_layer_message() -> None:
    model: Any = nn.Linear(4, 3) >> nn.ReLU() >> nn.Linear(5, 2)  # type: ignore[operator]
    with pytest.raises(
        tt.ShapeError, match=re.escape("Linear[5, 2]: input is Tensor[1, 3], expected Tensor[1, 5] (last dim: 3 != 5)")
    ):
        model(tt.zeros(1, 4))


# --------------------------------------------------------------------------- losses


def test_mse_loss_value(device: str) -> None:
    r = np.random.default_rng(0)
    p, t = r.standard_normal((4, 3)).astype(np.float32), r.standard_normal((4, 3)).astype(np.float32)
    loss = nn.mse_loss(tt.tensor(p, device=device), tt.tensor(t, device=device))
    assert loss.shape == ()
    np.testing.assert_allclose(loss.item(), ((p - t) ** 2).mean(), rtol=1e-6)
    total = nn.mse_loss(tt.tensor(p, device=device), tt.tensor(t, device=device), reduction="sum")
    np.testing.assert_allclose(total.item(), ((p - t) ** 2).sum(), rtol=1e-6)
    np.testing.assert_allclose(nn.MSELoss()(tt.tensor(p), tt.tensor(t)).item(), ((p - t) ** 2).mean(), rtol=1e-6)


def test_mse_loss_never_broadcasts(device: str) -> None:
    pred: Any = tt.zeros(4, 1, device=device)
    target: Any = tt.zeros(4, device=device)
    with pytest.raises(tt.ShapeError) as info:
        nn.mse_loss(pred, target)
    assert str(info.value) == "mse_loss: input shape (4, 1) and target shape (4,) differ (mse_loss never broadcasts)"
    with pytest.raises(tt.ShapeError, match=r"\(4, 1\).*\(1, 1\)"):
        nn.MSELoss()(pred, tt.zeros(1, 1, device=device))
    with pytest.raises(ValueError, match="reduction must be 'mean', 'sum' or 'none'"):
        nn.mse_loss(pred, pred, reduction="avg")  # type: ignore[call-overload]
    assert nn.mse_loss(pred, pred, reduction="none").shape == (4, 1)  # PyTorch's per-element form


def _ce_reference(logits: np.ndarray, labels: np.ndarray) -> float:
    z = logits - logits.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-logp[np.arange(len(labels)), labels].mean())


def test_cross_entropy_value(device: str) -> None:
    r = np.random.default_rng(1)
    logits = r.standard_normal((6, 4)).astype(np.float32) * 3
    labels = r.integers(0, 4, 6)
    loss = nn.cross_entropy(tt.tensor(logits, device=device), tt.tensor(labels, device=device))
    np.testing.assert_allclose(loss.item(), _ce_reference(logits, labels), rtol=1e-5)
    same = nn.CrossEntropyLoss()(tt.tensor(logits, device=device), tt.tensor(labels, device=device))
    assert same.item() == loss.item()


def test_cross_entropy_gradient_is_softmax_minus_onehot_over_b(device: str) -> None:
    logits = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], dtype=np.float32)
    labels = np.array([2, 0])
    z = tt.tensor(logits, device=device, requires_grad=True)
    nn.cross_entropy(z, tt.tensor(labels, device=device)).backward()
    soft = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    onehot = np.eye(3)[labels]
    assert z.grad is not None
    np.testing.assert_allclose(host(z.grad), (soft - onehot) / 2, rtol=1e-6, atol=1e-7)


def test_cross_entropy_is_finite_for_huge_logits(device: str) -> None:
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4], [1e4, 1e4, -1e4]], dtype=np.float32)
    labels = np.array([1, 2, 0])
    z = tt.tensor(logits, device=device, requires_grad=True)
    loss = nn.cross_entropy(z, tt.tensor(labels, device=device))
    loss.backward()
    assert np.isfinite(loss.item())
    np.testing.assert_allclose(loss.item(), (2e4 + 0.0 + np.log(2)) / 3, rtol=1e-6)
    assert z.grad is not None and np.isfinite(host(z.grad)).all()


def test_cross_entropy_errors(device: str) -> None:
    # Messages changed with issue 12 (PyTorch's layouts, ignore_index); tests/test_losses.py has the rest.
    logits: Any = tt.zeros(4, 3, device=device)
    with pytest.raises(tt.ShapeError, match=re.escape("got input (4, 3) and target (5,)")):
        nn.cross_entropy(logits, tt.zeros(5, dtype="int64", device=device))
    with pytest.raises(tt.ShapeError, match=re.escape("got input (3,) and target (3,)")):
        nn.cross_entropy(tt.zeros(3, device=device), tt.zeros(3, dtype="int64", device=device))
    with pytest.raises(TypeError, match="target must hold integer class indices"):
        nn.cross_entropy(logits, tt.zeros(4, device=device))
    with pytest.raises(IndexError, match=re.escape("target labels must lie in [0, 3) or equal ignore_index (-100)")):
        nn.cross_entropy(logits, tt.tensor([0, 1, 2, 3], device=device))
    with pytest.raises(IndexError, match="got min -1"):
        nn.cross_entropy(logits, tt.tensor([0, -1, 2, 2], device=device))


def test_binary_cross_entropy(device: str) -> None:
    p = np.array([0.1, 0.5, 0.9, 0.7], dtype=np.float32)
    t = np.array([0.0, 1.0, 1.0, 0.0], dtype=np.float32)
    loss = nn.binary_cross_entropy(tt.tensor(p, device=device), tt.tensor(t, device=device))
    np.testing.assert_allclose(loss.item(), -(t * np.log(p) + (1 - t) * np.log(1 - p)).mean(), rtol=1e-6)
    # Probabilities of exactly 0 and 1 stay finite (logs clamped at -100, as in PyTorch).
    edge = tt.tensor([0.0, 1.0], device=device, requires_grad=True)
    wrong = nn.BCELoss()(edge, tt.tensor([1.0, 0.0], device=device))
    np.testing.assert_allclose(wrong.item(), 100.0)
    wrong.backward()
    assert edge.grad is not None and np.isfinite(host(edge.grad)).all()
    with pytest.raises(ValueError, match=r"must lie in \[0, 1\]"):
        nn.binary_cross_entropy(tt.tensor([1.5], device=device), tt.tensor([1.0], device=device))
    with pytest.raises(tt.ShapeError, match=re.escape("input shape (4,) and target shape (2,)")):
        nn.binary_cross_entropy(tt.tensor(p, device=device), tt.tensor([1.0, 0.0], device=device))


# ---------------------------------------------------------------------- Module API


class Block(nn.Module):
    def __init__(self) -> None:
        self.fc = nn.Linear(4, 4)
        self.drop = nn.Dropout(0.5)

    def __call__(self, x: tt.Matrix[B, Literal[4]]) -> tt.Matrix[B, Literal[4]]:
        return self.drop(self.fc(x).relu())


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Linear(3, 4)
        self.blocks = [Block(), Block()]
        self.heads = {"cls": nn.Linear(4, 2), "reg": nn.Linear(4, 1, bias=False)}
        self.pair = (nn.Linear(4, 4), nn.ReLU())
        self.scale = tt.ones(1, requires_grad=True)
        self.note = "not a parameter"
        self.tied = self.stem.weight  # the same tensor again: listed once

    def __call__(self, x: tt.Matrix[B, Literal[3]]) -> tt.Matrix[B, Literal[2]]:
        h = self.stem(x)
        for block in self.blocks:
            h = block(h)
        return self.heads["cls"](self.pair[1](self.pair[0](h))) * self.scale


NET_NAMES = [
    "stem.weight",
    "stem.bias",
    "blocks.0.fc.weight",
    "blocks.0.fc.bias",
    "blocks.1.fc.weight",
    "blocks.1.fc.bias",
    "heads.cls.weight",
    "heads.cls.bias",
    "heads.reg.weight",
    "pair.0.weight",
    "pair.0.bias",
    "scale",
]


def test_named_parameters_dotted_through_modules_lists_dicts() -> None:
    net = Net()
    names = [n for n, _ in net.named_parameters()]
    assert names == NET_NAMES
    assert [n for n, _ in net.named_parameters(prefix="model")] == [f"model.{n}" for n in NET_NAMES]
    params = list(net.parameters())
    assert len(params) == len({id(p) for p in params}) == len(NET_NAMES)
    assert params[0] is net.stem.weight
    assert [n for n, _ in Net().named_parameters()] == names  # stable across instances
    assert [n for n, _ in net.named_modules()][:4] == ["", "stem", "blocks.0", "blocks.0.fc"]


def test_nested_sequential_names() -> None:
    inner = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    outer = nn.Sequential(inner, nn.Linear(3, 1))
    assert [n for n, _ in outer.named_parameters()] == ["0.0.weight", "0.0.bias", "1.weight", "1.bias"]


def test_zero_grad() -> None:
    net = Net()
    net(tt.ones(2, 3)).sum().backward()
    assert all(p.grad is not None for p in net.parameters() if p is not net.heads["reg"].weight)
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_train_and_eval_reach_every_descendant() -> None:
    net = Net()
    assert net.training and all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    x = tt.ones(3, 3)
    np.testing.assert_array_equal(host(net(x)), host(net(x)))  # no dropout: deterministic
    assert net.train() is net and all(m.training for m in net.modules())
    net.train(False)
    assert not net.blocks[1].drop.training


def test_state_dict_round_trip(device: str) -> None:
    src, dst = Net(), Net().to(device)
    state = src.state_dict()
    assert list(state) == NET_NAMES
    assert all(not t.requires_grad for t in state.values())
    before = [id(p._data) for p in dst.parameters()]
    dst.load_state_dict(state)  # cpu values into a module on `device`
    for (name, a), b in zip(src.named_parameters(), dst.parameters(), strict=True):
        np.testing.assert_array_equal(host(a), b.numpy(), err_msg=name)
        assert b.device == tt.zeros(1, device=device).device
    assert [id(p._data) for p in dst.parameters()] == before  # copied in place
    # state_dict shares memory with the module (as in PyTorch).
    shared = src.state_dict()["stem.bias"]
    assert np.shares_memory(host(shared), host(src.stem.bias))  # type: ignore[arg-type]


def test_load_state_dict_converts_dtype() -> None:
    fc = nn.Linear(2, 2)
    fc.load_state_dict({"weight": tt.ones(2, 2, dtype="float64"), "bias": tt.zeros(2, dtype="float64")})
    assert host(fc.weight).dtype == np.float32
    np.testing.assert_array_equal(host(fc.weight), np.ones((2, 2)))


def _snapshot(module: nn.Module) -> dict[str, np.ndarray]:
    return {n: host(p).copy() for n, p in module.named_parameters()}


def test_load_state_dict_refuses_wrong_shape_and_changes_nothing() -> None:
    net, other = Net(), Net()
    before = _snapshot(net)
    state = dict(other.state_dict())
    state["heads.cls.weight"] = tt.zeros(4, 3)
    with pytest.raises(tt.ShapeError) as info:
        net.load_state_dict(state)
    assert str(info.value) == (
        "load_state_dict: parameter 'heads.cls.weight' has shape (4, 2) in Net, but the state holds shape (4, 3)"
    )
    after = _snapshot(net)
    for name in before:  # the parameters before the bad one were not written either
        np.testing.assert_array_equal(after[name], before[name], err_msg=name)


def test_load_state_dict_refuses_missing_and_unexpected_names() -> None:
    net = Net()
    before = _snapshot(net)
    state = dict(Net().state_dict())
    del state["blocks.1.fc.bias"]
    with pytest.raises(tt.ShapeError, match=re.escape("state does not match: missing 'blocks.1.fc.bias'")):
        net.load_state_dict(state)
    state = dict(Net().state_dict())
    state["extra.weight"] = tt.zeros(1)
    with pytest.raises(tt.ShapeError, match=re.escape("unexpected 'extra.weight'")):
        net.load_state_dict(state)
    with pytest.raises(TypeError, match="'scale' must be a Tensor"):
        net.load_state_dict({**Net().state_dict(), "scale": [1.0]})  # type: ignore[dict-item]
    for name, value in _snapshot(net).items():
        np.testing.assert_array_equal(value, before[name], err_msg=name)


def test_to_moves_parameters_in_place() -> None:
    net = Net()
    params = list(net.parameters())
    net(tt.ones(2, 3)).sum().backward()
    values = [host(p).copy() for p in params]
    assert net.to("strict") is net
    assert list(net.parameters()) == params  # the same tensor objects
    for p, v in zip(params, values, strict=True):
        assert p.device == "strict"
        np.testing.assert_array_equal(p.numpy(), v)
        assert p.grad is None or p.grad.device == "strict"
    assert net(tt.ones(2, 3, device="strict")).device == "strict"
    net.to("cpu")
    assert all(p.device == "cpu" for p in params)


def test_repr() -> None:
    assert repr(nn.Linear(784, 128)) == "Linear(in_features=784, out_features=128, bias=True)"
    assert repr(nn.Linear(2, 1, bias=False)) == "Linear(in_features=2, out_features=1, bias=False)"
    assert repr(nn.ReLU()) == "ReLU()"
    assert repr(nn.Dropout(0.2)) == "Dropout(p=0.2)"
    assert repr(nn.Softmax(dim=1)) == "Softmax(dim=1)"
    assert repr(nn.MSELoss()) == "MSELoss(reduction='mean')"
    model = nn.Linear(784, 128) >> nn.ReLU() >> nn.Linear(128, 10)
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Linear(in_features=784, out_features=128, bias=True)\n"
        "  (1): ReLU()\n"
        "  (2): Linear(in_features=128, out_features=10, bias=True)\n"
        ")"
    )
    assert repr(Block()) == (
        "Block(\n  (fc): Linear(in_features=4, out_features=4, bias=True)\n  (drop): Dropout(p=0.5)\n)"
    )
    nested = repr(nn.Sequential(Block(), nn.Linear(4, 1)))
    assert "  (0): Block(\n    (fc): Linear(in_features=4, out_features=4, bias=True)\n" in nested
    assert "(blocks.1): Block(" in repr(Net())


def test_module_without_super_init_works() -> None:
    class Bare(nn.Module):
        def __init__(self) -> None:
            self.fc = nn.Linear(2, 2)

        def __call__(self, x: tt.Matrix[B, Literal[2]]) -> tt.Matrix[B, Literal[2]]:
            return self.fc(x)

    bare = Bare()
    assert bare.training and bare.eval().training is False
    assert [n for n, _ in bare.named_parameters()] == ["fc.weight", "fc.bias"]


@pytest.mark.parametrize(
    "module",
    [
        "typedtorch._ops.linear",
        "typedtorch._ops.losses",
        "typedtorch.nn",
        "typedtorch.nn._module",
        "typedtorch.nn._linear",
        "typedtorch.nn._activations",
        "typedtorch.nn._dropout",
        "typedtorch.nn._flatten",
        "typedtorch.nn._compose",
        "typedtorch.nn._losses",
        "typedtorch.optim",
        "typedtorch.optim._optimizer",
        "typedtorch.optim._sgd",
        "typedtorch.optim._adam",
    ],
)
def test_docstring_examples_run(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_shared_and_cyclic_children_are_walked_once() -> None:
    shared = nn.Linear(2, 2)

    class Twice(nn.Module):
        def __init__(self) -> None:
            self.a = shared
            self.b = shared
            self.inner = nn.Sequential(shared, nn.ReLU())
            self.inner.owner = self  # type: ignore[attr-defined]  # a back reference

    twice = Twice()
    assert [n for n, _ in twice.named_parameters()] == ["a.weight", "a.bias"]
    assert [n for n, _ in twice.named_modules()] == ["", "a", "inner", "inner.1"]
    assert twice.eval() is twice and not shared.training


def test_checked_linear_binds_its_own_sizes() -> None:
    # The layer's In/Out come from the instance, through the same mechanism as any
    # @tt.checked function (issue 5): a checked __call__ rejects a wrong input size.
    fc = nn.Linear(784, 128)
    checked_call = tt.checked(nn.Linear.__call__)
    assert checked_call(fc, tt.zeros(64, 784)).shape == (64, 128)
    with pytest.raises(tt.ShapeError) as info:
        checked_call(fc, tt.zeros(64, 100))
    assert str(info.value) == (
        "Linear.__call__() parameter 'x': expected Tensor[*P, In], got shape (64, 100) "
        "(dim 1 is 100, but In=784); bound so far: In=784, Out=128"
    )
