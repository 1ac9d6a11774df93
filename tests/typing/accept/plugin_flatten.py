"""Plugin: ``flatten`` multiplies literal sizes (``tt.flatten``, ``x.flatten``, ``nn.Flatten()``)."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Any, TypeVar, reveal_type
from typing import Literal as L

import typedtorch as tt
from typedtorch import Matrix, Tensor, nn

B = TypeVar("B")
C = TypeVar("C")

images = tt.zeros(64, 28, 28)
reveal_type(images.flatten())  # R: typedtorch._tensor.Tensor[Literal[50176]]
reveal_type(images.flatten(1))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[784]]
reveal_type(images.flatten(start_dim=1))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[784]]
reveal_type(images.flatten(0, 1))  # R: typedtorch._tensor.Tensor[Literal[1792], Literal[28]]
reveal_type(images.flatten(-2, -1))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[784]]
reveal_type(images.flatten(1, 1))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[28], Literal[28]]
reveal_type(tt.flatten(images, start_dim=1))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[784]]
reveal_type(tt.flatten(images, 0, -1))  # R: typedtorch._tensor.Tensor[Literal[50176]]
reveal_type(nn.Flatten()(images))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[784]]
reveal_type(tt.zeros().flatten())  # R: typedtorch._tensor.Tensor[Literal[1]]


# A symbolic dim passes through; merging it with another would need arithmetic on a
# symbol, so that size is Any (never a wrong number).
def batch(x: Tensor[B, L[28], L[28]]) -> Matrix[B, L[784]]:
    reveal_type(x.flatten(1))  # R: typedtorch._tensor.Tensor[B, Literal[784]]
    reveal_type(nn.Flatten()(x))  # R: typedtorch._tensor.Tensor[B, Literal[784]]
    reveal_type(x.flatten())  # R: typedtorch._tensor.Tensor[Any]
    return nn.Flatten()(x)


def channels(x: Tensor[B, C, L[28]]) -> None:
    reveal_type(x.flatten(1))  # R: typedtorch._tensor.Tensor[B, Any]
    reveal_type(x.flatten(2))  # R: typedtorch._tensor.Tensor[B, C, Literal[28]]


# A shape mypy does not know stays as the overloads type it.
unknown: Tensor[*tuple[Any, ...]] = tt.tensor([[1.0]])
reveal_type(unknown.flatten(1))  # R: typedtorch._tensor.Tensor[Any, Any]

# The flattened size flows into the next layer's check.
classifier = nn.Linear(784, 10)
reveal_type(classifier(nn.Flatten()(images)))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[10]]
