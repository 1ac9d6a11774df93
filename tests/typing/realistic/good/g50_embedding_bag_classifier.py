"""A bag-of-embeddings text classifier: embed the tokens, average over time, classify.

Style: ``nn.Embedding`` on ``(B, T)`` ids giving ``(B, T, D)``, ``mean(dim=1)``, a
typed ``__call__``, ``padding`` handled by a mask with ``unsqueeze(-1)``.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

B = TypeVar("B")
T = TypeVar("T")


class BagOfWords(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(1000, 64)
        self.fc = nn.Linear(64, 5)

    def __call__(self, ids: Tensor[B, T], mask: Tensor[B, T]) -> Tensor[B, L[5]]:
        e = self.embed(ids)  # (B, T, 64)
        m = mask.unsqueeze(-1)  # (B, T, 1)
        pooled = (e * m).sum(dim=1) / m.sum(dim=1).clamp(min=1.0)  # (B, 64)
        return self.fc(pooled)


tt.manual_seed(0)
model = BagOfWords()
ids = tt.randint(0, 1000, (4, 9))
mask = (tt.rand(4, 9) > 0.2).float()
logits = model(ids, mask)
loss = nn.cross_entropy(logits, tt.tensor([0, 1, 2, 3]))
loss.backward()
print(tuple(logits.shape), loss.item())
