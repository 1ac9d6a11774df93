"""The PyTorch-style Module API at run time: ``forward``, ``Parameter``, buffers, containers,
``apply``, ``zero_grad``, ``nn.init``, ``nn.utils`` gradient clipping and ``nn.functional``."""

from __future__ import annotations

import math
import re
from typing import Any, Literal, TypeVar

import numpy as np
import pytest

import typedtorch as tt
import typedtorch.nn.functional as F
from typedtorch import nn, optim

B = TypeVar("B")
AnyTensor = tt.Tensor[*tuple[Any, ...]]


# ------------------------------------------------------------------------- forward


class Net(nn.Module):
    """pytorch/examples mnist's shape: layers in __init__, the computation in forward."""

    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(4, 8, seed=0)
        self.dropout = nn.Dropout(0.25)
        self.fc2 = nn.Linear(8, 3, seed=1)

    def forward(self, x: tt.Matrix[B, Literal[4]]) -> tt.Matrix[B, Literal[3]]:
        x = F.relu(self.fc1(x))
        x = self.dropout(x)
        return F.log_softmax(self.fc2(x), dim=1)


def test_calling_a_module_runs_forward(device: str) -> None:
    net = Net().to(device).eval()
    x = tt.randn(5, 4).to(device)
    out = net(x)
    assert out.shape == (5, 3) and out.device == x.device
    np.testing.assert_array_equal(out.numpy(), net.forward(x).numpy())
    assert [n for n, _ in net.named_parameters()] == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]


def test_forward_gets_positional_and_keyword_arguments() -> None:
    class Affine(nn.Module):
        def forward(self, x: AnyTensor, scale: float = 1.0, *, shift: float = 0.0) -> AnyTensor:
            return x * scale + shift

    np.testing.assert_array_equal(Affine()(tt.ones(2), 3.0, shift=1.0).numpy(), [4.0, 4.0])


def test_a_module_with_neither_forward_nor_call_is_a_clear_type_error() -> None:
    class Empty(nn.Module):
        pass

    with pytest.raises(TypeError) as info:
        Empty()(tt.zeros(2))
    assert str(info.value) == (
        "Empty is not callable: a Module subclass defines forward() (which calling the module runs) "
        "or its own __call__()"
    )


def test_an_own_call_still_wins_over_forward() -> None:
    class Both(nn.Module):
        def forward(self, x: AnyTensor) -> AnyTensor:
            return x * 2

        def __call__(self, x: AnyTensor) -> AnyTensor:
            return x * 3

    assert Both()(tt.ones(1)).item() == 3.0


def test_a_forward_model_trains_with_the_pytorch_loop(device: str) -> None:
    tt.manual_seed(0)
    net = Net().to(device)
    opt = optim.AdamW(net.parameters(), lr=0.05)
    scheduler = optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.7)
    x = tt.randn(64, 4).to(device)
    y = tt.tensor(np.argmax(x.numpy() @ np.random.default_rng(0).standard_normal((4, 3)), axis=1), device=device)
    losses = []
    for _epoch in range(3):
        net.train()
        for _ in range(20):
            opt.zero_grad()
            loss = F.nll_loss(net(x), y)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        scheduler.step()
    assert losses[-1] < 0.8 * losses[0]
    assert opt.param_groups[0]["lr"] == pytest.approx(0.05 * 0.7**3)


# ---------------------------------------------------------------- parameters, buffers


def test_parameter_is_a_leaf_that_requires_grad_and_shares_memory() -> None:
    data = tt.zeros(3, 4)
    p = nn.Parameter(data)
    assert isinstance(p, nn.Parameter) and isinstance(p, tt.Tensor)
    assert p.requires_grad and p._node is None and p.shape == (3, 4)
    assert np.shares_memory(p.numpy(), data.numpy())
    assert not nn.Parameter(data, requires_grad=False).requires_grad
    computed = tt.ones(2, requires_grad=True) * 2
    leaf = nn.Parameter(computed)
    assert leaf._node is None and leaf.requires_grad  # cut from the graph, as torch.nn.Parameter
    assert not isinstance(p * 2, nn.Parameter)  # ops give plain tensors
    assert repr(nn.Parameter(tt.zeros(1))).startswith("Parameter containing:\nTensor([0.0]")
    assert nn.Parameter().shape == (0,) and nn.Parameter().requires_grad  # torch.nn.Parameter(): empty
    with pytest.raises(
        TypeError, match=re.escape("Parameter: data must be a typedtorch Tensor, got list; wrap it with tt.tensor")
    ):
        nn.Parameter([1.0])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Parameter: requires_grad must be a bool, got int"):
        nn.Parameter(data, 1)  # type: ignore[arg-type]


class WithBuffers(nn.Module):
    def __init__(self) -> None:
        self.fc = nn.Linear(2, 2, seed=0)
        self.gain = nn.Parameter(tt.ones(2))
        self.register_buffer("running_mean", tt.zeros(2))
        self.register_buffer("mask", tt.ones(2), persistent=False)
        self.register_buffer("later", None)
        self.plain = tt.full((2,), 3.0)  # a tensor attribute: a parameter (see the Module docstring)

    def forward(self, x: AnyTensor) -> AnyTensor:
        self.running_mean = self.running_mean * 0.9 + x.mean(0).detach() * 0.1  # rebinding keeps it a buffer
        return self.fc(x) * self.gain * self.mask


def test_buffers_are_found_moved_and_saved_but_not_parameters(device: str) -> None:
    m = WithBuffers()
    assert [n for n, _ in m.named_parameters()] == ["fc.weight", "fc.bias", "gain", "plain"]
    assert [n for n, _ in m.named_buffers()] == ["running_mean", "mask"]
    assert list(m.state_dict()) == ["fc.weight", "fc.bias", "gain", "running_mean", "plain"]  # mask: not persistent
    m(tt.ones(3, 2))
    assert [n for n, _ in m.named_buffers()] == ["running_mean", "mask"]
    np.testing.assert_allclose(m.running_mean.numpy(), [0.1, 0.1])
    m.to(device)
    assert {b.device for b in m.buffers()} == {tt.zeros(1, device=device).device}
    m(tt.ones(3, 2, device=device))
    m.later = tt.ones(1, device=device)  # a reserved name becomes a buffer once it holds a tensor
    assert [n for n, _ in m.named_buffers()] == ["running_mean", "mask", "later"]
    assert "later" in m.state_dict() and "later" not in dict(m.named_parameters())


def test_buffers_of_children_have_dotted_names_and_load(device: str) -> None:
    outer = nn.ModuleDict({"a": WithBuffers(), "b": WithBuffers()})
    assert [n for n, _ in outer.named_buffers()] == ["a.running_mean", "a.mask", "b.running_mean", "b.mask"]
    state = dict(outer.state_dict())
    state["b.running_mean"] = tt.full((2,), 7.0)
    target = nn.ModuleDict({"a": WithBuffers(), "b": WithBuffers()}).to(device)
    assert repr(target.load_state_dict(state)) == "<All keys matched successfully>"
    np.testing.assert_array_equal(target["b"].running_mean.numpy(), [7.0, 7.0])
    state["b.running_mean"] = tt.zeros(3)
    with pytest.raises(tt.ShapeError) as info:
        target.load_state_dict(state)
    assert str(info.value) == (
        "load_state_dict: buffer 'b.running_mean' has shape (2,) in ModuleDict, but the state holds shape (3,)"
    )
    np.testing.assert_array_equal(target["b"].running_mean.numpy(), [7.0, 7.0])  # unchanged


def test_load_state_dict_strict_false_reports_what_did_not_match() -> None:
    m = WithBuffers()
    state = dict(WithBuffers().state_dict())
    del state["gain"]
    state["extra"] = tt.zeros(1)
    state["fc.bias"] = tt.full((2,), 4.0)
    with pytest.raises(tt.ShapeError, match=re.escape("missing 'gain'; unexpected 'extra'")):
        m.load_state_dict(state)
    result = m.load_state_dict(state, strict=False)
    assert result == nn.IncompatibleKeys(["gain"], ["extra"])
    assert result.missing_keys == ["gain"] and result.unexpected_keys == ["extra"]
    np.testing.assert_array_equal(m.fc.bias.numpy(), [4.0, 4.0])  # what matched was loaded


def test_register_buffer_refusals() -> None:
    m = nn.Linear(2, 2)
    with pytest.raises(KeyError, match="attribute 'weight' already exists and is not a buffer"):
        m.register_buffer("weight", tt.zeros(2))
    with pytest.raises(KeyError, match=re.escape("'a.b' is not a valid attribute name")):
        m.register_buffer("a.b", tt.zeros(2))
    with pytest.raises(
        TypeError,
        match=re.escape("register_buffer: 'mask' must be a Tensor or None, got list; wrap it with tt.tensor()"),
    ):
        m.register_buffer("mask", [1.0])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="register_buffer: the name must be a str, got int"):
        m.register_buffer(3, tt.zeros(1))  # type: ignore[arg-type]
    m.register_buffer("mask", tt.zeros(2))
    m.register_buffer("mask", tt.ones(2))  # re-registering a buffer is fine
    with pytest.raises(KeyError, match="register_parameter: 'mask' is already a buffer"):
        m.register_parameter("mask", tt.zeros(2))
    m.register_parameter("extra", nn.Parameter(tt.zeros(1)))
    assert "extra" in dict(m.named_parameters())


def test_frozen_parameters_stay_parameters() -> None:
    net = Net().requires_grad_(False)
    assert all(not p.requires_grad for p in net.parameters())
    assert list(net.state_dict()) == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert net.requires_grad_() is net and all(p.requires_grad for p in net.parameters())


def test_children_and_recurse_false() -> None:
    m = WithBuffers()
    assert [n for n, _ in m.named_children()] == ["fc"]
    assert list(m.children()) == [m.fc]
    assert [n for n, _ in m.named_parameters(recurse=False)] == ["gain", "plain"]
    assert [n for n, _ in m.named_buffers(recurse=False)] == ["running_mean", "mask"]


# ------------------------------------------------------------------------ containers


def test_module_list() -> None:
    blocks = nn.ModuleList([nn.Linear(2, 2, seed=i) for i in range(3)])
    assert len(blocks) == 3 and blocks[-1] is blocks[2]
    assert [n for n, _ in blocks.named_parameters()][:3] == ["0.weight", "0.bias", "1.weight"]
    assert isinstance(blocks[1:], nn.ModuleList) and len(blocks[1:]) == 2
    blocks.append(nn.ReLU()).extend([nn.Linear(2, 1)])
    blocks.insert(0, nn.Tanh())
    assert [type(b).__name__ for b in blocks] == ["Tanh", "Linear", "Linear", "Linear", "ReLU", "Linear"]
    blocks[0] = nn.Sigmoid()
    del blocks[-1]
    assert len(blocks) == 5
    assert repr(nn.ModuleList([nn.ReLU()])) == "ModuleList(\n  (0): ReLU()\n)"
    with pytest.raises(TypeError, match=re.escape("ModuleList.append: expected an nn.Module, got Tensor")):
        blocks.append(tt.zeros(1))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=re.escape("ModuleList: expected an nn.Module, got int")):
        nn.ModuleList([nn.ReLU(), 3])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=re.escape("ModuleList.extend: expected an iterable of modules, got Linear")):
        blocks.extend(nn.Linear(2, 2))  # type: ignore[arg-type]
    with pytest.raises(IndexError, match="ModuleList index 9 out of range for 5 modules"):
        blocks[9]
    with pytest.raises(TypeError, match="ModuleList indices must be integers or slices, not str"):
        blocks["0"]  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="not callable: a Module subclass defines forward"):
        blocks(tt.zeros(1))


def test_module_dict(device: str) -> None:
    heads = nn.ModuleDict({"cls": nn.Linear(4, 3), "reg": nn.Linear(4, 1)})
    assert list(heads) == ["cls", "reg"] and "cls" in heads and len(heads) == 2
    assert [n for n, _ in heads.named_parameters()] == ["cls.weight", "cls.bias", "reg.weight", "reg.bias"]
    heads["aux"] = nn.Linear(4, 2)
    heads.update([("reg", nn.Linear(4, 5))])
    assert heads["reg"].out_features == 5 and list(heads.keys()) == ["cls", "reg", "aux"]
    assert heads.pop("aux").out_features == 2 and list(heads) == ["cls", "reg"]
    heads.to(device)
    assert {p.device for p in heads.parameters()} == {tt.zeros(1, device=device).device}
    with pytest.raises(KeyError, match=re.escape("ModuleDict has no key 'nope'; keys are ['cls', 'reg']")):
        heads["nope"]
    with pytest.raises(TypeError, match="ModuleDict keys must be str, got int"):
        heads[0] = nn.ReLU()  # type: ignore[index]
    with pytest.raises(KeyError, match=re.escape("must be a non-empty name without '.'")):
        heads["a.b"] = nn.ReLU()
    with pytest.raises(TypeError, match=re.escape("ModuleDict['x']: expected an nn.Module, got float")):
        heads.update({"ok": nn.ReLU(), "x": 1.0})  # type: ignore[dict-item]
    assert "ok" not in heads  # checked before anything was added
    heads.clear()
    assert len(heads) == 0


# --------------------------------------------------------------- apply and zero_grad


def test_apply_visits_children_first_each_once() -> None:
    shared = nn.Linear(2, 2)
    outer = nn.Sequential(nn.Sequential(shared, nn.ReLU()), shared)
    seen: list[str] = []
    assert outer.apply(lambda m: seen.append(type(m).__name__)) is outer
    assert seen == ["Linear", "ReLU", "Sequential", "Sequential"]


def test_apply_with_init_reinitializes_every_linear() -> None:
    def init(m: nn.Module) -> None:
        if isinstance(m, nn.Linear):
            nn.init.ones_(m.weight)
            assert m.bias is not None
            nn.init.zeros_(m.bias)

    net = Net().apply(init)
    assert all((p.numpy() == (1.0 if n.endswith("weight") else 0.0)).all() for n, p in net.named_parameters())


def test_zero_grad_set_to_none_false() -> None:
    net = Net()
    net(tt.ones(2, 4)).sum().backward()
    net.zero_grad(set_to_none=False)
    for p in net.parameters():
        assert p.grad is not None and not p.grad.numpy().any()
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_zero_grad_never_writes_a_shared_gradient_array() -> None:
    a, b = nn.Linear(1, 1), tt.ones(1, 1, requires_grad=True)
    a.weight.grad = tt.full((1, 1), 2.0)
    b._grad = a.weight._grad  # one array, two leaves (backward does this for w + b)
    a.zero_grad(set_to_none=False)
    assert a.weight.grad is not None and a.weight.grad.item() == 0.0
    assert b.grad is not None and b.grad.item() == 2.0  # the leaf outside the module keeps its gradient


# ---------------------------------------------------------------------------- init


def test_init_writes_in_place_and_follows_manual_seed(device: str) -> None:
    w = tt.zeros(300, 200, device=device)
    before = w._data
    tt.manual_seed(3)
    assert nn.init.normal_(w, mean=1.0, std=2.0) is w
    assert w._data is before
    first = w.numpy().copy()
    tt.manual_seed(3)
    nn.init.normal_(tt.zeros(300, 200, device=device))
    tt.manual_seed(3)
    again = nn.init.normal_(tt.zeros(300, 200, device=device), mean=1.0, std=2.0).numpy()
    np.testing.assert_array_equal(first, again)
    assert abs(first.mean() - 1.0) < 0.03 and abs(first.std() - 2.0) < 0.03
    tt.manual_seed(3)
    np.testing.assert_array_equal(nn.init.normal_(tt.zeros(300, 200), mean=1.0, std=2.0).numpy(), first)  # any device


@pytest.mark.parametrize(
    ("fn", "kwargs", "std"),
    [
        (nn.init.kaiming_uniform_, {}, math.sqrt(2.0 / 400)),
        (nn.init.kaiming_normal_, {}, math.sqrt(2.0 / 400)),
        (nn.init.kaiming_uniform_, {"mode": "fan_out", "nonlinearity": "relu"}, math.sqrt(2.0 / 300)),
        (nn.init.kaiming_normal_, {"a": 0.2, "mode": "fan_in"}, math.sqrt(2.0 / (1 + 0.04) / 400)),
        (nn.init.xavier_uniform_, {}, math.sqrt(2.0 / 700)),
        (nn.init.xavier_normal_, {"gain": 2.0}, 2.0 * math.sqrt(2.0 / 700)),
        (nn.init.uniform_, {"a": -2.0, "b": 2.0}, 4.0 / math.sqrt(12)),
    ],
)
def test_init_distributions(fn: Any, kwargs: dict[str, Any], std: float) -> None:
    # A (400, 300) tensor in typedtorch's Linear layout: fan_in 400, fan_out 300.
    tt.manual_seed(0)
    w = fn(tt.zeros(400, 300, dtype="float64"), **kwargs).numpy()
    assert w.dtype == np.float64
    assert abs(w.mean()) < 0.02 * std * 10
    assert w.std() == pytest.approx(std, rel=0.01)
    if "uniform" in fn.__name__:
        bound = std * math.sqrt(3.0)
        assert w.min() >= -bound and w.max() < bound and w.max() > 0.99 * bound


def test_kaiming_uniform_with_sqrt5_is_linears_default_init() -> None:
    w = nn.init.kaiming_uniform_(tt.zeros(256, 64), a=math.sqrt(5)).numpy()
    assert np.abs(w).max() <= 1 / math.sqrt(256) and np.abs(w).max() > 0.99 / math.sqrt(256)


def test_fans_in_each_layout() -> None:
    assert nn.init.calculate_fan_in_and_fan_out(tt.zeros(784, 128)) == (784, 128)
    assert nn.init.calculate_fan_in_and_fan_out(tt.zeros(16, 3, 5, 5)) == (75, 400)
    assert nn.init.calculate_fan_in_and_fan_out(tt.zeros(8, 4, 3)) == (12, 24)
    assert nn.init.calculate_gain("leaky_relu", 0.2) == math.sqrt(2 / 1.04)
    assert [nn.init.calculate_gain(n) for n in ("linear", "sigmoid", "selu")] == [1.0, 1.0, 0.75]


def test_init_constants_and_refusals() -> None:
    assert nn.init.constant_(tt.zeros(2, dtype="int64"), 7).tolist() == [7, 7]
    assert nn.init.ones_(tt.zeros(2)).tolist() == [1.0, 1.0]
    assert nn.init.zeros_(tt.ones(2, device="strict")).tolist() == [0.0, 0.0]
    with pytest.raises(TypeError, match=re.escape("nn.init.normal_: needs a floating-point tensor, got dtype int64")):
        nn.init.normal_(tt.zeros(2, dtype="int64"))
    with pytest.raises(TypeError, match=re.escape("nn.init.xavier_uniform_: expected a Tensor, got list")):
        nn.init.xavier_uniform_([1.0])  # type: ignore[type-var]
    with pytest.raises(
        ValueError, match=re.escape("fan in and fan out need a tensor of 2 or more dims, got shape (5,)")
    ):
        nn.init.kaiming_uniform_(tt.zeros(5))
    with pytest.raises(ValueError, match="the tensor was computed by an op"):
        nn.init.zeros_(tt.ones(2, requires_grad=True) * 2)
    with pytest.raises(ValueError, match="uniform_: needs a <= b"):
        nn.init.uniform_(tt.zeros(2), 1.0, 0.0)
    with pytest.raises(ValueError, match="normal_: std must be >= 0"):
        nn.init.normal_(tt.zeros(2), std=-1.0)
    with pytest.raises(ValueError, match="mode must be 'fan_in' or 'fan_out'"):
        nn.init.kaiming_normal_(tt.zeros(2, 2), mode="fan_avg")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unsupported nonlinearity 'swish'"):
        nn.init.calculate_gain("swish")  # type: ignore[arg-type]
    assert nn.init.kaiming_uniform_(tt.zeros(0, 3)).shape == (0, 3)


def test_init_matches_torch_formulas() -> None:
    torch = pytest.importorskip("torch")
    # Same distribution parameters as torch's on the transposed (out, in) layout.
    for ours, theirs, kw in [
        (nn.init.kaiming_uniform_, torch.nn.init.kaiming_uniform_, {"a": math.sqrt(5)}),
        (nn.init.xavier_uniform_, torch.nn.init.xavier_uniform_, {"gain": 1.5}),
        (nn.init.kaiming_normal_, torch.nn.init.kaiming_normal_, {"nonlinearity": "relu"}),
        (nn.init.xavier_normal_, torch.nn.init.xavier_normal_, {}),
    ]:
        a = ours(tt.zeros(500, 200, dtype="float64"), **kw).numpy()
        b = theirs(torch.zeros(200, 500, dtype=torch.float64), **kw).numpy()
        assert a.std() == pytest.approx(b.std(), rel=0.02), ours.__name__
        assert abs(a).max() == pytest.approx(abs(b).max(), rel=0.25 if "normal" in ours.__name__ else 0.01)


# ------------------------------------------------------------------------ clipping


def _with_grads(device: str, grads: list[list[float]]) -> list[AnyTensor]:
    params = []
    for g in grads:
        p = tt.zeros(len(g), device=device, requires_grad=True)
        p.grad = tt.tensor(g, device=device)
        params.append(p)
    return params


@pytest.mark.parametrize("norm_type", [1.0, 2.0, 3.0, math.inf])
def test_clip_grad_norm_formula(device: str, norm_type: float) -> None:
    grads = [[3.0, -4.0], [12.0], [0.5, -0.25, 1.0]]
    params = _with_grads(device, grads)
    flat = np.concatenate([np.array(g) for g in grads])
    total = np.abs(flat).max() if norm_type == math.inf else (np.abs(flat) ** norm_type).sum() ** (1 / norm_type)
    got = nn.utils.clip_grad_norm_(params, max_norm=2.0, norm_type=norm_type)
    assert got.shape == () and got.device == params[0].device
    assert got.item() == pytest.approx(total, rel=1e-6)
    coef = 2.0 / (total + 1e-6)
    for p, g in zip(params, grads, strict=True):
        assert p.grad is not None
        np.testing.assert_allclose(p.grad.numpy(), np.array(g) * coef, rtol=1e-6)


def test_clip_grad_norm_leaves_small_gradients_and_skips_missing_ones() -> None:
    params = [*_with_grads("cpu", [[0.3, 0.4]]), tt.zeros(2, requires_grad=True)]
    assert nn.utils.clip_grad_norm_(params, 10.0).item() == pytest.approx(0.5)
    assert params[0].grad is not None
    np.testing.assert_allclose(params[0].grad.numpy(), [0.3, 0.4], rtol=1e-6)
    assert params[1].grad is None
    assert nn.utils.clip_grad_norm_([tt.zeros(1, requires_grad=True)], 1.0).item() == 0.0
    single = _with_grads("cpu", [[6.0, 8.0]])[0]
    assert nn.utils.clip_grad_norm_(single, 5.0).item() == pytest.approx(10.0)  # one tensor, as PyTorch


def test_clip_grad_norm_nonfinite() -> None:
    params = _with_grads("cpu", [[1.0, math.inf]])
    with pytest.raises(RuntimeError, match=re.escape("the total norm of order 2.0 of the gradients is non-finite")):
        nn.utils.clip_grad_norm_(params, 1.0, error_if_nonfinite=True)
    assert params[0].grad is not None
    np.testing.assert_array_equal(params[0].grad.numpy(), [1.0, math.inf])  # unchanged by the refusal
    with np.errstate(invalid="ignore"):
        assert nn.utils.clip_grad_norm_(params, 1.0).item() == math.inf  # PyTorch's default: scale anyway


def test_clipping_scales_a_shared_gradient_array_once() -> None:
    a, b = tt.zeros(2, requires_grad=True), tt.zeros(2, requires_grad=True)
    g = tt.tensor([3.0, 4.0])
    a.grad = g
    b._grad = a._grad  # one array, two leaves (backward does this for x + x)
    nn.utils.clip_grad_norm_([a, b], 1.0)
    np.testing.assert_array_equal(g.numpy(), [3.0, 4.0])
    assert a.grad is not None and b.grad is not None
    np.testing.assert_allclose(a.grad.numpy(), np.array([3.0, 4.0]) / (50**0.5 + 1e-6), rtol=1e-6)
    np.testing.assert_allclose(b.grad.numpy(), a.grad.numpy())


def test_clip_grad_value(device: str) -> None:
    params = _with_grads(device, [[-5.0, 0.5, 5.0]])
    assert nn.utils.clip_grad_value_(params, 1.0) is None
    assert params[0].grad is not None
    assert params[0].grad.tolist() == [-1.0, 0.5, 1.0]
    with pytest.raises(ValueError, match="clip_grad_value_: clip_value must be >= 0"):
        nn.utils.clip_grad_value_(params, -1.0)


def test_clipping_refusals() -> None:
    with pytest.raises(
        TypeError, match="clip_grad_norm_: parameters must be a Tensor or an iterable of tensors, got float"
    ):
        nn.utils.clip_grad_norm_(1.0, 1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="clip_grad_norm_: expected tensors, got list"):
        nn.utils.clip_grad_norm_([[1.0]], 1.0)  # type: ignore[list-item]
    with pytest.raises(ValueError, match="clip_grad_norm_: max_norm must be a finite number, got nan"):
        nn.utils.clip_grad_norm_([], math.nan)
    with pytest.raises(ValueError, match="norm_type must be positive"):
        nn.utils.clip_grad_norm_([], 1.0, norm_type=0.0)


def test_clipping_against_torch() -> None:
    torch = pytest.importorskip("torch")
    r = np.random.default_rng(0)
    grads = [r.standard_normal(s) * 3 for s in [(4, 3), (3,), (5,)]]
    for norm_type in (1.0, 2.0, 2.5, math.inf):
        ours = []
        for g in grads:
            p = tt.zeros(*g.shape, dtype="float64", requires_grad=True)
            p.grad = tt.tensor(g, dtype="float64")
            ours.append(p)
        theirs = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
        for p, g in zip(theirs, grads, strict=True):
            p.grad = torch.tensor(g)
        total = nn.utils.clip_grad_norm_(ours, 1.5, norm_type)
        total_t = torch.nn.utils.clip_grad_norm_(theirs, 1.5, norm_type)
        assert total.item() == pytest.approx(total_t.item(), rel=1e-12)
        for a, b in zip(ours, theirs, strict=True):
            assert a.grad is not None
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-12)
    ours_v = [tt.tensor(grads[0], dtype="float64", requires_grad=True)]
    ours_v[0].grad = tt.tensor(grads[0], dtype="float64")
    theirs_v = [torch.tensor(grads[0], requires_grad=True)]
    theirs_v[0].grad = torch.tensor(grads[0])
    nn.utils.clip_grad_value_(ours_v, 0.7)
    torch.nn.utils.clip_grad_value_(theirs_v, 0.7)
    assert ours_v[0].grad is not None
    np.testing.assert_array_equal(ours_v[0].grad.numpy(), theirs_v[0].grad.numpy())


# ---------------------------------------------------------------------- functional


def test_functional_activations_are_the_tensor_methods(device: str) -> None:
    x = tt.tensor([[-1.0, 0.5, 2.0]], device=device)
    np.testing.assert_array_equal(F.relu(x).numpy(), x.relu().numpy())
    np.testing.assert_array_equal(F.sigmoid(x).numpy(), x.sigmoid().numpy())
    np.testing.assert_array_equal(F.tanh(x).numpy(), x.tanh().numpy())
    np.testing.assert_array_equal(F.softmax(x, dim=1).numpy(), x.softmax(1).numpy())
    np.testing.assert_array_equal(F.log_softmax(x, dim=-1).numpy(), x.log_softmax(-1).numpy())
    assert F.dropout(x, 0.5, training=False) is x
    tt.manual_seed(0)
    dropped = F.dropout(tt.ones(1000, device=device), 0.5).numpy()
    assert set(np.unique(dropped)) == {0.0, 2.0}


def test_functional_refusals() -> None:
    with pytest.raises(TypeError, match="softmax: dim must be an int, got NoneType"):
        F.softmax(tt.zeros(2), dim=None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=re.escape("dropout: p must be a number in [0, 1], got 1.5")):
        F.dropout(tt.zeros(2), 1.5)
    with pytest.raises(TypeError, match="dropout: training must be a bool, got str"):
        F.dropout(tt.zeros(2), 0.5, "yes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="dropout: input must be a floating-point tensor, got dtype int64"):
        F.dropout(tt.tensor([1, 2]))
    assert not hasattr(F, "linear")  # see the module docstring: PyTorch's weight layout differs
    assert set(F.__all__) >= {"cross_entropy", "nll_loss", "mse_loss", "l1_loss", "binary_cross_entropy_with_logits"}
    for name in F.__all__:
        assert getattr(F, name).__doc__, name


@pytest.mark.parametrize(
    "module",
    [
        "typedtorch.nn._parameter",
        "typedtorch.nn._containers",
        "typedtorch.nn.init",
        "typedtorch.nn.utils",
        "typedtorch.nn.functional",
        "typedtorch.optim._rmsprop",
        "typedtorch.optim.lr_scheduler",
    ],
)
def test_docstring_examples_run(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
