"""Losses give a ``Scalar`` (so ``backward()`` type-checks) from inputs whose shapes agree."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L
from typing import TypeVar, reveal_type

import typedtorch as tt
from typedtorch import Matrix, Scalar, Vector, nn

B = TypeVar("B")

pred = tt.zeros(4, 1)
target = tt.zeros(4, 1)
logits = tt.zeros(32, 10)
labels = tt.zeros(32, dtype="int64")
reveal_type(nn.mse_loss(pred, target))  # R: typedtorch._tensor.Tensor[()]
reveal_type(nn.mse_loss(pred, target, reduction="sum"))  # R: typedtorch._tensor.Tensor[()]
reveal_type(nn.mse_loss(tt.zeros(2, 3, 4), tt.ones(2, 3, 4)))  # R: typedtorch._tensor.Tensor[()]
reveal_type(nn.cross_entropy(logits, labels))  # R: typedtorch._tensor.Tensor[()]
reveal_type(nn.binary_cross_entropy(pred.sigmoid(), target))  # R: typedtorch._tensor.Tensor[()]
reveal_type(nn.MSELoss()(pred, target))  # R: typedtorch._tensor.Tensor[()]
reveal_type(nn.MSELoss(reduction="sum")(pred, target))  # R: typedtorch._tensor.Tensor[()]
reveal_type(nn.CrossEntropyLoss()(logits, labels))  # R: typedtorch._tensor.Tensor[()]
reveal_type(nn.BCELoss()(pred.sigmoid(), target))  # R: typedtorch._tensor.Tensor[()]
nn.mse_loss(pred, target).backward()
nn.cross_entropy(logits, labels).backward()

# Data whose shape mypy cannot see flows in (the runtime check covers it).
reveal_type(nn.cross_entropy(tt.tensor([[0.0, 1.0]]), tt.tensor([1])))  # R: typedtorch._tensor.Tensor[()]


def classifier_loss(out: Matrix[B, L[10]], y: Vector[B]) -> Scalar:
    return nn.cross_entropy(out, y)


def regression_loss(out: Matrix[B, L[1]], y: Matrix[B, L[1]]) -> Scalar:
    return nn.mse_loss(out, y)


model = nn.Linear(784, 128) >> nn.ReLU() >> nn.Linear(128, 10)
reveal_type(classifier_loss(model(tt.zeros(32, 784)), labels))  # R: typedtorch._tensor.Tensor[()]
