"""The functional forms of the convolutional layers, with PyTorch's signatures.

``conv1d``, ``conv2d``, ``max_pool2d``, ``avg_pool2d``, ``adaptive_avg_pool2d``,
``batch_norm`` and ``dropout2d`` take the same arguments as their
``torch.nn.functional`` namesakes and compute the same numbers. Inputs are batched
(``(N, C, H, W)``, or ``(N, C, L)`` for ``conv1d``): PyTorch's implicit unbatched
form is refused, since a tensor missing its batch (or channel) dim would otherwise be
read as something else. Layouts are PyTorch's, weights included, so checkpoints
convert without reshaping.
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from typedtorch._dims import S
from typedtorch._ops import batchnorm as _bn
from typedtorch._ops import conv as _conv
from typedtorch._ops import pool as _pool
from typedtorch._tensor import AnyTensor, Tensor

B = TypeVar("B")
C = TypeVar("C")
O = TypeVar("O")  # noqa: E741  # the output channels, as in PyTorch's docs

IntPair = int | tuple[int, int]


def as_pair(value: object, name: str, who: str, minimum: int) -> tuple[int, int]:
    """``3`` or ``(3, 3)`` as ``(3, 3)``; a clear error for anything else or a size below ``minimum``."""
    if isinstance(value, int) and not isinstance(value, bool):
        pair = (value, value)
    elif (
        isinstance(value, tuple | list)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        pair = (int(value[0]), int(value[1]))
    else:
        raise TypeError(f"{who}: {name} must be an int or a pair of ints, got {value!r}")
    if min(pair) < minimum:
        raise ValueError(f"{who}: {name} must be at least {minimum}, got {value!r}")
    return pair


def as_single(value: object, name: str, who: str, minimum: int) -> int:
    """``3`` or ``(3,)`` as ``3`` (``conv1d``'s arguments)."""
    if isinstance(value, tuple | list) and len(value) == 1:
        value = value[0]
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{who}: {name} must be an int (or a 1-tuple), got {value!r}")
    if value < minimum:
        raise ValueError(f"{who}: {name} must be at least {minimum}, got {value!r}")
    return value


def conv_padding(
    padding: object,
    kernel: tuple[int, int],
    dilation: tuple[int, int],
    stride: tuple[int, int],
    who: str,
    rank: int = 2,
) -> tuple[int, int, int, int]:
    """``(top, bottom, left, right)`` for an int, a pair, ``"valid"`` or ``"same"``.

    ``"same"`` pads ``dilation * (kernel - 1)`` in total per dim, the odd one at the
    bottom/right, as PyTorch does; like PyTorch it refuses strides other than 1.
    """
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0, 0, 0)
        if padding == "same":
            if stride != (1, 1):
                shown = stride if rank == 2 else stride[1]
                raise ValueError(f"{who}: padding='same' is not supported for strided convolutions (stride {shown})")
            th, tw = dilation[0] * (kernel[0] - 1), dilation[1] * (kernel[1] - 1)
            return (th // 2, th - th // 2, tw // 2, tw - tw // 2)
        raise ValueError(f"{who}: padding must be an int, a pair, 'valid' or 'same', got {padding!r}")
    ph, pw = as_pair(padding, "padding", who, 0)
    return (ph, ph, pw, pw)


def conv2d(
    input: Tensor[B, Any, Any, Any],
    weight: Tensor[O, Any, Any, Any],
    bias: Tensor[O] | None = None,
    stride: IntPair = 1,
    padding: IntPair | str = 0,
    dilation: IntPair = 1,
    groups: int = 1,
) -> Tensor[B, O, Any, Any]:
    """2-D convolution (cross-correlation, as in PyTorch) of ``(N, C, H, W)`` by ``(O, C/groups, kH, kW)``.

    >>> import typedtorch as tt
    >>> from typedtorch.nn import _functional_conv as F
    >>> F.conv2d(tt.ones(8, 1, 28, 28), tt.ones(32, 1, 3, 3)).shape
    (8, 32, 26, 26)
    >>> F.conv2d(tt.ones(8, 1, 28, 28), tt.ones(32, 1, 5, 5), padding="same").shape
    (8, 32, 28, 28)
    """
    who = "conv2d"
    _tensors(who, ("input", "weight"), input=input, weight=weight, bias=bias)
    st = as_pair(stride, "stride", who, 1)
    dil = as_pair(dilation, "dilation", who, 1)
    kernel = tuple(weight.shape[2:4]) if weight.ndim == 4 else (1, 1)
    pad = conv_padding(padding, kernel, dil, st, who)  # type: ignore[arg-type]
    return _conv.conv(input, weight, bias, st, pad, dil, _groups(groups, who), rank=2, who=who)


def conv1d(
    input: Tensor[B, Any, Any],
    weight: Tensor[O, Any, Any],
    bias: Tensor[O] | None = None,
    stride: int | tuple[int] = 1,
    padding: int | tuple[int] | str = 0,
    dilation: int | tuple[int] = 1,
    groups: int = 1,
) -> Tensor[B, O, Any]:
    """1-D convolution of ``(N, C, L)`` by ``(O, C/groups, K)``.

    >>> import typedtorch as tt
    >>> from typedtorch.nn import _functional_conv as F
    >>> F.conv1d(tt.ones(4, 3, 50), tt.ones(8, 3, 5), stride=2).shape
    (4, 8, 23)
    """
    who = "conv1d"
    _tensors(who, ("input", "weight"), input=input, weight=weight, bias=bias)
    st = as_single(stride, "stride", who, 1)
    dil = as_single(dilation, "dilation", who, 1)
    k = weight.shape[2] if weight.ndim == 3 else 1
    if isinstance(padding, str):
        pad = conv_padding(padding, (1, k), (1, dil), (1, st), who, rank=1)
    else:
        p = as_single(padding, "padding", who, 0)
        pad = (0, 0, p, p)
    return _conv.conv(input, weight, bias, (1, st), pad, (1, dil), _groups(groups, who), rank=1, who=who)


def _tensors(who: str, required: tuple[str, ...], **tensors: object) -> None:
    for name, t in tensors.items():
        if t is not None or name in required:
            tensor_arg(t, name, who)


def _groups(groups: object, who: str) -> int:
    if not isinstance(groups, int) or isinstance(groups, bool) or groups < 1:
        raise ValueError(f"{who}: groups must be a positive int, got {groups!r}")
    return groups


def pool_args(
    kernel_size: object, stride: object, padding: object, dilation: object, who: str
) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int], tuple[int, int]]:
    """Normalised pooling arguments, with PyTorch's rule that padding is at most half the window."""
    k = as_pair(kernel_size, "kernel_size", who, 1)
    s = k if stride is None or stride == () or stride == [] else as_pair(stride, "stride", who, 1)
    p = as_pair(padding, "padding", who, 0)
    d = as_pair(dilation, "dilation", who, 1)
    for pad, kernel, dil in zip(p, k, d, strict=True):
        if 2 * pad > dil * (kernel - 1) + 1:
            raise ValueError(
                f"{who}: padding should be at most half of the effective kernel size, got padding={padding!r}, "
                f"kernel_size={kernel_size!r}, dilation={dilation!r}"
            )
    return k, s, p, d


def max_pool2d(
    input: Tensor[B, C, Any, Any],
    kernel_size: IntPair,
    stride: IntPair | None = None,
    padding: IntPair = 0,
    dilation: IntPair = 1,
    ceil_mode: bool = False,
    return_indices: Literal[False] = False,
) -> Tensor[B, C, Any, Any]:
    """Max pooling; ``stride`` defaults to ``kernel_size``. Gradients go to the first maximum of each window.

    >>> import typedtorch as tt
    >>> from typedtorch.nn import _functional_conv as F
    >>> F.max_pool2d(tt.ones(8, 64, 24, 24), 2).shape
    (8, 64, 12, 12)
    """
    who = "max_pool2d"
    if return_indices:
        raise ValueError(f"{who}: return_indices=True is not supported")
    k, s, p, d = pool_args(kernel_size, stride, padding, dilation, who)
    return _pool.max_pool2d(tensor_arg(input, "input", who), k, s, p, d, bool(ceil_mode), who)


def avg_pool2d(
    input: Tensor[B, C, Any, Any],
    kernel_size: IntPair,
    stride: IntPair | None = None,
    padding: IntPair = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor[B, C, Any, Any]:
    """Average pooling, with PyTorch's divisors (``count_include_pad``, ``ceil_mode``, ``divisor_override``).

    >>> import typedtorch as tt
    >>> from typedtorch.nn import _functional_conv as F
    >>> F.avg_pool2d(tt.ones(1, 1, 5, 5), 3, stride=2, padding=1, count_include_pad=False).tolist()
    [[[[1.0, 1.0, 1.0], [1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]]]
    """
    who = "avg_pool2d"
    k, s, p, _ = pool_args(kernel_size, stride, padding, 1, who)
    if divisor_override is not None and (
        not isinstance(divisor_override, int) or isinstance(divisor_override, bool) or divisor_override <= 0
    ):
        raise ValueError(f"{who}: divisor_override must be a positive int, got {divisor_override!r}")
    return _pool.avg_pool2d(
        tensor_arg(input, "input", who), k, s, p, bool(ceil_mode), bool(count_include_pad), divisor_override, who
    )


def adaptive_output_size(output_size: object, x: AnyTensor, who: str) -> tuple[int, int]:
    """``7``, ``(7, 5)`` or ``(None, 5)`` (``None`` keeps the input's size) as a pair of sizes."""
    if isinstance(output_size, tuple | list) and len(output_size) == 2:
        h, w = output_size
        if x.ndim == 4:
            h = x.shape[2] if h is None else h
            w = x.shape[3] if w is None else w
        output_size = (h, w)
    return as_pair(output_size, "output_size", who, 1)


def adaptive_avg_pool2d(
    input: Tensor[B, C, Any, Any], output_size: int | tuple[int | None, int | None]
) -> Tensor[B, C, Any, Any]:
    """Average pooling to a fixed output size, whatever the input's (PyTorch's window rule).

    >>> import typedtorch as tt
    >>> from typedtorch.nn import _functional_conv as F
    >>> F.adaptive_avg_pool2d(tt.ones(2, 512, 7, 7), 1).shape
    (2, 512, 1, 1)
    """
    who = "adaptive_avg_pool2d"
    tensor_arg(input, "input", who)
    return _pool.adaptive_avg_pool2d(input, adaptive_output_size(output_size, input, who), who)


def batch_norm(
    input: Tensor[*S],
    running_mean: AnyTensor | None,
    running_var: AnyTensor | None,
    weight: AnyTensor | None = None,
    bias: AnyTensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor[*S]:
    """Batch normalisation over every dim but the channels (dim 1), as ``torch.nn.functional.batch_norm``.

    With ``training=True`` it normalises by the batch's statistics and updates the
    running ones in place; otherwise it uses ``running_mean`` and ``running_var``.

    >>> import typedtorch as tt
    >>> from typedtorch.nn import _functional_conv as F
    >>> mean, var = tt.zeros(3), tt.ones(3)
    >>> F.batch_norm(tt.ones(4, 3, 2, 2), mean, var, training=True).shape
    (4, 3, 2, 2)
    >>> [round(v, 2) for v in mean.tolist()]
    [0.1, 0.1, 0.1]
    """
    who = "batch_norm"
    if not isinstance(momentum, int | float) or isinstance(momentum, bool):
        raise TypeError(f"{who}: momentum must be a number, got {momentum!r}")
    if not training and (running_mean is None or running_var is None):
        raise ValueError(f"{who}: running_mean and running_var are needed when training=False")
    _tensors(who, ("input",), input=input, running_mean=running_mean, running_var=running_var, weight=weight, bias=bias)
    return _bn.batch_norm(input, running_mean, running_var, weight, bias, bool(training), float(momentum), eps, who)


def dropout2d(input: Tensor[*S], p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor[*S]:
    """Zero whole channels of an ``(N, C, H, W)`` tensor with probability ``p`` (when ``training``).

    >>> import typedtorch as tt
    >>> from typedtorch.nn import _functional_conv as F
    >>> F.dropout2d(tt.ones(2, 3, 4, 4), 0.5, training=False).shape
    (2, 3, 4, 4)
    """
    who = "dropout2d"
    if inplace:
        raise ValueError(f"{who}: inplace=True is not supported; write x = dropout2d(x, p)")
    check_probability(p, who)
    return _bn.dropout2d(tensor_arg(input, "input", who), float(p) if training else 0.0, who)


def tensor_arg(value: Any, name: str, who: str) -> Any:
    """``value`` itself if it is a typedtorch tensor; a ``TypeError`` naming the argument otherwise."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{who}: {name} must be a typedtorch Tensor, got {type(value).__name__}")
    return value


def check_probability(p: object, who: str) -> None:
    if not isinstance(p, int | float) or isinstance(p, bool) or not 0.0 <= p <= 1.0:
        raise ValueError(f"{who}: p must be a probability in [0, 1], got {p!r}")
