"""A hand-written layer that multiplies in the wrong order.

Bug: with rows as samples the product is ``x @ W``; ``W @ x`` is
``(784, 128) @ (B, 784)``: inner dims 128 and B.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Matrix

B = TypeVar("B")

tt.manual_seed(0)
W = tt.randn(784, 128) * 0.01


def hidden(x: Matrix[B, L[784]]) -> Matrix[B, L[128]]:
    return tt.relu(W @ x)  # BUG: W @ x; x @ W was meant


print(tuple(hidden(tt.rand(2, 784)).shape))
