"""``MultiheadAttention``: PyTorch's layer, its parameters laid out as PyTorch's.

The parameters have PyTorch's names, shapes *and* layouts, so a PyTorch state dict
copies over unchanged: ``in_proj_weight`` ``(3E, E)`` (or ``q_proj_weight`` ``(E, E)``,
``k_proj_weight`` ``(E, kdim)``, ``v_proj_weight`` ``(E, vdim)`` when ``kdim`` or
``vdim`` differ from ``E``), ``in_proj_bias`` ``(3E,)``, ``out_proj.weight`` ``(E, E)``
and ``out_proj.bias`` ``(E,)``. ``out_proj`` is therefore *not* an ``nn.Linear``
(whose weight typedtorch stores ``(in, out)``): it is an :class:`OutProjection`,
weight ``(out, in)`` as in PyTorch. A square ``(E, E)`` matrix would copy over
transposed without any error, a silent bug; keeping PyTorch's layout rules it out.

The batch layout is PyTorch's: ``batch_first=False`` (the default) takes
``(L, B, E)``, ``batch_first=True`` takes ``(B, L, E)``, and the layer's static type
records which (``MultiheadAttention[E, H, Literal[True]]``), so mypy checks calls
against the right one.
"""

from __future__ import annotations

import math
from typing import Any, Final, Generic, Literal, TypeVar, overload

from typedtorch._backend import get_backend, host_uniform
from typedtorch._dims import Size
from typedtorch._errors import DeviceError, ShapeError
from typedtorch._ops import attention as _att
from typedtorch._rules import check_constraints
from typedtorch._tensor import AnyTensor, Tensor, make

from ._module import Module

E = TypeVar("E", bound=int | Literal[0])
H = TypeVar("H", bound=int | Literal[0])
BF = TypeVar("BF", bound=bool)  # Literal[True] for batch_first, Literal[False] otherwise
B = TypeVar("B")
L = TypeVar("L")
S = TypeVar("S")
In = TypeVar("In", bound=int | Literal[0])
Out = TypeVar("Out", bound=int | Literal[0])


class OutProjection(Module, Generic[In, Out]):
    """``x @ weight^T + bias`` with ``weight`` stored ``(out, in)``, as in PyTorch.

    The output projection of :class:`MultiheadAttention` (see the module doc for why
    it is not an ``nn.Linear``).
    """

    in_features: In
    out_features: Out
    weight: Tensor[Out, In]
    bias: Tensor[Out] | None

    def __init__(self, weight: Tensor[Out, In], bias: Tensor[Out] | None) -> None:
        self.in_features = weight.shape[1]  # type: ignore[assignment]
        self.out_features = weight.shape[0]  # type: ignore[assignment]
        self.weight = weight
        self.bias = bias

    def __call__(self, x: AnyTensor) -> AnyTensor:
        shape = x._data.shape
        if not shape or shape[-1] != self.in_features:
            raise ShapeError(
                f"OutProjection({self.in_features} -> {self.out_features}) expected last dim {self.in_features}, "
                f"got shape {tuple(shape)}"
            )
        return _att.project(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class MultiheadAttention(Module, Generic[E, H, BF]):
    """Multi-head attention as ``torch.nn.MultiheadAttention``: same arguments, defaults,
    parameters and results.

    ``MultiheadAttention(128, 4)`` takes ``query`` ``(L, B, 128)`` and ``key``/``value``
    ``(S, B, kdim/vdim)`` (``batch_first=True``: ``(B, L, 128)``; unbatched ``(L, 128)``
    works too) and returns ``(output, weights)``: the output has the query's shape;
    the weights are ``(B, L, S)`` averaged over heads, ``(B, H, L, S)`` with
    ``average_attn_weights=False``, ``None`` with ``need_weights=False`` (faster:
    nothing extra is kept). ``embed_dim`` must be a multiple of ``num_heads``.

    Masks mean what they mean in PyTorch's layer: a boolean ``attn_mask`` (``(L, S)``
    or ``(B * H, L, S)``) or ``key_padding_mask`` (``(B, S)``) is ``True`` where
    attention is *not* allowed; float masks are added to the scores. ``is_causal=True``
    applies the causal mask (query ``i`` sees keys ``j <= i``); PyTorch requires an
    ``attn_mask`` with it and treats it as a hint, here it is applied and so is any
    ``attn_mask`` given. A query whose every key is masked gets an output of 0 (from
    the output projection's bias only) and zero weights; PyTorch gives ``nan`` there
    with ``need_weights=True`` (and 0 without).

    Dropout on the attention probabilities applies in training mode only.
    ``add_bias_kv`` and ``add_zero_attn`` are not supported (an error if set).

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> mha = nn.MultiheadAttention(128, 4, batch_first=True, seed=0)
    >>> x = tt.randn(32, 64, 128)
    >>> out, weights = mha(x, x, x)
    >>> out.shape, weights.shape
    ((32, 64, 128), (32, 64, 64))
    >>> out, none = mha(x, x, x, need_weights=False, is_causal=True)
    >>> none is None
    True
    """

    # Read by the mypy plugin at the constructor (literal sizes) and by __init__ at run time.
    __size_constraints__: Final = ("E % H == 0",)

    embed_dim: E
    num_heads: H
    batch_first: BF

    @overload
    def __init__(
        self: MultiheadAttention[E, H, Literal[False]],
        embed_dim: Size[E],
        num_heads: Size[H],
        dropout: float = 0.0,
        bias: bool = True,
        add_bias_kv: bool = False,
        add_zero_attn: bool = False,
        kdim: int | None = None,
        vdim: int | None = None,
        batch_first: Literal[False] = False,
        device: str | None = None,
        dtype: str = "float32",
        *,
        seed: int | None = None,
    ) -> None: ...
    @overload
    def __init__(
        self: MultiheadAttention[E, H, Literal[True]],
        embed_dim: Size[E],
        num_heads: Size[H],
        dropout: float = 0.0,
        bias: bool = True,
        add_bias_kv: bool = False,
        add_zero_attn: bool = False,
        kdim: int | None = None,
        vdim: int | None = None,
        *,
        batch_first: Literal[True],
        device: str | None = None,
        dtype: str = "float32",
        seed: int | None = None,
    ) -> None: ...
    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        dropout: float = 0.0,
        bias: bool = True,
        add_bias_kv: bool = False,
        add_zero_attn: bool = False,
        kdim: int | None = None,
        vdim: int | None = None,
        batch_first: bool = False,
        device: str | None = None,
        dtype: str = "float32",
        *,
        seed: int | None = None,
    ) -> None:
        for what, n in (("embed_dim", embed_dim), ("num_heads", num_heads)):
            if not isinstance(n, int) or isinstance(n, bool) or n < 1:
                raise ValueError(f"MultiheadAttention: {what} must be a positive int, got {n!r}")
        # The same constraint the mypy plugin checks on literal sizes (typedtorch/_rules.py).
        check_constraints("MultiheadAttention", self.__size_constraints__, {"E": embed_dim, "H": num_heads})
        if add_bias_kv or add_zero_attn:
            raise ValueError("MultiheadAttention: add_bias_kv and add_zero_attn are not supported")
        if not 0.0 <= dropout <= 1.0:
            raise ValueError(f"MultiheadAttention: dropout must lie in [0, 1], got {dropout}")
        kdim = embed_dim if kdim is None else kdim
        vdim = embed_dim if vdim is None else vdim
        for what, n in (("kdim", kdim), ("vdim", vdim)):
            if not isinstance(n, int) or isinstance(n, bool) or n < 1:
                raise ValueError(f"MultiheadAttention: {what} must be a positive int or None, got {n!r}")
        self.embed_dim = embed_dim  # type: ignore[assignment]
        self.num_heads = num_heads  # type: ignore[assignment]
        self.kdim, self.vdim = kdim, vdim
        self.head_dim = embed_dim // num_heads
        self.dropout = dropout
        self.batch_first = batch_first  # type: ignore[assignment]
        self._qkv_same_embed_dim = kdim == embed_dim and vdim == embed_dim
        backend = get_backend(device)
        e = embed_dim

        def uniform(bound: float, shape: tuple[int, ...], offset: int) -> AnyTensor:
            host = host_uniform(-bound, bound, shape, None if seed is None else seed + offset).astype(dtype)
            return _leaf(backend.from_host(host), backend)

        def zeros(n: int) -> AnyTensor:
            return _leaf(backend.xp.zeros((n,), dtype=backend.dtype(dtype), device=backend.native_device), backend)

        # PyTorch's initialisation: Xavier-uniform input projections, zero biases, and
        # Linear's default (uniform in +-1/sqrt(E)) for the output projection's weight.
        self.in_proj_weight: AnyTensor | None
        if self._qkv_same_embed_dim:
            self.in_proj_weight = uniform(math.sqrt(6.0 / (e + 3 * e)), (3 * e, e), 0)
            self.q_proj_weight = self.k_proj_weight = self.v_proj_weight = None
        else:
            self.in_proj_weight = None
            self.q_proj_weight = uniform(math.sqrt(6.0 / (e + e)), (e, e), 1)
            self.k_proj_weight = uniform(math.sqrt(6.0 / (e + kdim)), (e, kdim), 2)
            self.v_proj_weight = uniform(math.sqrt(6.0 / (e + vdim)), (e, vdim), 3)
        self.in_proj_bias = zeros(3 * e) if bias else None
        self.out_proj: OutProjection[E, E] = OutProjection(
            uniform(1.0 / math.sqrt(e), (e, e), 4), zeros(e) if bias else None
        )

    # ------------------------------------------------------------------ typed calls

    # batch_first=True: (B, L, E)
    @overload
    def __call__(
        self: MultiheadAttention[E, H, Literal[True]],
        query: Tensor[B, L, E],
        key: Tensor[B, S, Any],
        value: Tensor[B, S, Any],
        key_padding_mask: Tensor[B, S] | None = None,
        need_weights: Literal[True] = True,
        attn_mask: Tensor[*tuple[Any, ...]] | None = None,
        average_attn_weights: Literal[True] = True,
        is_causal: bool = False,
    ) -> tuple[Tensor[B, L, E], Tensor[B, L, S]]: ...
    @overload
    def __call__(
        self: MultiheadAttention[E, H, Literal[True]],
        query: Tensor[B, L, E],
        key: Tensor[B, S, Any],
        value: Tensor[B, S, Any],
        key_padding_mask: Tensor[B, S] | None = None,
        *,
        need_weights: Literal[False],
        attn_mask: Tensor[*tuple[Any, ...]] | None = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[Tensor[B, L, E], None]: ...
    @overload
    def __call__(
        self: MultiheadAttention[E, H, Literal[True]],
        query: Tensor[B, L, E],
        key: Tensor[B, S, Any],
        value: Tensor[B, S, Any],
        key_padding_mask: Tensor[B, S] | None = None,
        need_weights: Literal[True] = True,
        attn_mask: Tensor[*tuple[Any, ...]] | None = None,
        *,
        average_attn_weights: Literal[False],
        is_causal: bool = False,
    ) -> tuple[Tensor[B, L, E], Tensor[B, H, L, S]]: ...
    # batch_first=False (PyTorch's default): (L, B, E)
    @overload
    def __call__(
        self: MultiheadAttention[E, H, Literal[False]],
        query: Tensor[L, B, E],
        key: Tensor[S, B, Any],
        value: Tensor[S, B, Any],
        key_padding_mask: Tensor[B, S] | None = None,
        need_weights: Literal[True] = True,
        attn_mask: Tensor[*tuple[Any, ...]] | None = None,
        average_attn_weights: Literal[True] = True,
        is_causal: bool = False,
    ) -> tuple[Tensor[L, B, E], Tensor[B, L, S]]: ...
    @overload
    def __call__(
        self: MultiheadAttention[E, H, Literal[False]],
        query: Tensor[L, B, E],
        key: Tensor[S, B, Any],
        value: Tensor[S, B, Any],
        key_padding_mask: Tensor[B, S] | None = None,
        *,
        need_weights: Literal[False],
        attn_mask: Tensor[*tuple[Any, ...]] | None = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[Tensor[L, B, E], None]: ...
    @overload
    def __call__(
        self: MultiheadAttention[E, H, Literal[False]],
        query: Tensor[L, B, E],
        key: Tensor[S, B, Any],
        value: Tensor[S, B, Any],
        key_padding_mask: Tensor[B, S] | None = None,
        need_weights: Literal[True] = True,
        attn_mask: Tensor[*tuple[Any, ...]] | None = None,
        *,
        average_attn_weights: Literal[False],
        is_causal: bool = False,
    ) -> tuple[Tensor[L, B, E], Tensor[B, H, L, S]]: ...
    # unbatched: (L, E), either layout
    @overload
    def __call__(
        self,
        query: Tensor[L, E],
        key: Tensor[S, Any],
        value: Tensor[S, Any],
        key_padding_mask: Tensor[S] | None = None,
        need_weights: bool = True,
        attn_mask: Tensor[*tuple[Any, ...]] | None = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[Tensor[L, E], Tensor[*tuple[Any, ...]] | None]: ...
    def __call__(
        self,
        query: AnyTensor,
        key: AnyTensor,
        value: AnyTensor,
        key_padding_mask: AnyTensor | None = None,
        need_weights: bool = True,
        attn_mask: AnyTensor | None = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[AnyTensor, AnyTensor | None]:
        who = f"MultiheadAttention[{self.embed_dim}, {self.num_heads}]"
        for what, t in (("query", query), ("key", key), ("value", value)):
            if not isinstance(t, Tensor):
                raise TypeError(f"{who}: {what} must be a Tensor, got {type(t).__name__}")
        backend = query._backend
        params = [p for p in (self.in_proj_weight, self.q_proj_weight, self.in_proj_bias) if p is not None]
        for what, other in (
            ("key", key),
            ("value", value),
            ("attn_mask", attn_mask),
            ("key_padding_mask", key_padding_mask),
        ):
            if other is not None and not isinstance(other, Tensor):
                raise TypeError(f"{who}: {what} must be a Tensor or None, got {type(other).__name__}")
            if other is not None and other._backend is not backend:
                raise DeviceError(f"{who}: query on {query.device} but {what} on {other.device}")
        if params[0]._backend is not backend:
            raise DeviceError(f"{who}: input on {query.device} but the layer's parameters on {params[0].device}")
        for what, t in (("query", query), ("key", key), ("value", value)):
            name = backend.dtype_name(t._data)
            if name not in ("float16", "float32", "float64"):
                raise TypeError(f"{who}: {what} must be a floating-point tensor, got dtype {name}")

        unbatched = query.ndim == 2
        seq_first = not self.batch_first
        layout = "(B, L, E)" if self.batch_first else "(L, B, E)"
        if query.ndim not in (2, 3):
            raise ShapeError(f"{who}: query must be {layout} or unbatched (L, E), got shape {query.shape}")
        if key.ndim != query.ndim or value.ndim != query.ndim:
            raise ShapeError(
                f"{who}: query {query.shape}, key {key.shape} and value {value.shape} must all be batched "
                f"(3 dims) or all unbatched (2 dims)"
            )
        given = {"query": query.shape, "key": key.shape, "value": value.shape}
        if unbatched:  # a batch of one, in the layer's layout
            at = 1 if seq_first else 0
            query, key, value = (_unsqueeze(t, at) for t in (query, key, value))
            if key_padding_mask is not None:
                if key_padding_mask.ndim != 1:
                    raise ShapeError(f"{who}: unbatched key_padding_mask must be (S,), got {key_padding_mask.shape}")
                key_padding_mask = _unsqueeze(key_padding_mask, 0)
        e = self.embed_dim
        if seq_first:
            (n_q, batch, eq), (n_k, bk, ek), (n_v, bv, ev) = query.shape, key.shape, value.shape
        else:
            (batch, n_q, eq), (bk, n_k, ek), (bv, n_v, ev) = query.shape, key.shape, value.shape
        if eq != e:
            raise ShapeError(f"{who}: query {given['query']} must end in embed_dim {e}, got last dim {eq}")
        if ek != self.kdim or ev != self.vdim:
            raise ShapeError(
                f"{who}: key {given['key']} and value {given['value']} must end in kdim {self.kdim} and "
                f"vdim {self.vdim}, got {ek} and {ev}"
            )
        if bk != batch or bv != batch:
            raise ShapeError(
                f"{who}: query {given['query']}, key {given['key']} and value {given['value']} have different "
                f"batch sizes (layout {layout})"
            )
        if n_k != n_v:
            raise ShapeError(f"{who}: key {given['key']} and value {given['value']} have different source lengths")

        heads = self.num_heads
        masks: list[tuple[AnyTensor, Any, tuple[int, ...]]] = []
        if attn_mask is not None:
            ms = attn_mask.shape
            if ms == (n_q, n_k):
                view: tuple[int, ...] = (1, 1, n_q, n_k)
            elif ms == (batch * heads, n_q, n_k):
                view = (batch, heads, n_q, n_k)
            else:
                raise ShapeError(
                    f"{who}: attn_mask must be (L, S) = {(n_q, n_k)} or (B * num_heads, L, S) = "
                    f"{(batch * heads, n_q, n_k)}, got {ms}"
                )
            masks.append(
                (attn_mask, _att.additive(backend, attn_mask, query._data.dtype, False, f"{who}: attn_mask"), view)
            )
        if key_padding_mask is not None:
            if key_padding_mask.shape != (batch, n_k):
                raise ShapeError(
                    f"{who}: key_padding_mask must be (B, S) = {(batch, n_k)}, got {key_padding_mask.shape}"
                )
            masks.append(
                (
                    key_padding_mask,
                    _att.additive(backend, key_padding_mask, query._data.dtype, False, f"{who}: key_padding_mask"),
                    (batch, 1, 1, n_k),
                )
            )

        sources, lay = self._project(query, key, value)
        drop = self.dropout if self.training else 0.0
        out, weights = _att.multihead(
            sources, lay, heads, self.head_dim, self.batch_first, masks, is_causal, drop,
            need_weights, average_attn_weights, unbatched,
        )  # fmt: skip
        out = self.out_proj(out)
        if unbatched:
            out = out[:, 0, :] if seq_first else out[0, ...]
        return out, weights

    def _project(
        self, query: AnyTensor, key: AnyTensor, value: AnyTensor
    ) -> tuple[list[AnyTensor], tuple[_att.Heads, _att.Heads, _att.Heads]]:
        """The input projections, and where ``q``, ``k``, ``v`` sit in their outputs.

        Self-attention (``query is key is value``) takes one packed product with the
        whole ``(3E, E)`` weight, as PyTorch does.
        """
        e = self.embed_dim
        w, b = self.in_proj_weight, self.in_proj_bias
        if w is not None and query is key and key is value:
            qkv = _att.project(query, w, b)
            return [qkv], (_att.Heads(0, 0), _att.Heads(0, e), _att.Heads(0, 2 * e))
        if w is not None:
            wq, wk, wv = w[0:e, :], w[e : 2 * e, :], w[2 * e :, :]
        else:
            assert self.q_proj_weight is not None and self.k_proj_weight is not None and self.v_proj_weight is not None
            wq, wk, wv = self.q_proj_weight, self.k_proj_weight, self.v_proj_weight
        bq = bk = bv = None
        if b is not None:
            bq, bk, bv = b[0:e], b[e : 2 * e], b[2 * e :]
        q = _att.project(query, wq, bq)
        if key is value and w is not None:
            kv = _att.project(key, w[e:, :], b[e:] if b is not None else None)
            return [q, kv], (_att.Heads(0, 0), _att.Heads(1, 0), _att.Heads(1, e))
        k = _att.project(key, wk, bk)
        v = _att.project(value, wv, bv)
        return [q, k, v], (_att.Heads(0, 0), _att.Heads(1, 0), _att.Heads(2, 0))

    def extra_repr(self) -> str:
        extra = f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, batch_first={self.batch_first}"
        if not self._qkv_same_embed_dim:
            extra += f", kdim={self.kdim}, vdim={self.vdim}"
        if self.dropout:
            extra += f", dropout={self.dropout}"
        return extra


def _unsqueeze(t: AnyTensor, at: int) -> AnyTensor:
    shape = t.shape
    return t.reshape(*shape[:at], 1, *shape[at:])


def _leaf(data: Any, backend: Any) -> AnyTensor:
    t = make(data, backend, None)
    t.requires_grad = True
    return t
