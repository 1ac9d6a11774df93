"""``BatchNorm1d``, ``BatchNorm2d`` and ``Dropout2d``: the per-channel layers of convolutional nets.

The running statistics (``running_mean``, ``running_var``, ``num_batches_tracked``)
are *buffers*, not parameters: no optimizer sees them. They are registered with
``Module.register_buffer``, so they are in ``state_dict`` and move with ``.to()``.
"""

from __future__ import annotations

from typing import Any, Final, Generic, Literal, TypeVar

from typing_extensions import TypeVarTuple

from typedtorch._backend import get_backend, host_array
from typedtorch._dims import S, Size
from typedtorch._errors import ShapeError
from typedtorch._ops.batchnorm import batch_norm, dropout2d
from typedtorch._rules import show_sizes
from typedtorch._tensor import AnyTensor, Tensor, make

from ._compose import ShapePreserving
from ._conv import RuleChecked
from ._functional_conv import check_probability
from ._module import Module

C = TypeVar("C", bound=int | Literal[0])
B = TypeVar("B")
H = TypeVar("H")
W = TypeVar("W")
R = TypeVarTuple("R")

_BUFFERS = ("running_mean", "running_var", "num_batches_tracked")


def _tensor(host: Any, device: str | None, requires_grad: bool = False) -> AnyTensor:
    backend = get_backend(device)
    t = make(backend.from_host(host), backend, None)
    t.requires_grad = requires_grad
    return t


class _BatchNorm(RuleChecked, Module, Generic[C]):
    """Shared by ``BatchNorm1d`` and ``BatchNorm2d``: PyTorch's ``_BatchNorm``."""

    num_features: C
    weight: Tensor[C] | None
    bias: Tensor[C] | None
    _rank: tuple[int, ...]  # the input ranks the layer accepts
    _dims: str

    def __init__(
        self,
        num_features: Size[C],
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        *,
        device: str | None = None,
        dtype: str = "float32",
    ) -> None:
        who = type(self).__name__
        if not isinstance(num_features, int) or isinstance(num_features, bool) or num_features < 1:
            raise ValueError(f"{who}: num_features must be a positive int, got {num_features!r}")
        if momentum is not None and (not isinstance(momentum, int | float) or isinstance(momentum, bool)):
            raise TypeError(f"{who}: momentum must be a number or None, got {momentum!r}")
        if not isinstance(eps, int | float) or eps < 0:
            raise ValueError(f"{who}: eps must be a non-negative number, got {eps!r}")
        self.num_features = num_features
        self.eps, self.momentum = float(eps), momentum
        self.affine, self.track_running_stats = bool(affine), bool(track_running_stats)
        self._params = {"C": num_features}
        if affine:
            # PyTorch's reset_parameters: weight 1, bias 0.
            self.weight = _tensor(host_array([1.0] * num_features, dtype), device, requires_grad=True)
            self.bias = _tensor(host_array([0.0] * num_features, dtype), device, requires_grad=True)
        else:
            self.weight = self.bias = None
        if track_running_stats:
            stats: tuple[AnyTensor | None, ...] = (
                _tensor(host_array([0.0] * num_features, dtype), device),
                _tensor(host_array([1.0] * num_features, dtype), device),
                _tensor(host_array(0, "int64"), device),
            )
        else:
            stats = (None, None, None)
        for name, value in zip(_BUFFERS, stats, strict=True):
            self.register_buffer(name, value)

    # ------------------------------------------------------------------ buffers

    def _stats(self) -> tuple[AnyTensor | None, AnyTensor | None, AnyTensor | None]:
        rm, rv, nbt = (getattr(self, name) for name in _BUFFERS)
        return rm, rv, nbt

    def reset_running_stats(self) -> None:
        """Running mean 0, running variance 1, no batches tracked (as ``torch.nn.BatchNorm*d``)."""
        rm, rv, nbt = (getattr(self, name) for name in _BUFFERS)
        if rm is not None:
            xp = rm._backend.xp
            rm._data[...] = xp.zeros_like(rm._data)
            rv._data[...] = xp.ones_like(rv._data)
            nbt._data[...] = xp.zeros_like(nbt._data)

    # ------------------------------------------------------------------ forward

    def _forward(self, x: AnyTensor) -> AnyTensor:
        who = self.rule_name()
        if not isinstance(x, Tensor):
            raise TypeError(f"{who}: expected a typedtorch Tensor, got {type(x).__name__}")
        if x.ndim not in self._rank:
            ranks = " or ".join(str(r) for r in self._rank)
            raise ShapeError(f"{who}: input is {show_sizes(x.shape)}, expected {ranks} dims {self._dims}, got {x.ndim}")
        self.check_rule(x)
        rm, rv, nbt = self._stats()
        momentum = 0.0 if self.momentum is None else float(self.momentum)
        if self.training and self.track_running_stats and nbt is not None:
            nbt._data[...] = nbt._data + 1
            if self.momentum is None:  # a cumulative moving average
                momentum = 1.0 / float(nbt.item())
        use_batch = self.training or rm is None
        return batch_norm(
            x,
            rm if not self.training or self.track_running_stats else None,
            rv if not self.training or self.track_running_stats else None,
            self.weight,
            self.bias,
            use_batch,
            momentum,
            self.eps,
            who,
        )

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"track_running_stats={self.track_running_stats}"
        )


class BatchNorm2d(_BatchNorm[C]):
    """Batch normalisation of ``Tensor[B, C, H, W]`` per channel, as ``torch.nn.BatchNorm2d``.

    Training normalises by the batch's mean and biased variance and updates
    ``running_mean``/``running_var`` (with the unbiased variance, ``momentum`` 0.1;
    ``None`` for a cumulative average); ``eval()`` normalises by the running
    statistics. ``affine`` adds ``weight`` (1) and ``bias`` (0).

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> bn = nn.BatchNorm2d(16)
    >>> bn(tt.randn(8, 16, 5, 5)).shape
    (8, 16, 5, 5)
    >>> int(bn.num_batches_tracked.item())
    1
    """

    __shape_rule__: Final = "B C H W -> B C H W"
    _rank = (4,)
    _dims = "(N, C, H, W)"

    def __call__(self, x: Tensor[B, C, H, W]) -> Tensor[B, C, H, W]:
        return self._forward(x)


class BatchNorm1d(_BatchNorm[C]):
    """Batch normalisation of ``Tensor[B, C]`` or ``Tensor[B, C, L]`` per channel, as ``torch.nn.BatchNorm1d``.

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> nn.BatchNorm1d(10)(tt.randn(32, 10)).shape
    (32, 10)
    """

    # One rule cannot say "rank 2 or 3": the rank is checked first, explicitly.
    __shape_rule__: Final = "B C *R -> B C *R"
    _rank = (2, 3)
    _dims = "(N, C) or (N, C, L)"

    def __call__(self, x: Tensor[B, C, *R]) -> Tensor[B, C, *R]:
        return self._forward(x)


class Dropout2d(RuleChecked, ShapePreserving):
    """Zero whole channels of ``Tensor[N, C, H, W]`` with probability ``p`` while training, as ``torch.nn.Dropout2d``.

    The kept channels are scaled by ``1 / (1 - p)``; ``eval()`` passes inputs through.
    Only 4-D inputs are accepted (PyTorch reads a 3-D input in two different ways),
    by the rule below: mypy reports a 3-D input too.

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> nn.Dropout2d(0.25)(tt.ones(2, 3, 4, 4)).shape
    (2, 3, 4, 4)
    """

    __shape_rule__: Final = "B C H W -> B C H W"

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        check_probability(p, "Dropout2d")
        if inplace:
            raise ValueError("Dropout2d: inplace=True is not supported")
        self.p = float(p)
        self._params = {}

    def __call__(self, x: Tensor[*S]) -> Tensor[*S]:
        self.check_rule(x)  # the rank, in the plugin's words
        return dropout2d(x, self.p if self.training else 0.0, f"Dropout2d(p={self.p})")

    def extra_repr(self) -> str:
        return f"p={self.p}"
