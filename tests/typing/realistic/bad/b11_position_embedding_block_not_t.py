"""Position embeddings looked up for the whole block instead of the actual sequence length.

Bug: ``pos_emb(tt.arange(BLOCK))`` is ``(32, 24)`` but the tokens are ``(B, 16, 24)``;
``tt.arange(T)`` was meant.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

B = TypeVar("B")
VOCAB, BLOCK, C = 100, 32, 24

tok_emb = nn.Embedding(VOCAB, C)
pos_emb = nn.Embedding(BLOCK, C)


def embed(idx: Tensor[B, L[16]]) -> Tensor[B, L[16], L[24]]:
    return tok_emb(idx) + pos_emb(tt.arange(BLOCK))  # BUG: 32 positions added to 16 tokens


print(tuple(embed(tt.randint(0, VOCAB, (2, 16))).shape))
