"""Regression tests for issue 10: what broke first when porting PyTorch code.

Each test quotes the bullet of the issue it guards (the wrong result or the failure a
new user met), then checks the PyTorch behaviour typedtorch now has — or, where
typedtorch deliberately refuses, the clear error it gives instead. Most run on every
device of the ``device`` fixture (``cpu`` and ``strict``; ``cuda`` where present).
The PyTorch tutorial's manual SGD loops, written literally, close the file.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import typedtorch as tt
import typedtorch.nn.functional as F
from typedtorch import nn

AnyTensor = tt.Tensor[*tuple[Any, ...]]


def t64(values: Any, device: str, requires_grad: bool = False) -> AnyTensor:
    return tt.tensor(values, dtype=tt.float64, device=device, requires_grad=requires_grad)


def grad(t: AnyTensor) -> list[Any]:
    assert t.grad is not None, "no gradient"
    result: list[Any] = t.grad.tolist()
    return result


# --------------------------------------------------------------- in-place updates

# - **Silent no-op:** `with tt.no_grad(): for p in model.parameters(): p -= lr * p.grad`
#   does nothing (`-=` rebinds the loop variable): the loss stays 671.5 → 671.5 over 500
#   steps with no error.


def test_sgd_step_on_model_parameters_trains(device: str) -> None:
    tt.manual_seed(0)
    x = tt.randn(32, 6, device=device)
    y = x @ tt.randn(6, 2, device=device)  # a linear target: the loss can fall far
    model = nn.Linear(6, 2).to(device)
    before = [p for p in model.parameters()]
    losses = []
    for _ in range(30):
        loss = ((model(x) - y) ** 2).sum()
        losses.append(loss.item())
        model.zero_grad()
        loss.backward()
        with tt.no_grad():
            for p in model.parameters():
                p -= 5e-3 * p.grad
    assert losses[-1] < 0.1 * losses[0], losses
    # the same tensor objects were updated, not rebound copies
    assert all(a is b for a, b in zip(before, model.parameters(), strict=True))


# `w1 -= lr * w1.grad` on a leaf gives "backward() on a tensor that does not require
# grad" on the next step. There is no `zero_()`.


def test_in_place_step_on_leaves_over_several_steps(device: str) -> None:
    x = t64([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]], device)
    w1 = t64([[0.3, -0.2], [0.1, 0.4]], device, requires_grad=True)
    w_ref = np.array([[0.3, -0.2], [0.1, 0.4]])
    xn = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]])
    lr = 0.01
    losses = []
    for _ in range(4):
        loss = (x @ w1).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        with tt.no_grad():
            w1 -= lr * w1.grad
            w1.grad.zero_()
        assert w1.requires_grad and w1.grad is not None and w1._node is None
        assert w1.grad.tolist() == [[0.0, 0.0], [0.0, 0.0]]
        w_ref = w_ref - lr * (2 * xn.T @ (xn @ w_ref))
        np.testing.assert_allclose(w1.numpy(), w_ref, rtol=1e-12)
    assert losses == sorted(losses, reverse=True) and losses[-1] < losses[0]


def test_zero_and_friends_modify_the_tensor_itself(device: str) -> None:
    a = t64([1.0, 2.0, 3.0], device)
    same = a.zero_()
    assert same is a and a.tolist() == [0.0, 0.0, 0.0]
    a.fill_(2.5).add_(1.0).mul_(2.0)
    assert a.tolist() == [7.0, 7.0, 7.0]
    a.copy_(t64([1.0, -1.0, 5.0], device)).clamp_(min=0.0, max=2.0)
    assert a.tolist() == [1.0, 0.0, 2.0]


# An in-place op on a leaf that requires grad outside `no_grad()` is an error (issue, §3).


def test_in_place_on_a_parameter_outside_no_grad_is_an_error(device: str) -> None:
    w = t64([1.0, 2.0], device, requires_grad=True)
    for op in (lambda: w.sub_(1.0), lambda: w.zero_(), lambda: w.mul_(2.0)):
        with pytest.raises(
            RuntimeError, match=r"in-place change of a leaf tensor that requires grad .*tt\.no_grad\(\)"
        ):
            op()
    with pytest.raises(RuntimeError, match=r"sub_: in-place change of a leaf"):
        w -= 1.0
    assert w.tolist() == [1.0, 2.0]  # nothing changed


# A tensor saved for backward and modified later makes `backward()` raise a clear error
# naming the op (issue, §3).


def test_saved_tensor_modified_later_makes_backward_raise(device: str) -> None:
    a = t64([1.0, 2.0], device, requires_grad=True)
    b = a * 2
    c = b * b  # Mul saves b
    with tt.no_grad():
        b.mul_(3.0)
    with pytest.raises(RuntimeError, match=r"input 0 of Mul .* was modified in place after Mul saved it"):
        c.sum().backward()
    # an input that does not require grad, saved by MatMul
    w = t64([1.0, 2.0], device, requires_grad=True)
    x = t64([[1.0, 2.0]], device)
    out = (x @ w).sum()
    x += 1.0
    with pytest.raises(RuntimeError, match=r"input 0 of MatMul .* modified in place"):
        out.backward()
    # an op that saves its output
    s = a.sigmoid()
    with tt.no_grad():
        s.mul_(3.0)
    with pytest.raises(RuntimeError, match=r"the output of Sigmoid .* modified in place"):
        s.sum().backward()


#   - after `backward(retain_graph=True)`, an optimizer step, and a second `backward()`,
#     the gradient is computed with the new weights; PyTorch refuses.


def test_retain_graph_then_step_then_backward_raises(device: str) -> None:
    w = t64([1.0, 2.0], device, requires_grad=True)
    opt = tt.optim.SGD([w], lr=0.1)
    loss = (w * w).sum()
    loss.backward(retain_graph=True)
    assert grad(w) == [2.0, 4.0]
    opt.step()
    with pytest.raises(RuntimeError, match=r"Mul .* was modified in place after Mul saved it for the gradient"):
        loss.backward()
    assert grad(w) == [2.0, 4.0]  # the refused backward added nothing


# ------------------------------------------------------------ reductions and max

# `sum(dim=(0, 1))` fails with a raw `TypeError`.


def test_sum_and_mean_over_a_tuple_of_dims(device: str) -> None:
    x = t64(np.arange(24.0).reshape(2, 3, 4), device, requires_grad=True)
    assert x.sum(dim=(0, 1)).tolist() == np.arange(24.0).reshape(2, 3, 4).sum(axis=(0, 1)).tolist()
    assert x.sum(dim=(-1, 0)).shape == (3,)
    assert x.mean(dim=(0, 2), keepdim=True).shape == (1, 3, 1)
    x.sum(dim=(0, 1)).sum().backward()
    assert grad(x) == np.ones((2, 3, 4)).tolist()
    with pytest.raises(tt.ShapeError, match=r"sum: dim 0 appears twice in dim=\(0, 0\)"):
        x.sum(dim=(0, 0))
    with pytest.raises(IndexError, match=r"sum: dim 5 is out of range for Tensor\[2, 3, 4\]"):
        x.sum(dim=(0, 5))


# - `x.max(dim=1)` returns the values only, so PyTorch code like `output.max(1)[1]` or
#   `v, i = x.max(dim=1)` silently gets rows of values instead of indices.


def test_max_with_dim_returns_values_and_indices(device: str) -> None:
    x = t64([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]], device)
    v, i = x.max(dim=1)
    assert v.tolist() == [5.0, 6.0] and i.tolist() == [1, 2] and i.dtype == tt.int64
    assert x.max(1)[1].tolist() == [1, 2]
    assert x.max(1).indices.tolist() == [1, 2] and x.max(1).values.tolist() == [5.0, 6.0]
    assert x.min(dim=0)[1].tolist() == [0, 1, 0]
    assert x.max(1, keepdim=True)[1].shape == (2, 1)
    assert x.max().item() == 6.0


#   - numpy errors leak from `softmax`/`max`/`argmax` over an empty dim.


def test_reductions_over_an_empty_dim_give_a_typedtorch_error(device: str) -> None:
    e = tt.zeros(2, 0, device=device)
    with pytest.raises(tt.ShapeError, match=r"softmax: dim 1 of shape \(2, 0\) is empty"):
        tt.softmax(e, dim=1)
    with pytest.raises(tt.ShapeError, match=r"log_softmax: dim 1 of shape \(2, 0\) is empty"):
        tt.log_softmax(e, dim=1)
    with pytest.raises(tt.ShapeError, match=r"^max: cannot reduce an empty dim of a tensor of shape \(2, 0\)"):
        e.max(dim=1)
    with pytest.raises(tt.ShapeError, match=r"^min: cannot reduce an empty dim"):
        e.min(dim=1)
    with pytest.raises(tt.ShapeError, match=r"^max: cannot reduce an empty dim"):
        e.max()
    with pytest.raises(tt.ShapeError, match=r"^argmax: cannot reduce an empty dim of a tensor of shape \(2, 0\)"):
        e.argmax(dim=1)
    with pytest.raises(tt.ShapeError, match=r"^argmax: cannot reduce an empty dim"):
        e.argmax()
    # reducing the non-empty dim is fine, as in PyTorch
    assert e.max(dim=0)[0].shape == (0,)


# ------------------------------------------------------------------ comparisons

# - `pred == y` is identity (Python `False`); `bool(loss < 0.5)` on a 0-d tensor raises
#   `len() of a 0-d tensor`; `bool(tt.tensor([0.0]))` is `True`.


def test_comparisons_are_elementwise_bool_tensors(device: str) -> None:
    pred = tt.tensor([1, 2, 3], device=device)
    y = tt.tensor([1, 0, 3], device=device)
    eq = pred == y
    assert isinstance(eq, tt.Tensor) and eq.dtype == tt.bool and eq.tolist() == [True, False, True]
    assert (pred != y).tolist() == [False, True, False]
    assert (pred == y).sum().item() == 2  # the accuracy idiom
    f = t64([0.5, 1.5, 2.5], device)
    assert (f < 1.5).tolist() == [True, False, False] and (f <= 1.5).tolist() == [True, True, False]
    assert (f > 1.5).tolist() == [False, False, True] and (f >= 1.5).tolist() == [False, True, True]
    assert (pred < 1.5).tolist() == [True, False, False]  # int tensor against a float


def test_bool_of_a_tensor_is_pytorchs(device: str) -> None:
    loss = t64(0.3, device)
    assert bool(loss < 0.5) is True
    assert bool(loss > 0.5) is False
    assert ("low" if loss < 0.5 else "high") == "low"
    assert bool(tt.tensor([0.0], device=device)) is False
    assert bool(tt.tensor([[2.0]], device=device)) is True
    assert bool(tt.tensor(0, device=device)) is False
    with pytest.raises(
        RuntimeError, match=r"the truth value of a tensor with 2 elements \(shape \(2,\)\) is ambiguous"
    ):
        bool(tt.tensor([0.0, 1.0], device=device))
    with pytest.raises(RuntimeError, match=r"the truth value of a tensor with no values is ambiguous"):
        bool(tt.zeros(0, device=device))


def test_comparing_with_none_is_pythons_answer(device: str) -> None:
    # PyTorch: `x == None` is False and `x != None` True (Python's fallback), so
    # `x in [None, y]` and `if mask == None` work; other comparisons with None stay errors.
    x = t64([1.0, 2.0], device)
    assert (x == None) is False and (x != None) is True  # noqa: E711
    assert x not in [None] and x in [None, x]
    with pytest.raises(TypeError, match=r"lt: unsupported operand type NoneType"):
        _ = x < None  # type: ignore[operator]
    with pytest.raises(TypeError, match=r"eq: unsupported operand type list; wrap arrays with tt.tensor\(\)"):
        _ = x == [1.0, 2.0]


def test_numpy_scalars_are_numbers(device: str) -> None:
    # Found while testing promotion: `x / np.prod(x.shape)` or `x * np.float32(2)` was
    # refused ("unsupported operand type int64"); PyTorch takes numpy scalars as numbers.
    f = tt.tensor([1.0, 2.0], device=device)
    i = tt.tensor([1, 2], device=device)
    assert (f / np.prod(f.shape)).tolist() == [0.5, 1.0] and (f / np.prod(f.shape)).dtype == tt.float32
    assert (f * np.float32(1.5)).tolist() == [1.5, 3.0] and (np.float32(1.5) + f).tolist() == [2.5, 3.5]
    assert (i * np.int64(2)).dtype == tt.int64 and (i * np.float64(0.5)).dtype == tt.float32
    assert (f == np.int64(1)).tolist() == [True, False] and (i * np.bool_(True)).tolist() == [1, 2]
    assert (f / np.array(2.0)).tolist() == [0.5, 1.0]  # a 0-d array is a number too
    assert (f ** np.int64(2)).tolist() == [1.0, 4.0] and (np.int64(2) ** i).tolist() == [2, 4]
    with pytest.raises(TypeError, match=r"mul: unsupported operand type ndarray; wrap arrays with tt.tensor\(\)"):
        _ = f * np.array([1.0, 2.0])  # an array with dims is not


# Hash by identity; make sure nothing inside the library relied on identity `==`
# (issue, §5).


def test_tensors_hash_by_identity(device: str) -> None:
    a = t64([1.0, 2.0], device)
    b = t64([1.0, 2.0], device)  # equal values, another tensor
    assert len({a, b, a}) == 2
    d = {a: "a", b: "b"}
    assert d[a] == "a" and d[b] == "b"
    assert hash(a) != hash(b) or a is b


def test_optimizer_dedupe_and_groups_do_not_compare_values(device: str) -> None:
    w = t64([1.0, 2.0], device, requires_grad=True)
    v = t64([1.0, 2.0], device, requires_grad=True)  # same values, a different parameter
    opt = tt.optim.SGD([w, v, w], lr=0.5)
    assert len(opt.param_groups[0]["params"]) == 2  # w listed twice, kept once; v kept
    (w.sum() + 2 * v.sum()).backward()
    opt.step()
    assert w.tolist() == [0.5, 1.5] and v.tolist() == [0.0, 1.0]  # each updated once
    with pytest.raises(ValueError, match=r"some parameters appear in more than one parameter group"):
        opt.add_param_group({"params": [v]})
    other = t64([1.0, 2.0], device, requires_grad=True)
    opt.add_param_group({"params": [other]})  # equal values to none in particular: accepted
    assert len(opt.param_groups) == 2
    # per-parameter state is a dict keyed by the tensors themselves (identity hash)
    a = t64([1.0, 2.0], device, requires_grad=True)
    b = t64([1.0, 2.0], device, requires_grad=True)
    adam = tt.optim.Adam([a, b], lr=0.1, betas=(0.5, 0.5))
    for _ in range(2):
        adam.zero_grad()
        (a.sum() + 3 * b.sum()).backward()
        adam.step()
    assert len(adam.state) == 2 and adam.state[a] is not adam.state[b]
    assert adam.state[a]["exp_avg"].tolist() == [0.75, 0.75] and adam.state[b]["exp_avg"].tolist() == [2.25, 2.25]
    # a module whose two parameters hold equal values lists both
    lin = nn.Linear(2, 2, bias=False).to(device)
    with tt.no_grad():
        lin.weight.fill_(1.0)
    assert len(list(lin.parameters())) == 1 and len(list(nn.Sequential(lin, nn.Linear(2, 2)).parameters())) == 3


# ------------------------------------------------------------------------ dtypes

# - `nn.Linear(2, 3)(tt.tensor([[0, 1]]))` silently returns float64; `tt.zeros(3,
#   dtype=np.float32)` is refused; there is no `.float()`.
# DESIGN §3: "Float layers and losses refuse integer inputs with a clear error."


def test_layers_and_losses_refuse_integer_inputs(device: str) -> None:
    ints = tt.tensor([[0, 1]], device=device)
    with pytest.raises(TypeError, match=r"Linear: input must be a floating-point tensor, got dtype int64"):
        nn.Linear(2, 3).to(device)(ints)
    assert nn.Linear(2, 3).to(device)(ints.float()).dtype == tt.float32
    with pytest.raises(TypeError, match=r"layer_norm: expected a floating-point tensor, got dtype int64"):
        nn.LayerNorm(2).to(device)(ints)
    with pytest.raises(TypeError, match=r"Conv2d\(.*\): input must be a floating-point tensor, got int64"):
        nn.Conv2d(1, 1, 1).to(device)(tt.zeros(1, 1, 2, 2, dtype=tt.int64, device=device))
    i4 = tt.zeros(1, 2, 4, 4, dtype=tt.int64, device=device)
    with pytest.raises(TypeError, match=r"MaxPool2d\(.*\): input must be a floating-point tensor, got int64"):
        nn.MaxPool2d(2)(i4)
    with pytest.raises(TypeError, match=r"BatchNorm2d\[2\]: input must be a floating-point tensor, got int64"):
        nn.BatchNorm2d(2).to(device)(i4)
    i3 = tt.zeros(2, 3, 4, dtype=tt.int64, device=device)
    with pytest.raises(TypeError, match=r"MultiheadAttention\[4, 2\]: query must be a floating-point tensor"):
        nn.MultiheadAttention(4, 2).to(device)(i3, i3, i3)
    with pytest.raises(TypeError, match=r"Dropout: input must be a floating-point tensor, got dtype int64"):
        nn.Dropout(0.5)(i3)
    f = tt.tensor([[0.5, 1.0]], device=device)
    with pytest.raises(TypeError, match=r"mse_loss: input must be a floating-point tensor, got dtype int64"):
        F.mse_loss(ints, f)
    with pytest.raises(TypeError, match=r"mse_loss: target must be a floating-point tensor, got dtype int64"):
        F.mse_loss(f, ints)
    with pytest.raises(TypeError, match=r"cross_entropy: input must be a floating-point tensor, got dtype int64"):
        F.cross_entropy(ints, tt.tensor([0], device=device))
    with pytest.raises(TypeError, match=r"binary_cross_entropy: input must be a floating-point tensor"):
        F.binary_cross_entropy(ints, f)
    with pytest.raises(TypeError, match=r"l1_loss: input must be a floating-point tensor"):
        F.l1_loss(ints, f)


def test_dtype_spellings_and_conversions(device: str) -> None:
    for spelling in (np.float32, np.dtype("float32"), "float32", tt.float32):
        assert tt.zeros(3, dtype=spelling, device=device).dtype == tt.float32
    i = tt.tensor([1, 2], device=device)
    assert i.dtype == tt.int64
    assert i.float().dtype == tt.float32 and i.float().tolist() == [1.0, 2.0]
    assert i.double().dtype == tt.float64 and i.float().long().dtype == tt.int64
    assert i.int().dtype == tt.int32 and (i > 1).int().tolist() == [0, 1] and i.bool().dtype == tt.bool
    with pytest.raises(TypeError, match=r"unknown dtype 'float8'"):
        tt.zeros(3, dtype="float8", device=device)


# PyTorch's promotion: Python scalars never change a tensor's dtype; float32 with an
# integer tensor stays float32; int / int is a true division in the default float.


def test_pytorch_type_promotion(device: str) -> None:
    f32 = tt.tensor([1.0, 2.0], device=device)
    f64 = t64([1.0, 2.0], device)
    i64 = tt.tensor([1, 2], device=device)
    i32 = tt.tensor([1, 2], dtype=tt.int32, device=device)
    b = tt.tensor([True, False], device=device)
    assert (f32 * 2.5).dtype == tt.float32 and (f32 + 1).dtype == tt.float32 and (f64 * 2.5).dtype == tt.float64
    assert (f32 + np.float64(1.5)).dtype == tt.float32  # a numpy scalar is a Python number here
    assert (i64 * 2).dtype == tt.int64 and (i32 * 2).dtype == tt.int32
    assert (i64 * 2.5).dtype == tt.float32 and (i32 - 0.5).dtype == tt.float32
    assert (b + 1).dtype == tt.int64 and (b * 1.5).dtype == tt.float32
    assert (f32 + i64).dtype == tt.float32 and (i64 * f32).dtype == tt.float32
    assert (i32 + i64).dtype == tt.int64 and (f32 + f64).dtype == tt.float64
    assert (f32 + t64(1.0, device)).dtype == tt.float32  # a 0-d tensor acts as a number
    assert (i64 / i64).dtype == tt.float32 and (i64 / tt.tensor([2, 4], device=device)).tolist() == [0.5, 0.5]
    assert (i64 / 2).dtype == tt.float32 and (2 / i64).dtype == tt.float32


def test_python_bools_promote_as_pytorch(device: str) -> None:
    # PyTorch: a Python bool is the weakest number; it never changes the dtype.
    i64 = tt.tensor([1, 2], device=device)
    f32 = tt.tensor([1.0, 2.0], device=device)
    assert (i64 + True).dtype == tt.int64 and (i64 + True).tolist() == [2, 3]
    assert (f32 * False).dtype == tt.float32 and (f32 * False).tolist() == [0.0, 0.0]
    assert (tt.tensor([True, False], device=device) & True).dtype == tt.bool


def test_where_with_a_number_promotes_as_pytorch(device: str) -> None:
    # Found while testing promotion: `where(c, int_tensor, 0.5)` gave [1.0, 0.0] (the 0.5
    # was cast to the int tensor's dtype before the tensor was lifted to float).
    c = tt.tensor([True, False], device=device)
    i = tt.tensor([1, 2], device=device)
    assert tt.where(c, i, 0.5).tolist() == [1.0, 0.5] and tt.where(c, i, 0.5).dtype == tt.float32
    assert tt.where(c, 0.5, i).tolist() == [0.5, 2.0]
    assert tt.where(c, i, 7).tolist() == [1, 7] and tt.where(c, i, 7).dtype == tt.int64
    assert tt.where(c, tt.tensor([True, True], device=device), 2).tolist() == [1, 2]


def test_powers_promote_as_pytorch(device: str) -> None:
    i64 = tt.tensor([1, 4], device=device)
    assert (i64**2).dtype == tt.int64 and (i64**2).tolist() == [1, 16]
    assert (i64**0.5).dtype == tt.float32 and (i64**0.5).tolist() == [1.0, 2.0]
    assert (2**i64).dtype == tt.int64 and (2**i64).tolist() == [2, 16]
    assert (2.0**i64).dtype == tt.float32 and (2.0**i64).tolist() == [2.0, 16.0]
    with pytest.raises(ValueError, match=r"pow: integer tensors to negative integer powers are not allowed"):
        _ = i64**-1


def test_float_functions_of_integer_tensors_give_float32(device: str) -> None:
    # PyTorch: exp/log/sqrt/... of an integer tensor compute in the default float.
    i64 = tt.tensor([1, 4], device=device)
    for name in ("exp", "log", "sqrt", "sigmoid", "tanh", "sin", "cos"):
        out = getattr(tt, name)(i64)
        assert out.dtype == tt.float32, name
        np.testing.assert_allclose(out.numpy(), getattr(tt, name)(i64.float()).numpy(), err_msg=name)
    assert tt.logsumexp(i64, dim=0).dtype == tt.float32
    # softmax of integers is refused, as in PyTorch
    with pytest.raises(TypeError, match=r"softmax: expected a floating-point tensor, got dtype int64"):
        tt.softmax(i64, dim=0)
    with pytest.raises(TypeError, match=r"log_softmax: expected a floating-point tensor, got dtype int64"):
        tt.log_softmax(i64, dim=0)


def test_negating_a_bool_tensor_is_a_clear_error(device: str) -> None:
    b = tt.tensor([True, False], device=device)
    with pytest.raises(TypeError, match=r"neg: negation of a bool tensor is not supported; use ~x"):
        _ = -b
    assert (~b).tolist() == [False, True]


# ------------------------------------------------------------ wrong gradients

#   - `x[[0, 0]].sum().backward()` gives row 0 a gradient of 1 (PyTorch: 2): indexing with a
#     list or numpy array assigns the gradient instead of accumulating it;


@pytest.mark.parametrize("index", [[0, 0], np.array([0, 0]), "tensor"])
def test_repeated_index_accumulates_the_gradient(device: str, index: Any) -> None:
    x = t64([[1.0, 2.0], [3.0, 4.0]], device, requires_grad=True)
    if isinstance(index, str):
        index = tt.tensor([0, 0], device=device)
    x[index].sum().backward()
    assert grad(x) == [[2.0, 2.0], [0.0, 0.0]]
    v = t64([1.0, 2.0, 3.0], device, requires_grad=True)
    v[[2, 0, 2, 2]].sum().backward()
    assert grad(v) == [1.0, 0.0, 3.0]
    m = t64([[1.0, 2.0], [3.0, 4.0]], device, requires_grad=True)
    m[:, [1, 1, 0]].sum().backward()
    assert grad(m) == [[1.0, 2.0], [1.0, 2.0]]


#   - `sigmoid(-20.)` is 0.0 (PyTorch 2.06e-9): `0.5*tanh(0.5x)+0.5` loses the tail, so
#     `binary_cross_entropy(sigmoid(-20), 1)` is 100 instead of 20;


@pytest.mark.parametrize("dtype", [tt.float32, tt.float64])
def test_sigmoid_keeps_its_tail(device: str, dtype: tt.DType) -> None:
    x = tt.tensor([-20.0, -100.0, 0.0, 20.0], dtype=dtype, device=device)
    s = tt.sigmoid(x).numpy()
    rtol = 1e-6 if dtype == tt.float32 else 1e-14
    np.testing.assert_allclose(s[0], math.exp(-20) / (1 + math.exp(-20)), rtol=rtol)
    np.testing.assert_allclose(s[1], math.exp(-100), rtol=0.05 if dtype == tt.float32 else 1e-14)  # f32: denormal
    assert s[2] == 0.5
    np.testing.assert_allclose(s[3], 1 / (1 + math.exp(-20)), rtol=rtol)
    bce = F.binary_cross_entropy(tt.sigmoid(tt.tensor([-20.0], dtype=dtype, device=device)), tt.tensor([1.0], dtype=dtype, device=device))  # fmt: skip
    assert bce.item() == pytest.approx(20.0, rel=1e-6)


#   - the gradient of `x ** 0` at `x = 0` is nan (PyTorch 0);


def test_gradient_of_x_to_the_zero_is_zero(device: str) -> None:
    x = t64([0.0, 2.0, -1.0], device, requires_grad=True)
    (x**0).sum().backward()
    assert grad(x) == [0.0, 0.0, 0.0]
    y = t64([0.0, 2.0], device, requires_grad=True)
    with np.errstate(all="raise"):  # no 0 * inf computed behind the result either
        (y ** t64([0.0, 0.0], device)).sum().backward()
    assert grad(y) == [0.0, 0.0]
    assert (x**0).tolist() == [1.0, 1.0, 1.0]


#   - `cross_entropy` with a `-inf` logit (the usual masking) is nan (PyTorch 1.3133);


def test_cross_entropy_with_a_minus_inf_logit_is_finite(device: str) -> None:
    logits = tt.tensor([[0.0, 1.0, -math.inf]], device=device, requires_grad=True)
    loss = F.cross_entropy(logits, tt.tensor([0], device=device))
    assert loss.item() == pytest.approx(1.3132616875182228, rel=1e-6)  # log(1 + e)
    loss.backward()
    g = np.asarray(grad(logits))
    assert np.all(np.isfinite(g))
    np.testing.assert_allclose(g, [[1 / (1 + math.e) - 1, math.e / (1 + math.e), 0.0]], rtol=1e-6)
    np.testing.assert_allclose(
        tt.log_softmax(tt.tensor([0.0, 1.0, -math.inf], device=device), dim=0).numpy()[:2],
        [-1.3132616875182228, -0.31326168751822286],
        rtol=1e-6,
    )


#   - `tt.grad(f)` also accumulates into the `.grad` of tensors `f` closes over;


def test_tt_grad_leaves_closed_over_tensors_alone(device: str) -> None:
    w = t64([1.0, 2.0], device, requires_grad=True)
    a = t64([3.0, 4.0], device, requires_grad=True)
    g = tt.grad(lambda a: (a * w).sum())(a)
    assert g.tolist() == [1.0, 2.0]
    assert w.grad is None and a.grad is None
    w.grad = t64([10.0, 10.0], device)
    tt.grad(lambda a: (a * w * w).sum())(a)
    assert grad(w) == [10.0, 10.0]  # an existing .grad is not touched either


# ------------------------------------------- the tutorial's manual SGD, literally

# "Learning PyTorch with Examples" (PyTorch tutorials), its nn-module and raw-tensor
# autograd versions, written as the tutorial writes them with `lib` standing for
# `torch` or `typedtorch`. Sizes are shrunk from 64, 1000, 100, 10 to keep the test
# fast; the code is the tutorial's.
N, D_in, H, D_out = 64, 100, 30, 10


def tutorial_nn(lib: Any, x: Any, y: Any, model: Any, steps: int) -> list[float]:
    loss_fn = lib.nn.MSELoss(reduction="sum")
    learning_rate = 1e-4
    losses = []
    for t in range(steps):  # noqa: B007 (the tutorial's loop, literally)
        y_pred = model(x)
        loss = loss_fn(y_pred, y)
        losses.append(loss.item())
        model.zero_grad()
        loss.backward()
        with lib.no_grad():
            for param in model.parameters():
                param -= learning_rate * param.grad
    return losses


def tutorial_tensors(lib: Any, x: Any, y: Any, w1: Any, w2: Any, steps: int, zero: bool) -> list[float]:
    learning_rate = 1e-6
    losses = []
    for t in range(steps):  # noqa: B007 (the tutorial's loop, literally)
        y_pred = x.mm(w1).clamp(min=0).mm(w2)
        loss = (y_pred - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        with lib.no_grad():
            w1 -= learning_rate * w1.grad
            w2 -= learning_rate * w2.grad
            if zero:  # the tutorial's `w1.grad.zero_()`, or PyTorch's other spelling
                w1.grad.zero_()
                w2.grad.zero_()
            else:
                w1.grad = None
                w2.grad = None
    return losses


def tutorial_data(device: str) -> tuple[AnyTensor, AnyTensor]:
    tt.manual_seed(0)
    return tt.randn(N, D_in, device=device), tt.randn(N, D_out, device=device)


def tt_model(device: str) -> Any:
    tt.manual_seed(1)
    return nn.Sequential(nn.Linear(D_in, H), nn.ReLU(), nn.Linear(H, D_out)).to(device)


def test_tutorial_nn_module_loop_trains(device: str) -> None:
    x, y = tutorial_data(device)
    losses = tutorial_nn(tt, x, y, tt_model(device), 200)
    assert losses[-1] < 0.3 * losses[0], (losses[0], losses[-1])


@pytest.mark.parametrize("zero", [True, False], ids=["grad.zero_", "grad=None"])
def test_tutorial_raw_tensor_loop_trains(device: str, zero: bool) -> None:
    x, y = tutorial_data(device)
    w1 = tt.randn(D_in, H, device=device, dtype=tt.float32, requires_grad=True)
    w2 = tt.randn(H, D_out, device=device, dtype=tt.float32, requires_grad=True)
    losses = tutorial_tensors(tt, x, y, w1, w2, 100, zero)
    assert losses[-1] < 0.25 * losses[0], (losses[0], losses[-1])


@pytest.fixture
def torch_one_thread() -> Any:
    """torch, on one thread for the test (its thread pool is slow on a shared 2-core machine)."""
    torch = pytest.importorskip("torch")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield torch
    torch.set_num_threads(threads)


def test_tutorial_loops_match_torch(torch_one_thread: Any) -> None:
    torch = torch_one_thread
    x, y = tutorial_data("cpu")
    tx, ty = torch.from_numpy(x.numpy().copy()), torch.from_numpy(y.numpy().copy())
    model = tt_model("cpu")
    tmodel = torch.nn.Sequential(torch.nn.Linear(D_in, H), torch.nn.ReLU(), torch.nn.Linear(H, D_out))
    with torch.no_grad():
        for tp, p in zip(tmodel.parameters(), model.parameters(), strict=True):
            # typedtorch's Linear weight is (in, out), PyTorch's (out, in)
            tp.copy_(torch.from_numpy(p.numpy().T.copy() if p.ndim == 2 else p.numpy().copy()))
    ours = tutorial_nn(tt, x, y, model, 100)
    theirs = tutorial_nn(torch, tx, ty, tmodel, 100)
    np.testing.assert_allclose(ours, theirs, rtol=2e-4)
    assert ours[-1] < 0.6 * ours[0]

    w1 = tt.randn(D_in, H, dtype=tt.float32, requires_grad=True)
    w2 = tt.randn(H, D_out, dtype=tt.float32, requires_grad=True)
    tw1 = torch.from_numpy(w1.numpy().copy()).requires_grad_()
    tw2 = torch.from_numpy(w2.numpy().copy()).requires_grad_()
    ours = tutorial_tensors(tt, x, y, w1, w2, 100, zero=True)
    theirs = tutorial_tensors(torch, tx, ty, tw1, tw2, 100, zero=True)
    np.testing.assert_allclose(ours, theirs, rtol=2e-4)
    assert ours[-1] < 0.25 * ours[0]
