"""``Dropout``: random zeroing in training mode, the identity in evaluation mode."""

from __future__ import annotations

from typedtorch._dims import S
from typedtorch._ops.dropout import dropout
from typedtorch._ops.losses import check_float
from typedtorch._tensor import Tensor

from ._compose import ShapePreserving


class Dropout(ShapePreserving):
    """Zero each element with probability ``p`` while training, scaling the rest by ``1/(1-p)``.

    The expected value is unchanged, so ``eval()`` simply passes inputs through. The
    mask comes from the generator ``tt.manual_seed`` seeds.

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> drop = nn.Dropout(0.5)
    >>> sorted(set(drop(tt.ones(1000)).tolist()))
    [0.0, 2.0]
    >>> drop.eval()(tt.ones(3)).tolist()
    [1.0, 1.0, 1.0]
    """

    def __init__(self, p: float = 0.5) -> None:
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: p must lie in [0, 1], got {p}")
        self.p = p

    def __call__(self, x: Tensor[*S]) -> Tensor[*S]:
        check_float(x, "Dropout", "input")
        if not self.training:
            return x
        return dropout(x, self.p)

    def extra_repr(self) -> str:
        return f"p={self.p}"
