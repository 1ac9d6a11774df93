"""Squared pairwise distances with the expansion |a|^2 - 2ab + |b|^2 (k-means style).

Style: a ``(N, 1)`` column minus an ``(N, M)`` matrix plus a ``(1, M)`` row, all
same-rank broadcasting; then nearest centroids with ``min(dim=1)``.
"""

from typing import TypeVar

import typedtorch as tt
from typedtorch import Matrix

N = TypeVar("N")
M = TypeVar("M")
D = TypeVar("D")


def sq_dists(a: Matrix[N, D], b: Matrix[M, D]) -> Matrix[N, M]:
    aa = (a * a).sum(dim=1, keepdim=True)  # (N, 1)
    bb = (b * b).sum(dim=1)[None, :]  # (1, M)
    return aa - 2 * (a @ b.T) + bb


tt.manual_seed(0)
points = tt.randn(100, 2)
centroids = points[:4]
d = sq_dists(points, centroids)
for _ in range(3):
    nearest, assignment = d.min(dim=1)
    onehot = tt.one_hot(assignment, 4).float()  # (100, 4)
    counts = onehot.sum(dim=0).clamp(min=1.0)  # (4,)
    centroids = (onehot.T @ points) / counts[:, None]
    d = sq_dists(points, centroids)
nearest, _ = d.min(dim=1)
print(tuple(d.shape), tuple(centroids.shape), nearest.mean().item())
