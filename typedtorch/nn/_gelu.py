"""``GELU``: ``x * Phi(x)`` elementwise (PyTorch's exact default, or its tanh form)."""

from __future__ import annotations

from typing import Literal

from typedtorch._dims import S
from typedtorch._ops.activation import gelu
from typedtorch._tensor import Tensor

from ._compose import ShapePreserving


class GELU(ShapePreserving):
    """Gaussian error linear unit: ``x * Phi(x)``, ``Phi`` the standard normal CDF.

    ``approximate="tanh"`` uses ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``.
    Forward and backward are one node; see ``typedtorch/_ops/activation.py`` for how
    ``Phi`` is computed without an ``erf`` in the array API, and how accurately.

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> [round(v, 4) for v in nn.GELU()(tt.tensor([-1.0, 0.0, 1.0])).tolist()]
    [-0.1587, 0.0, 0.8413]
    """

    def __init__(self, approximate: Literal["none", "tanh"] = "none") -> None:
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def __call__(self, x: Tensor[*S]) -> Tensor[*S]:
        return gelu(x, self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"
