"""Cosine similarity between two sets of embeddings: normalise rows, then ``a @ b.T``.

Style: keepdim norms, ``.T`` of a matrix, TypeVar dims for both set sizes, called with
two different sizes.
"""

from typing import TypeVar

import typedtorch as tt
from typedtorch import Matrix

N = TypeVar("N")
M = TypeVar("M")
D = TypeVar("D")


def normalize_rows(x: Matrix[N, D], eps: float = 1e-8) -> Matrix[N, D]:
    return x / ((x * x).sum(dim=1, keepdim=True) + eps).sqrt()


def cosine_matrix(a: Matrix[N, D], b: Matrix[M, D]) -> Matrix[N, M]:
    return normalize_rows(a) @ normalize_rows(b).T


queries = tt.randn(3, 32)
keys = tt.randn(10, 32)
sim = cosine_matrix(queries, keys)
self_sim = cosine_matrix(keys, keys)
best = sim.argmax(dim=1)
print(tuple(sim.shape), tuple(self_sim.shape), best.tolist())
