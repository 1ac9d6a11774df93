"""Layer normalisation written out: statistics over the last dim, kept for broadcasting.

Style: ``mean(dim=-1, keepdim=True)``, ``tt.sqrt``, a ``Vector[D]`` scale and shift
broadcast over ``(B, T, D)``; a typed ``forward()`` module.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

B = TypeVar("B")
T = TypeVar("T")
D = 16


class MyLayerNorm(nn.Module):
    def __init__(self, eps: float = 1e-5) -> None:
        super().__init__()
        self.gamma = nn.Parameter(tt.ones(D))
        self.beta = nn.Parameter(tt.zeros(D))
        self.eps = eps

    def forward(self, x: Tensor[B, T, L[16]]) -> Tensor[B, T, L[16]]:
        mu = x.mean(dim=-1, keepdim=True)
        var = ((x - mu) ** 2).mean(dim=-1, keepdim=True)
        return (x - mu) / tt.sqrt(var + self.eps) * self.gamma + self.beta


ln = MyLayerNorm()
x = tt.randn(2, 5, D)
out = ln(x)
reference = nn.LayerNorm(D)(x)
assert (out - reference).abs().amax().item() < 1e-4
print(tuple(out.shape))
