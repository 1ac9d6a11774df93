"""The backprop engine: one reverse walk, accumulation, freeing, grad mode, ``tt.grad``."""

from __future__ import annotations

import gc
import threading
import tracemalloc
import weakref
from collections import namedtuple
from typing import Any

import numpy as np
import pytest

import typedtorch as tt
from typedtorch import _ops

AnyTensor = tt.Tensor[*tuple[Any, ...]]


def leaf(values: Any, device: str, requires_grad: bool = True) -> AnyTensor:
    return tt.tensor(np.asarray(values, dtype=np.float64), dtype="float64", device=device, requires_grad=requires_grad)


def grad_of(t: AnyTensor) -> np.ndarray:
    g = t.grad
    assert g is not None, "no gradient"
    assert g.shape == t.shape and g.device == t.device
    return g.numpy()


# ------------------------------------------------------------------ walk and leaves


def test_gradients_land_on_leaves_only(device: str) -> None:
    x = leaf([1.0, 2.0, 3.0], device)
    w = leaf([0.5, -1.0, 2.0], device)
    c = leaf([1.0, 1.0, 1.0], device, requires_grad=False)
    h = x * w
    y = h + c
    loss = y.sum()
    assert h.requires_grad and y.requires_grad and loss.requires_grad and not c.requires_grad
    loss.backward()
    np.testing.assert_allclose(grad_of(x), [0.5, -1.0, 2.0])
    np.testing.assert_allclose(grad_of(w), [1.0, 2.0, 3.0])
    assert c.grad is None
    assert h.grad is None and y.grad is None and loss.grad is None


def test_each_node_runs_backward_once(device: str, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    for cls in (_ops.Exp, _ops.Mul, _ops.Tanh, _ops.Add):
        original = cls.backward

        def counted(self: Any, g: Any, original: Any = original, name: str = cls.__name__) -> Any:
            calls.append(name)
            return original(self, g)

        monkeypatch.setattr(cls, "backward", counted)
    x = leaf([0.1, 0.2], device)
    y = x.exp()  # used three times below
    z = y * y + y.tanh()
    (z + y).sum().backward()
    assert sorted(calls) == ["Add", "Add", "Exp", "Mul", "Tanh"]
    e = np.exp([0.1, 0.2])
    np.testing.assert_allclose(grad_of(x), (2 * e + (1 - np.tanh(e) ** 2) + 1) * e)


def test_tensor_used_twice(device: str) -> None:
    x = leaf([1.0, -2.0, 3.0], device)
    (x * x).sum().backward()
    np.testing.assert_allclose(grad_of(x), [2.0, -4.0, 6.0])
    y = leaf([1.0, 2.0], device)
    (y + y + y).sum().backward()
    np.testing.assert_allclose(grad_of(y), [3.0, 3.0])
    z = leaf([[1.0, 2.0], [3.0, 4.0]], device)
    (z @ z).sum().backward()
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_allclose(grad_of(z), np.ones((2, 2)) @ a.T + a.T @ np.ones((2, 2)))


def test_diamond_graph(device: str) -> None:
    # x -> a, x -> b, (a, b) -> c -> loss: both paths reach x once each.
    x = leaf([0.5, 1.5], device)
    a = x * 3.0
    b = x.exp()
    c = a * b
    c.sum().backward()
    xv = np.array([0.5, 1.5])
    np.testing.assert_allclose(grad_of(x), 3 * np.exp(xv) + 3 * xv * np.exp(xv))


def test_wide_and_nested_diamonds(device: str) -> None:
    x = leaf([0.3], device)
    layer = x
    for _ in range(10):  # each level doubles the number of paths: 1024 paths to x
        layer = layer * 0.5 + layer * 0.5
    layer.sum().backward()
    np.testing.assert_allclose(grad_of(x), [1.0])


def test_deep_chain_has_no_recursion_limit(device: str) -> None:
    x = leaf([1.0], device)
    y = x
    for _ in range(5000):
        y = y * 1.0001
    y.sum().backward()
    np.testing.assert_allclose(grad_of(x), [1.0001**5000], rtol=1e-9)


def test_grad_accumulates_across_backward_calls(device: str) -> None:
    x = leaf([1.0, 2.0], device)
    (x * 3.0).sum().backward()
    (x * x).sum().backward()  # a second, separate graph
    np.testing.assert_allclose(grad_of(x), [3.0 + 2.0, 3.0 + 4.0])
    x.grad = None
    (x * 5.0).sum().backward()
    np.testing.assert_allclose(grad_of(x), [5.0, 5.0])


def test_accumulated_gradient_is_not_aliased(device: str) -> None:
    # a + b sends the same upstream array to both leaves; accumulating into one leaf's
    # .grad must not change the other's.
    a = leaf([1.0, 1.0], device)
    b = leaf([1.0, 1.0], device)
    (a + b).sum().backward()
    (a * 2.0).sum().backward()
    np.testing.assert_allclose(grad_of(a), [3.0, 3.0])
    np.testing.assert_allclose(grad_of(b), [1.0, 1.0])


def test_retain_graph_allows_second_backward(device: str) -> None:
    x = leaf([1.0, 2.0], device)
    loss = (x * x).sum()
    loss.backward(retain_graph=True)
    loss.backward()
    np.testing.assert_allclose(grad_of(x), [4.0, 8.0])


def test_second_backward_on_freed_graph_raises(device: str) -> None:
    x = leaf([1.0, 2.0], device)
    loss = (x * x).sum()
    loss.backward()
    before = grad_of(x).copy()
    with pytest.raises(RuntimeError, match=r"already freed.*retain_graph=True"):
        loss.backward()
    np.testing.assert_array_equal(grad_of(x), before)


def test_backward_through_freed_intermediate_raises_and_changes_nothing(device: str) -> None:
    x = leaf([1.0, 2.0], device)
    w = leaf([3.0, 4.0], device)
    h = x * 2.0
    h.sum().backward()
    before = grad_of(x).copy()
    # A fresh graph on top of the freed one: w would get a gradient before x's part
    # is reached, but nothing may change when the walk is refused.
    with pytest.raises(RuntimeError, match="already freed"):
        (w * h).sum().backward()
    np.testing.assert_array_equal(grad_of(x), before)
    assert w.grad is None


def test_backward_failing_midway_changes_no_grad(device: str, monkeypatch: pytest.MonkeyPatch) -> None:
    x = leaf([1.0, 2.0], device)
    w = leaf([3.0, 4.0], device)
    (x * w).sum().backward()  # some gradient already there
    before_x, before_w = grad_of(x).copy(), grad_of(w).copy()

    def broken(self: Any, g: Any) -> Any:
        raise FloatingPointError("backward failed")

    monkeypatch.setattr(_ops.Tanh, "backward", broken)
    # w's gradient is complete before the walk reaches tanh; x's path goes through it.
    loss = (w * 2.0).sum() + (x.tanh() * w).sum()
    with pytest.raises(FloatingPointError):
        loss.backward()
    np.testing.assert_array_equal(grad_of(x), before_x)
    np.testing.assert_array_equal(grad_of(w), before_w)


def test_backward_needs_a_scalar(device: str) -> None:
    x = leaf([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], device)
    y = x * 2.0
    with pytest.raises(tt.ShapeError, match=r"backward\(\) needs a scalar.*\(2, 3\)"):
        y.backward()  # type: ignore[misc]
    with pytest.raises(tt.ShapeError, match=r"\(1,\)"):
        y.sum(dim=0)[:1].backward()  # type: ignore[misc]
    assert x.grad is None
    y.sum().backward()  # the graph was not consumed by the refused calls
    np.testing.assert_allclose(grad_of(x), np.full((2, 3), 2.0))


def test_backward_without_graph_raises(device: str) -> None:
    x = leaf(1.0, device, requires_grad=False)
    with pytest.raises(RuntimeError, match="does not require grad"):
        (x * 2.0).backward()


def test_backward_of_a_leaf_scalar(device: str) -> None:
    x = leaf(3.0, device)
    x.backward()
    np.testing.assert_allclose(grad_of(x), 1.0)


def test_grad_dtype_and_device_follow_the_leaf(device: str) -> None:
    x = tt.ones(2, 3, device=device, requires_grad=True)
    (x * 2.0).sum().backward()
    assert x.grad is not None
    assert str(x.grad.dtype).endswith("float32")
    assert x.grad.device == device
    x64 = tt.ones(2, dtype="float64", device=device, requires_grad=True)
    (x64.astype("float32") * 2.0).sum().backward()
    assert x64.grad is not None and str(x64.grad.dtype).endswith("float64")


def test_grad_setter(device: str) -> None:
    x = leaf([1.0, 2.0], device)
    x.grad = leaf([5.0, 6.0], device, requires_grad=False)
    (x * 1.0).sum().backward()
    np.testing.assert_allclose(grad_of(x), [6.0, 7.0])
    with pytest.raises(tt.ShapeError, match=r"\(3,\).*\(2,\)"):
        x.grad = tt.zeros(3, device=device)  # type: ignore[assignment]


# ------------------------------------------------------------- grad mode and detach


def test_no_grad_records_nothing(device: str) -> None:
    w = leaf([1.0, 2.0], device)
    with tt.no_grad():
        y = w * 2.0
        z = (y + w).exp().sum()
        m = w @ w
        c = tt.cat([w, w])
    for t in (y, z, m, c):
        assert not t.requires_grad
        assert t._node is None
    with pytest.raises(RuntimeError):
        z.backward()
    assert w.grad is None
    # Recording resumes after the block, and no_grad results act as constants.
    (y * w).sum().backward()
    np.testing.assert_allclose(grad_of(w), [2.0, 4.0])


def test_no_grad_nesting_and_exceptions(device: str) -> None:
    w = leaf([1.0], device)
    with tt.no_grad():
        with tt.enable_grad():
            assert (w * 2.0).requires_grad
        with tt.no_grad():
            pass
        assert not (w * 2.0).requires_grad
    assert (w * 2.0).requires_grad
    with pytest.raises(ValueError), tt.no_grad():
        raise ValueError("boom")
    assert (w * 2.0).requires_grad


def test_no_grad_is_thread_local(device: str) -> None:
    w = leaf([1.0], device)
    seen: list[bool] = []
    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        inside.wait()
        seen.append((w * 2.0).requires_grad)
        release.set()

    thread = threading.Thread(target=other)
    thread.start()
    with tt.no_grad():
        inside.set()
        release.wait(10)
    thread.join()
    assert seen == [True]


def test_detach(device: str) -> None:
    x = leaf([1.0, 2.0], device)
    y = x * 3.0
    d = y.detach()
    assert not d.requires_grad and d._node is None
    np.testing.assert_array_equal(d.numpy(), [3.0, 6.0])
    (d * x).sum().backward()  # no gradient flows through d
    np.testing.assert_allclose(grad_of(x), [3.0, 6.0])
    assert not x.detach().requires_grad


def test_requires_grad_(device: str) -> None:
    x = leaf([1.0], device, requires_grad=False)
    assert x.requires_grad_() is x and x.requires_grad
    (x * 4.0).sum().backward()
    np.testing.assert_allclose(grad_of(x), [4.0])
    with pytest.raises(RuntimeError, match="non-leaf"):
        (x * 2.0).requires_grad_(False)


def test_partial_requires_grad(device: str) -> None:
    # Only inputs that ask for a gradient get one; the others are constants.
    a = leaf([[1.0, 2.0]], device)
    b = leaf([[3.0], [4.0]], device, requires_grad=False)
    (a @ b).sum().backward()
    np.testing.assert_allclose(grad_of(a), [[3.0, 4.0]])
    assert b.grad is None


# ------------------------------------------------------------------------- tt.grad

Params = namedtuple("Params", ["w", "b"])


def test_functional_grad_of_a_tensor(device: str) -> None:
    w = leaf([1.0, -2.0], device, requires_grad=False)
    g = tt.grad(lambda p: (p * p).sum())(w)
    assert isinstance(g, tt.Tensor) and g.device == device
    np.testing.assert_allclose(g.numpy(), [2.0, -4.0])
    assert w.grad is None and not w.requires_grad


def test_functional_grad_structures(device: str) -> None:
    w = leaf([1.0, 2.0], device)
    b = leaf(0.5, device)
    x = leaf([3.0, 4.0], device, requires_grad=False)

    def f_tuple(p: tuple[AnyTensor, AnyTensor], x: AnyTensor) -> tt.Scalar:
        return (p[0] * x).sum() + p[1] * 2.0

    gw, gb = tt.grad(f_tuple)((w, b), x)
    np.testing.assert_allclose(gw.numpy(), [3.0, 4.0])
    np.testing.assert_allclose(gb.numpy(), 2.0)

    def f_named(p: Params, x: AnyTensor) -> tt.Scalar:
        return (p.w * x).sum() * p.b

    g = tt.grad(f_named)(Params(w, b), x)
    assert type(g) is Params
    np.testing.assert_allclose(g.w.numpy(), [1.5, 2.0])
    np.testing.assert_allclose(g.b.numpy(), 11.0)

    def f_dict(p: dict[str, AnyTensor], *, scale: float) -> tt.Scalar:
        return (p["w"] * p["w"]).sum() * scale

    gd = tt.grad(f_dict)({"w": w, "b": b}, scale=3.0)
    assert set(gd) == {"w", "b"}
    np.testing.assert_allclose(gd["w"].numpy(), [6.0, 12.0])
    np.testing.assert_array_equal(gd["b"].numpy(), 0.0)  # f ignores b: zeros, not None
    assert gd["b"].shape == () and gd["b"].device == device

    def f_nested(p: dict[str, Any]) -> tt.Scalar:
        (a, c), lst = p["pair"], p["list"]
        return (a * c).sum() + lst[0].sum() * 0.0 + lst[1].sum()

    gn = tt.grad(f_nested)({"pair": (w, x), "list": [b, w]})
    np.testing.assert_allclose(gn["pair"][0].numpy(), [3.0, 4.0])  # w in the pair: its own leaf
    np.testing.assert_allclose(gn["pair"][1].numpy(), [1.0, 2.0])
    np.testing.assert_allclose(gn["list"][0].numpy(), 0.0)
    np.testing.assert_allclose(gn["list"][1].numpy(), [1.0, 1.0])
    assert isinstance(gn["list"], list) and isinstance(gn["pair"], tuple)

    for t in (w, b, x):
        assert t.grad is None  # the caller's tensors are untouched


def test_functional_grad_same_tensor_twice_in_params(device: str) -> None:
    w = leaf([1.0, 2.0], device)
    g1, g2 = tt.grad(lambda p: (p[0] * 2.0 + p[1] * 3.0).sum())((w, w))
    np.testing.assert_allclose(g1.numpy(), [2.0, 2.0])
    np.testing.assert_allclose(g2.numpy(), [3.0, 3.0])
    assert w.grad is None


def test_functional_grad_of_a_constant(device: str) -> None:
    w = leaf([1.0, 2.0], device)
    g = tt.grad(lambda p: tt.tensor(1.0, device=device))(w)
    np.testing.assert_array_equal(g.numpy(), [0.0, 0.0])


def test_functional_grad_works_inside_no_grad(device: str) -> None:
    w = leaf([1.0, 2.0], device)
    with tt.no_grad():
        g = tt.grad(lambda p: (p * p).sum())(w)
    np.testing.assert_allclose(g.numpy(), [2.0, 4.0])


def test_functional_grad_needs_a_scalar(device: str) -> None:
    w = leaf([1.0, 2.0], device)

    def not_scalar(p: AnyTensor) -> Any:
        return p * 2.0

    with pytest.raises(tt.ShapeError, match=r"not_scalar.*scalar.*\(2,\)"):
        tt.grad(not_scalar)(w)
    with pytest.raises(tt.ShapeError, match="float"):
        tt.grad(lambda p: 1.0)(w)  # type: ignore[arg-type, return-value]
    with pytest.raises(TypeError, match="str"):
        tt.grad(lambda p: p.sum())("w")  # type: ignore[arg-type]
    assert w.grad is None


def test_functional_grad_gradients_are_fresh_each_call(device: str) -> None:
    w = leaf([1.0, 2.0], device)
    df = tt.grad(lambda p: (p * 3.0).sum())
    g1 = df(w)
    g2 = df(w)
    np.testing.assert_allclose(g1.numpy(), [3.0, 3.0])
    np.testing.assert_allclose(g2.numpy(), [3.0, 3.0])  # no accumulation across calls


# ------------------------------------------------------------------ freeing memory


def test_backward_frees_the_graph(device: str) -> None:
    gc_was_enabled = gc.isenabled()
    gc.disable()  # freed by reference counting alone: the graph has no cycles
    try:
        for retain, should_live in [(False, False), (True, True)]:
            x = leaf([0.5, 1.0, 1.5], device)
            w = leaf([2.0, 3.0, 4.0], device)
            e = x.exp()
            saved = weakref.ref(e._data)  # held by the Mul node that consumed e
            loss = (e * w).sum()
            del e
            assert saved() is not None
            loss.backward(retain_graph=retain)
            assert (saved() is not None) == should_live, f"retain_graph={retain}"
            np.testing.assert_allclose(grad_of(x), np.exp([0.5, 1.0, 1.5]) * [2.0, 3.0, 4.0])
    finally:
        if gc_was_enabled:
            gc.enable()


def test_dropping_the_loss_without_backward_frees_the_graph(device: str) -> None:
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        x = leaf([0.5, 1.0], device)
        e = x.exp()
        saved = weakref.ref(e._data)
        loss = (e * x).sum()
        del e
        assert saved() is not None
        del loss
        assert saved() is None
    finally:
        if gc_was_enabled:
            gc.enable()


def _training_steps(device: str, steps: int) -> Any:
    rng = np.random.default_rng(0)
    w1 = tt.tensor(rng.standard_normal((8, 16)) * 0.1, device=device, requires_grad=True)
    b1 = tt.zeros(16, device=device, requires_grad=True)
    w2 = tt.tensor(rng.standard_normal((16, 3)) * 0.1, device=device, requires_grad=True)
    x = tt.tensor(rng.standard_normal((32, 8)), device=device)
    labels = tt.tensor(rng.integers(0, 3, 32), device=device)
    onehot = tt.tensor(np.eye(3)[rng.integers(0, 3, 32)], device=device)
    params = (w1, b1, w2)

    def run(n: int) -> float:
        loss_value = 0.0
        for _ in range(n):
            hidden = (x @ w1 + b1).relu()
            logits = hidden @ w2
            loss = -(logits.log_softmax(dim=-1) * onehot).sum(dim=1).mean()
            loss.backward()
            for p in params:
                p._data -= 0.1 * p._grad  # in place, as an optimizer does
                p.grad = None
            with tt.no_grad():
                _ = (logits.argmax(dim=1).eq(labels)).astype("float32").mean()
            loss_value = loss.item()
        return loss_value

    return run


def test_memory_stays_flat_over_many_steps(device: str) -> None:
    run = _training_steps(device, 0)
    first = run(50)  # warm up caches (backends, free lists, dtype objects)
    gc.collect()
    tracemalloc.start()
    try:
        last = run(2000)
        gc.collect()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert last < first  # it trained
    # One step holds a few KiB of arrays; a graph kept alive per step would leave
    # megabytes behind after 2000 steps.
    assert current < 64 * 1024, f"{current} bytes still allocated after 2000 steps"
    assert peak < 1024 * 1024, f"peak {peak} bytes"
