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


# reduction="none" keeps the per-element (pointwise) or per-sample (class-index) shape.
reveal_type(nn.mse_loss(pred, target, reduction="none"))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[1]]
reveal_type(nn.l1_loss(pred, target))  # R: typedtorch._tensor.Tensor[()]
reveal_type(nn.l1_loss(pred, target, reduction="none"))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[1]]
reveal_type(nn.smooth_l1_loss(pred, target, beta=0.5))  # R: typedtorch._tensor.Tensor[()]
reveal_type(nn.huber_loss(pred, target, "none", 2.0))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[1]]
reveal_type(nn.binary_cross_entropy_with_logits(pred, target, pos_weight=tt.ones(1)))  # R: typedtorch._tensor.Tensor[()]
reveal_type(nn.binary_cross_entropy(pred.sigmoid(), target, reduction="none"))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[1]]
reveal_type(nn.cross_entropy(logits, labels, reduction="none"))  # R: typedtorch._tensor.Tensor[Literal[32]]
reveal_type(nn.cross_entropy(logits, labels, tt.ones(10), ignore_index=0, label_smoothing=0.1))  # R: typedtorch._tensor.Tensor[()]
reveal_type(nn.nll_loss(logits.log_softmax(dim=1), labels))  # R: typedtorch._tensor.Tensor[()]
reveal_type(nn.nll_loss(logits.log_softmax(dim=1), labels, reduction="none"))  # R: typedtorch._tensor.Tensor[Literal[32]]

# The K-dimensional form: (N, C, d1, ...) logits with (N, d1, ...) labels, per pixel.
seg = tt.zeros(8, 5, 16, 16)
masks = tt.zeros(8, 16, 16, dtype="int64")
reveal_type(nn.cross_entropy(seg, masks))  # R: typedtorch._tensor.Tensor[()]
reveal_type(nn.cross_entropy(seg, masks, reduction="none"))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[16], Literal[16]]


def per_sample(out: Matrix[B, L[10]], y: Vector[B]) -> Vector[B]:
    return nn.cross_entropy(out, y, reduction="none")


# Module forms record their reduction in their type.
reveal_type(nn.MSELoss())  # R: typedtorch.nn._losses.MSELoss[Literal['mean']]
reveal_type(nn.MSELoss(reduction="none")(pred, target))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[1]]
reveal_type(nn.L1Loss(reduction="sum")(pred, target))  # R: typedtorch._tensor.Tensor[()]
reveal_type(nn.SmoothL1Loss(beta=0.1)(pred, target))  # R: typedtorch._tensor.Tensor[()]
reveal_type(nn.HuberLoss("none", delta=2.0)(pred, target))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[1]]
reveal_type(nn.BCEWithLogitsLoss(pos_weight=tt.ones(1))(pred, target))  # R: typedtorch._tensor.Tensor[()]
reveal_type(nn.CrossEntropyLoss(reduction="none")(logits, labels))  # R: typedtorch._tensor.Tensor[Literal[32]]
reveal_type(nn.CrossEntropyLoss(label_smoothing=0.1)(seg, masks))  # R: typedtorch._tensor.Tensor[()]
reveal_type(nn.NLLLoss(tt.ones(10), ignore_index=-1)(logits, labels))  # R: typedtorch._tensor.Tensor[()]
nn.CrossEntropyLoss()(logits, labels).backward()
