"""Attention: scaled_dot_product_attention and MultiheadAttention.

Finite differences through the fused ops (masks of every kind, causal, fully masked
rows, the attention weights' own node), PyTorch with copied weights, causality, and
the error texts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from test_gradcheck import check_grad

import typedtorch as tt
from typedtorch import nn
from typedtorch.nn import _functional_attention as F

AnyTensor = tt.Tensor[*tuple[Any, ...]]
sdpa = F.scaled_dot_product_attention


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


# ------------------------------------------------------------------------- SDPA


SDPA_CASES: dict[str, dict[str, Any]] = {
    "plain": {"shapes": ((3, 4), (5, 4), (5, 2))},
    "batched": {"shapes": ((2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 3))},
    "broadcast batch": {"shapes": ((2, 2, 3, 4), (1, 2, 5, 4), (2, 5, 3))},
    "causal": {"shapes": ((2, 4, 3), (2, 4, 3), (2, 4, 3)), "is_causal": True},
    "causal L > S": {"shapes": ((2, 5, 3), (2, 3, 3), (2, 3, 2)), "is_causal": True},
    "scale": {"shapes": ((2, 3, 4), (2, 5, 4), (2, 5, 2)), "scale": 0.7},
}


@pytest.mark.parametrize("case", list(SDPA_CASES))
def test_sdpa_gradcheck(device: str, case: str) -> None:
    spec = dict(SDPA_CASES[case])
    shapes = spec.pop("shapes")
    r = rng(1)
    arrays = [r.standard_normal(s) for s in shapes]
    check_grad(lambda q, k, v: sdpa(q, k, v, **spec), *arrays, device=device)


def test_sdpa_gradcheck_bool_mask_with_a_fully_masked_row(device: str) -> None:
    r = rng(2)
    mask = r.random((3, 5)) < 0.6
    mask[0] = True
    mask[1] = False  # query 1 sees nothing
    m = tt.tensor(mask, device=device)
    q, k, v = r.standard_normal((2, 3, 4)), r.standard_normal((2, 5, 4)), r.standard_normal((2, 5, 3))
    check_grad(lambda a, b, c: sdpa(a, b, c, attn_mask=m), q, k, v, device=device)


def test_sdpa_gradcheck_float_mask_gets_its_gradient(device: str) -> None:
    r = rng(3)
    q, k, v = r.standard_normal((2, 3, 4)), r.standard_normal((2, 5, 4)), r.standard_normal((2, 5, 3))
    check_grad(lambda a, b, c, m: sdpa(a, b, c, attn_mask=m), q, k, v, r.standard_normal((1, 3, 5)), device=device)


def test_sdpa_gradcheck_dropout_with_a_fixed_mask(device: str) -> None:
    r = rng(4)

    def fn(a: AnyTensor, b: AnyTensor, c: AnyTensor) -> AnyTensor:
        tt.manual_seed(7)  # the same dropout mask at every evaluation
        return sdpa(a, b, c, dropout_p=0.3)

    check_grad(
        fn, r.standard_normal((2, 3, 4)), r.standard_normal((2, 5, 4)), r.standard_normal((2, 5, 3)), device=device
    )


def test_sdpa_gradcheck_grouped_query(device: str) -> None:
    r = rng(5)
    q, k, v = r.standard_normal((1, 4, 3, 2)), r.standard_normal((1, 2, 3, 2)), r.standard_normal((1, 2, 3, 2))
    check_grad(lambda a, b, c: sdpa(a, b, c, is_causal=True, enable_gqa=True), q, k, v, device=device)


def test_sdpa_fully_masked_rows_are_zero_not_nan(device: str) -> None:
    r = rng(6)
    q, k, v = (tt.tensor(r.standard_normal((2, 3, 4)), device=device, requires_grad=True) for _ in range(3))
    mask = tt.tensor(np.array([[True, True, False], [False, False, False], [True, False, False]]), device=device)
    out = sdpa(q, k, v, attn_mask=mask)
    assert np.all(np.isfinite(out.numpy()))
    assert out.numpy()[:, 1].tolist() == [[0.0] * 4] * 2
    out.sum().backward()
    assert q.grad is not None and q.grad.numpy()[:, 1].tolist() == [[0.0] * 4] * 2
    assert all(t.grad is not None and np.all(np.isfinite(t.grad.numpy())) for t in (k, v))
    # A float mask of -inf everywhere in a row: the same.
    fmask = np.zeros((3, 3), np.float32)
    fmask[1] = -np.inf
    out = sdpa(q, k, v, attn_mask=tt.tensor(fmask, device=device))
    assert np.all(np.isfinite(out.numpy())) and out.numpy()[:, 1].tolist() == [[0.0] * 4] * 2


def test_sdpa_dropout_one_drops_everything() -> None:
    q = tt.randn(2, 3, 4)
    assert sdpa(q, q, q, dropout_p=1.0).tolist() == [[[0.0] * 4] * 3] * 2


SDPA_TORCH_CASES: dict[str, dict[str, Any]] = {
    **SDPA_CASES,
    "bool mask": {"shapes": ((2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 3)), "mask": "bool"},
    "float mask": {"shapes": ((2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 3)), "mask": "float"},
    "gqa": {"shapes": ((2, 6, 3, 4), (2, 2, 5, 4), (2, 2, 5, 3)), "enable_gqa": True, "mask": "bool"},
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", list(SDPA_TORCH_CASES))
def test_sdpa_against_pytorch(device: str, dtype: str, case: str) -> None:
    torch = pytest.importorskip("torch")
    spec = dict(SDPA_TORCH_CASES[case])
    shapes = spec.pop("shapes")
    r = rng(7)
    arrays = [r.standard_normal(s) for s in shapes]
    mask_kind = spec.pop("mask", None)
    heads_shape = (*shapes[0][:-1], shapes[1][-2])
    mask = None
    if mask_kind == "bool":
        mask = r.random(heads_shape[-2:]) < 0.7
        mask[0] = False  # a fully masked row
    elif mask_kind == "float":
        mask = r.standard_normal(heads_shape)
    tdtype = getattr(torch, dtype)
    ours = [tt.tensor(a, dtype=dtype, device=device, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, dtype=tdtype, requires_grad=True) for a in arrays]
    out_mask = None if mask is None else tt.tensor(mask, dtype="bool" if mask.dtype == bool else dtype, device=device)
    ref_mask = None if mask is None else torch.tensor(mask, dtype=torch.bool if mask.dtype == bool else tdtype)
    out = sdpa(*ours, attn_mask=out_mask, **spec)
    ref = torch.nn.functional.scaled_dot_product_attention(*theirs, attn_mask=ref_mask, **spec)
    g = r.standard_normal(out.shape)
    (out * tt.tensor(g, dtype=dtype, device=device)).sum().backward()
    (ref * torch.tensor(g, dtype=tdtype)).sum().backward()
    tol = {"rtol": 2e-5, "atol": 2e-6} if dtype == "float32" else {"rtol": 1e-12, "atol": 1e-13}
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), **tol)
    for a, b in zip(ours, theirs, strict=True):
        assert a.grad is not None and b.grad is not None
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), **tol)


def test_sdpa_errors() -> None:
    q = tt.zeros(2, 3, 4)
    with pytest.raises(
        tt.ShapeError,
        match=r"query \(2, 3, 4\) and key \(2, 5, 3\) differ in their last dim \(4 != 3\): the scores need q @ k\^T",
    ):
        sdpa(q, tt.zeros(2, 5, 3), tt.zeros(2, 5, 4))  # type: ignore[arg-type]
    with pytest.raises(
        tt.ShapeError, match=r"key \(2, 5, 4\) and value \(2, 6, 4\) differ in their source length \(dim -2: 5 != 6\)"
    ):
        sdpa(q, tt.zeros(2, 5, 4), tt.zeros(2, 6, 4))  # type: ignore[arg-type]
    with pytest.raises(tt.ShapeError, match=r"batch dims do not broadcast: query \(2,\), key \(3,\), value \(3,\)"):
        sdpa(q, tt.zeros(3, 5, 4), tt.zeros(3, 5, 4))  # type: ignore[arg-type]
    with pytest.raises(tt.ShapeError, match=r"need at least 2 dims \(\.\.\., L, E\)"):
        sdpa(tt.zeros(4), tt.zeros(4), tt.zeros(4))  # type: ignore[arg-type]
    with pytest.raises(
        tt.ShapeError, match=r"attn_mask of shape \(3, 4\) does not broadcast to the scores' shape \(2, 3, 5\)"
    ):
        sdpa(q, tt.zeros(2, 5, 4), tt.zeros(2, 5, 4), attn_mask=tt.zeros(3, 4))
    with pytest.raises(ValueError, match=r"give attn_mask or is_causal=True, not both"):
        sdpa(q, q, q, attn_mask=tt.zeros(3, 3), is_causal=True)
    with pytest.raises(TypeError, match=r"attn_mask must be a boolean or floating-point tensor, got dtype int64"):
        sdpa(q, q, q, attn_mask=tt.tensor([[1, 0, 0]] * 3))
    with pytest.raises(TypeError, match=r"query must be a floating-point tensor, got dtype int64"):
        sdpa(tt.tensor([[1, 2]]), q, q)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"query, key and value must have one dtype, got float32, float64, float32"):
        sdpa(q, tt.zeros(2, 3, 4, dtype="float64"), q)
    with pytest.raises(ValueError, match=r"dropout_p must lie in \[0, 1\], got 1.5"):
        sdpa(q, q, q, dropout_p=1.5)
    with pytest.raises(tt.DeviceError, match=r"query on cpu but key on strict"):
        sdpa(q, tt.zeros(2, 3, 4, device="strict"), q)
    with pytest.raises(ValueError, match=r"query heads \(3\) must be a multiple of the key heads \(2\)"):
        sdpa(tt.zeros(1, 3, 2, 4), tt.zeros(1, 2, 2, 4), tt.zeros(1, 2, 2, 4), enable_gqa=True)


# ----------------------------------------------------------- MultiheadAttention


def install(mha: nn.MultiheadAttention[Any, Any, Any], names: list[str]) -> Callable[..., None]:
    """Put leaves into ``mha``'s parameters, in the order of ``names``."""

    def put(*leaves: AnyTensor) -> None:
        for name, t in zip(names, leaves, strict=True):
            if name.startswith("out_proj."):
                setattr(mha.out_proj, name.split(".")[1], t)
            else:
                setattr(mha, name, t)

    return put


def params_of(mha: nn.MultiheadAttention[Any, Any, Any], seed: int) -> tuple[list[str], list[np.ndarray]]:
    r = rng(seed)
    names = [n for n, _ in mha.named_parameters()]
    return names, [r.standard_normal(p.shape) * 0.7 for _, p in mha.named_parameters()]


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("need_weights", [False, True])
def test_mha_gradcheck_self_attention(device: str, batch_first: bool, need_weights: bool) -> None:
    mha = nn.MultiheadAttention(4, 2, batch_first=batch_first, device=device, dtype="float64")  # type: ignore[call-overload]
    names, values = params_of(mha, 1)
    put = install(mha, names)
    x = rng(2).standard_normal((2, 3, 4) if batch_first else (3, 2, 4))
    cw = tt.tensor(rng(12).standard_normal((2, 3, 3)), dtype="float64", device=device)

    def fn(inp: AnyTensor, *ps: AnyTensor) -> AnyTensor:
        put(*ps)
        out, w = mha(inp, inp, inp, need_weights=need_weights, is_causal=True)
        # The weights (averaged over heads) feed the result too: their own node is checked.
        return out if w is None else out * 1.0 + (w * cw).sum()

    check_grad(fn, x, *values, device=device)


def test_mha_gradcheck_cross_attention_with_masks(device: str) -> None:
    mha = nn.MultiheadAttention(4, 2, batch_first=True, device=device, dtype="float64")
    names, values = params_of(mha, 3)
    put = install(mha, names)
    r = rng(4)
    q, k, v = r.standard_normal((2, 3, 4)), r.standard_normal((2, 5, 4)), r.standard_normal((2, 5, 4))
    kpm = np.zeros((2, 5), bool)
    kpm[1, 3:] = True
    padding = tt.tensor(kpm, device=device)
    cw = tt.tensor(r.standard_normal((2, 2, 3, 5)), dtype="float64", device=device)

    def fn(a: AnyTensor, b: AnyTensor, c: AnyTensor, mask: AnyTensor, *ps: AnyTensor) -> AnyTensor:
        put(*ps)
        out, w = mha(a, b, c, key_padding_mask=padding, attn_mask=mask, average_attn_weights=False)
        return out * 2.0 + (w * cw).sum()  # the per-head weights' node too

    check_grad(fn, q, k, v, r.standard_normal((3, 5)), *values, device=device)


def test_mha_gradcheck_packed_key_value_and_kdim(device: str) -> None:
    r = rng(5)
    mha = nn.MultiheadAttention(4, 2, device=device, dtype="float64")
    names, values = params_of(mha, 6)
    put = install(mha, names)

    def kv(a: AnyTensor, b: AnyTensor, *ps: AnyTensor) -> AnyTensor:
        put(*ps)
        return mha(a, b, b, need_weights=False)[0]

    check_grad(kv, r.standard_normal((3, 2, 4)), r.standard_normal((4, 2, 4)), *values, device=device)
    mha2 = nn.MultiheadAttention(4, 2, kdim=3, vdim=5, device=device, dtype="float64")
    names2, values2 = params_of(mha2, 7)
    assert names2 == [
        "q_proj_weight",
        "k_proj_weight",
        "v_proj_weight",
        "in_proj_bias",
        "out_proj.weight",
        "out_proj.bias",
    ]
    put2 = install(mha2, names2)

    def sep(a: AnyTensor, b: AnyTensor, c: AnyTensor, *ps: AnyTensor) -> AnyTensor:
        put2(*ps)
        return mha2(a, b, c)[0]

    check_grad(sep, r.standard_normal((3, 2, 4)), r.standard_normal((4, 2, 3)), r.standard_normal((4, 2, 5)), *values2, device=device)  # fmt: skip


def test_mha_gradcheck_unbatched_and_dropout(device: str) -> None:
    mha = nn.MultiheadAttention(4, 2, dropout=0.25, device=device, dtype="float64")
    names, values = params_of(mha, 8)
    put = install(mha, names)

    cw = tt.tensor(rng(13).standard_normal((3, 3)), dtype="float64", device=device)

    def fn(a: AnyTensor, *ps: AnyTensor) -> AnyTensor:
        put(*ps)
        tt.manual_seed(3)  # the same dropout mask at every evaluation
        out, w = mha(a, a, a)
        return out * 1.0 + (w * cw).sum()

    check_grad(fn, rng(9).standard_normal((3, 4)), *values, device=device)


def torch_copy(torch: Any, mha_t: Any, dtype: str, device: str, **kwargs: Any) -> nn.MultiheadAttention[Any, Any, Any]:
    with torch.no_grad():
        for p in mha_t.parameters():
            p.copy_(torch.randn_like(p) * 0.5)
    mha = nn.MultiheadAttention(mha_t.embed_dim, mha_t.num_heads, device=device, dtype=dtype, **kwargs)  # type: ignore[call-overload]
    mha.load_state_dict({k: tt.tensor(v.numpy(), dtype=dtype) for k, v in mha_t.state_dict().items()})
    return mha  # type: ignore[no-any-return]


MHA_CASES: dict[str, dict[str, Any]] = {
    "self": {},
    "self, no weights": {"need_weights": False},
    "self, weights per head": {"average_attn_weights": False},
    "cross, packed key/value": {"mode": "kv"},
    "cross, separate": {"mode": "sep"},
    "kdim and vdim": {"mode": "sep", "kdim": 3, "vdim": 5},
    "boolean causal mask": {"mask": "causal"},
    "is_causal and its mask": {"mask": "causal", "is_causal": True, "need_weights": False},
    "float mask": {"mask": "float"},
    "3-d boolean mask": {"mask": "3d"},
    "key padding": {"mode": "kv", "kpm": True},
    "key padding, a fully masked batch row": {"mode": "kv", "kpm": "full", "need_weights": False},
    "unbatched": {"unbatched": True},
}


STRICT_CASES = {"self", "kdim and vdim", "key padding", "unbatched"}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("case", list(MHA_CASES))
def test_mha_against_pytorch(device: str, dtype: str, batch_first: bool, case: str) -> None:
    torch = pytest.importorskip("torch")
    if device != "cpu" and case not in STRICT_CASES:
        pytest.skip("the whole matrix runs on the CPU; the finite-difference tests cover every device")
    spec = dict(MHA_CASES[case])
    mode, kdim, vdim = spec.pop("mode", "self"), spec.pop("kdim", None), spec.pop("vdim", None)
    mask_kind, kpm_kind, unbatched = spec.pop("mask", None), spec.pop("kpm", None), spec.pop("unbatched", False)
    e, h, n_q, n_k, b = 8, 2, 5, 6 if mode != "self" else 5, 3
    tdtype = getattr(torch, dtype)
    ref = torch.nn.MultiheadAttention(e, h, batch_first=batch_first, kdim=kdim, vdim=vdim, dtype=tdtype)
    mha = torch_copy(torch, ref, dtype, device, batch_first=batch_first, kdim=kdim, vdim=vdim)
    r = rng(10)

    def shape(n: int, c: int) -> tuple[int, ...]:
        return (n, c) if unbatched else ((b, n, c) if batch_first else (n, b, c))

    q = r.standard_normal(shape(n_q, e))
    k = q if mode == "self" else r.standard_normal(shape(n_k, kdim or e))
    v = k if mode != "sep" else r.standard_normal(shape(n_k, vdim or e))
    ours = {"q": tt.tensor(q, dtype=dtype, device=device, requires_grad=True)}
    theirs = {"q": torch.tensor(q, dtype=tdtype, requires_grad=True)}
    for name, arr, same in (("k", k, "q"), ("v", v, "k")):
        if arr is (q if same == "q" else k):
            ours[name], theirs[name] = ours[same], theirs[same]
        else:
            ours[name] = tt.tensor(arr, dtype=dtype, device=device, requires_grad=True)
            theirs[name] = torch.tensor(arr, dtype=tdtype, requires_grad=True)
    kw: dict[str, Any] = dict(spec)
    kw_t: dict[str, Any] = dict(spec)
    if mask_kind == "causal":
        m = np.triu(np.ones((n_q, n_k), bool), 1)  # True = masked out, PyTorch's layer convention
    elif mask_kind == "float":
        m = r.standard_normal((n_q, n_k))
    elif mask_kind == "3d":
        m = r.random((b * h, n_q, n_k)) < 0.3
    if mask_kind is not None:
        kw["attn_mask"] = tt.tensor(m, dtype="bool" if m.dtype == bool else dtype, device=device)
        kw_t["attn_mask"] = torch.tensor(m, dtype=torch.bool if m.dtype == bool else tdtype)
    if kpm_kind is not None:
        pad = np.zeros((b, n_k), bool)
        pad[1, -2:] = True
        if kpm_kind == "full":
            pad[2] = True
        kw["key_padding_mask"] = tt.tensor(pad, device=device)
        kw_t["key_padding_mask"] = torch.tensor(pad)
    out, w = mha(ours["q"], ours["k"], ours["v"], **kw)
    ref_out, ref_w = ref(theirs["q"], theirs["k"], theirs["v"], **kw_t)
    g = r.standard_normal(out.shape)
    loss = (out * tt.tensor(g, dtype=dtype, device=device)).sum()
    ref_loss = (ref_out * torch.tensor(g, dtype=tdtype)).sum()
    assert (w is None) == (ref_w is None)
    if w is not None:
        assert w.shape == tuple(ref_w.shape)
        gw = r.standard_normal(w.shape)
        loss = loss + (w * tt.tensor(gw, dtype=dtype, device=device)).sum()
        ref_loss = ref_loss + (ref_w * torch.tensor(gw, dtype=tdtype)).sum()
    loss.backward()
    ref_loss.backward()
    tol = {"rtol": 1e-4, "atol": 2e-5} if dtype == "float32" else {"rtol": 1e-11, "atol": 1e-12}
    np.testing.assert_allclose(out.numpy(), ref_out.detach().numpy(), **tol)
    if w is not None:
        np.testing.assert_allclose(w.numpy(), ref_w.detach().numpy(), **tol)
    for name in ("q", "k", "v"):
        a, t = ours[name], theirs[name]
        assert a.grad is not None and t.grad is not None
        np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), **tol, err_msg=name)
    mine = dict(mha.named_parameters())
    for name, p in ref.named_parameters():
        got = mine[name].grad
        assert got is not None and p.grad is not None
        np.testing.assert_allclose(got.numpy(), p.grad.numpy(), **tol, err_msg=name)


def test_mha_fully_masked_weights_are_zero_where_pytorch_gives_nan(device: str) -> None:
    mha = nn.MultiheadAttention(4, 2, batch_first=True, device=device)
    x = tt.randn(2, 3, 4, device=device)
    pad = tt.tensor(np.array([[False] * 3, [True] * 3]), device=device)
    out, w = mha(x, x, x, key_padding_mask=pad)
    assert np.all(np.isfinite(out.numpy())) and np.all(np.isfinite(w.numpy()))
    assert w.numpy()[1].tolist() == [[0.0] * 3] * 3
    assert mha.out_proj.bias is not None
    # The fully masked batch element's output is the output projection's bias alone.
    np.testing.assert_allclose(out.numpy()[1], np.broadcast_to(mha.out_proj.bias.numpy(), (3, 4)), rtol=1e-6)


def test_mha_parameters_are_pytorchs() -> None:
    torch = pytest.importorskip("torch")
    for kwargs in ({}, {"bias": False}, {"kdim": 3, "vdim": 5}):
        ours = nn.MultiheadAttention(8, 2, **kwargs)  # type: ignore[call-overload]
        theirs = torch.nn.MultiheadAttention(8, 2, **kwargs)
        assert {n: p.shape for n, p in ours.named_parameters()} == {
            n: tuple(p.shape) for n, p in theirs.named_parameters()
        }
        assert list(ours.state_dict()) == list(theirs.state_dict())


def test_mha_init() -> None:
    mha = nn.MultiheadAttention(64, 4, seed=0)
    assert mha.in_proj_weight is not None and mha.in_proj_bias is not None
    bound = np.sqrt(6.0 / (64 + 3 * 64))  # Xavier-uniform over the (3E, E) matrix, as PyTorch
    w = mha.in_proj_weight.numpy()
    assert w.shape == (192, 64) and np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert mha.in_proj_bias.tolist() == [0.0] * 192
    assert mha.out_proj.bias is not None and mha.out_proj.bias.tolist() == [0.0] * 64
    assert np.abs(mha.out_proj.weight.numpy()).max() <= 1 / 8
    again = nn.MultiheadAttention(64, 4, seed=0)
    assert again.in_proj_weight is not None and np.array_equal(again.in_proj_weight.numpy(), w)
    assert repr(mha) == (
        "MultiheadAttention(embed_dim=64, num_heads=4, batch_first=False\n"
        "  (out_proj): OutProjection(in_features=64, out_features=64, bias=True)\n)"
    )


def test_mha_dropout_only_in_training(device: str) -> None:
    mha = nn.MultiheadAttention(8, 2, dropout=0.5, batch_first=True, device=device)
    x = tt.randn(2, 5, 8, device=device)
    tt.manual_seed(0)
    train_a = mha(x, x, x)[0].numpy()
    tt.manual_seed(1)
    train_b = mha(x, x, x)[0].numpy()
    assert not np.allclose(train_a, train_b)
    mha.eval()
    eval_a, eval_b = mha(x, x, x)[0].numpy(), mha(x, x, x)[0].numpy()
    assert np.array_equal(eval_a, eval_b)


def test_mha_need_weights_false_returns_none() -> None:
    mha = nn.MultiheadAttention(8, 2, batch_first=True)
    x = tt.randn(2, 5, 8)
    out, w = mha(x, x, x, need_weights=False)
    assert w is None and out.shape == (2, 5, 8)
    _, w2 = mha(x, x, x, average_attn_weights=False)
    assert w2.shape == (2, 2, 5, 5)
    np.testing.assert_allclose(w2.numpy().sum(axis=-1), 1.0, rtol=1e-6)


# --------------------------------------------------------------------- causality


def test_causality_changing_a_later_token_never_changes_an_earlier_output() -> None:
    tt.manual_seed(0)
    emb, pos = nn.Embedding(10, 8), nn.Embedding(7, 8)
    mha = nn.MultiheadAttention(8, 2, batch_first=True)
    ln, head = nn.LayerNorm(8), nn.Linear(8, 10)

    def model(tokens: np.ndarray) -> np.ndarray:
        x = emb(tt.tensor(tokens)) + pos(tt.arange(tokens.shape[1]))
        a, _ = mha(x, x, x, need_weights=False, is_causal=True)
        y = x + a
        q = y.reshape(-1, 8)
        out = head(ln(q)).reshape(tokens.shape[0], tokens.shape[1], 10)
        return sdpa(out, out, out, is_causal=True).numpy()  # a second causal layer, functional

    r = rng(11)
    base = r.integers(0, 10, (3, 7))
    before = model(base)
    for t in range(7):
        changed = base.copy()
        changed[:, t] = (changed[:, t] + 1 + r.integers(0, 8)) % 10
        after = model(changed)
        assert np.array_equal(after[:, :t], before[:, :t]), f"changing token {t} changed an earlier output"
        assert not np.allclose(after[:, t], before[:, t]), f"changing token {t} did not change its own output"


# ------------------------------------------------------------------------- errors


def test_mha_constructor_errors() -> None:
    with pytest.raises(ValueError, match=r"^MultiheadAttention: the sizes must satisfy E % H == 0, but E = 10, H = 4$"):
        nn.MultiheadAttention(10, 4)
    with pytest.raises(ValueError, match=r"MultiheadAttention: num_heads must be a positive int, got 0"):
        nn.MultiheadAttention(8, 0)
    with pytest.raises(ValueError, match=r"add_bias_kv and add_zero_attn are not supported"):
        nn.MultiheadAttention(8, 2, add_bias_kv=True)
    with pytest.raises(ValueError, match=r"dropout must lie in \[0, 1\], got 2"):
        nn.MultiheadAttention(8, 2, dropout=2)


def test_mha_call_errors() -> None:
    mha = nn.MultiheadAttention(8, 2)  # (L, B, E)
    x = tt.zeros(5, 3, 8)
    with pytest.raises(
        tt.ShapeError, match=r"^MultiheadAttention\[8, 2\]: query \(5, 3, 6\) must end in embed_dim 8, got last dim 6$"
    ):
        mha(tt.zeros(5, 3, 6), x, x)  # type: ignore[call-overload]
    with pytest.raises(
        tt.ShapeError, match=r"key \(4, 3, 7\) and value \(4, 3, 8\) must end in kdim 8 and vdim 8, got 7 and 8"
    ):
        mha(x, tt.zeros(4, 3, 7), tt.zeros(4, 3, 8))  # type: ignore[call-overload]
    with pytest.raises(tt.ShapeError, match=r"have different batch sizes \(layout \(L, B, E\)\)"):
        mha(x, tt.zeros(5, 2, 8), tt.zeros(5, 2, 8))  # type: ignore[call-overload]
    with pytest.raises(tt.ShapeError, match=r"key \(4, 3, 8\) and value \(6, 3, 8\) have different source lengths"):
        mha(x, tt.zeros(4, 3, 8), tt.zeros(6, 3, 8))  # type: ignore[call-overload]
    with pytest.raises(
        tt.ShapeError,
        match=r"attn_mask must be \(L, S\) = \(5, 5\) or \(B \* num_heads, L, S\) = \(6, 5, 5\), got \(5, 4\)",
    ):
        mha(x, x, x, attn_mask=tt.zeros(5, 4))
    with pytest.raises(tt.ShapeError, match=r"key_padding_mask must be \(B, S\) = \(3, 5\), got \(5, 3\)"):
        mha(x, x, x, key_padding_mask=tt.zeros(5, 3, dtype="bool"))  # type: ignore[call-overload]
    with pytest.raises(tt.ShapeError, match=r"query must be \(L, B, E\) or unbatched \(L, E\), got shape \(8,\)"):
        mha(tt.zeros(8), tt.zeros(8), tt.zeros(8))  # type: ignore[call-overload]
    with pytest.raises(tt.ShapeError, match=r"must all be batched \(3 dims\) or all unbatched \(2 dims\)"):
        mha(x, tt.zeros(5, 8), tt.zeros(5, 8))  # type: ignore[call-overload]
    with pytest.raises(TypeError, match=r"attn_mask must be a boolean or floating-point tensor, got dtype int64"):
        mha(x, x, x, attn_mask=tt.zeros(5, 5, dtype="int64"))
    with pytest.raises(TypeError, match=r"query must be a floating-point tensor, got dtype int64"):
        mha(tt.zeros(5, 3, 8, dtype="int64"), x, x)
    with pytest.raises(tt.DeviceError, match=r"input on strict but the layer's parameters on cpu"):
        y = tt.zeros(5, 3, 8, device="strict")
        mha(y, y, y)
    bf = nn.MultiheadAttention(8, 2, batch_first=True)
    with pytest.raises(tt.ShapeError, match=r"^MultiheadAttention\[8, 2\]: query \(3, 5, 4\) must end in embed_dim 8"):
        bf(tt.zeros(3, 5, 4), tt.zeros(3, 5, 8), tt.zeros(3, 5, 8))  # type: ignore[call-overload]


def test_only_the_float_mask_wants_a_gradient(device: str) -> None:
    # q, k, v are constants: the mask still gets its gradient (in both ops).
    r = rng(14)
    q, k, v = (tt.tensor(r.standard_normal((2, 3, 4)), dtype="float64", device=device) for _ in range(3))
    check_grad(lambda m: sdpa(q, k, v, attn_mask=m), r.standard_normal((3, 3)), device=device)
    mha = nn.MultiheadAttention(4, 2, batch_first=True, device=device, dtype="float64")
    for p in mha.parameters():
        p.requires_grad = False
    check_grad(lambda m: mha(q, q, q, attn_mask=m, need_weights=False)[0], r.standard_normal((3, 3)), device=device)
