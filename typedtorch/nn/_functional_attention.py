"""``embedding``, ``layer_norm``, ``gelu`` and ``scaled_dot_product_attention``: the
functional forms behind ``nn.Embedding``, ``nn.LayerNorm``, ``nn.GELU`` and the
attention layers, with PyTorch's signatures (re-exported by ``nn.functional``).

The shapes in the signatures are what mypy checks; the bodies check them again at
run time and raise ``tt.ShapeError`` naming the sizes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, TypeVar, overload

from typing_extensions import TypeVarTuple

from typedtorch._ops import attention as _attention
from typedtorch._ops.activation import gelu as _gelu
from typedtorch._ops.embedding import embedding as _embedding
from typedtorch._ops.norm import layer_norm as _layer_norm
from typedtorch._tensor import AnyTensor, Tensor

S = TypeVarTuple("S")
P = TypeVarTuple("P")
P2 = TypeVarTuple("P2")
P3 = TypeVarTuple("P3")
V = TypeVar("V")
D = TypeVar("D")
L = TypeVar("L")
Sk = TypeVar("Sk")
E = TypeVar("E")
Ev = TypeVar("Ev")


def embedding(
    input: Tensor[*S],
    weight: Tensor[V, D],
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor[*S, D]:
    """Rows of ``weight`` (``(V, D)``) picked by the integer tensor ``input``: shape ``(*input.shape, D)``.

    ``padding_idx``: that row never receives a gradient. ``max_norm``: rows looked up
    whose ``norm_type``-norm exceeds it are rescaled to it first (the weight changes,
    as in PyTorch). ``scale_grad_by_freq``: each row's gradient is divided by how
    often its index occurs in ``input``. Indices outside ``[0, V)`` raise ``IndexError``.

    >>> import typedtorch as tt
    >>> from typedtorch.nn import _functional_attention as F
    >>> F.embedding(tt.tensor([[0, 2]]), tt.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])).shape
    (1, 2, 3)
    """
    if sparse:
        raise ValueError("embedding: sparse=True is not supported (typedtorch has no sparse tensors)")
    if not isinstance(weight, Tensor):
        raise TypeError(f"embedding: weight must be a Tensor, got {type(weight).__name__}")
    pad = _padding_index(padding_idx, weight.shape[0] if weight.ndim else 0, "embedding")
    return _embedding(input, weight, pad, max_norm, norm_type, scale_grad_by_freq)


def _padding_index(padding_idx: int | None, rows: int, who: str) -> int | None:
    """``padding_idx`` in ``[0, rows)``; negative values count from the end, as in PyTorch."""
    if padding_idx is None:
        return None
    if not isinstance(padding_idx, int) or isinstance(padding_idx, bool):
        raise TypeError(f"{who}: padding_idx must be an int or None, got {type(padding_idx).__name__}")
    if not -rows <= padding_idx < rows:
        raise ValueError(f"{who}: padding_idx must lie in [-{rows}, {rows}) for {rows} embeddings, got {padding_idx}")
    return padding_idx % rows


def layer_norm(
    input: Tensor[*S],
    normalized_shape: int | Sequence[int],
    weight: AnyTensor | None = None,
    bias: AnyTensor | None = None,
    eps: float = 1e-5,
) -> Tensor[*S]:
    """Normalise over the trailing ``normalized_shape`` dims (biased variance), then ``* weight + bias``.

    >>> import typedtorch as tt
    >>> from typedtorch.nn import _functional_attention as F
    >>> [round(v, 4) for v in F.layer_norm(tt.tensor([[1.0, 3.0]]), (2,)).tolist()[0]]
    [-1.0, 1.0]
    """
    return _layer_norm(input, _norm_shape(normalized_shape, "layer_norm"), weight, bias, eps)


def _norm_shape(normalized_shape: int | Sequence[int], who: str) -> tuple[int, ...]:
    if isinstance(normalized_shape, int):
        shape: tuple[object, ...] = (normalized_shape,)
    elif isinstance(normalized_shape, tuple | list):
        shape = tuple(normalized_shape)
    else:
        raise TypeError(
            f"{who}: normalized_shape must be an int or a tuple of ints, got {type(normalized_shape).__name__}"
        )
    for n in shape:
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValueError(f"{who}: normalized_shape must be positive ints, got {normalized_shape!r}")
    if not shape:
        raise ValueError(f"{who}: normalized_shape must name at least one dim")
    return shape  # type: ignore[return-value]  # all ints, checked above


def gelu(input: Tensor[*S], approximate: Literal["none", "tanh"] = "none") -> Tensor[*S]:
    """``x * Phi(x)``, ``Phi`` the standard normal CDF (exact, erf-based, PyTorch's default);
    ``approximate="tanh"`` uses ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``.

    >>> import typedtorch as tt
    >>> from typedtorch.nn import _functional_attention as F
    >>> round(F.gelu(tt.tensor([1.0])).item(), 6)
    0.841345
    """
    return _gelu(input, approximate)


@overload
def scaled_dot_product_attention(
    query: Tensor[*P, L, E],
    key: Tensor[*P, Sk, E],
    value: Tensor[*P, Sk, Ev],
    attn_mask: AnyTensor | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    enable_gqa: bool = False,
) -> Tensor[*P, L, Ev]: ...
@overload  # batch dims that broadcast (mypy's overlap check misreads the variadics)
def scaled_dot_product_attention(  # type: ignore[overload-cannot-match]
    query: Tensor[*P, L, E],
    key: Tensor[*P2, Sk, E],
    value: Tensor[*P3, Sk, Ev],
    attn_mask: AnyTensor | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    enable_gqa: bool = False,
) -> Tensor[*tuple[Any, ...], L, Ev]: ...
def scaled_dot_product_attention(
    query: AnyTensor,
    key: AnyTensor,
    value: AnyTensor,
    attn_mask: AnyTensor | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    enable_gqa: bool = False,
) -> AnyTensor:
    """``softmax(query @ key^T * scale + mask) @ value`` over the last two dims, one graph node.

    ``query`` is ``(..., L, E)``, ``key`` ``(..., S, E)``, ``value`` ``(..., S, Ev)``; the
    leading dims broadcast. ``scale`` defaults to ``1 / sqrt(E)``. ``attn_mask``
    broadcasts to ``(..., L, S)``: boolean ``True`` means *attend* (as in PyTorch's
    function; ``nn.MultiheadAttention``'s boolean masks mean the opposite), a float mask
    is added to the scores. ``is_causal`` lets query ``i`` attend to keys ``j <= i``
    (give it or ``attn_mask``, not both). ``dropout_p`` drops probabilities (always:
    pass 0 in evaluation). ``enable_gqa``: ``key``/``value`` may have fewer heads
    (dim -3) than ``query``, each shared by ``Hq / Hkv`` query heads.

    A query whose every key is masked out gets an output of 0 and no gradient, as
    PyTorch's function gives (not ``nan``).

    >>> import typedtorch as tt
    >>> from typedtorch.nn import _functional_attention as F   # public as nn.functional
    >>> q = tt.randn(2, 4, 16, 8)   # (batch, heads, L, E)
    >>> F.scaled_dot_product_attention(q, q, q, is_causal=True).shape
    (2, 4, 16, 8)
    """
    if not enable_gqa:
        return _attention.sdpa(query, key, value, attn_mask, dropout_p, is_causal, scale)
    return _gqa(query, key, value, attn_mask, dropout_p, is_causal, scale)


def _gqa(
    query: AnyTensor,
    key: AnyTensor,
    value: AnyTensor,
    attn_mask: AnyTensor | None,
    dropout_p: float,
    is_causal: bool,
    scale: float | None,
) -> AnyTensor:
    """Grouped-query attention through broadcasting: ``(.., Hkv, G, L, E)`` queries against
    ``(.., Hkv, 1, S, E)`` keys, which is PyTorch's ``repeat_interleave`` of the key heads."""
    op = "scaled_dot_product_attention"
    for what, t in (("query", query), ("key", key), ("value", value)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: {what} must be a Tensor, got {type(t).__name__}")
        if t.ndim < 3:
            raise ValueError(f"{op}: enable_gqa=True needs a heads dim (-3), got {what} of shape {t.shape}")
    hq, hk, hv = query.shape[-3], key.shape[-3], value.shape[-3]
    if hk != hv or hq % hk:
        raise ValueError(
            f"{op}: with enable_gqa=True the query heads ({hq}) must be a multiple of the key heads ({hk}), "
            f"and key and value must have the same heads ({hk} != {hv})"
            if hk != hv
            else f"{op}: with enable_gqa=True the query heads ({hq}) must be a multiple of the key heads ({hk})"
        )
    g = hq // hk
    qs = query.shape
    q5 = query.reshape(*qs[:-3], hk, g, *qs[-2:])
    k5 = key.reshape(*key.shape[:-3], hk, 1, *key.shape[-2:])
    v5 = value.reshape(*value.shape[:-3], hk, 1, *value.shape[-2:])
    mask = attn_mask
    if attn_mask is not None and attn_mask.ndim >= 3:
        ms = attn_mask.shape
        if ms[-3] == hq:
            mask = attn_mask.reshape(*ms[:-3], hk, g, *ms[-2:])
        else:  # a heads dim of 1 (or broadcast): it broadcasts over both new dims
            mask = attn_mask.reshape(*ms[:-2], 1, *ms[-2:])
    out = _attention.sdpa(q5, k5, v5, mask, dropout_p, is_causal, scale)
    return out.reshape(*out.shape[:-4], hq, *out.shape[-2:])
