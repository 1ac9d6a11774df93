"""``Embedding``: a table of ``V`` vectors of size ``D``, looked up by integer indices."""

from __future__ import annotations

from typing import Final, Generic, Literal, TypeVar

from typing_extensions import TypeVarTuple

from typedtorch._backend import get_backend, host_random
from typedtorch._dims import Size
from typedtorch._errors import ShapeError
from typedtorch._ops.embedding import embedding as _embedding
from typedtorch._tensor import Tensor, make

from ._functional_attention import _padding_index
from ._module import Module

V = TypeVar("V", bound=int | Literal[0])
D = TypeVar("D", bound=int | Literal[0])
S = TypeVarTuple("S")


class Embedding(Module, Generic[V, D]):
    """``weight[indices]``: integer ``Tensor[*S]`` in, ``Tensor[*S, D]`` out.

    ``Embedding(64, 128)`` is an ``Embedding[Literal[64], Literal[128]]``; its weight
    ``(V, D)`` starts as N(0, 1) draws, as in PyTorch (the ``padding_idx`` row, if any,
    starts at 0 and never receives a gradient). Indices must be integers in
    ``[0, V)``: anything else raises ``TypeError`` or ``IndexError`` naming what was
    found. Repeated indices add their gradients; the sum runs without a scatter (see
    ``typedtorch/_ops/embedding.py``).

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> emb = nn.Embedding(64, 128, seed=0)
    >>> emb(tt.tensor([[1, 2, 3], [4, 5, 6]])).shape   # Tensor[2, 3] -> Tensor[2, 3, 128]
    (2, 3, 128)
    """

    # Read by the mypy plugin (typedtorch/_rules.py): the indices' dims, then D.
    __shape_rule__: Final = "*S -> *S D"

    num_embeddings: V
    embedding_dim: D
    weight: Tensor[V, D]

    def __init__(
        self,
        num_embeddings: Size[V],
        embedding_dim: Size[D],
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
        *,
        _weight: Tensor[V, D] | None = None,
        _freeze: bool = False,
        device: str | None = None,
        dtype: str = "float32",
        seed: int | None = None,
    ) -> None:
        for what, n in (("num_embeddings", num_embeddings), ("embedding_dim", embedding_dim)):
            if not isinstance(n, int) or isinstance(n, bool) or n < 0:
                raise ValueError(f"Embedding: {what} must be a non-negative int, got {n!r}")
        if sparse:
            raise ValueError("Embedding: sparse=True is not supported (typedtorch has no sparse tensors)")
        if max_norm is not None and not max_norm > 0:
            raise ValueError(f"Embedding: max_norm must be positive, got {max_norm}")
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.padding_idx = _padding_index(padding_idx, num_embeddings, "Embedding")
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        self.sparse = sparse
        if _weight is not None:
            if not isinstance(_weight, Tensor) or tuple(_weight.shape) != (num_embeddings, embedding_dim):
                got = tuple(_weight.shape) if isinstance(_weight, Tensor) else type(_weight).__name__
                raise ShapeError(f"Embedding: _weight is {got}, expected shape ({num_embeddings}, {embedding_dim})")
            w = make(_weight._data, _weight._backend, None)  # shares the given values
        else:
            backend = get_backend(device)
            host = host_random("normal", (num_embeddings, embedding_dim), seed).astype(dtype)
            if self.padding_idx is not None:
                host[self.padding_idx] = 0.0
            w = make(backend.from_host(host), backend, None)
        w.requires_grad = not _freeze
        self.weight = w

    @classmethod
    def from_pretrained(
        cls,
        embeddings: Tensor[V, D],
        freeze: bool = True,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
    ) -> Embedding[V, D]:
        """An ``Embedding`` whose weight is ``embeddings`` (shared, not copied); frozen by default.

        >>> import typedtorch as tt
        >>> from typedtorch import nn
        >>> nn.Embedding.from_pretrained(tt.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]))(tt.tensor([2])).tolist()
        [[0.0, 0.0, 1.0]]
        """
        if not isinstance(embeddings, Tensor) or embeddings.ndim != 2:
            shape = embeddings.shape if isinstance(embeddings, Tensor) else type(embeddings).__name__
            raise ShapeError(f"Embedding.from_pretrained: embeddings must be a (V, D) matrix, got {shape}")
        rows, dim = embeddings.shape
        return cls(
            rows,  # type: ignore[arg-type]
            dim,  # type: ignore[arg-type]
            padding_idx,
            max_norm,
            norm_type,
            scale_grad_by_freq,
            sparse,
            _weight=embeddings,
            _freeze=freeze,
        )

    def __call__(self, input: Tensor[*S]) -> Tensor[*S, D]:
        return _embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type, self.scale_grad_by_freq)

    def extra_repr(self) -> str:
        extra = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            extra += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            extra += f", max_norm={self.max_norm}"
        return extra
