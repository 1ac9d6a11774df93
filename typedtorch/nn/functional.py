"""``typedtorch.nn.functional`` (``import typedtorch.nn.functional as F``): losses and activations as functions.

The same names and keywords as ``torch.nn.functional``. Every loss is the one in
``typedtorch.nn`` (typed by its reduction: ``F.cross_entropy(logits, y,
reduction="none")`` is a ``Tensor[B]``); the activations check that they were given
a tensor. To add a functional (convolution, attention, ...), define it in its own
module and re-export it here, adding its name to ``__all__``.

Deliberately absent: ``F.linear``, because PyTorch's takes the weight ``(out, in)``
while typedtorch stores it ``(in, out)``; a ported call with a square weight would
silently compute ``x @ W`` instead of ``x @ W.T``. Use ``x @ w + b`` or ``nn.Linear``.
``softmax``/``log_softmax`` need an explicit ``dim`` (PyTorch's implicit choice
depends on the rank and is deprecated).

>>> import typedtorch as tt
>>> import typedtorch.nn.functional as F
>>> logits = tt.zeros(4, 3)
>>> F.cross_entropy(logits, tt.tensor([0, 1, 2, 0])).shape
()
>>> F.relu(tt.tensor([-1.0, 2.0])).tolist()
[0.0, 2.0]
"""

from __future__ import annotations

from typing import cast

from typedtorch._dims import S
from typedtorch._functional import one_hot as one_hot
from typedtorch._ops.dropout import dropout as _dropout
from typedtorch._ops.losses import check_float as _check_float
from typedtorch._ops.losses import check_tensor as _check_tensor
from typedtorch._tensor import Tensor

from ._functional_attention import embedding as embedding
from ._functional_attention import gelu as gelu
from ._functional_attention import layer_norm as layer_norm
from ._functional_attention import scaled_dot_product_attention as scaled_dot_product_attention
from ._functional_conv import adaptive_avg_pool2d as adaptive_avg_pool2d
from ._functional_conv import avg_pool2d as avg_pool2d
from ._functional_conv import batch_norm as batch_norm
from ._functional_conv import conv1d as conv1d
from ._functional_conv import conv2d as conv2d
from ._functional_conv import dropout2d as dropout2d
from ._functional_conv import max_pool2d as max_pool2d
from ._losses import binary_cross_entropy as binary_cross_entropy
from ._losses import binary_cross_entropy_with_logits as binary_cross_entropy_with_logits
from ._losses import cross_entropy as cross_entropy
from ._losses import huber_loss as huber_loss
from ._losses import l1_loss as l1_loss
from ._losses import mse_loss as mse_loss
from ._losses import nll_loss as nll_loss
from ._losses import smooth_l1_loss as smooth_l1_loss

__all__ = [
    "adaptive_avg_pool2d",
    "avg_pool2d",
    "batch_norm",
    "conv1d",
    "conv2d",
    "dropout2d",
    "max_pool2d",
    "one_hot",
    "embedding",
    "gelu",
    "layer_norm",
    "scaled_dot_product_attention",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "dropout",
    "huber_loss",
    "l1_loss",
    "log_softmax",
    "mse_loss",
    "nll_loss",
    "relu",
    "sigmoid",
    "smooth_l1_loss",
    "softmax",
    "tanh",
]


def relu(input: Tensor[*S]) -> Tensor[*S]:
    """``max(x, 0)`` elementwise."""
    _check_tensor(input, "relu", "input")
    return input.relu()


def sigmoid(input: Tensor[*S]) -> Tensor[*S]:
    """``1 / (1 + exp(-x))`` elementwise."""
    _check_tensor(input, "sigmoid", "input")
    return input.sigmoid()


def tanh(input: Tensor[*S]) -> Tensor[*S]:
    """Hyperbolic tangent elementwise."""
    _check_tensor(input, "tanh", "input")
    return input.tanh()


def softmax(input: Tensor[*S], dim: int) -> Tensor[*S]:
    """Softmax along ``dim`` (required): ``F.softmax(logits, dim=1)``."""
    _check_tensor(input, "softmax", "input")
    return input.softmax(_dim(dim, "softmax"))


def log_softmax(input: Tensor[*S], dim: int) -> Tensor[*S]:
    """``log(softmax(x))`` along ``dim`` (required), computed stably: ``F.log_softmax(x, dim=1)``."""
    _check_tensor(input, "log_softmax", "input")
    return input.log_softmax(_dim(dim, "log_softmax"))


def dropout(input: Tensor[*S], p: float = 0.5, training: bool = True) -> Tensor[*S]:
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)`` when ``training``.

    As in PyTorch, ``training`` defaults to True: inside a module write
    ``F.dropout(x, 0.5, self.training)`` (or use ``nn.Dropout``) so that ``eval()`` turns it off.

    >>> import typedtorch as tt
    >>> import typedtorch.nn.functional as F
    >>> F.dropout(tt.ones(3), 0.5, training=False).tolist()
    [1.0, 1.0, 1.0]
    """
    _check_float(input, "dropout", "input")
    if isinstance(p, bool) or not isinstance(p, int | float) or not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: p must be a number in [0, 1], got {p!r}")
    if not isinstance(training, bool):
        raise TypeError(f"dropout: training must be a bool, got {type(training).__name__}")
    if not training:
        return input
    return cast("Tensor[*S]", _dropout(input, float(p)))


def _dim(dim: object, fn: str) -> int:
    if isinstance(dim, bool) or not isinstance(dim, int):
        raise TypeError(f"{fn}: dim must be an int, got {type(dim).__name__}")
    return dim
