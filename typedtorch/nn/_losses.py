"""Losses as functions and modules, with PyTorch's signatures and semantics.

Each is one fused node (see ``typedtorch._ops.losses``). The signatures say which
shapes must agree, so mypy rejects a prediction and a target of different shapes
before the run-time check does, and what comes out: a ``Scalar`` for
``reduction="mean"`` or ``"sum"`` (so ``backward()`` type-checks), the per-element
(or per-sample) shape for ``reduction="none"``.

Differences from PyTorch, on purpose:

* Pointwise losses never broadcast: input and target must have equal shapes
  (PyTorch warns and broadcasts a ``(4, 1)`` prediction against a ``(4,)`` target to
  ``(4, 4)``, a silently wrong loss). ``weight``/``pos_weight`` of the binary
  cross-entropies must have the input's shape or a trailing part of it (``(C,)`` for
  ``(N, C)``); size-1 dims are not stretched.
* Integer inputs or targets of the float losses are a ``TypeError`` (``uint8``
  differences would wrap around); so are mixed float dtypes, which PyTorch promotes
  in the forward pass and then refuses in backward.
* Targets of ``binary_cross_entropy(_with_logits)`` must lie in ``[0, 1]``.
* A mean over an empty input is a ``ShapeError`` rather than nan; arguments after the
  ones PyTorch takes by position in practice are keyword-only (PyTorch's deprecated
  ``size_average``/``reduce`` positional slots are not reproduced).
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar, overload

from typing_extensions import TypeVarTuple

from typedtorch._dims import S
from typedtorch._ops import losses as _fused
from typedtorch._tensor import AnyTensor, Tensor

from ._module import Module

B = TypeVar("B")
C = TypeVar("C")
D = TypeVarTuple("D")  # the extra dims of the K-dimensional form (N, C, d1, ...)

Reduced = Literal["mean", "sum"]
Reduction = Literal["mean", "sum", "none"]
# A loss module's type records its reduction, so that its call is typed: `MSELoss[Literal["none"]]`.
# Only the three literals are accepted statically (a typo is an error before it runs); a
# reduction held in a variable needs the type `Reduction` (mypy and pyright split the union).
R = TypeVar("R", bound=str)


def _module_reduction(cls: str, reduction: object) -> Reduction:
    if reduction not in _fused.REDUCTIONS:
        raise ValueError(f"{cls}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
    return reduction  # type: ignore[return-value]


# ------------------------------------------------------------------------- functions


@overload
def mse_loss(input: Tensor[*S], target: Tensor[*S], *, reduction: Reduced = "mean") -> Tensor[()]: ...
@overload
def mse_loss(input: Tensor[*S], target: Tensor[*S], *, reduction: Literal["none"]) -> Tensor[*S]: ...
def mse_loss(input: AnyTensor, target: AnyTensor, *, reduction: Reduction = "mean") -> AnyTensor:
    """Mean squared error; ``input`` and ``target`` must have the same shape (never broadcasts).

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> nn.mse_loss(tt.ones(4, 1), tt.zeros(4, 1)).item()
    1.0
    >>> nn.mse_loss(tt.ones(2), tt.zeros(2), reduction="none").tolist()
    [1.0, 1.0]
    """
    return _fused.mse_loss(input, target, reduction)


@overload
def l1_loss(input: Tensor[*S], target: Tensor[*S], *, reduction: Reduced = "mean") -> Tensor[()]: ...
@overload
def l1_loss(input: Tensor[*S], target: Tensor[*S], *, reduction: Literal["none"]) -> Tensor[*S]: ...
def l1_loss(input: AnyTensor, target: AnyTensor, *, reduction: Reduction = "mean") -> AnyTensor:
    """Mean absolute error ``|input - target|``; shapes must be equal.

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> nn.l1_loss(tt.tensor([1.0, -3.0]), tt.zeros(2)).item()
    2.0
    """
    return _fused.l1_loss(input, target, reduction)


@overload
def smooth_l1_loss(
    input: Tensor[*S], target: Tensor[*S], *, reduction: Reduced = "mean", beta: float = 1.0
) -> Tensor[()]: ...
@overload
def smooth_l1_loss(
    input: Tensor[*S], target: Tensor[*S], *, reduction: Literal["none"], beta: float = 1.0
) -> Tensor[*S]: ...
def smooth_l1_loss(
    input: AnyTensor, target: AnyTensor, *, reduction: Reduction = "mean", beta: float = 1.0
) -> AnyTensor:
    """``0.5 d**2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta`` (``d = input - target``).

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> nn.smooth_l1_loss(tt.tensor([0.5, 3.0]), tt.zeros(2), reduction="none").tolist()
    [0.125, 2.5]
    """
    return _fused.smooth_l1_loss(input, target, reduction, beta)


@overload
def huber_loss(
    input: Tensor[*S], target: Tensor[*S], reduction: Reduced = "mean", delta: float = 1.0
) -> Tensor[()]: ...
@overload
def huber_loss(input: Tensor[*S], target: Tensor[*S], reduction: Literal["none"], delta: float = 1.0) -> Tensor[*S]: ...
def huber_loss(input: AnyTensor, target: AnyTensor, reduction: Reduction = "mean", delta: float = 1.0) -> AnyTensor:
    """``0.5 d**2`` where ``|d| < delta``, else ``delta (|d| - 0.5 delta)``.

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> nn.huber_loss(tt.tensor([0.5, 3.0]), tt.zeros(2), delta=2.0, reduction="none").tolist()
    [0.125, 4.0]
    """
    return _fused.huber_loss(input, target, reduction, delta)


@overload
def binary_cross_entropy(
    input: Tensor[*S], target: Tensor[*S], weight: AnyTensor | None = None, *, reduction: Reduced = "mean"
) -> Tensor[()]: ...
@overload
def binary_cross_entropy(
    input: Tensor[*S], target: Tensor[*S], weight: AnyTensor | None = None, *, reduction: Literal["none"]
) -> Tensor[*S]: ...
def binary_cross_entropy(
    input: AnyTensor, target: AnyTensor, weight: AnyTensor | None = None, *, reduction: Reduction = "mean"
) -> AnyTensor:
    """``-(t log p + (1 - t) log(1 - p))`` for probabilities ``p`` (e.g. after ``Sigmoid``), targets in ``[0, 1]``.

    Logs are clamped at ``-100`` as in PyTorch, so ``p`` of exactly 0 or 1 stays finite.
    ``weight`` (the input's shape or a trailing part of it) scales each element.

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> round(nn.binary_cross_entropy(tt.full((2,), 0.5), tt.tensor([0.0, 1.0])).item(), 4)  # log 2
    0.6931
    """
    return _fused.binary_cross_entropy(input, target, weight, reduction)


@overload
def binary_cross_entropy_with_logits(
    input: Tensor[*S],
    target: Tensor[*S],
    weight: AnyTensor | None = None,
    *,
    reduction: Reduced = "mean",
    pos_weight: AnyTensor | None = None,
) -> Tensor[()]: ...
@overload
def binary_cross_entropy_with_logits(
    input: Tensor[*S],
    target: Tensor[*S],
    weight: AnyTensor | None = None,
    *,
    reduction: Literal["none"],
    pos_weight: AnyTensor | None = None,
) -> Tensor[*S]: ...
def binary_cross_entropy_with_logits(
    input: AnyTensor,
    target: AnyTensor,
    weight: AnyTensor | None = None,
    *,
    reduction: Reduction = "mean",
    pos_weight: AnyTensor | None = None,
) -> AnyTensor:
    """Sigmoid then binary cross-entropy, in one stable step (finite for logits of ``±1e4``).

    ``pos_weight`` (e.g. ``(C,)`` for ``(N, C)`` logits) weighs the positive term of
    each class: ``-(pos_weight t log s + (1 - t) log(1 - s))`` with ``s = sigmoid(x)``.

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> round(nn.binary_cross_entropy_with_logits(tt.zeros(2), tt.tensor([0.0, 1.0])).item(), 4)  # log 2
    0.6931
    """
    return _fused.binary_cross_entropy_with_logits(input, target, weight, reduction, pos_weight)


@overload
def cross_entropy(
    input: Tensor[B, C, *D],
    target: Tensor[B, *D],
    weight: Tensor[C] | None = None,
    *,
    ignore_index: int = -100,
    reduction: Reduced = "mean",
    label_smoothing: float = 0.0,
) -> Tensor[()]: ...
@overload
def cross_entropy(
    input: Tensor[B, C, *D],
    target: Tensor[B, *D],
    weight: Tensor[C] | None = None,
    *,
    ignore_index: int = -100,
    reduction: Literal["none"],
    label_smoothing: float = 0.0,
) -> Tensor[B, *D]: ...
def cross_entropy(
    input: AnyTensor,
    target: AnyTensor,
    weight: AnyTensor | None = None,
    *,
    ignore_index: int = -100,
    reduction: Reduction = "mean",
    label_smoothing: float = 0.0,
) -> AnyTensor:
    """Softmax cross-entropy of logits against integer class indices, as ``torch.nn.functional.cross_entropy``.

    Logits ``(N, C)`` with labels ``(N,)``, or ``(N, C, d1, ...)`` with ``(N, d1,
    ...)`` (per pixel, per token); ``reduction="none"`` gives the per-sample shape.
    ``weight`` (shape ``(C,)``) weighs each class, and the mean divides by the
    summed weights of the counted targets; targets equal to ``ignore_index`` count
    for nothing; ``label_smoothing`` mixes the target with the uniform
    distribution. Fused and stable (finite for logits of ``±1e4``, and for ``-inf``
    logits used as a mask). Labels outside ``[0, C)`` are an ``IndexError``.
    A ``(C,)`` input with a ``()`` label also works at run time (not in the static
    types, where the K-dimensional form comes first).

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> round(nn.cross_entropy(tt.zeros(2, 4), tt.tensor([0, 3])).item(), 4)  # log 4
    1.3863
    >>> nn.cross_entropy(tt.zeros(2, 4), tt.tensor([0, -100]), reduction="none").tolist()[1]  # ignored
    0.0
    """
    return _fused.cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing)


@overload
def nll_loss(
    input: Tensor[B, C, *D],
    target: Tensor[B, *D],
    weight: Tensor[C] | None = None,
    *,
    ignore_index: int = -100,
    reduction: Reduced = "mean",
) -> Tensor[()]: ...
@overload
def nll_loss(
    input: Tensor[B, C, *D],
    target: Tensor[B, *D],
    weight: Tensor[C] | None = None,
    *,
    ignore_index: int = -100,
    reduction: Literal["none"],
) -> Tensor[B, *D]: ...
def nll_loss(
    input: AnyTensor,
    target: AnyTensor,
    weight: AnyTensor | None = None,
    *,
    ignore_index: int = -100,
    reduction: Reduction = "mean",
) -> AnyTensor:
    """Negative log-likelihood of log-probabilities (``log_softmax`` output) at integer class indices.

    ``nll_loss(x.log_softmax(dim=1), y)`` equals ``cross_entropy(x, y)``; same
    layouts, ``weight`` and ``ignore_index`` as :func:`cross_entropy`.

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> nn.nll_loss(tt.tensor([[-1.0, -2.0], [-3.0, -4.0]]), tt.tensor([0, 1])).item()
    2.5
    """
    return _fused.nll_loss(input, target, weight, ignore_index, reduction)


# --------------------------------------------------------------------------- modules


class _PointwiseLoss(Module, Generic[R]):
    reduction: R

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"


class MSELoss(_PointwiseLoss[R]):
    """Module form of :func:`mse_loss`: ``nn.MSELoss()(pred, target)``; its type records the reduction."""

    @overload
    def __init__(self: MSELoss[Literal["mean"]], reduction: Literal["mean"] = "mean") -> None: ...
    @overload
    def __init__(self: MSELoss[Literal["sum"]], reduction: Literal["sum"]) -> None: ...  # fmt: skip
    @overload
    def __init__(self: MSELoss[Literal["none"]], reduction: Literal["none"]) -> None: ...  # fmt: skip
    def __init__(self, reduction: Any = "mean") -> None:
        self.reduction = _module_reduction("MSELoss", reduction)  # type: ignore[assignment]

    @overload
    def __call__(self: MSELoss[Literal["none"]], input: Tensor[*S], target: Tensor[*S]) -> Tensor[*S]: ...
    @overload
    def __call__(self: MSELoss[Literal["mean"]] | MSELoss[Literal["sum"]], input: Tensor[*S], target: Tensor[*S]) -> Tensor[()]: ...  # fmt: skip
    @overload
    def __call__(self, input: Tensor[*S], target: Tensor[*S]) -> AnyTensor: ...
    def __call__(self, input: AnyTensor, target: AnyTensor) -> AnyTensor:
        return _fused.mse_loss(input, target, self.reduction)


class L1Loss(_PointwiseLoss[R]):
    """Module form of :func:`l1_loss`."""

    @overload
    def __init__(self: L1Loss[Literal["mean"]], reduction: Literal["mean"] = "mean") -> None: ...
    @overload
    def __init__(self: L1Loss[Literal["sum"]], reduction: Literal["sum"]) -> None: ...  # fmt: skip
    @overload
    def __init__(self: L1Loss[Literal["none"]], reduction: Literal["none"]) -> None: ...  # fmt: skip
    def __init__(self, reduction: Any = "mean") -> None:
        self.reduction = _module_reduction("L1Loss", reduction)  # type: ignore[assignment]

    @overload
    def __call__(self: L1Loss[Literal["none"]], input: Tensor[*S], target: Tensor[*S]) -> Tensor[*S]: ...
    @overload
    def __call__(self: L1Loss[Literal["mean"]] | L1Loss[Literal["sum"]], input: Tensor[*S], target: Tensor[*S]) -> Tensor[()]: ...  # fmt: skip
    @overload
    def __call__(self, input: Tensor[*S], target: Tensor[*S]) -> AnyTensor: ...
    def __call__(self, input: AnyTensor, target: AnyTensor) -> AnyTensor:
        return _fused.l1_loss(input, target, self.reduction)


class SmoothL1Loss(_PointwiseLoss[R]):
    """Module form of :func:`smooth_l1_loss`: ``nn.SmoothL1Loss(beta=0.5)``."""

    @overload
    def __init__(self: SmoothL1Loss[Literal["mean"]], reduction: Literal["mean"] = "mean", beta: float = 1.0) -> None: ...  # fmt: skip
    @overload
    def __init__(self: SmoothL1Loss[Literal["sum"]], reduction: Literal["sum"], beta: float = 1.0) -> None: ...  # fmt: skip
    @overload
    def __init__(self: SmoothL1Loss[Literal["none"]], reduction: Literal["none"], beta: float = 1.0) -> None: ...  # fmt: skip
    def __init__(self, reduction: Any = "mean", beta: float = 1.0) -> None:
        self.reduction = _module_reduction("SmoothL1Loss", reduction)  # type: ignore[assignment]
        if _fused._number(beta, "SmoothL1Loss", "beta") < 0:
            raise ValueError(f"SmoothL1Loss: beta must be >= 0, got {beta}")
        self.beta = beta

    @overload
    def __call__(self: SmoothL1Loss[Literal["none"]], input: Tensor[*S], target: Tensor[*S]) -> Tensor[*S]: ...
    @overload
    def __call__(self: SmoothL1Loss[Literal["mean"]] | SmoothL1Loss[Literal["sum"]], input: Tensor[*S], target: Tensor[*S]) -> Tensor[()]: ...  # fmt: skip
    @overload
    def __call__(self, input: Tensor[*S], target: Tensor[*S]) -> AnyTensor: ...
    def __call__(self, input: AnyTensor, target: AnyTensor) -> AnyTensor:
        return _fused.smooth_l1_loss(input, target, self.reduction, self.beta)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}, beta={self.beta}"


class HuberLoss(_PointwiseLoss[R]):
    """Module form of :func:`huber_loss`: ``nn.HuberLoss(delta=2.0)``."""

    @overload
    def __init__(self: HuberLoss[Literal["mean"]], reduction: Literal["mean"] = "mean", delta: float = 1.0) -> None: ...  # fmt: skip
    @overload
    def __init__(self: HuberLoss[Literal["sum"]], reduction: Literal["sum"], delta: float = 1.0) -> None: ...  # fmt: skip
    @overload
    def __init__(self: HuberLoss[Literal["none"]], reduction: Literal["none"], delta: float = 1.0) -> None: ...  # fmt: skip
    def __init__(self, reduction: Any = "mean", delta: float = 1.0) -> None:
        self.reduction = _module_reduction("HuberLoss", reduction)  # type: ignore[assignment]
        if _fused._number(delta, "HuberLoss", "delta") <= 0:
            raise ValueError(f"HuberLoss: delta must be > 0, got {delta}")
        self.delta = delta

    @overload
    def __call__(self: HuberLoss[Literal["none"]], input: Tensor[*S], target: Tensor[*S]) -> Tensor[*S]: ...
    @overload
    def __call__(self: HuberLoss[Literal["mean"]] | HuberLoss[Literal["sum"]], input: Tensor[*S], target: Tensor[*S]) -> Tensor[()]: ...  # fmt: skip
    @overload
    def __call__(self, input: Tensor[*S], target: Tensor[*S]) -> AnyTensor: ...
    def __call__(self, input: AnyTensor, target: AnyTensor) -> AnyTensor:
        return _fused.huber_loss(input, target, self.reduction, self.delta)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}, delta={self.delta}"


class BCELoss(_PointwiseLoss[R]):
    """Module form of :func:`binary_cross_entropy`: ``nn.BCELoss()(probs, target)``; ``weight`` is a buffer."""

    weight: AnyTensor | None

    @overload
    def __init__(self: BCELoss[Literal["mean"]], weight: AnyTensor | None = None, *, reduction: Literal["mean"] = "mean") -> None: ...  # fmt: skip
    @overload
    def __init__(self: BCELoss[Literal["sum"]], weight: AnyTensor | None = None, *, reduction: Literal["sum"]) -> None: ...  # fmt: skip
    @overload
    def __init__(self: BCELoss[Literal["none"]], weight: AnyTensor | None = None, *, reduction: Literal["none"]) -> None: ...  # fmt: skip
    def __init__(self, weight: AnyTensor | None = None, *, reduction: Any = "mean") -> None:
        self.reduction = _module_reduction("BCELoss", reduction)  # type: ignore[assignment]
        self.register_buffer("weight", _fused_weight("BCELoss", weight))

    @overload
    def __call__(self: BCELoss[Literal["none"]], input: Tensor[*S], target: Tensor[*S]) -> Tensor[*S]: ...
    @overload
    def __call__(self: BCELoss[Literal["mean"]] | BCELoss[Literal["sum"]], input: Tensor[*S], target: Tensor[*S]) -> Tensor[()]: ...  # fmt: skip
    @overload
    def __call__(self, input: Tensor[*S], target: Tensor[*S]) -> AnyTensor: ...
    def __call__(self, input: AnyTensor, target: AnyTensor) -> AnyTensor:
        return _fused.binary_cross_entropy(input, target, self.weight, self.reduction)


class BCEWithLogitsLoss(_PointwiseLoss[R]):
    """Module form of :func:`binary_cross_entropy_with_logits`; ``weight`` and ``pos_weight`` are buffers."""

    weight: AnyTensor | None
    pos_weight: AnyTensor | None

    @overload
    def __init__(self: BCEWithLogitsLoss[Literal["mean"]], weight: AnyTensor | None = None, *, reduction: Literal["mean"] = "mean", pos_weight: AnyTensor | None = None) -> None: ...  # fmt: skip
    @overload
    def __init__(self: BCEWithLogitsLoss[Literal["sum"]], weight: AnyTensor | None = None, *, reduction: Literal["sum"], pos_weight: AnyTensor | None = None) -> None: ...  # fmt: skip
    @overload
    def __init__(self: BCEWithLogitsLoss[Literal["none"]], weight: AnyTensor | None = None, *, reduction: Literal["none"], pos_weight: AnyTensor | None = None) -> None: ...  # fmt: skip
    def __init__(self, weight: AnyTensor | None = None, *, reduction: Any = "mean", pos_weight: AnyTensor | None = None) -> None:  # fmt: skip
        self.reduction = _module_reduction("BCEWithLogitsLoss", reduction)  # type: ignore[assignment]
        self.register_buffer("weight", _fused_weight("BCEWithLogitsLoss", weight))
        self.register_buffer("pos_weight", _fused_weight("BCEWithLogitsLoss", pos_weight, "pos_weight"))

    @overload
    def __call__(self: BCEWithLogitsLoss[Literal["none"]], input: Tensor[*S], target: Tensor[*S]) -> Tensor[*S]: ...
    @overload
    def __call__(self: BCEWithLogitsLoss[Literal["mean"]] | BCEWithLogitsLoss[Literal["sum"]], input: Tensor[*S], target: Tensor[*S]) -> Tensor[()]: ...  # fmt: skip
    @overload
    def __call__(self, input: Tensor[*S], target: Tensor[*S]) -> AnyTensor: ...
    def __call__(self, input: AnyTensor, target: AnyTensor) -> AnyTensor:
        return _fused.binary_cross_entropy_with_logits(input, target, self.weight, self.reduction, self.pos_weight)


class _ClassLoss(Module, Generic[R]):
    reduction: R
    weight: AnyTensor | None
    ignore_index: int

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}, ignore_index={self.ignore_index}"


class CrossEntropyLoss(_ClassLoss[R]):
    """Module form of :func:`cross_entropy`: ``nn.CrossEntropyLoss()(logits, labels)``; ``weight`` is a buffer."""

    @overload
    def __init__(self: CrossEntropyLoss[Literal["mean"]], weight: AnyTensor | None = None, *, ignore_index: int = -100, reduction: Literal["mean"] = "mean", label_smoothing: float = 0.0) -> None: ...  # fmt: skip
    @overload
    def __init__(self: CrossEntropyLoss[Literal["sum"]], weight: AnyTensor | None = None, *, ignore_index: int = -100, reduction: Literal["sum"], label_smoothing: float = 0.0) -> None: ...  # fmt: skip
    @overload
    def __init__(self: CrossEntropyLoss[Literal["none"]], weight: AnyTensor | None = None, *, ignore_index: int = -100, reduction: Literal["none"], label_smoothing: float = 0.0) -> None: ...  # fmt: skip
    def __init__(self, weight: AnyTensor | None = None, *, ignore_index: int = -100, reduction: Any = "mean", label_smoothing: float = 0.0) -> None:  # fmt: skip
        self.reduction = _module_reduction("CrossEntropyLoss", reduction)  # type: ignore[assignment]
        self.register_buffer("weight", _fused_weight("CrossEntropyLoss", weight))
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    @overload
    def __call__(self: CrossEntropyLoss[Literal["none"]], input: Tensor[B, C, *D], target: Tensor[B, *D]) -> Tensor[B, *D]: ...  # fmt: skip
    @overload
    def __call__(self: CrossEntropyLoss[Literal["mean"]] | CrossEntropyLoss[Literal["sum"]], input: Tensor[B, C, *D], target: Tensor[B, *D]) -> Tensor[()]: ...  # fmt: skip
    @overload
    def __call__(self, input: Tensor[B, C, *D], target: Tensor[B, *D]) -> AnyTensor: ...
    def __call__(self, input: AnyTensor, target: AnyTensor) -> AnyTensor:
        return _fused.cross_entropy(input, target, self.weight, self.ignore_index, self.reduction, self.label_smoothing)

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, label_smoothing={self.label_smoothing}"


class NLLLoss(_ClassLoss[R]):
    """Module form of :func:`nll_loss`: ``nn.NLLLoss()(log_probs, labels)``; ``weight`` is a buffer."""

    @overload
    def __init__(self: NLLLoss[Literal["mean"]], weight: AnyTensor | None = None, *, ignore_index: int = -100, reduction: Literal["mean"] = "mean") -> None: ...  # fmt: skip
    @overload
    def __init__(self: NLLLoss[Literal["sum"]], weight: AnyTensor | None = None, *, ignore_index: int = -100, reduction: Literal["sum"]) -> None: ...  # fmt: skip
    @overload
    def __init__(self: NLLLoss[Literal["none"]], weight: AnyTensor | None = None, *, ignore_index: int = -100, reduction: Literal["none"]) -> None: ...  # fmt: skip
    def __init__(self, weight: AnyTensor | None = None, *, ignore_index: int = -100, reduction: Any = "mean") -> None:
        self.reduction = _module_reduction("NLLLoss", reduction)  # type: ignore[assignment]
        self.register_buffer("weight", _fused_weight("NLLLoss", weight))
        self.ignore_index = ignore_index

    @overload
    def __call__(self: NLLLoss[Literal["none"]], input: Tensor[B, C, *D], target: Tensor[B, *D]) -> Tensor[B, *D]: ...  # fmt: skip
    @overload
    def __call__(self: NLLLoss[Literal["mean"]] | NLLLoss[Literal["sum"]], input: Tensor[B, C, *D], target: Tensor[B, *D]) -> Tensor[()]: ...  # fmt: skip
    @overload
    def __call__(self, input: Tensor[B, C, *D], target: Tensor[B, *D]) -> AnyTensor: ...
    def __call__(self, input: AnyTensor, target: AnyTensor) -> AnyTensor:
        return _fused.nll_loss(input, target, self.weight, self.ignore_index, self.reduction)


def _fused_weight(cls: str, weight: object, name: str = "weight") -> AnyTensor | None:
    if weight is not None:
        _fused.check_float(weight, cls, name)
    return weight  # type: ignore[return-value]
