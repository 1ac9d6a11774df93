# pyright: reportInvalidTypeForm=false
"""Functions mirroring the Tensor methods (``tt.relu(x)`` is ``x.relu()``), plus the
ops that take several tensors: ``cat``, ``stack``, ``where``, ``einsum``, ``matmul``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, overload

from . import _oprules, _ops
from ._dims import D0, A, K, M, N, P, R, S, Size, Z
from ._errors import ShapeError
from ._tensor import AnyTensor, Number, Tensor, ValuesIndices

# ------------------------------------------------------------------ elementwise


def relu(x: Tensor[*S]) -> Tensor[*S]:
    """``max(x, 0)`` elementwise: ``tt.relu(tt.tensor([-1.0, 2.0]))`` is ``[0, 2]``."""
    _ops.check_tensor(x, "relu")
    return x.relu()


def sigmoid(x: Tensor[*S]) -> Tensor[*S]:
    """``1 / (1 + exp(-x))``, computed without overflow and exact in both tails."""
    _ops.check_tensor(x, "sigmoid")
    return x.sigmoid()


def tanh(x: Tensor[*S]) -> Tensor[*S]:
    """Hyperbolic tangent elementwise."""
    _ops.check_tensor(x, "tanh")
    return x.tanh()


def gelu(x: Tensor[*S], approximate: Literal["none", "tanh"] = "none") -> Tensor[*S]:
    """``x * Phi(x)`` (PyTorch's default exact form; ``approximate="tanh"``: the tanh form)."""
    _ops.check_tensor(x, "gelu")
    return x.gelu(approximate)


def exp(x: Tensor[*S]) -> Tensor[*S]:
    """``e ** x`` elementwise."""
    _ops.check_tensor(x, "exp")
    return x.exp()


def log(x: Tensor[*S]) -> Tensor[*S]:
    """Natural logarithm elementwise."""
    _ops.check_tensor(x, "log")
    return x.log()


def log1p(x: Tensor[*S]) -> Tensor[*S]:
    """``log(1 + x)``, accurate for small ``x``."""
    _ops.check_tensor(x, "log1p")
    return x.log1p()


def sqrt(x: Tensor[*S]) -> Tensor[*S]:
    """Square root elementwise: ``tt.sqrt(tt.tensor([4.0]))`` is ``[2]``."""
    _ops.check_tensor(x, "sqrt")
    return x.sqrt()


def abs(x: Tensor[*S]) -> Tensor[*S]:
    """``|x|`` elementwise (gradient 0 at 0, as PyTorch)."""
    _ops.check_tensor(x, "abs")
    return x.abs()


def sin(x: Tensor[*S]) -> Tensor[*S]:
    """Sine elementwise."""
    _ops.check_tensor(x, "sin")
    return x.sin()


def cos(x: Tensor[*S]) -> Tensor[*S]:
    """Cosine elementwise."""
    _ops.check_tensor(x, "cos")
    return x.cos()


def clamp(x: Tensor[*S], min: AnyTensor | Number | None = None, max: AnyTensor | Number | None = None) -> Tensor[*S]:
    """``x`` limited to ``[min, max]``: ``tt.clamp(x, min=0.0)`` is ``relu``."""
    _ops.check_tensor(x, "clamp")
    return x.clamp(min, max)


clip = clamp


@overload
def maximum(a: Tensor[*S], b: Tensor[*S] | Tensor[()] | Number) -> Tensor[*S]: ...
# mypy calls the broadcasting overloads unreachable (its check for a variadic
# first overload is too wide; it still tries them, and the plugin decides anyway);
# pyright, with no plugin, needs them.
@overload
def maximum(a: Tensor[*P, N], b: Tensor[N]) -> Tensor[*P, N]: ...  # type: ignore[overload-cannot-match]
@overload
def maximum(a: Tensor[N], b: Tensor[*P, N]) -> Tensor[*P, N]: ...  # type: ignore[overload-cannot-match]
@overload
def maximum(a: Tensor[()], b: Tensor[*P]) -> Tensor[*P]: ...  # type: ignore[overload-cannot-match]
@overload
def maximum(a: AnyTensor, b: AnyTensor) -> AnyTensor: ...
def maximum(a: AnyTensor, b: AnyTensor | Number) -> AnyTensor:
    """Elementwise maximum; at ties each side gets half the gradient."""
    _ops.check_tensor(a, "maximum")
    return a.maximum(b)


@overload
def minimum(a: Tensor[*S], b: Tensor[*S] | Tensor[()] | Number) -> Tensor[*S]: ...
@overload
def minimum(a: Tensor[*P, N], b: Tensor[N]) -> Tensor[*P, N]: ...  # type: ignore[overload-cannot-match]
@overload
def minimum(a: Tensor[N], b: Tensor[*P, N]) -> Tensor[*P, N]: ...  # type: ignore[overload-cannot-match]
@overload
def minimum(a: Tensor[()], b: Tensor[*P]) -> Tensor[*P]: ...  # type: ignore[overload-cannot-match]
@overload
def minimum(a: AnyTensor, b: AnyTensor) -> AnyTensor: ...
def minimum(a: AnyTensor, b: AnyTensor | Number) -> AnyTensor:
    """Elementwise minimum; at ties each side gets half the gradient."""
    _ops.check_tensor(a, "minimum")
    return a.minimum(b)


@overload
def floor_divide(a: Tensor[*S], b: Tensor[*S] | Tensor[()] | Number) -> Tensor[*S]: ...
@overload
def floor_divide(a: Tensor[*P, N], b: Tensor[N]) -> Tensor[*P, N]: ...  # type: ignore[overload-cannot-match]
@overload
def floor_divide(a: Tensor[N], b: Tensor[*P, N]) -> Tensor[*P, N]: ...  # type: ignore[overload-cannot-match]
@overload
def floor_divide(a: Tensor[()], b: Tensor[*P]) -> Tensor[*P]: ...  # type: ignore[overload-cannot-match]
@overload
def floor_divide(a: AnyTensor, b: AnyTensor) -> AnyTensor: ...
def floor_divide(a: AnyTensor, b: AnyTensor | Number) -> AnyTensor:
    """``a // b`` (``torch.floor_divide``), rounded toward minus infinity; zero gradient.

    >>> import typedtorch as tt
    >>> tt.floor_divide(tt.tensor([7.0, -7.0]), 2).tolist()
    [3.0, -4.0]
    """
    _ops.check_tensor(a, "floor_divide")
    return a // b


@overload
def remainder(a: Tensor[*S], b: Tensor[*S] | Tensor[()] | Number) -> Tensor[*S]: ...
@overload
def remainder(a: Tensor[*P, N], b: Tensor[N]) -> Tensor[*P, N]: ...  # type: ignore[overload-cannot-match]
@overload
def remainder(a: Tensor[N], b: Tensor[*P, N]) -> Tensor[*P, N]: ...  # type: ignore[overload-cannot-match]
@overload
def remainder(a: Tensor[()], b: Tensor[*P]) -> Tensor[*P]: ...  # type: ignore[overload-cannot-match]
@overload
def remainder(a: AnyTensor, b: AnyTensor) -> AnyTensor: ...
def remainder(a: AnyTensor, b: AnyTensor | Number) -> AnyTensor:
    """``a % b`` (``torch.remainder``), with the sign of ``b``.

    >>> import typedtorch as tt
    >>> tt.remainder(tt.tensor([7.0, -7.0]), 3).tolist()
    [1.0, 2.0]
    """
    _ops.check_tensor(a, "remainder")
    return a % b


@overload
def where(cond: Tensor[*S], a: Tensor[*S] | Number, b: Tensor[*S] | Number) -> Tensor[*S]: ...
@overload
def where(cond: AnyTensor, a: AnyTensor | Number, b: AnyTensor | Number) -> AnyTensor: ...
def where(cond: AnyTensor, a: AnyTensor | Number, b: AnyTensor | Number) -> AnyTensor:
    """``a`` where ``cond`` holds, else ``b``; ``cond`` is a boolean tensor, shapes broadcast.

    >>> import typedtorch as tt
    >>> x = tt.tensor([-1.0, 2.0])
    >>> tt.where(x > 0, x, 0.0).tolist()
    [0.0, 2.0]
    """
    return _ops.where(cond, a, b)


def softmax(x: Tensor[*S], dim: int = -1) -> Tensor[*S]:
    """Softmax along ``dim`` (stable: the max is subtracted first)."""
    _ops.check_tensor(x, "softmax")
    return x.softmax(dim)


def log_softmax(x: Tensor[*S], dim: int = -1) -> Tensor[*S]:
    """``log(softmax(x))`` along ``dim``, computed stably in one op."""
    _ops.check_tensor(x, "log_softmax")
    return x.log_softmax(dim)


@overload
def logsumexp(x: Tensor[*R, Z], dim: Literal[-1], keepdim: Literal[False] = False) -> Tensor[*R]: ...
@overload
def logsumexp(x: AnyTensor, dim: int | tuple[int, ...], keepdim: bool = False) -> AnyTensor: ...
def logsumexp(x: AnyTensor, dim: int | tuple[int, ...], keepdim: bool = False) -> AnyTensor:
    """``log(sum(exp(x), dim))``, stable (a slice of all ``-inf`` gives ``-inf``)."""
    _ops.check_tensor(x, "logsumexp")
    return x.logsumexp(dim, keepdim)


def masked_fill(x: Tensor[*S], mask: AnyTensor, value: Number | Tensor[()]) -> Tensor[*S]:
    """``value`` where ``mask`` is true (``mask`` broadcasts to ``x``'s shape)."""
    _ops.check_tensor(x, "masked_fill")
    return x.masked_fill(mask, value)


# --------------------------------------------------------------------- reductions


@overload
def sum(x: AnyTensor) -> Tensor[()]: ...
@overload
def sum(x: AnyTensor, dim: int | tuple[int, ...], keepdim: bool = False) -> AnyTensor: ...
def sum(x: AnyTensor, dim: int | tuple[int, ...] | None = None, keepdim: bool = False) -> AnyTensor:
    """``x.sum(dim, keepdim)``."""
    _ops.check_tensor(x, "sum")
    return x.sum(dim, keepdim)


@overload
def mean(x: AnyTensor) -> Tensor[()]: ...
@overload
def mean(x: AnyTensor, dim: int | tuple[int, ...], keepdim: bool = False) -> AnyTensor: ...
def mean(x: AnyTensor, dim: int | tuple[int, ...] | None = None, keepdim: bool = False) -> AnyTensor:
    """``x.mean(dim, keepdim)``."""
    _ops.check_tensor(x, "mean")
    return x.mean(dim, keepdim)


def amax(x: AnyTensor, dim: int | tuple[int, ...] | None = None, keepdim: bool = False) -> AnyTensor:
    """``x.amax(dim, keepdim)``: the largest values, without indices."""
    _ops.check_tensor(x, "amax")
    return x.amax(dim, keepdim)


def amin(x: AnyTensor, dim: int | tuple[int, ...] | None = None, keepdim: bool = False) -> AnyTensor:
    """``x.amin(dim, keepdim)``."""
    _ops.check_tensor(x, "amin")
    return x.amin(dim, keepdim)


def argmax(x: AnyTensor, dim: int | None = None, keepdim: bool = False) -> AnyTensor:
    """``x.argmax(dim)``, as int64."""
    _ops.check_tensor(x, "argmax")
    return x.argmax(dim, keepdim)


def argmin(x: AnyTensor, dim: int | None = None, keepdim: bool = False) -> AnyTensor:
    """``x.argmin(dim)``, as int64."""
    _ops.check_tensor(x, "argmin")
    return x.argmin(dim, keepdim)


def var(
    x: AnyTensor, dim: int | tuple[int, ...] | None = None, *, correction: float = 1, keepdim: bool = False
) -> AnyTensor:
    """``x.var(dim, correction=1, keepdim)``."""
    _ops.check_tensor(x, "var")
    return x.var(dim, correction=correction, keepdim=keepdim)


def std(
    x: AnyTensor, dim: int | tuple[int, ...] | None = None, *, correction: float = 1, keepdim: bool = False
) -> AnyTensor:
    """``x.std(dim, correction=1, keepdim)``."""
    _ops.check_tensor(x, "std")
    return x.std(dim, correction=correction, keepdim=keepdim)


def all(x: AnyTensor, dim: int | tuple[int, ...] | None = None, keepdim: bool = False) -> AnyTensor:
    """Whether every element is true."""
    _ops.check_tensor(x, "all")
    return _ops.all_any(x, dim, keepdim, True)


def any(x: AnyTensor, dim: int | tuple[int, ...] | None = None, keepdim: bool = False) -> AnyTensor:
    """Whether some element is true."""
    _ops.check_tensor(x, "any")
    return _ops.all_any(x, dim, keepdim, False)


def topk(
    x: AnyTensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True
) -> ValuesIndices[*tuple[Any, ...]]:
    """The ``k`` largest elements along ``dim`` and their indices."""
    _ops.check_tensor(x, "topk")
    return x.topk(k, dim, largest, sorted)


# ------------------------------------------------------------------------- shapes


@overload
def flatten(x: Tensor[*tuple[Any, ...]], start_dim: Literal[0] = 0, end_dim: Literal[-1] = -1) -> Tensor[Any]: ...
@overload
def flatten(x: Tensor[A, *R], start_dim: Literal[1], end_dim: Literal[-1] = -1) -> Tensor[A, Any]: ...
@overload
def flatten(x: Tensor[*tuple[Any, ...]], start_dim: int = 0, end_dim: int = -1) -> AnyTensor: ...
def flatten(x: AnyTensor, start_dim: int = 0, end_dim: int = -1) -> AnyTensor:
    """Merge dims ``start_dim..end_dim``: ``tt.flatten(x, start_dim=1)`` keeps the batch dim."""
    _ops.check_tensor(x, "flatten")
    return x.flatten(start_dim, end_dim)


def reshape(x: AnyTensor, shape: tuple[int, ...]) -> AnyTensor:
    """``x`` with a new shape of the same element count; one size may be ``-1``."""
    _ops.check_tensor(x, "reshape")
    return x.reshape(shape)


@overload
def transpose(x: Tensor[*P, A, Z], dim0: Literal[-2], dim1: Literal[-1]) -> Tensor[*P, Z, A]: ...
@overload
def transpose(x: Tensor[A, Z, *R], dim0: Literal[0], dim1: Literal[1]) -> Tensor[Z, A, *R]: ...
@overload
def transpose(x: AnyTensor, dim0: int, dim1: int) -> AnyTensor: ...
def transpose(x: AnyTensor, dim0: int, dim1: int) -> AnyTensor:
    """``x.transpose(dim0, dim1)``: two dims swapped."""
    _ops.check_tensor(x, "transpose")
    return x.transpose(dim0, dim1)


def permute(x: AnyTensor, dims: Sequence[int]) -> AnyTensor:
    """``x.permute(*dims)``: the dims in a new order."""
    _ops.check_tensor(x, "permute")
    return x.permute(*dims)


@overload
def unsqueeze(x: Tensor[*S], dim: Literal[0]) -> Tensor[Literal[1], *S]: ...
@overload
def unsqueeze(x: Tensor[*S], dim: Literal[-1]) -> Tensor[*S, Literal[1]]: ...
@overload
def unsqueeze(x: AnyTensor, dim: int) -> AnyTensor: ...
def unsqueeze(x: AnyTensor, dim: int) -> AnyTensor:
    """``x.unsqueeze(dim)``: a new dim of size 1."""
    _ops.check_tensor(x, "unsqueeze")
    return x.unsqueeze(dim)


def squeeze(x: AnyTensor, dim: int | tuple[int, ...] | None = None) -> AnyTensor:
    """``x.squeeze(dim)``: dim ``dim`` removed (it must be 1)."""
    _ops.check_tensor(x, "squeeze")
    return x.squeeze(dim)


def cat(tensors: Sequence[AnyTensor], dim: int = 0) -> AnyTensor:
    """Join tensors along an existing dim: ``tt.cat([a, b], dim=0)``.

    All other dims must agree (else ``ShapeError``). Statically untyped until the
    mypy plugin adds the sizes.
    """
    return _ops.apply_n(_ops.Cat(dim), tensors)


concat = cat


def stack(tensors: Sequence[AnyTensor], dim: int = 0) -> AnyTensor:
    """Join equal-shaped tensors along a new dim of size ``len(tensors)``."""
    return _ops.apply_n(_ops.Stack(dim), tensors)


def split(x: AnyTensor, split_size_or_sections: int | Sequence[int], dim: int = 0) -> tuple[AnyTensor, ...]:
    """``x.split(size, dim)``: pieces of ``size`` along ``dim`` (or of the given sizes)."""
    _ops.check_tensor(x, "split")
    return x.split(split_size_or_sections, dim)


def chunk(x: AnyTensor, chunks: int, dim: int = 0) -> tuple[AnyTensor, ...]:
    """``x.chunk(n, dim)``: ``n`` pieces along ``dim``."""
    _ops.check_tensor(x, "chunk")
    return x.chunk(chunks, dim)


def tril(x: Tensor[*S], diagonal: int = 0) -> Tensor[*S]:
    """The lower triangle of the last two dims: ``tt.tril(tt.ones(T, T))`` is a causal mask."""
    _ops.check_tensor(x, "tril")
    return x.tril(diagonal)


def triu(x: Tensor[*S], diagonal: int = 0) -> Tensor[*S]:
    """The upper triangle of the last two dims."""
    _ops.check_tensor(x, "triu")
    return x.triu(diagonal)


# ------------------------------------------------------------------------ products


@overload
def matmul(a: Tensor[*P, M, K], b: Tensor[K, N]) -> Tensor[*P, M, N]: ...
@overload
def matmul(a: Tensor[*P, M, K], b: Tensor[*P, K, N]) -> Tensor[*P, M, N]: ...
@overload
def matmul(a: Tensor[M, K], b: Tensor[K]) -> Tensor[M]: ...
@overload
def matmul(a: Tensor[K], b: Tensor[K]) -> Tensor[()]: ...
@overload
def matmul(a: Tensor[K], b: Tensor[K, N]) -> Tensor[N]: ...
def matmul(a: AnyTensor, b: AnyTensor) -> AnyTensor:
    """``a @ b``."""
    _ops.check_tensor(a, "matmul")
    return a @ b


def mm(a: Tensor[M, K], b: Tensor[K, N]) -> Tensor[M, N]:
    """A matrix times a matrix (both rank 2)."""
    _ops.check_tensor(a, "mm")
    return a.mm(b)


def bmm(a: Tensor[A, M, K], b: Tensor[A, K, N]) -> Tensor[A, M, N]:
    """Batched matrix products: ``(B, M, K) @ (B, K, N)``."""
    for t in (a, b):
        _ops.check_tensor(t, "bmm")
    if a.ndim != 3 or b.ndim != 3:
        raise ShapeError(f"bmm: needs two rank-3 tensors, got {a.shape} and {b.shape}")
    return a @ b


def einsum(equation: str, *operands: AnyTensor) -> AnyTensor:
    """Einstein summation over one or two operands (or more, folded left to right).

    ``tt.einsum("bij,bjk->bik", a, b)`` is a batched matmul; the mypy plugin computes
    the result's type from the equation and reports letters whose sizes differ. Repeated
    letters within one operand (diagonals) and ``...`` are not supported.

    >>> import typedtorch as tt
    >>> tt.einsum("ij,jk->ik", tt.ones(2, 3), tt.ones(3, 4)).shape
    (2, 4)
    """
    first: object = operands[0] if len(operands) == 1 else None
    if isinstance(first, list | tuple):  # tt.einsum(eq, [a, b]), as torch.einsum accepts
        operands = tuple(first)
    for i, t in enumerate(operands):
        _ops.check_tensor(t, "einsum", f"operand {i}")
    parsed = _oprules.parse_einsum(equation, len(operands))
    if isinstance(parsed, str):
        raise ValueError(parsed)
    verdict = _oprules.einsum(equation, [t.shape for t in operands], _oprules.RUNTIME)
    if isinstance(verdict, _oprules.Bad):
        raise ShapeError(verdict.message)
    inputs, output = parsed
    if len(operands) == 1:
        return _einsum1(operands[0], inputs[0], output)
    acc, subs = operands[0], inputs[0]
    for j in range(1, len(operands)):
        rest = "".join(inputs[j + 1 :]) + output
        keep = "".join(c for c in dict.fromkeys(subs + inputs[j]) if c in rest)
        acc, subs = _einsum2(acc, subs, operands[j], inputs[j], keep), keep
    return _einsum1(acc, subs, output)


def _einsum1(x: AnyTensor, subs: str, out: str) -> AnyTensor:
    gone = tuple(i for i, c in enumerate(subs) if c not in out)
    if gone:
        x = x.sum(dim=gone)
        subs = "".join(c for c in subs if c in out)
    if subs != out:
        x = x.permute(*(subs.index(c) for c in out))
    return x


def _einsum2(a: AnyTensor, sa: str, b: AnyTensor, sb: str, out: str) -> AnyTensor:
    """Two operands as one batched matmul: (batch, left, summed) @ (batch, summed, right)."""
    # Letters only in one operand and not kept are summed away first.
    a = _einsum1(a, sa, "".join(c for c in sa if c in sb or c in out))
    sa = "".join(c for c in sa if c in sb or c in out)
    b = _einsum1(b, sb, "".join(c for c in sb if c in sa or c in out))
    sb = "".join(c for c in sb if c in sa or c in out)
    batch = [c for c in sa if c in sb and c in out]
    summed = [c for c in sa if c in sb and c not in out]
    left = [c for c in sa if c not in sb]
    right = [c for c in sb if c not in sa]
    size = {c: a.shape[i] for i, c in enumerate(sa)} | {c: b.shape[i] for i, c in enumerate(sb)}

    def prod(cs: list[str]) -> int:
        n = 1
        for c in cs:
            n *= size[c]
        return n

    pa = a.permute(*(sa.index(c) for c in batch + left + summed)) if sa else a
    pb = b.permute(*(sb.index(c) for c in batch + summed + right)) if sb else b
    ma = pa.reshape(prod(batch), prod(left), prod(summed))
    mb = pb.reshape(prod(batch), prod(summed), prod(right))
    res = (ma @ mb).reshape(*(size[c] for c in batch + left + right))
    got = "".join(batch + left + right)
    return _einsum1(res, got, out) if got != out else res


def one_hot(tensor: Tensor[*S], num_classes: Size[D0] = -1) -> Tensor[*S, D0]:  # type: ignore[assignment]
    """int64 one-hot vectors of the class indices in ``tensor`` (``num_classes=-1``: max + 1).

    >>> import typedtorch as tt
    >>> tt.one_hot(tt.tensor([0, 2]), 3).tolist()
    [[1, 0, 0], [0, 0, 1]]
    """
    _ops.check_tensor(tensor, "one_hot")
    backend = tensor._backend
    xp = backend.xp
    data = tensor._data
    if not backend.is_integral(data.dtype):
        raise TypeError(f"one_hot: class indices must be integers, got {backend.dtype_name(data)}")
    n = int(num_classes)
    if tensor.numel():
        lo, hi = int(xp.min(data)), int(xp.max(data))
        if n == -1:
            n = hi + 1
        if lo < 0 or hi >= n:
            raise IndexError(f"one_hot: class indices must lie in [0, {n}), got min {lo} and max {hi}")
    elif n == -1:
        raise ValueError("one_hot: cannot infer num_classes from an empty tensor; pass num_classes")
    classes = xp.arange(n, dtype=data.dtype, device=data.device)
    out = xp.astype(xp.expand_dims(data, axis=-1) == classes, xp.int64)
    from ._tensor import make

    return make(out, backend, None)
