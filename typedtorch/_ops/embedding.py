"""Embedding lookup: rows of a ``(V, D)`` weight picked by integer indices of any shape.

The forward pass is one ``take``. The gradient of the weight sums the output
gradients of every position that picked a row; the array API has no scatter-add
(and ``numpy.add.at`` is slow), so the sum is computed one of two ways:

* small vocabularies (``V <= ONE_HOT_MAX``): a one-hot ``(V, N)`` matrix times the
  ``(N, D)`` gradient, in column blocks that keep the one-hot matrix small. Exact
  sums in BLAS order; at ``V = 64, N = 2048, D = 128`` about a tenth of
  ``numpy.add.at``'s time.
* larger vocabularies: sort the indices, take a cumulative sum of the gradient rows
  in that order (in float64 for float32 gradients), and read each index's sum as the
  difference of the running sum at the ends of its run; every row of the result is
  then one ``take`` from those sums (absent rows read a zero row). ``O(N log N + V D)``
  and no ``(V, N)`` matrix. For float64 gradients the differences carry an absolute
  error of about 1e-16 times the running sum, which is far below a gradient's noise.

Both are correct for repeated indices: ``x[[0, 0]]`` gives row 0 a gradient of 2.
"""

from __future__ import annotations

import math
from typing import Any

from typedtorch._backend import Array, Backend
from typedtorch._engine import Function, grad_mode, next_seq
from typedtorch._errors import DeviceError, ShapeError
from typedtorch._tensor import AnyTensor, Tensor, make

# Vocabulary size up to which the one-hot product is the faster way to sum rows
# (measured on one BLAS thread: at V = 512, N = 2048, D = 128 the sort is faster).
ONE_HOT_MAX = 256
# Elements of one one-hot block: 2**20 float32 values are 4 MiB.
ONE_HOT_BLOCK = 1 << 20


class EmbeddingFn(Function):
    """``weight[indices]`` for integer ``indices`` of any shape; only the weight gets a gradient."""

    __slots__ = ("xp", "idx", "rows", "dim", "padding_idx", "by_freq", "device")
    xp: Any
    idx: Array  # the flattened indices, (N,), all in [0, V)
    rows: int  # V
    dim: int  # D
    padding_idx: int | None  # a row that never receives a gradient
    by_freq: bool  # scale each row's gradient by 1 / (its count in the batch)
    device: Any

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        xp = self.xp
        g2 = xp.reshape(g, (self.idx.shape[0], self.dim))
        if self.rows <= ONE_HOT_MAX:
            grad = _rows_one_hot(xp, self.idx, g2, self.rows, self.padding_idx, self.by_freq, self.device)
        else:
            grad = _rows_sorted(xp, self.idx, g2, self.rows, self.padding_idx, self.by_freq, self.device)
        return (None, grad)


def _rows_one_hot(xp: Any, idx: Array, g: Array, v: int, pad: int | None, by_freq: bool, device: Any) -> Array:
    """``sum_i [idx_i = r] g_i`` for every row ``r``, as one-hot products over column blocks."""
    n = idx.shape[0]
    rows = xp.arange(v, dtype=idx.dtype, device=device)
    if pad is not None:
        rows = xp.where(rows == pad, -1, rows)  # matches no index: the padding row stays 0
    rows = xp.reshape(rows, (v, 1))
    step = max(1, ONE_HOT_BLOCK // max(v, 1))
    out = None
    counts = None
    for start in range(0, max(n, 1), step):
        stop = min(start + step, n)  # the array API leaves out-of-range slice bounds unspecified
        onehot = xp.astype(rows == xp.reshape(idx[start:stop], (1, -1)), g.dtype)
        part = onehot @ g[start:stop, :]
        out = part if out is None else out + part
        if by_freq:
            c = xp.sum(onehot, axis=1, keepdims=True)
            counts = c if counts is None else counts + c
    assert out is not None
    if by_freq:
        out = out / xp.maximum(counts, 1.0)
    return out


def _rows_sorted(xp: Any, idx: Array, g: Array, v: int, pad: int | None, by_freq: bool, device: Any) -> Array:
    """The same sums through a sort and a running sum (see the module doc)."""
    n, d = g.shape
    if n == 0:
        return xp.zeros((v, d), dtype=g.dtype, device=device)
    order = xp.argsort(idx, stable=True)
    values, counts = xp.unique_counts(idx)  # sorted distinct indices, and how often each occurs
    acc = xp.float64 if g.dtype == xp.float32 else g.dtype
    running = xp.cumulative_sum(xp.astype(xp.take(g, order, axis=0), acc), axis=0, include_initial=True)
    ends = xp.cumulative_sum(counts)
    sums = xp.take(running, ends, axis=0) - xp.take(running, ends - counts, axis=0)
    if by_freq:
        sums = sums / xp.reshape(xp.astype(counts, acc), (-1, 1))
    sums = xp.astype(sums, g.dtype)
    # Row r of the result is sums[j] where values[j] == r, or a zero row (index 0 below).
    table = xp.concat([xp.zeros((1, d), dtype=g.dtype, device=device), sums], axis=0)
    rows = xp.arange(v, dtype=idx.dtype, device=device)
    j = xp.searchsorted(values, rows)
    jc = xp.clip(j, max=values.shape[0] - 1)
    present = xp.take(values, jc) == rows
    if pad is not None:
        present = present & (rows != pad)
    pos = xp.where(present, jc + 1, 0)
    return xp.take(table, pos, axis=0)


def _check_indices(backend: Backend, idx: AnyTensor, v: int) -> Array:
    """The indices flattened, after checking that they are integers in ``[0, V)``."""
    xp = backend.xp
    data = idx._data
    if not backend.is_integral(data.dtype):
        raise TypeError(
            f"embedding: indices must be an integer tensor, got dtype {backend.dtype_name(data)} "
            f"(convert with .astype('int64') if the values are whole numbers)"
        )
    flat = xp.reshape(data, (math.prod(data.shape),))
    if flat.shape[0]:
        lo, hi = int(xp.min(flat)), int(xp.max(flat))
        if lo < 0 or hi >= v:
            raise IndexError(
                f"embedding: indices must lie in [0, {v}) for a table of {v} rows, got min {lo} and max {hi}"
            )
    return flat


def renorm_rows(weight: AnyTensor, flat: Array, max_norm: float, norm_type: float) -> None:
    """Rescale the rows of ``weight`` that ``flat`` picks and whose ``norm_type``-norm exceeds
    ``max_norm`` to that norm (``torch.embedding_renorm_``), outside the graph.

    The weight gets a new array rather than being written in place, so an op that
    saved the old values for its backward still sees them.
    """
    backend = weight._backend
    xp = backend.xp
    w = weight._data
    v = w.shape[0]
    if norm_type == 2.0:
        norms = xp.sqrt(xp.sum(w * w, axis=1))
    else:
        norms = xp.sum(xp.abs(w) ** norm_type, axis=1) ** (1.0 / norm_type)
    rows = xp.arange(v, dtype=flat.dtype, device=w.device)
    used = xp.zeros((v,), dtype=xp.bool, device=w.device)
    if flat.shape[0]:
        values = xp.unique_values(flat)
        j = xp.clip(xp.searchsorted(values, rows), max=values.shape[0] - 1)
        used = xp.take(values, j) == rows
    # PyTorch's scale, 1e-7 included, so renormalised rows match it.
    scale = xp.where(used & (norms > max_norm), max_norm / (norms + 1e-7), 1.0)
    weight._data = w * xp.astype(xp.reshape(scale, (v, 1)), w.dtype)


def embedding(
    indices: AnyTensor,
    weight: AnyTensor,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
) -> AnyTensor:
    """Rows of ``weight`` (``(V, D)``) picked by integer ``indices`` of shape ``S``: shape ``(*S, D)``.

    >>> import typedtorch as tt
    >>> from typedtorch._ops.embedding import embedding
    >>> embedding(tt.tensor([[0, 2], [2, 2]]), tt.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])).tolist()[1]
    [[0.0, 0.0, 1.0], [0.0, 0.0, 1.0]]
    """
    for given in (indices, weight):
        if not isinstance(given, Tensor):
            raise TypeError(f"embedding: expected tensors for indices and weight, got {type(given).__name__}")
    backend = weight._backend
    if indices._backend is not backend:
        raise DeviceError(f"embedding: indices on {indices.device} but weight on {weight.device}")
    wd = weight._data
    if wd.ndim != 2:
        raise ShapeError(
            f"embedding: weight must be a (num_embeddings, embedding_dim) matrix, got shape {tuple(wd.shape)}"
        )
    v, d = wd.shape
    flat = _check_indices(backend, indices, v)
    if max_norm is not None:
        renorm_rows(weight, flat, max_norm, norm_type)
        wd = weight._data
    xp = backend.xp
    out = xp.reshape(xp.take(wd, flat, axis=0), (*indices._data.shape, d))
    if weight.requires_grad and grad_mode.enabled:
        fn = EmbeddingFn()
        fn.xp, fn.idx, fn.rows, fn.dim, fn.device = xp, flat, v, d, wd.device
        fn.padding_idx, fn.by_freq = padding_idx, scale_grad_by_freq
        fn.parents, fn.needs = (indices, weight), (False, True)
        fn.seq = next_seq()
        return make(out, backend, fn)
    return make(out, backend, None)
