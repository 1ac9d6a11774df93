"""Plugin: a loss of mismatched shapes names the dims, and what fixed them."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Matrix, Vector, nn

B = TypeVar("B")

pred = tt.zeros(32, 1)
nn.mse_loss(pred, tt.zeros(32))  # E: mse_loss: "target" is Tensor[32], expected Tensor[32, 1] (1 dim, expected 2; S = (32, 1) from "input")  [shape]
nn.mse_loss(pred, tt.zeros(16, 1))  # E: mse_loss: "target" is Tensor[16, 1], expected Tensor[32, 1] (dim 0: 16 != 32; S = (32, 1) from "input")
nn.MSELoss()(pred, tt.zeros(32, 2))  # E: MSELoss[Literal['mean']]: "target" is Tensor[32, 2], expected Tensor[32, 1] (last dim: 2 != 1; S = (32, 1) from "input")
nn.binary_cross_entropy(pred, tt.zeros(32))  # E: binary_cross_entropy: "target" is Tensor[32], expected Tensor[32, 1]
nn.cross_entropy(tt.zeros(32, 10), tt.zeros(16))  # E: cross_entropy: "target" is Tensor[16], expected Tensor[32] (dim 0: 16 != 32; B = 32 from "input")
nn.cross_entropy(tt.zeros(32, 10), tt.zeros(32, 1))  # E: cross_entropy: "target" is Tensor[32, 1], expected Tensor[32] (2 dims, expected 1
nn.CrossEntropyLoss()(tt.zeros(10), tt.zeros(10))  # E: CrossEntropyLoss[Literal['mean']]: "input" is Tensor[10], expected Tensor[B, C, *D] (1 dim, expected at least 2)
# The shape is reported, and the other arguments are still checked.
nn.mse_loss(pred, tt.zeros(32), reduction="max")  # E: mse_loss: "target" is Tensor[32]  # E: No overload variant of "mse_loss" matches argument types


def batch_mismatch(logits: Matrix[B, L[10]], labels: Vector[L[64]]) -> None:
    nn.cross_entropy(logits, labels)  # E: cross_entropy: "target" is Tensor[64], expected Tensor[B] (dim 0: 64 != B; B from "input")
