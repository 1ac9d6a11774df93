"""A pre-norm transformer block around ``nn.MultiheadAttention(batch_first=True)``, stacked twice.

Style: ``attn(h, h, h, need_weights=False)`` returning ``(out, None)``, GELU MLP
``C -> 4C -> C``, residual adds of equal shapes, a causal mask, ``nn.ModuleList`` of blocks.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

B = TypeVar("B")
T = TypeVar("T")
C = 48


class Block(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.ln1 = nn.LayerNorm(C)
        self.attn = nn.MultiheadAttention(C, 6, batch_first=True)
        self.ln2 = nn.LayerNorm(C)
        self.mlp = nn.Linear(C, 4 * C) >> nn.GELU() >> nn.Linear(4 * C, C)

    def forward(self, x: Tensor[B, T, L[48]], mask: tt.Tensor) -> Tensor[B, T, L[48]]:
        h = self.ln1(x)
        attn_out, _ = self.attn(h, h, h, attn_mask=mask, need_weights=False)
        x = x + attn_out
        return x + self.mlp(self.ln2(x))


tt.manual_seed(0)
blocks = nn.ModuleList([Block() for _ in range(2)])
x = tt.randn(3, 10, C)
causal = tt.triu(tt.ones(10, 10), diagonal=1).bool()
for block in blocks:
    x = block(x, causal)
print(tuple(x.shape))
