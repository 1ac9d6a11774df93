"""Pooling layers: ``MaxPool2d``, ``AvgPool2d``, ``AdaptiveAvgPool2d``, as in ``torch.nn``.

Like the convolutions (``_conv``), each states its size arithmetic once as
``__shape_rule__`` and checks its input by it at run time; ``ceil_mode=True`` and
non-square windows, which the rule language cannot state, are typed with ``Any``
sizes and checked explicitly.
"""

from __future__ import annotations

from typing import Any, Final, Generic, Literal, TypeVar, overload

from typing_extensions import TypeVar as DefaultTypeVar

from typedtorch._dims import Size
from typedtorch._ops.pool import adaptive_avg_pool2d, avg_pool2d, max_pool2d
from typedtorch._tensor import Tensor

from ._conv import RuleChecked, check_rank_channels
from ._functional_conv import adaptive_output_size, as_pair, pool_args
from ._module import Module

K = TypeVar("K", bound=int | Literal[0])
S = DefaultTypeVar("S", bound=int | Literal[0], default=K)  # the stride defaults to the kernel size
P = DefaultTypeVar("P", bound=int | Literal[0], default=Literal[0])
D = DefaultTypeVar("D", bound=int | Literal[0], default=Literal[1])
OH = TypeVar("OH", bound=int | Literal[0])
OW = TypeVar("OW", bound=int | Literal[0])
B = TypeVar("B")
C = TypeVar("C")


def _square(*pairs: tuple[int, int]) -> bool:
    return all(a == b for a, b in pairs)


class MaxPool2d(RuleChecked, Module, Generic[K, S, P, D]):
    """The largest value of each window, as ``torch.nn.MaxPool2d``; ``stride`` defaults to ``kernel_size``.

    ``nn.MaxPool2d(2)`` is a ``MaxPool2d[L[2], L[2], L[0], L[1]]`` (kernel, stride,
    padding, dilation) and halves each spatial size (rounding down). Gradients go to
    the first maximum of each window, as in PyTorch.

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> nn.MaxPool2d(2)(tt.zeros(64, 64, 24, 24)).shape
    (64, 64, 12, 12)
    >>> nn.MaxPool2d(3, stride=2, ceil_mode=True)(tt.zeros(1, 8, 10, 10)).shape
    (1, 8, 5, 5)
    """

    __shape_rule__: Final = (
        "B C H W -> B C ((H + 2 * P - D * (K - 1) - 1) // S + 1) ((W + 2 * P - D * (K - 1) - 1) // S + 1)"
    )

    @overload
    def __init__(
        self,
        kernel_size: Size[K],
        stride: Size[S] | None = None,
        padding: Size[P] = ...,
        dilation: Size[D] = ...,
        return_indices: Literal[False] = False,
        ceil_mode: Literal[False] = False,
    ) -> None: ...
    @overload
    def __init__(
        self: MaxPool2d[Any, Any, Any, Any],
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] | None = None,
        padding: int | tuple[int, int] = 0,
        dilation: int | tuple[int, int] = 1,
        return_indices: Literal[False] = False,
        ceil_mode: bool = False,
    ) -> None: ...
    def __init__(
        self,
        kernel_size: Any,
        stride: Any = None,
        padding: Any = 0,
        dilation: Any = 1,
        return_indices: bool = False,
        ceil_mode: bool = False,
    ) -> None:
        who = "MaxPool2d"
        if return_indices:
            raise ValueError(f"{who}: return_indices=True is not supported")
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding, self.dilation, self.ceil_mode = padding, dilation, bool(ceil_mode)
        self._args = pool_args(kernel_size, stride, padding, dilation, who)
        k, s, p, d = self._args
        self._params = None if ceil_mode or not _square(k, s, p, d) else {"K": k[0], "S": s[0], "P": p[0], "D": d[0]}

    def __call__(self, x: Tensor[B, C, Any, Any]) -> Tensor[B, C, Any, Any]:
        who = f"MaxPool2d({self.extra_repr()})"
        if self._params is not None:
            self.check_rule(x)
        else:
            check_rank_channels(who, x, 4, "(N, C, H, W)", None, "")
        k, s, p, d = self._args
        return max_pool2d(x, k, s, p, d, self.ceil_mode, who)

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class AvgPool2d(RuleChecked, Module, Generic[K, S, P]):
    """The mean of each window, as ``torch.nn.AvgPool2d`` (``count_include_pad``, ``divisor_override``).

    ``nn.AvgPool2d(2)`` is an ``AvgPool2d[L[2], L[2], L[0]]`` (kernel, stride, padding).

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> nn.AvgPool2d(3, stride=2, padding=1)(tt.zeros(8, 16, 28, 28)).shape
    (8, 16, 14, 14)
    """

    __shape_rule__: Final = "B C H W -> B C ((H + 2 * P - K) // S + 1) ((W + 2 * P - K) // S + 1)"

    @overload
    def __init__(
        self,
        kernel_size: Size[K],
        stride: Size[S] | None = None,
        padding: Size[P] = ...,
        ceil_mode: Literal[False] = False,
        count_include_pad: bool = True,
        divisor_override: int | None = None,
    ) -> None: ...
    @overload
    def __init__(
        self: AvgPool2d[Any, Any, Any],
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] | None = None,
        padding: int | tuple[int, int] = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override: int | None = None,
    ) -> None: ...
    def __init__(
        self,
        kernel_size: Any,
        stride: Any = None,
        padding: Any = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override: int | None = None,
    ) -> None:
        who = "AvgPool2d"
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding, self.ceil_mode = padding, bool(ceil_mode)
        self.count_include_pad, self.divisor_override = bool(count_include_pad), divisor_override
        if divisor_override is not None and (
            not isinstance(divisor_override, int) or isinstance(divisor_override, bool) or divisor_override <= 0
        ):
            raise ValueError(f"{who}: divisor_override must be a positive int, got {divisor_override!r}")
        k, s, p, _ = pool_args(kernel_size, stride, padding, 1, who)
        self._args = (k, s, p)
        self._params = None if ceil_mode or not _square(k, s, p) else {"K": k[0], "S": s[0], "P": p[0]}

    def __call__(self, x: Tensor[B, C, Any, Any]) -> Tensor[B, C, Any, Any]:
        who = f"AvgPool2d({self.extra_repr()})"
        if self._params is not None:
            self.check_rule(x)
        else:
            check_rank_channels(who, x, 4, "(N, C, H, W)", None, "")
        k, s, p = self._args
        return avg_pool2d(x, k, s, p, self.ceil_mode, self.count_include_pad, self.divisor_override, who)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(RuleChecked, Module, Generic[OH, OW]):
    """Average pooling to a fixed output size, whatever the input's, as ``torch.nn.AdaptiveAvgPool2d``.

    ``nn.AdaptiveAvgPool2d(1)`` is an ``AdaptiveAvgPool2d[L[1], L[1]]`` and
    ``nn.AdaptiveAvgPool2d((7, 5))`` an ``AdaptiveAvgPool2d[L[7], L[5]]``; a ``None``
    entry (keep the input's size) makes that size ``Any``.

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> nn.AdaptiveAvgPool2d(1)(tt.zeros(2, 512, 7, 7)).shape
    (2, 512, 1, 1)
    """

    __shape_rule__: Final = "B C H W -> B C OH OW"

    @overload
    def __init__(self: AdaptiveAvgPool2d[OH, OH], output_size: Size[OH]) -> None: ...
    @overload
    def __init__(self, output_size: tuple[Size[OH], Size[OW]]) -> None: ...
    @overload
    def __init__(self: AdaptiveAvgPool2d[Any, Any], output_size: tuple[int | None, int | None]) -> None: ...
    def __init__(self, output_size: Any) -> None:
        who = "AdaptiveAvgPool2d"
        if isinstance(output_size, tuple | list) and len(output_size) == 2 and None in output_size:
            for v in output_size:
                if v is not None:
                    as_pair(v, "output_size", who, 1)
            self._params = None
        else:
            oh, ow = as_pair(output_size, "output_size", who, 1)
            self._params = {"OH": oh, "OW": ow}
        self.output_size = output_size

    def __call__(self, x: Tensor[B, C, Any, Any]) -> Tensor[B, C, Any, Any]:
        who = f"AdaptiveAvgPool2d({self.extra_repr()})"
        if self._params is not None:
            self.check_rule(x)
        else:
            check_rank_channels(who, x, 4, "(N, C, H, W)", None, "")
        return adaptive_avg_pool2d(x, adaptive_output_size(self.output_size, x, who), who)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"
