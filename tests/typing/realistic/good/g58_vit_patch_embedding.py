"""ViT's input stage: patches by a strided conv, ``flatten(2).transpose(1, 2)``, a class token, positions.

Style: ``nn.Conv2d(3, 32, kernel_size=4, stride=4)`` (32 -> 8), ``(B, 32, 8, 8)`` to
``(B, 64, 32)``, a ``(1, 1, 32)`` parameter ``expand``\\ ed to the batch and ``cat``\\ ed in
front, a ``(1, 65, 32)`` positional parameter added, ``nn.LayerNorm``, the class token
read back with ``x[:, 0]``.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

B = TypeVar("B")


class PatchEmbed(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.proj = nn.Conv2d(3, 32, kernel_size=4, stride=4)
        self.cls_token = nn.Parameter(tt.zeros(1, 1, 32))
        self.pos_embed = nn.Parameter(tt.randn(1, 65, 32) * 0.02)
        self.norm = nn.LayerNorm(32)
        self.head = nn.Linear(32, 10)

    def forward(self, img: Tensor[B, L[3], L[32], L[32]]) -> Tensor[B, L[10]]:
        patches = self.proj(img).flatten(2).transpose(1, 2)  # (B, 64, 32)
        cls = self.cls_token.expand(img.shape[0], -1, -1)  # (B, 1, 32)
        tokens = tt.cat([cls, patches], dim=1) + self.pos_embed  # (B, 65, 32)
        return self.head(self.norm(tokens)[:, 0])


tt.manual_seed(0)
vit = PatchEmbed()
print(tuple(vit(tt.randn(2, 3, 32, 32)).shape))
