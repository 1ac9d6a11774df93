"""A hand-written layer whose bias has the input width.

Bug: ``x @ W`` is ``(B, 128)``; the bias is ``tt.zeros(784)``. It should have the output
width, 128.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Matrix

B = TypeVar("B")
D_IN, D_OUT = 784, 128

tt.manual_seed(0)
W = tt.randn(D_IN, D_OUT) * 0.01
b = tt.zeros(D_IN)


def layer(x: Matrix[B, L[784]]) -> Matrix[B, L[128]]:
    return tt.relu(x @ W + b)  # BUG: (B, 128) + (784,)


print(tuple(layer(tt.rand(2, D_IN)).shape))
