"""Embedding: repeated indices, padding, both ways of summing rows, PyTorch, errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_gradcheck import check_grad, seeds

import typedtorch as tt
import typedtorch._ops.embedding as ops
from typedtorch import nn
from typedtorch.nn import _functional_attention as F

AnyTensor = tt.Tensor[*tuple[Any, ...]]


@pytest.fixture(params=["one_hot", "sorted"])
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways of summing the rows: the one-hot product and the sort + running sum."""
    if request.param == "sorted":
        monkeypatch.setattr(ops, "ONE_HOT_MAX", 0)
    return str(request.param)


def test_repeated_index_gets_the_sum(device: str, path: str) -> None:
    # The bug this repo once had: x[[0, 0]] gave row 0 a gradient of 1 instead of 2.
    emb = nn.Embedding(3, 2, device=device)
    emb(tt.tensor([0, 0, 2, 0], device=device)).sum().backward()
    assert emb.weight.grad is not None
    assert emb.weight.grad.tolist() == [[3.0, 3.0], [0.0, 0.0], [1.0, 1.0]]


@settings(max_examples=10)
@given(
    v=st.integers(1, 5),
    shape=st.lists(st.integers(1, 3), min_size=0, max_size=2),
    seed=seeds,
    pad=st.booleans(),
)
def test_gradcheck(device: str, path: str, v: int, shape: list[int], seed: int, pad: bool) -> None:
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, v, (*shape, 3))
    idx.reshape(-1)[-1] = idx.reshape(-1)[0]  # at least one repeat
    indices = tt.tensor(idx, device=device)
    # A padding row gets no gradient on purpose (not a derivative: see the test below),
    # so finite differences can only check one that is not looked up.
    unused = sorted(set(range(v)) - set(idx.reshape(-1).tolist()))
    padding = unused[0] if pad and unused else None
    check_grad(lambda w: F.embedding(indices, w, padding_idx=padding), rng.standard_normal((v, 3)), device=device)


def test_scale_grad_by_freq(device: str, path: str) -> None:
    # Not a derivative (finite differences do not apply): each row's gradient is
    # divided by how often its index occurs in the batch.
    emb = nn.Embedding(4, 2, scale_grad_by_freq=True, device=device, dtype="float64")
    g = tt.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]], dtype="float64", device=device)
    (emb(tt.tensor([2, 0, 2, 2], device=device)) * g).sum().backward()
    assert emb.weight.grad is not None
    np.testing.assert_allclose(emb.weight.grad.numpy(), [[3.0, 4.0], [0.0, 0.0], [13.0 / 3, 16.0 / 3], [0.0, 0.0]])


def test_padding_row_gets_no_gradient(device: str, path: str) -> None:
    emb = nn.Embedding(4, 3, padding_idx=-1, device=device)  # -1 is row 3, as in PyTorch
    assert emb.padding_idx == 3
    assert emb.weight.tolist()[3] == [0.0, 0.0, 0.0]  # and it starts at zero
    emb(tt.tensor([[3, 1], [3, 3]], device=device)).sum().backward()
    assert emb.weight.grad is not None
    assert emb.weight.grad.tolist() == [[0.0] * 3, [1.0] * 3, [0.0] * 3, [0.0] * 3]


def test_one_hot_in_blocks(device: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Many indices against a small block size: several one-hot blocks, summed.
    monkeypatch.setattr(ops, "ONE_HOT_BLOCK", 8)
    rng = np.random.default_rng(4)
    idx = rng.integers(0, 5, 23)
    g = rng.standard_normal((23, 2))
    w = tt.zeros(5, 2, dtype="float64", device=device, requires_grad=True)
    (F.embedding(tt.tensor(idx, device=device), w) * tt.tensor(g, dtype="float64", device=device)).sum().backward()
    expected = np.zeros((5, 2))
    np.add.at(expected, idx, g)
    assert w.grad is not None
    np.testing.assert_allclose(w.grad.numpy(), expected, rtol=1e-14, atol=1e-14)


@pytest.mark.parametrize("v", [7, 3000])
def test_large_batches_both_paths_agree_with_add_at(v: int) -> None:
    rng = np.random.default_rng(5)
    idx = rng.integers(0, v, (64, 33))
    g = rng.standard_normal((64, 33, 16)).astype(np.float32)
    w = tt.zeros(v, 16, requires_grad=True)
    (F.embedding(tt.tensor(idx), w) * tt.tensor(g)).sum().backward()
    expected = np.zeros((v, 16), np.float64)
    np.add.at(expected, idx.reshape(-1), g.reshape(-1, 16).astype(np.float64))
    assert w.grad is not None and w.grad.dtype == np.float32
    np.testing.assert_allclose(w.grad.numpy(), expected, rtol=1e-5, atol=2e-6)


def test_empty_indices(device: str, path: str) -> None:
    emb = nn.Embedding(4, 3, device=device)
    out = emb(tt.tensor(np.zeros((2, 0), np.int64), device=device))
    assert out.shape == (2, 0, 3)
    out.sum().backward()
    assert emb.weight.grad is not None and emb.weight.grad.tolist() == [[0.0] * 3] * 4


def test_int32_indices(device: str) -> None:
    emb = nn.Embedding(5, 2, device=device)
    idx = tt.tensor(np.array([[4, 0]], np.int32), device=device)
    assert emb(idx).tolist() == [[emb.weight.tolist()[4], emb.weight.tolist()[0]]]


def test_max_norm_renormalises_the_rows_looked_up(device: str) -> None:
    w = np.array([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]])
    emb = nn.Embedding.from_pretrained(tt.tensor(w, dtype="float64", device=device), max_norm=1.0)
    out = emb(tt.tensor([0, 1], device=device))
    # Row 0 (norm 5) is scaled to norm 1 (PyTorch's 1e-7 included); row 1 (norm 0.5)
    # stays; row 2 is not looked up and stays too.
    expected = [[3.0 / (5.0 + 1e-7), 4.0 / (5.0 + 1e-7)], [0.3, 0.4], [6.0, 8.0]]
    np.testing.assert_allclose(emb.weight.numpy(), expected, rtol=1e-15)
    np.testing.assert_allclose(out.numpy(), expected[:2], rtol=1e-15)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("v", [10, 400])
@pytest.mark.parametrize("options", [{}, {"padding_idx": 3}, {"scale_grad_by_freq": True}, {"max_norm": 1.5}])
def test_against_pytorch(device: str, dtype: str, v: int, options: dict[str, Any]) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(6)
    idx = rng.integers(0, v, (5, 7))
    idx[0, :3] = 3
    g = rng.standard_normal((5, 7, 6))
    ref = torch.nn.Embedding(v, 6, dtype=getattr(torch, dtype), **options)
    emb = nn.Embedding(v, 6, device=device, dtype=dtype, **options)
    emb.load_state_dict({"weight": tt.tensor(ref.weight.detach().numpy(), dtype=dtype)})
    out = emb(tt.tensor(idx, device=device))
    (out * tt.tensor(g, dtype=dtype, device=device)).sum().backward()
    ref_out = ref(torch.tensor(idx))
    (ref_out * torch.tensor(g, dtype=getattr(torch, dtype))).sum().backward()
    tol = 1e-6 if dtype == "float32" else 1e-14
    np.testing.assert_allclose(out.numpy(), ref_out.detach().numpy(), rtol=tol, atol=tol)
    np.testing.assert_allclose(emb.weight.numpy(), ref.weight.detach().numpy(), rtol=tol, atol=tol)
    assert emb.weight.grad is not None and ref.weight.grad is not None
    np.testing.assert_allclose(emb.weight.grad.numpy(), ref.weight.grad.numpy(), rtol=tol * 10, atol=tol * 10)


# ------------------------------------------------------------------------- module


def test_init_and_parameters() -> None:
    emb = nn.Embedding(1000, 16, seed=0)
    w = emb.weight.numpy()
    assert w.shape == (1000, 16) and w.dtype == np.float32
    assert abs(w.mean()) < 0.02 and abs(w.std() - 1.0) < 0.02  # N(0, 1), as PyTorch
    assert [n for n, _ in emb.named_parameters()] == ["weight"]
    assert repr(nn.Embedding(10, 3, padding_idx=0)) == "Embedding(10, 3, padding_idx=0)"
    assert np.array_equal(nn.Embedding(10, 3, seed=1).weight.numpy(), nn.Embedding(10, 3, seed=1).weight.numpy())


def test_from_pretrained() -> None:
    table = tt.tensor([[1.0, 2.0], [3.0, 4.0]])
    frozen = nn.Embedding.from_pretrained(table)
    assert not frozen.weight.requires_grad
    assert frozen(tt.tensor([1])).tolist() == [[3.0, 4.0]]
    trainable = nn.Embedding.from_pretrained(table, freeze=False)
    trainable(tt.tensor([1, 1])).sum().backward()
    assert trainable.weight.grad is not None and trainable.weight.grad.tolist() == [[0.0, 0.0], [2.0, 2.0]]


def test_layer_composes() -> None:
    emb, fc = nn.Embedding(10, 4), nn.Linear(4, 2)
    assert fc(emb(tt.tensor([[1, 2, 3]]))).shape == (1, 3, 2)


# ------------------------------------------------------------------------- errors


def test_index_errors() -> None:
    emb = nn.Embedding(5, 2)
    with pytest.raises(
        IndexError, match=r"embedding: indices must lie in \[0, 5\) for a table of 5 rows, got min 0 and max 5"
    ):
        emb(tt.tensor([0, 5]))
    with pytest.raises(IndexError, match=r"got min -1 and max 2"):
        emb(tt.tensor([[-1, 2]]))
    with pytest.raises(TypeError, match=r"embedding: indices must be an integer tensor, got dtype float32"):
        emb(tt.tensor([0.0, 1.0]))
    with pytest.raises(TypeError, match=r"embedding: indices must be an integer tensor, got dtype bool"):
        emb(tt.tensor([True]))
    with pytest.raises(TypeError, match=r"embedding: expected tensors for indices and weight, got list"):
        emb([0, 1])  # type: ignore[arg-type]
    with pytest.raises(tt.DeviceError, match=r"embedding: indices on strict but weight on cpu"):
        emb(tt.tensor([0], device="strict"))


def test_constructor_errors() -> None:
    with pytest.raises(ValueError, match=r"Embedding: num_embeddings must be a non-negative int, got 2.5"):
        nn.Embedding(2.5, 3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"Embedding: padding_idx must lie in \[-4, 4\) for 4 embeddings, got 4"):
        nn.Embedding(4, 3, padding_idx=4)
    with pytest.raises(ValueError, match=r"Embedding: sparse=True is not supported"):
        nn.Embedding(4, 3, sparse=True)
    with pytest.raises(ValueError, match=r"Embedding: max_norm must be positive, got 0"):
        nn.Embedding(4, 3, max_norm=0)
    with pytest.raises(tt.ShapeError, match=r"Embedding: _weight is \(3, 3\), expected shape \(4, 3\)"):
        nn.Embedding(4, 3, _weight=tt.zeros(3, 3))  # type: ignore[arg-type]
    with pytest.raises(
        tt.ShapeError, match=r"Embedding.from_pretrained: embeddings must be a \(V, D\) matrix, got \(3,\)"
    ):
        nn.Embedding.from_pretrained(tt.zeros(3))  # type: ignore[arg-type]
    with pytest.raises(tt.ShapeError, match=r"embedding: weight must be a \(num_embeddings, embedding_dim\) matrix"):
        F.embedding(tt.tensor([0]), tt.zeros(3))  # type: ignore[arg-type]
