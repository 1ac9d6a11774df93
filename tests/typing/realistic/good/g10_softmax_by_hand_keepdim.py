"""A numerically stable softmax and cross-entropy written by hand with the keepdim idiom.

Style: ``x - x.amax(dim=1, keepdim=True)``, ``e / e.sum(dim=1, keepdim=True)``,
TypeVar dims, compared against ``tt.softmax``.
"""

from typing import TypeVar

import typedtorch as tt
from typedtorch import Matrix, Vector

B = TypeVar("B")
C = TypeVar("C")


def softmax(x: Matrix[B, C]) -> Matrix[B, C]:
    e = (x - x.amax(dim=1, keepdim=True)).exp()
    return e / e.sum(dim=1, keepdim=True)


def log_softmax(x: Matrix[B, C]) -> Matrix[B, C]:
    shifted = x - x.amax(dim=1, keepdim=True)
    return shifted - shifted.exp().sum(dim=1, keepdim=True).log()


def nll(log_probs: Matrix[B, C], target_probs: Matrix[B, C]) -> Vector[B]:
    return -(log_probs * target_probs).sum(dim=1)


logits = tt.randn(8, 5) * 10
probs = softmax(logits)
err = (probs - tt.softmax(logits, dim=1)).abs().amax().item()
assert err < 1e-5, err
targets = tt.softmax(tt.randn(8, 5), dim=1)
per_row = nll(log_softmax(logits), targets)
print(tuple(per_row.shape), per_row.mean().item())
