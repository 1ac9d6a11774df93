"""``Conv1d`` and ``Conv2d``: convolution layers generic in the sizes their shape rule needs.

Each layer states its size arithmetic once, as ``__shape_rule__`` (the language of
``typedtorch._rules``): the mypy plugin computes output sizes from it, and at run
time the layer checks its input against the same rule through ``output_shape``, with
the plugin's message. Configurations the rule language cannot state (a non-square
kernel, stride, padding or dilation, ``padding="same"``) are typed with ``Any``
sizes and checked explicitly at run time, with a message in the same style.
"""

from __future__ import annotations

import math
from typing import Any, Final, Generic, Literal, TypeVar, overload

from typing_extensions import TypeVar as DefaultTypeVar

from typedtorch._backend import get_backend, host_uniform
from typedtorch._dims import Size
from typedtorch._errors import ShapeError
from typedtorch._ops.conv import conv
from typedtorch._rules import output_shape, show_sizes
from typedtorch._tensor import AnyTensor, Tensor, make

from ._functional_conv import as_pair, as_single, conv_padding
from ._module import Module

# Literal-keeping sizes (see typedtorch._dims); the names are the ones the rules use.
CIn = TypeVar("CIn", bound=int | Literal[0])
COut = TypeVar("COut", bound=int | Literal[0])
K = TypeVar("K", bound=int | Literal[0])
S = DefaultTypeVar("S", bound=int | Literal[0], default=Literal[1])
P = DefaultTypeVar("P", bound=int | Literal[0], default=Literal[0])
D = DefaultTypeVar("D", bound=int | Literal[0], default=Literal[1])
B = TypeVar("B")


class RuleChecked:
    """Run-time checking by a layer's ``__shape_rule__``, shared by the convolutional layers.

    A layer sets ``_params`` to its sizes by type-parameter name when the rule
    describes its configuration (``None`` otherwise, and it checks explicitly).
    """

    # Subclasses declare `__shape_rule__: Final = "..."` (read by the mypy plugin).
    _params: dict[str, int] | None

    def __shape_params__(self) -> dict[str, int] | None:
        """The layer's sizes by the names its ``__shape_rule__`` uses, or ``None`` when the
        rule does not describe this configuration (then the layer checks explicitly)."""
        return None if self._params is None else dict(self._params)

    def __typedtorch_dims__(self) -> dict[object, int]:
        """Sizes for ``@tt.checked`` methods: the class's type variables bound to this layer's sizes."""
        params = self._params or {}
        out: dict[object, int] = {}
        for tv in getattr(type(self), "__parameters__", ()):
            name = getattr(tv, "__name__", None)
            if name in params:
                out[tv] = params[name]
        return out

    def rule_name(self) -> str:
        """``Conv2d[1, 32, 3, 1, 0, 1]``: the layer as the mypy plugin names it in messages."""
        params = self._params or {}
        if not params:  # a rule without sizes (Dropout2d's): the bare class name, as the plugin shows it
            return type(self).__name__
        return f"{type(self).__name__}[{', '.join(str(v) for v in params.values())}]"

    def check_rule(self, x: object) -> tuple[int, ...]:
        """The output shape for ``x`` by the rule (a ``ShapeError`` with the plugin's message if it does not fit)."""
        if not isinstance(x, Tensor):
            raise TypeError(f"{type(self).__name__}: expected a typedtorch Tensor, got {type(x).__name__}")
        assert self._params is not None
        shape = x.shape
        # A layer sees the same input shape step after step: remember the last answer.
        memo: tuple[tuple[int, ...], tuple[int, ...]] | None = self.__dict__.get("_rule_memo")
        if memo is not None and memo[0] == shape:
            return memo[1]
        rule: str = getattr(type(self), "__shape_rule__")  # noqa: B009  # declared Final by each subclass
        out = output_shape(self.rule_name(), rule, shape, self._params)
        self.__dict__["_rule_memo"] = (shape, out)
        return out


def check_rank_channels(who: str, x: object, rank: int, dims: str, channels: int | None, what: str) -> None:
    """The explicit check where no rule applies: a tensor of ``rank`` dims with ``channels`` in dim 1."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{who}: expected a typedtorch Tensor, got {type(x).__name__}")
    shape = x.shape
    if len(shape) != rank:
        raise ShapeError(f"{who}: input is {show_sizes(shape)}, expected {rank} dims {dims}, got {len(shape)}")
    if channels is not None and shape[1] != channels:
        raise ShapeError(f"{who}: input is {show_sizes(shape)}, dim 1 is {shape[1]}, expected {what} = {channels}")


def _check_channels(in_channels: object, out_channels: object, groups: object, who: str) -> None:
    for what, n in (("in_channels", in_channels), ("out_channels", out_channels), ("groups", groups)):
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValueError(f"{who}: {what} must be a positive int, got {n!r}")
    assert isinstance(in_channels, int) and isinstance(out_channels, int) and isinstance(groups, int)
    if in_channels % groups or out_channels % groups:
        raise ValueError(
            f"{who}: groups={groups} must divide in_channels={in_channels} and out_channels={out_channels}"
        )


def _init_params(
    shape: tuple[int, ...], fan_in: int, bias: bool, device: str | None, dtype: str, seed: int | None
) -> tuple[AnyTensor, AnyTensor | None]:
    # PyTorch's default: kaiming_uniform_(a=sqrt(5)) for the weight, i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
    # and the same bound for the bias. One draw for both, so a seed fixes all of them.
    bound = 1.0 / math.sqrt(fan_in)
    n_weight = math.prod(shape)
    host = host_uniform(-bound, bound, (n_weight + (shape[0] if bias else 0),), seed).astype(dtype)
    backend = get_backend(device)
    weight = make(backend.from_host(host[:n_weight].reshape(shape)), backend, None)
    weight.requires_grad = True
    if not bias:
        return weight, None
    b = make(backend.from_host(host[n_weight:]), backend, None)
    b.requires_grad = True
    return weight, b


def _check_padding_mode(padding_mode: object, who: str) -> None:
    if padding_mode != "zeros":
        raise ValueError(f"{who}: only padding_mode='zeros' is supported, got {padding_mode!r}")


class Conv2d(RuleChecked, Module, Generic[CIn, COut, K, S, P, D]):
    """2-D convolution of ``Tensor[B, CIn, H, W]`` to ``Tensor[B, COut, Ho, Wo]``, as ``torch.nn.Conv2d``.

    ``Ho = (H + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1`` (and the
    same for ``Wo``): with literal sizes, ``nn.Conv2d(1, 32, 3)`` is a
    ``Conv2d[L[1], L[32], L[3], L[1], L[0], L[1]]`` (in, out, kernel, stride, padding,
    dilation), from which the mypy plugin computes each output size. A non-square
    kernel (``(3, 5)``), ``padding="same"`` and the like give ``Any`` sizes instead.

    ``weight`` is ``(out_channels, in_channels / groups, kH, kW)`` as in PyTorch, and
    both parameters start uniform in ``[-1/sqrt(fan_in), 1/sqrt(fan_in)]`` (PyTorch's
    default init; ``fan_in = in_channels / groups * kH * kW``), drawn on the host from
    ``seed`` or from the generator ``tt.manual_seed`` seeds.

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> conv = nn.Conv2d(1, 32, 3, seed=0)
    >>> conv(tt.zeros(64, 1, 28, 28)).shape
    (64, 32, 26, 26)
    >>> conv.weight.shape
    (32, 1, 3, 3)
    >>> conv(tt.zeros(64, 3, 28, 28))
    Traceback (most recent call last):
    ...
    typedtorch.ShapeError: Conv2d[1, 32, 3, 1, 0, 1]: input is Tensor[64, 3, 28, 28], dim 1 is 3, expected CIn = 1 (rule 'B CIn H W -> B COut ((H + 2 * P - D * (K - 1) - 1) // S + 1) ((W + 2 * P - D * (K - 1) - 1) // S + 1)')
    """

    __shape_rule__: Final = (
        "B CIn H W -> B COut ((H + 2 * P - D * (K - 1) - 1) // S + 1) ((W + 2 * P - D * (K - 1) - 1) // S + 1)"
    )

    in_channels: CIn
    out_channels: COut
    kernel_size: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int] | str
    dilation: tuple[int, int]
    groups: int
    padding_mode: str
    weight: Tensor[COut, Any, Any, Any]
    bias: Tensor[COut] | None

    @overload
    def __init__(
        self,
        in_channels: Size[CIn],
        out_channels: Size[COut],
        kernel_size: Size[K],
        stride: Size[S] = ...,
        padding: Size[P] = ...,
        dilation: Size[D] = ...,
        groups: int = 1,
        bias: bool = True,
        padding_mode: Literal["zeros"] = "zeros",
        *,
        device: str | None = None,
        dtype: str = "float32",
        seed: int | None = None,
    ) -> None: ...
    @overload
    def __init__(
        self: Conv2d[CIn, COut, K, S, Literal[0], D],
        in_channels: Size[CIn],
        out_channels: Size[COut],
        kernel_size: Size[K],
        stride: Size[S] = ...,
        padding: Literal["valid"] = ...,
        dilation: Size[D] = ...,
        groups: int = 1,
        bias: bool = True,
        padding_mode: Literal["zeros"] = "zeros",
        *,
        device: str | None = None,
        dtype: str = "float32",
        seed: int | None = None,
    ) -> None: ...
    @overload
    def __init__(
        # padding="same" keeps the length (stride 1, as PyTorch requires): the plugin
        # types P as the padding that does, D * (K - 1) / 2, where that is a whole number.
        self: Conv2d[CIn, COut, K, Literal[1], Any, D],
        in_channels: Size[CIn],
        out_channels: Size[COut],
        kernel_size: Size[K],
        stride: Literal[1] = ...,
        padding: Literal["same"] = ...,
        dilation: Size[D] = ...,
        groups: int = 1,
        bias: bool = True,
        padding_mode: Literal["zeros"] = "zeros",
        *,
        device: str | None = None,
        dtype: str = "float32",
        seed: int | None = None,
    ) -> None: ...
    @overload
    def __init__(
        self: Conv2d[CIn, COut, Any, Any, Any, Any],
        in_channels: Size[CIn],
        out_channels: Size[COut],
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        padding: int | tuple[int, int] | Literal["same", "valid"] = 0,
        dilation: int | tuple[int, int] = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: Literal["zeros"] = "zeros",
        *,
        device: str | None = None,
        dtype: str = "float32",
        seed: int | None = None,
    ) -> None: ...
    def __init__(
        self,
        in_channels: Any,
        out_channels: Any,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        dilation: Any = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        *,
        device: str | None = None,
        dtype: str = "float32",
        seed: int | None = None,
    ) -> None:
        who = "Conv2d"
        _check_channels(in_channels, out_channels, groups, who)
        _check_padding_mode(padding_mode, who)
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = as_pair(kernel_size, "kernel_size", who, 1)
        self.stride = as_pair(stride, "stride", who, 1)
        self.dilation = as_pair(dilation, "dilation", who, 1)
        self._pad = conv_padding(padding, self.kernel_size, self.dilation, self.stride, who)
        self.padding = padding if isinstance(padding, str) else as_pair(padding, "padding", who, 0)
        self.padding_mode = padding_mode
        kh, kw = self.kernel_size
        self.weight, self.bias = _init_params(
            (out_channels, in_channels // groups, kh, kw), in_channels // groups * kh * kw, bias, device, dtype, seed
        )
        square = [pair[0] == pair[1] for pair in (self.kernel_size, self.stride, self.dilation)]
        # The rule has one P: the same padding on all four sides ("valid", a square
        # padding, "same" of an odd kernel; "same" of an even kernel pads one more at the
        # end). Otherwise the layer checks explicitly.
        if all(square) and len(set(self._pad)) == 1:
            self._params = {
                "CIn": in_channels,
                "COut": out_channels,
                "K": kh,
                "S": self.stride[0],
                "P": self._pad[0],
                "D": self.dilation[0],
            }
        else:
            self._params = None

    def __call__(self, x: Tensor[B, CIn, Any, Any]) -> Tensor[B, COut, Any, Any]:
        if self._params is not None:
            self.check_rule(x)
        else:
            check_rank_channels(self._describe(), x, 4, "(N, C, H, W)", self.in_channels, "in_channels")
        return conv(
            x, self.weight, self.bias, self.stride, self._pad, self.dilation, self.groups, rank=2, who=self._describe()
        )

    def _describe(self) -> str:
        who: str | None = self.__dict__.get("_who")
        if who is None:
            who = self.__dict__["_who"] = f"Conv2d({self.extra_repr()})"
        return who

    def extra_repr(self) -> str:
        return _conv_repr(self)


def _conv_repr(layer: Conv1d[Any, Any, Any, Any, Any, Any] | Conv2d[Any, Any, Any, Any, Any, Any]) -> str:
    # PyTorch's wording: only what differs from the defaults after kernel_size and stride.
    one = isinstance(layer, Conv1d)

    def show(v: object) -> str:
        return repr(v) if isinstance(v, str) else str(v[:1] if one and isinstance(v, tuple) else v)

    parts = [str(layer.in_channels), str(layer.out_channels)]
    parts.append(f"kernel_size={show(layer.kernel_size)}")
    parts.append(f"stride={show(layer.stride)}")
    if layer.padding not in ((0, 0), (0,)):
        parts.append(f"padding={show(layer.padding)}")
    if layer.dilation not in ((1, 1), (1,)):
        parts.append(f"dilation={show(layer.dilation)}")
    if layer.groups != 1:
        parts.append(f"groups={layer.groups}")
    if layer.bias is None:
        parts.append("bias=False")
    return ", ".join(parts)


class Conv1d(RuleChecked, Module, Generic[CIn, COut, K, S, P, D]):
    """1-D convolution of ``Tensor[B, CIn, L]`` to ``Tensor[B, COut, Lo]``, as ``torch.nn.Conv1d``.

    ``Lo = (L + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1``;
    ``weight`` is ``(out_channels, in_channels / groups, kernel_size)``.

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> nn.Conv1d(3, 8, 5, stride=2, seed=0)(tt.zeros(4, 3, 50)).shape
    (4, 8, 23)
    """

    __shape_rule__: Final = "B CIn L -> B COut ((L + 2 * P - D * (K - 1) - 1) // S + 1)"

    in_channels: CIn
    out_channels: COut
    kernel_size: tuple[int]
    stride: tuple[int]
    padding: tuple[int] | str
    dilation: tuple[int]
    groups: int
    padding_mode: str
    weight: Tensor[COut, Any, Any]
    bias: Tensor[COut] | None

    @overload
    def __init__(
        self,
        in_channels: Size[CIn],
        out_channels: Size[COut],
        kernel_size: Size[K],
        stride: Size[S] = ...,
        padding: Size[P] = ...,
        dilation: Size[D] = ...,
        groups: int = 1,
        bias: bool = True,
        padding_mode: Literal["zeros"] = "zeros",
        *,
        device: str | None = None,
        dtype: str = "float32",
        seed: int | None = None,
    ) -> None: ...
    @overload
    def __init__(
        self: Conv1d[CIn, COut, K, S, Literal[0], D],
        in_channels: Size[CIn],
        out_channels: Size[COut],
        kernel_size: Size[K],
        stride: Size[S] = ...,
        padding: Literal["valid"] = ...,
        dilation: Size[D] = ...,
        groups: int = 1,
        bias: bool = True,
        padding_mode: Literal["zeros"] = "zeros",
        *,
        device: str | None = None,
        dtype: str = "float32",
        seed: int | None = None,
    ) -> None: ...
    @overload
    def __init__(
        # padding="same" keeps the length (stride 1, as PyTorch requires): the plugin
        # types P as the padding that does, D * (K - 1) / 2, where that is a whole number.
        self: Conv1d[CIn, COut, K, Literal[1], Any, D],
        in_channels: Size[CIn],
        out_channels: Size[COut],
        kernel_size: Size[K],
        stride: Literal[1] = ...,
        padding: Literal["same"] = ...,
        dilation: Size[D] = ...,
        groups: int = 1,
        bias: bool = True,
        padding_mode: Literal["zeros"] = "zeros",
        *,
        device: str | None = None,
        dtype: str = "float32",
        seed: int | None = None,
    ) -> None: ...
    @overload
    def __init__(
        self: Conv1d[CIn, COut, Any, Any, Any, Any],
        in_channels: Size[CIn],
        out_channels: Size[COut],
        kernel_size: int | tuple[int],
        stride: int | tuple[int] = 1,
        padding: int | tuple[int] | Literal["same", "valid"] = 0,
        dilation: int | tuple[int] = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: Literal["zeros"] = "zeros",
        *,
        device: str | None = None,
        dtype: str = "float32",
        seed: int | None = None,
    ) -> None: ...
    def __init__(
        self,
        in_channels: Any,
        out_channels: Any,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        dilation: Any = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        *,
        device: str | None = None,
        dtype: str = "float32",
        seed: int | None = None,
    ) -> None:
        who = "Conv1d"
        _check_channels(in_channels, out_channels, groups, who)
        _check_padding_mode(padding_mode, who)
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        k = as_single(kernel_size, "kernel_size", who, 1)
        s = as_single(stride, "stride", who, 1)
        d = as_single(dilation, "dilation", who, 1)
        self.kernel_size, self.stride, self.dilation = (k,), (s,), (d,)
        if isinstance(padding, str):
            self._pad = conv_padding(padding, (1, k), (1, d), (1, s), who, rank=1)
            self.padding = padding
        else:
            p = as_single(padding, "padding", who, 0)
            self._pad = (0, 0, p, p)
            self.padding = (p,)
        self.padding_mode = padding_mode
        self.weight, self.bias = _init_params(
            (out_channels, in_channels // groups, k), in_channels // groups * k, bias, device, dtype, seed
        )
        if padding == "same" and self._pad[2] != self._pad[3]:
            self._params = None  # an odd total padding: no single P (see Conv2d)
        else:
            self._params = {"CIn": in_channels, "COut": out_channels, "K": k, "S": s, "P": self._pad[2], "D": d}

    def __call__(self, x: Tensor[B, CIn, Any]) -> Tensor[B, COut, Any]:
        if self._params is not None:
            self.check_rule(x)
        else:
            check_rank_channels(self._describe(), x, 3, "(N, C, L)", self.in_channels, "in_channels")
        return conv(
            x,
            self.weight,
            self.bias,
            (1, self.stride[0]),
            self._pad,
            (1, self.dilation[0]),
            self.groups,
            rank=1,
            who=self._describe(),
        )

    def _describe(self) -> str:
        who: str | None = self.__dict__.get("_who")
        if who is None:
            who = self.__dict__["_who"] = f"Conv1d({self.extra_repr()})"
        return who

    def extra_repr(self) -> str:
        return _conv_repr(self)
