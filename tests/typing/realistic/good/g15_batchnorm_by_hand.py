"""Batch normalisation of a feature matrix by hand: statistics over the batch dim.

Style: ``mean(dim=0, keepdim=True)`` giving ``(1, C)``, broadcast against ``(B, C)``;
running statistics as plain vectors updated in place under ``no_grad``.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Matrix, Vector

B = TypeVar("B")
C = 6

running_mean: Vector[L[6]] = tt.zeros(C)
running_var: Vector[L[6]] = tt.ones(C)
weight = tt.ones(C, requires_grad=True)
bias = tt.zeros(C, requires_grad=True)


def batch_norm(x: Matrix[B, L[6]], momentum: float = 0.1, eps: float = 1e-5) -> Matrix[B, L[6]]:
    mean = x.mean(dim=0, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=0, keepdim=True)
    with tt.no_grad():
        running_mean.mul_(1 - momentum).add_(momentum * mean.squeeze(0))
        running_var.mul_(1 - momentum).add_(momentum * var.squeeze(0))
    return (x - mean) / (var + eps).sqrt() * weight + bias


out = batch_norm(tt.randn(16, C) * 3 + 1)
out.sum().backward()
print(tuple(out.shape), running_mean.tolist()[:2])
