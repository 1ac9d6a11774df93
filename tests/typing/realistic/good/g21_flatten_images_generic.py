"""Flattening a batch of images inside a generic function keeps the batch dim.

Style: ``x.flatten(1)`` / ``tt.flatten(x, start_dim=1)`` / ``x.reshape(x.shape[0], -1)``
of ``Tensor[B, 28, 28]``, fed to a ``Linear(28 * 28, 10)``.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

B = TypeVar("B")

head = nn.Linear(28 * 28, 10)


def logits(images: Tensor[B, L[28], L[28]]) -> Tensor[B, L[10]]:
    return head(images.flatten(1))


def logits_functional(images: Tensor[B, L[28], L[28]]) -> Tensor[B, L[10]]:
    return head(tt.flatten(images, start_dim=1))


def logits_reshape(images: Tensor[B, L[28], L[28]]) -> tt.Tensor:
    return head(images.reshape(images.shape[0], -1))


x = tt.rand(3, 28, 28)
a, b, c = logits(x), logits_functional(x), logits_reshape(x)
print(tuple(a.shape), (a - b).abs().amax().item(), (a - c).abs().amax().item())
