"""A layer written by hand with PyTorch's ``(out, in)`` weight layout but no transpose.

Bug: ``weight`` is ``(128, 784)`` as ``nn.Linear`` stores it in PyTorch, so the forward
pass is ``x @ weight.T``; ``x @ weight`` has inner dims 784 and 128.
"""

import math
from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

B = TypeVar("B")


class MyLinear(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        bound = 1 / math.sqrt(784)
        self.weight = nn.Parameter((tt.rand(128, 784) * 2 - 1) * bound)
        self.bias = nn.Parameter(tt.zeros(128))

    def forward(self, x: Tensor[B, L[784]]) -> Tensor[B, L[128]]:
        return x @ self.weight + self.bias  # BUG: (B, 784) @ (128, 784); weight.T was meant


tt.manual_seed(0)
print(tuple(MyLinear()(tt.rand(4, 784)).shape))
