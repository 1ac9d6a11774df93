"""``nn.init``: fill a tensor in place, as ``torch.nn.init`` does.

Random values are drawn on the host from the generator ``tt.manual_seed`` seeds (in
float32, then converted to the tensor's dtype), so one seed gives the same weights
on every device. Every function writes into the tensor it is given (the same array,
so ``state_dict()`` views and optimizers see the new values) and returns it.

**Fan in and fan out** (``kaiming_*``, ``xavier_*``): a 2-D tensor is read in
typedtorch's layout, ``(in_features, out_features)`` as ``nn.Linear`` stores its
weight, so ``fan_in = shape[0]``; PyTorch's ``(out, in)`` layout would swap them.
A tensor of 3 or more dims is read in the convolution layout PyTorch uses,
``(out_channels, in_channels, *kernel)``: ``fan_in = shape[1] * prod(kernel)``.
"""

from __future__ import annotations

import math
from typing import Literal

from typedtorch._backend import HostArray, host_random
from typedtorch._dims import S
from typedtorch._tensor import AnyTensor, Tensor

__all__ = [
    "calculate_gain",
    "constant_",
    "kaiming_normal_",
    "kaiming_uniform_",
    "normal_",
    "ones_",
    "uniform_",
    "xavier_normal_",
    "xavier_uniform_",
    "zeros_",
]

Nonlinearity = Literal[
    "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
    "sigmoid", "tanh", "relu", "leaky_relu", "selu",
]  # fmt: skip
_LINEAR_FNS = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d")


def calculate_gain(nonlinearity: Nonlinearity, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity (PyTorch's table).

    >>> from typedtorch import nn
    >>> nn.init.calculate_gain("relu") == 2 ** 0.5, nn.init.calculate_gain("tanh")
    (True, 1.6666666666666667)
    """
    if nonlinearity in _LINEAR_FNS or nonlinearity == "sigmoid":
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, int | float) and not isinstance(param, bool):
            slope = float(param)
        else:
            raise ValueError(f"calculate_gain: negative_slope {param!r} is not a number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}")


def calculate_fan_in_and_fan_out(tensor: AnyTensor) -> tuple[int, int]:
    """``(fan_in, fan_out)`` in the layouts described in the module docstring.

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> nn.init.calculate_fan_in_and_fan_out(tt.zeros(784, 128))       # Linear: (in, out)
    (784, 128)
    >>> nn.init.calculate_fan_in_and_fan_out(tt.zeros(16, 3, 5, 5))    # Conv2d: (out, in, kH, kW)
    (75, 400)
    """
    _check_tensor(tensor, "calculate_fan_in_and_fan_out")
    shape = tensor.shape
    if len(shape) < 2:
        raise ValueError(f"init: fan in and fan out need a tensor of 2 or more dims, got shape {shape}")
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def uniform_(tensor: Tensor[*S], a: float = 0.0, b: float = 1.0) -> Tensor[*S]:
    """Fill with draws from ``U(a, b)``.

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> tt.manual_seed(0)
    >>> w = nn.init.uniform_(tt.zeros(1000), -1.0, 1.0)
    >>> -1.0 <= min(w.tolist()) and max(w.tolist()) < 1.0
    True
    """
    _check_float(tensor, "uniform_")
    _check_number(a, "uniform_", "a")
    _check_number(b, "uniform_", "b")
    if not a <= b:
        raise ValueError(f"uniform_: needs a <= b, got a={a}, b={b}")
    return _fill_from_host(tensor, host_random("uniform", tensor.shape, None) * (b - a) + a)


def normal_(tensor: Tensor[*S], mean: float = 0.0, std: float = 1.0) -> Tensor[*S]:
    """Fill with draws from ``N(mean, std**2)``."""
    _check_float(tensor, "normal_")
    _check_number(mean, "normal_", "mean")
    _check_number(std, "normal_", "std")
    if std < 0:
        raise ValueError(f"normal_: std must be >= 0, got {std}")
    return _fill_from_host(tensor, host_random("normal", tensor.shape, None) * std + mean)


def constant_(tensor: Tensor[*S], val: float) -> Tensor[*S]:
    """Fill with ``val`` (any dtype).

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> nn.init.constant_(tt.zeros(3), 0.5).tolist()
    [0.5, 0.5, 0.5]
    """
    _check_tensor(tensor, "constant_")
    _check_number(val, "constant_", "val")
    xp = tensor._backend.xp
    _write(tensor, xp.full(tensor._data.shape, val, dtype=tensor._data.dtype, device=tensor._data.device))
    return tensor


def zeros_(tensor: Tensor[*S]) -> Tensor[*S]:
    """Fill with zeros: ``nn.init.zeros_(layer.bias)``."""
    return constant_(tensor, 0)


def ones_(tensor: Tensor[*S]) -> Tensor[*S]:
    """Fill with ones."""
    return constant_(tensor, 1)


def xavier_uniform_(tensor: Tensor[*S], gain: float = 1.0) -> Tensor[*S]:
    """Glorot uniform: ``U(-a, a)`` with ``a = gain * sqrt(6 / (fan_in + fan_out))``."""
    _check_float(tensor, "xavier_uniform_")
    if tensor.numel() == 0:
        return tensor
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std
    return _fill_from_host(tensor, host_random("uniform", tensor.shape, None) * (2 * a) - a)


def xavier_normal_(tensor: Tensor[*S], gain: float = 1.0) -> Tensor[*S]:
    """Glorot normal: ``N(0, std**2)`` with ``std = gain * sqrt(2 / (fan_in + fan_out))``."""
    _check_float(tensor, "xavier_normal_")
    if tensor.numel() == 0:
        return tensor
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return _fill_from_host(tensor, host_random("normal", tensor.shape, None) * std)


def kaiming_uniform_(
    tensor: Tensor[*S],
    a: float = 0.0,
    mode: Literal["fan_in", "fan_out"] = "fan_in",
    nonlinearity: Nonlinearity = "leaky_relu",
) -> Tensor[*S]:
    """He uniform: ``U(-bound, bound)`` with ``bound = gain * sqrt(3 / fan)`` (PyTorch's defaults).

    ``a`` is the negative slope of a leaky ReLU; ``a=math.sqrt(5)`` gives PyTorch's
    ``nn.Linear`` init, ``bound = 1 / sqrt(fan_in)``.

    >>> import math
    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> w = nn.init.kaiming_uniform_(tt.zeros(100, 10), a=math.sqrt(5))
    >>> max(abs(v) for row in w.tolist() for v in row) <= 1 / math.sqrt(100)
    True
    """
    _check_float(tensor, "kaiming_uniform_")
    if tensor.numel() == 0:
        return tensor
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return _fill_from_host(tensor, host_random("uniform", tensor.shape, None) * (2 * bound) - bound)


def kaiming_normal_(
    tensor: Tensor[*S],
    a: float = 0.0,
    mode: Literal["fan_in", "fan_out"] = "fan_in",
    nonlinearity: Nonlinearity = "leaky_relu",
) -> Tensor[*S]:
    """He normal: ``N(0, std**2)`` with ``std = gain / sqrt(fan)``."""
    _check_float(tensor, "kaiming_normal_")
    if tensor.numel() == 0:
        return tensor
    return _fill_from_host(
        tensor, host_random("normal", tensor.shape, None) * _kaiming_std(tensor, a, mode, nonlinearity)
    )


# ------------------------------------------------------------------------ helpers


def _kaiming_std(tensor: AnyTensor, a: float, mode: str, nonlinearity: Nonlinearity) -> float:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"init: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    return calculate_gain(nonlinearity, a) / math.sqrt(fan_in if mode == "fan_in" else fan_out)


def _check_tensor(tensor: object, fn: str) -> None:
    if not isinstance(tensor, Tensor):
        raise TypeError(f"nn.init.{fn}: expected a Tensor, got {type(tensor).__name__}")
    if tensor._node is not None:
        # Writing into a tensor an op produced would change values saved for backward.
        raise ValueError(f"nn.init.{fn}: the tensor was computed by an op; initialize leaf tensors (parameters)")


def _check_float(tensor: object, fn: str) -> None:
    _check_tensor(tensor, fn)
    assert isinstance(tensor, Tensor)
    if not tensor._backend.xp.isdtype(tensor._data.dtype, "real floating"):
        kind = tensor._backend.dtype_name(tensor._data)
        raise TypeError(f"nn.init.{fn}: needs a floating-point tensor, got dtype {kind}")


def _check_number(value: object, fn: str, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"nn.init.{fn}: {name} must be a finite number, got {value!r}")


def _fill_from_host(tensor: Tensor[*S], host: HostArray) -> Tensor[*S]:
    backend = tensor._backend
    _write(tensor, backend.from_host(host.astype(backend.dtype_name(tensor._data), copy=False)))
    return tensor


def _write(tensor: AnyTensor, values: object) -> None:
    # In place: the parameter keeps its array, which state_dict() views and optimizers hold.
    tensor._data[...] = values
    tensor._version[0] += 1  # an in-place change (typedtorch._engine's version counter)
