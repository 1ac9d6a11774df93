"""Plugin: losses of matching shapes type as before (a Scalar)."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L
from typing import TypeVar, reveal_type

import typedtorch as tt
from typedtorch import Matrix, Scalar, Vector, nn

B = TypeVar("B")

pred = tt.zeros(32, 1)
reveal_type(nn.mse_loss(pred, tt.ones(32, 1)))  # R: typedtorch._tensor.Tensor[()]
reveal_type(nn.mse_loss(pred, tt.ones(32, 1), reduction="sum"))  # R: typedtorch._tensor.Tensor[()]
reveal_type(nn.MSELoss()(pred, tt.ones(32, 1)))  # R: typedtorch._tensor.Tensor[()]
reveal_type(nn.binary_cross_entropy(pred.sigmoid(), tt.zeros(32, 1)))  # R: typedtorch._tensor.Tensor[()]
reveal_type(nn.cross_entropy(tt.zeros(32, 10), tt.zeros(32, dtype="int64")))  # R: typedtorch._tensor.Tensor[()]
reveal_type(nn.CrossEntropyLoss()(tt.zeros(32, 10), tt.zeros(32, dtype="int64")))  # R: typedtorch._tensor.Tensor[()]


def loss(logits: Matrix[B, L[10]], labels: Vector[B]) -> Scalar:
    return nn.cross_entropy(logits, labels)
