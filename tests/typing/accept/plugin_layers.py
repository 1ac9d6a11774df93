"""Plugin: layers whose output size is computed from their input declare it once.

``Conv1d`` and ``Pool`` are test-only layers: each states its shape arithmetic in a
``__shape_rule__`` (see typedtorch/_rules.py) and the plugin applies it to
every call and inside ``Sequential``, with no plugin change. ``nn.Flatten`` is
declared the same way (``"B *R -> B prod(R)"``).
"""
# fmt: off
# pyright: reportInvalidTypeForm=false
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Any, Final, Generic, Literal, TypeVar, reveal_type

from typing_extensions import TypeVarTuple

import typedtorch as tt
from typedtorch import Matrix, Tensor, nn
from typedtorch._dims import Size  # sizes: literal for mypy, unknown for pyright (see _dims)

B = TypeVar("B")
P = TypeVarTuple("P")
CIn = TypeVar("CIn", bound=int | Literal[0])
COut = TypeVar("COut", bound=int | Literal[0])
K = TypeVar("K", bound=int | Literal[0])


class Conv1d(nn.Module, Generic[CIn, COut, K]):
    """A 1-d convolution without padding: ``(B, CIn, L)`` to ``(B, COut, L - K + 1)``."""

    __shape_rule__: Final = "B CIn L -> B COut (L - K + 1)"

    def __init__(self, in_channels: Size[CIn], out_channels: Size[COut], kernel_size: Size[K]) -> None:
        self.kernel_size = kernel_size

    def __call__(self, x: Tensor[B, CIn, Any]) -> Tensor[B, COut, Any]:
        raise NotImplementedError


class Pool(nn.Module, Generic[K]):
    """Non-overlapping pooling over the last dim, any leading dims."""

    __shape_rule__: Final = "*P N -> *P (N // K)"

    def __init__(self, kernel_size: Size[K]) -> None:
        self.kernel_size = kernel_size

    def __call__(self, x: Tensor[*P, Any]) -> Tensor[*P, Any]:
        raise NotImplementedError


conv = Conv1d(3, 16, 5)
reveal_type(conv)  # R: accept.plugin_layers.Conv1d[Literal[3], Literal[16], Literal[5]]
reveal_type(conv(tt.zeros(8, 3, 28)))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[16], Literal[24]]
reveal_type(Pool(2)(tt.zeros(8, 16, 24)))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[16], Literal[12]]
reveal_type(Pool(4)(tt.zeros(10)))  # R: typedtorch._tensor.Tensor[Literal[2]]
reveal_type(nn.Flatten()(Pool(2)(conv(tt.zeros(8, 3, 28)))))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[192]]
reveal_type(nn.Linear(192, 10)(nn.Flatten()(Pool(2)(conv(tt.zeros(8, 3, 28))))))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[10]]


# Symbolic sizes pass through; arithmetic on them is Any.
def features(x: Tensor[B, Literal[3], Literal[28]]) -> Matrix[B, Literal[384]]:
    reveal_type(conv(x))  # R: typedtorch._tensor.Tensor[B, Literal[16], Literal[24]]
    return nn.Flatten()(conv(x))


def any_length(x: Tensor[B, Literal[3], Any]) -> None:
    reveal_type(conv(x))  # R: typedtorch._tensor.Tensor[B, Literal[16], Any]


# Rule layers chain like any other.
net = nn.Sequential(Conv1d(3, 16, 5), nn.ReLU(), Pool(2), nn.Flatten(), nn.Linear(192, 10))
reveal_type(net)  # R: typedtorch.nn._compose._Chain[*tuple[accept.plugin_layers.Conv1d[Literal[3], Literal[16], Literal[5]], typedtorch.nn._activations.ReLU, accept.plugin_layers.Pool[Literal[2]], typedtorch.nn._flatten.Flatten, typedtorch.nn._linear.Linear[Literal[192], Literal[10]]]]
reveal_type(net(tt.zeros(8, 3, 28)))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[10]]


# Plain layers' calls are unchanged.
fc = nn.Linear(784, 128)
reveal_type(fc(tt.zeros(64, 784)))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[128]]
reveal_type(fc(tt.zeros(5, 64, 784)))  # R: typedtorch._tensor.Tensor[Literal[5], Literal[64], Literal[128]]


def hidden(x: Matrix[B, Literal[784]]) -> Matrix[B, Literal[128]]:
    return fc(x)
