"""``batch_norm``, ``BatchNorm1d``/``BatchNorm2d`` and ``Dropout2d``.

Finite differences on every device (training: batch statistics; evaluation: running
ones; with and without ``affine``), PyTorch in float32 and float64 (outputs,
gradients, and the running statistics over several steps, momentum ``None``
included), the buffers kept out of the parameters, and every refusal.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from test_nn_grad import check_grad

import typedtorch as tt
from typedtorch import _rules, io, nn, optim
from typedtorch.nn import _functional_conv as F

AnyTensor = tt.Tensor[*tuple[Any, ...]]


def _stats(c: int, device: str, seed: int = 0) -> tuple[AnyTensor, AnyTensor]:
    r = np.random.default_rng(seed)
    return (
        tt.tensor(r.standard_normal(c), dtype="float64", device=device),
        tt.tensor(r.uniform(0.5, 2.0, c), dtype="float64", device=device),
    )


# ------------------------------------------------------------------- finite differences


@pytest.mark.parametrize("shape", [(4, 3, 3, 2), (5, 2), (3, 2, 4)], ids=["2d", "1d", "1d-length"])
@pytest.mark.parametrize("training", [True, False], ids=["train", "eval"])
def test_batch_norm_gradients(device: str, shape: tuple[int, ...], training: bool) -> None:
    r = np.random.default_rng(len(shape))
    c = shape[1]
    mean, var = _stats(c, device)

    def fn(x: AnyTensor, w: AnyTensor, b: AnyTensor) -> AnyTensor:
        # Training updates the running statistics on every call; the output does not depend on them.
        return F.batch_norm(x, mean, var, w, b, training=training, eps=1e-3)

    check_grad(fn, r.standard_normal(shape) * 2 + 1, r.standard_normal(c), r.standard_normal(c), device=device)


def test_batch_norm_without_affine_gradients(device: str) -> None:
    r = np.random.default_rng(1)
    check_grad(lambda x: F.batch_norm(x, None, None, training=True), r.standard_normal((3, 2, 2, 2)), device=device)


def test_layer_gradients(device: str) -> None:
    bn = nn.BatchNorm2d(3, device=device, dtype="float64")
    r = np.random.default_rng(2)

    def fn(x: AnyTensor, w: AnyTensor, b: AnyTensor) -> AnyTensor:
        bn.weight, bn.bias = w, b
        return bn(x)

    check_grad(fn, r.standard_normal((2, 3, 2, 3)), r.standard_normal(3), r.standard_normal(3), device=device)


# ---------------------------------------------------------------------------- PyTorch


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("momentum", [0.1, 0.3, None])
@pytest.mark.parametrize("shape", [(8, 3, 5, 5), (6, 4), (5, 2, 7)], ids=["2d", "1d", "1d-length"])
def test_layers_against_torch(shape: tuple[int, ...], momentum: float | None, dtype: str) -> None:
    torch = pytest.importorskip("torch")
    c = shape[1]
    ours = (nn.BatchNorm2d if len(shape) == 4 else nn.BatchNorm1d)(c, momentum=momentum, dtype=dtype)
    theirs = (torch.nn.BatchNorm2d if len(shape) == 4 else torch.nn.BatchNorm1d)(c, momentum=momentum)
    theirs = theirs.to(getattr(torch, dtype))
    r = np.random.default_rng(0)
    w, b = r.standard_normal(c), r.standard_normal(c)
    # The running statistics are in state_dict() where Module.register_buffer exists.
    state = {**ours.state_dict(), "weight": tt.tensor(w, dtype=dtype), "bias": tt.tensor(b, dtype=dtype)}
    ours.load_state_dict(state)
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(w))
        theirs.bias.copy_(torch.tensor(b))
    tol = {"float32": 2e-5, "float64": 1e-12}[dtype]
    for step, training in enumerate([True, True, True, False, True, False]):
        ours.train(training)
        theirs.train(training)
        x = r.standard_normal(shape) * (step + 1) + step
        g = r.standard_normal(shape)
        xt = tt.tensor(x, dtype=dtype, requires_grad=True)
        xr = torch.tensor(x, dtype=getattr(torch, dtype), requires_grad=True)
        out, ref = ours(xt), theirs(xr)
        np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=tol, atol=tol)
        (out * tt.tensor(g, dtype=dtype)).sum().backward()
        (ref * torch.tensor(g, dtype=getattr(torch, dtype))).sum().backward()
        assert xt.grad is not None
        np.testing.assert_allclose(xt.grad.numpy(), xr.grad.numpy(), rtol=tol, atol=tol * 10)
        np.testing.assert_allclose(ours.running_mean.numpy(), theirs.running_mean.numpy(), rtol=tol, atol=tol)
        np.testing.assert_allclose(ours.running_var.numpy(), theirs.running_var.numpy(), rtol=tol, atol=tol)
        assert int(ours.num_batches_tracked.item()) == int(theirs.num_batches_tracked.item())
    for name in ("weight", "bias"):
        ours_grad = getattr(ours, name).grad
        assert ours_grad is not None
        np.testing.assert_allclose(ours_grad.numpy(), getattr(theirs, name).grad.numpy(), rtol=tol * 10, atol=tol * 10)


def test_without_running_stats_against_torch() -> None:
    torch = pytest.importorskip("torch")
    ours = nn.BatchNorm2d(3, affine=False, track_running_stats=False, dtype="float64").eval()
    theirs = torch.nn.BatchNorm2d(3, affine=False, track_running_stats=False).double().eval()
    x = np.random.default_rng(3).standard_normal((4, 3, 2, 2))
    assert ours.running_mean is None and list(ours.named_parameters()) == []
    np.testing.assert_allclose(
        ours(tt.tensor(x, dtype="float64")).numpy(), theirs(torch.tensor(x)).detach().numpy(), atol=1e-12
    )


# -------------------------------------------------------------------------- buffers


def test_running_statistics_are_buffers_not_parameters() -> None:
    bn = nn.BatchNorm2d(4)
    assert [n for n, _ in bn.named_parameters()] == ["weight", "bias"]
    assert bn.running_mean.tolist() == [0.0] * 4 and bn.running_var.tolist() == [1.0] * 4
    assert bn.num_batches_tracked.tolist() == 0
    assert not bn.running_mean.requires_grad
    net = nn.Sequential(nn.Conv2d(1, 4, 3), bn)
    assert [n for n, _ in net.named_parameters()] == ["0.weight", "0.bias", "1.weight", "1.bias"]


def test_eval_uses_the_running_statistics() -> None:
    bn = nn.BatchNorm1d(2, momentum=1.0)  # the running statistics become the last batch's
    x = tt.tensor([[1.0, 10.0], [3.0, 30.0], [5.0, 50.0]])
    bn(x)
    assert bn.running_mean.tolist() == [3.0, 30.0]
    np.testing.assert_allclose(bn.running_var.numpy(), [4.0, 400.0])  # unbiased: M / (M - 1)
    out = bn.eval()(tt.tensor([[3.0, 50.0]]))
    np.testing.assert_allclose(out.numpy(), [[0.0, 1.0]], atol=1e-5)
    assert int(bn.num_batches_tracked.item()) == 1  # evaluation does not count


def test_buffers_follow_the_device(other_device: str) -> None:
    bn = nn.BatchNorm2d(2).to(other_device)
    out = bn(tt.ones(3, 2, 2, 2, device=other_device) * 4.0)
    assert out.device == bn.running_mean.device == other_device
    np.testing.assert_allclose(bn.running_mean.numpy(), [0.4, 0.4], rtol=1e-6)


def test_reset_running_stats() -> None:
    bn = nn.BatchNorm2d(2)
    bn(tt.randn(4, 2, 3, 3) + 5.0)
    bn.reset_running_stats()
    assert bn.running_mean.tolist() == [0.0, 0.0] and bn.running_var.tolist() == [1.0, 1.0]
    assert int(bn.num_batches_tracked.item()) == 0


# ------------------------------------------------------------------- rules and refusals


def _layer_error(layer: Any, shape: tuple[int, ...]) -> str:
    with pytest.raises(tt.ShapeError) as e:
        layer(tt.zeros(*shape))
    return str(e.value)


@pytest.mark.parametrize(
    ("layer", "shape"),
    [(nn.BatchNorm2d(16), (8, 15, 4, 4)), (nn.BatchNorm1d(10), (32, 9)), (nn.BatchNorm1d(10), (32, 11, 4))],
    ids=["2d-channels", "1d-channels", "1d-length-channels"],
)
def test_layer_message_is_the_rules(layer: Any, shape: tuple[int, ...]) -> None:
    with pytest.raises(tt.ShapeError) as e:
        _rules.output_shape(layer.rule_name(), type(layer).__shape_rule__, shape, layer.__shape_params__())
    assert _layer_error(layer, shape) == str(e.value)


def test_error_texts() -> None:
    assert _layer_error(nn.BatchNorm2d(16), (8, 15, 4, 4)) == (
        "BatchNorm2d[16]: input is Tensor[8, 15, 4, 4], dim 1 is 15, expected C = 16 (rule 'B C H W -> B C H W')"
    )
    assert _layer_error(nn.BatchNorm2d(16), (8, 16)) == (
        "BatchNorm2d[16]: input is Tensor[8, 16], expected 4 dims (N, C, H, W), got 2"
    )
    assert _layer_error(nn.BatchNorm1d(16), (8, 16, 2, 2)) == (
        "BatchNorm1d[16]: input is Tensor[8, 16, 2, 2], expected 2 or 3 dims (N, C) or (N, C, L), got 4"
    )
    with pytest.raises(ValueError) as v:
        nn.BatchNorm1d(3)(tt.zeros(1, 3))
    assert str(v.value) == (
        "BatchNorm1d[3]: expected more than 1 value per channel when training, got input of shape (1, 3)"
    )
    nn.BatchNorm1d(3).eval()(tt.zeros(1, 3))  # one sample is fine in evaluation
    with pytest.raises(ValueError) as v:
        nn.BatchNorm2d(0)
    assert str(v.value) == "BatchNorm2d: num_features must be a positive int, got 0"
    with pytest.raises(ValueError) as v:
        F.batch_norm(tt.zeros(2, 3), None, None)
    assert str(v.value) == "batch_norm: running_mean and running_var are needed when training=False"
    with pytest.raises(tt.ShapeError) as s:
        F.batch_norm(tt.zeros(2, 3), tt.zeros(4), tt.ones(4))
    assert str(s.value) == "batch_norm: input has 3 channels (shape (2, 3)) but running_mean has shape (4,)"
    with pytest.raises(TypeError) as t:
        F.batch_norm(tt.zeros(2, 3, dtype="int64"), None, None, training=True)
    assert str(t.value) == "batch_norm: input must be a floating-point tensor, got int64"
    with pytest.raises(tt.DeviceError) as d:
        F.batch_norm(tt.zeros(2, 3), tt.zeros(3, device="strict"), tt.ones(3))
    assert str(d.value) == "batch_norm: input on cpu but running_mean on strict"


# ------------------------------------------------------------------------- Dropout2d


def test_dropout2d_drops_whole_channels(device: str) -> None:
    tt.manual_seed(0)
    x = tt.ones(16, 32, 3, 3, device=device)
    out = nn.Dropout2d(0.25)(x).numpy()
    per_channel = out.reshape(16, 32, 9)
    assert np.all(per_channel.min(axis=2) == per_channel.max(axis=2))  # each channel all 0 or all 1/(1-p)
    assert set(np.unique(out).tolist()) == {0.0, np.float32(1 / 0.75)}
    assert 0.15 < (per_channel[:, :, 0] == 0).mean() < 0.35
    assert nn.Dropout2d(0.25).eval()(x) is x


def test_dropout2d_gradients(device: str) -> None:
    def fn(x: AnyTensor) -> AnyTensor:
        tt.manual_seed(1)  # the same channels every call
        return F.dropout2d(x, 0.5)

    check_grad(fn, np.random.default_rng(4).standard_normal((2, 6, 2, 2)), device=device)


def test_dropout2d_refusals() -> None:
    with pytest.raises(tt.ShapeError) as s:
        nn.Dropout2d()(tt.zeros(3, 4, 4))
    # The layer's rule, in the words mypy uses for the same call (tests/typing/reject/conv.py).
    assert str(s.value) == "Dropout2d: input is Tensor[3, 4, 4], expected 4 dims, got 3 (rule 'B C H W -> B C H W')"
    with pytest.raises(tt.ShapeError):
        nn.Dropout2d().eval()(tt.zeros(3, 4, 4))  # refused in evaluation too, not passed through
    with pytest.raises(tt.ShapeError) as s:
        F.dropout2d(tt.zeros(3, 4, 4), training=False)
    assert str(s.value) == "dropout2d: expected a 4-D input (N, C, H, W), got shape (3, 4, 4)"
    with pytest.raises(ValueError) as v:
        nn.Dropout2d(1.5)
    assert str(v.value) == "Dropout2d: p must be a probability in [0, 1], got 1.5"
    with pytest.raises(ValueError) as v:
        F.dropout2d(tt.zeros(1, 1, 1, 1), inplace=True)
    assert str(v.value) == "dropout2d: inplace=True is not supported; write x = dropout2d(x, p)"
    assert F.dropout2d(tt.ones(1, 2, 1, 1), 1.0).tolist() == [[[[0.0]], [[0.0]]]]


# ------------------------------------------------------------------------ checkpoints


class _ConvBN(nn.Module):
    """A conv net with both batch norms (one with a cumulative average), as a checkpoint holds them."""

    def __init__(self, seed: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, seed=seed)
        self.bn = nn.BatchNorm2d(4)
        self.bn1 = nn.BatchNorm1d(4 * 6 * 6, momentum=None)
        self.fc = nn.Linear(4 * 6 * 6, 3, seed=seed + 1)

    def forward(self, x: AnyTensor) -> AnyTensor:
        return self.fc(self.bn1(tt.flatten(tt.relu(self.bn(self.conv(x))), 1)))


def _trained(seed: int, steps: int) -> _ConvBN:
    """A model after ``steps`` SGD steps, so that every buffer differs from its initial value."""
    model = _ConvBN(seed)
    opt = optim.SGD(model.parameters(), lr=0.1)
    r = np.random.default_rng(seed)
    for _ in range(steps):
        opt.zero_grad()
        x = tt.tensor(r.standard_normal((6, 1, 8, 8)) * 2.0 + 0.5, dtype="float32")
        (model(x) ** 2).mean().backward()
        opt.step()
    return model


_BUFFER_NAMES = [
    f"{layer}.{b}" for layer in ("bn", "bn1") for b in ("running_mean", "running_var", "num_batches_tracked")
]


def _values(model: nn.Module) -> dict[str, np.ndarray[Any, Any]]:
    return {name: t.numpy().copy() for name, t in model.state_dict().items()}


@pytest.mark.parametrize("via", ["io", "state_dict"])
def test_checkpoint_round_trip_keeps_the_running_statistics(via: str, tmp_path: Any) -> None:
    trained = _trained(seed=0, steps=4)
    saved = _values(trained)
    assert set(_BUFFER_NAMES) <= set(saved)
    assert saved["bn.num_batches_tracked"] == 4 and saved["bn1.num_batches_tracked"] == 4
    assert saved["bn.num_batches_tracked"].dtype == np.int64
    fresh = _trained(seed=7, steps=1)  # other weights, other statistics, 1 batch tracked
    assert any(not np.array_equal(_values(fresh)[k], saved[k]) for k in _BUFFER_NAMES)
    if via == "io":
        pytest.importorskip("safetensors", reason="the io extra (safetensors) is not installed")
        path = tmp_path / "bn.safetensors"
        io.save(trained, path)
        io.load(fresh, path)
    else:
        fresh.load_state_dict(trained.state_dict())
    loaded = _values(fresh)
    assert list(loaded) == list(saved)
    for name in saved:
        np.testing.assert_array_equal(loaded[name], saved[name], err_msg=name)
        assert loaded[name].dtype == saved[name].dtype, name
    # The buffers stay buffers: no optimizer sees them.
    assert not set(_BUFFER_NAMES) & {name for name, _ in fresh.named_parameters()}
    # Evaluation uses the running statistics: the loaded model computes the same outputs.
    x = tt.tensor(np.random.default_rng(3).standard_normal((5, 1, 8, 8)), dtype="float32")
    trained.eval()
    fresh.eval()
    np.testing.assert_array_equal(fresh(x).numpy(), trained(x).numpy())
    # ... and training resumes the count where it stopped, updating the loaded statistics.
    fresh.train()
    fresh(x)
    assert int(fresh.bn.num_batches_tracked.item()) == 5
    assert not np.array_equal(fresh.bn.running_mean.numpy(), saved["bn.running_mean"])


def test_state_dict_holds_copies_a_later_step_does_not_change() -> None:
    model = _trained(seed=0, steps=2)
    state = model.state_dict()
    before = {k: t.numpy().copy() for k, t in state.items()}
    model(tt.ones(6, 1, 8, 8))  # a training step updates the buffers in place
    changed = {k for k in _BUFFER_NAMES if not np.array_equal(model.state_dict()[k].numpy(), before[k])}
    assert changed == set(_BUFFER_NAMES)
    # Whether state_dict() shares storage (as PyTorch's does) or copies, a reload restores the snapshot.
    restored = _ConvBN(seed=0)
    restored.load_state_dict({k: tt.tensor(v) for k, v in before.items()})
    for k in _BUFFER_NAMES:
        np.testing.assert_array_equal(restored.state_dict()[k].numpy(), before[k])


def test_loading_statistics_of_the_wrong_size_is_refused_and_changes_nothing() -> None:
    model = _trained(seed=0, steps=2)
    before = _values(model)
    state = model.state_dict()
    state["bn.running_var"] = tt.ones(5)
    with pytest.raises(tt.ShapeError, match=r"bn\.running_var"):
        model.load_state_dict(state)
    after = _values(model)
    for name in before:
        np.testing.assert_array_equal(after[name], before[name], err_msg=name)
