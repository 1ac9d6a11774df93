"""Loss inputs whose shapes disagree are errors (``mse_loss`` never broadcasts, statically either)."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Matrix, Vector, nn

B = TypeVar("B")

pred = tt.zeros(4, 1)
target4 = tt.zeros(4)
target8 = tt.zeros(8, 1)
nn.mse_loss(pred, target4)  # E: mse_loss: "target" is Tensor[4], expected Tensor[4, 1] (1 dim, expected 2; S = (4, 1) from "input")  [shape]
nn.mse_loss(pred, target8)  # E: mse_loss: "target" is Tensor[8, 1], expected Tensor[4, 1] (dim 0: 8 != 4; S = (4, 1) from "input")  [shape]
nn.mse_loss(pred, tt.zeros(4, 2))  # E: mse_loss: "target" is Tensor[4, 2], expected Tensor[4, 1] (last dim: 2 != 1; S = (4, 1) from "input")  [shape]
nn.mse_loss(pred, target4, reduction="none")  # E: mse_loss: "target" is Tensor[4], expected Tensor[4, 1]
nn.mse_loss(pred, pred, reduction="max")  # E: No overload variant of "mse_loss" matches argument types
nn.MSELoss()(pred, target4)  # E: MSELoss[Literal['mean']]: "target" is Tensor[4], expected Tensor[4, 1] (1 dim, expected 2; S = (4, 1) from "input")  [shape]
nn.MSELoss(reduction="max")  # E: No overload variant of "MSELoss" matches argument type "str"
nn.binary_cross_entropy(pred, target4)  # E: binary_cross_entropy: "target" is Tensor[4], expected Tensor[4, 1] (1 dim, expected 2; S = (4, 1) from "input")  [shape]
nn.BCELoss()(pred.sigmoid(), target8)  # E: BCELoss[Literal['mean']]: "target" is Tensor[8, 1], expected Tensor[4, 1] (dim 0: 8 != 4; S = (4, 1) from "input")  [shape]

logits = tt.zeros(32, 10)
labels16 = tt.zeros(16, dtype="int64")
labels2d = tt.zeros(32, 1, dtype="int64")
labels = tt.zeros(32, dtype="int64")
nn.cross_entropy(logits, labels16)  # E: cross_entropy: "target" is Tensor[16], expected Tensor[32] (dim 0: 16 != 32; B = 32 from "input")  [shape]
nn.cross_entropy(logits, labels2d)  # E: cross_entropy: "target" is Tensor[32, 1], expected Tensor[32] (2 dims, expected 1
nn.cross_entropy(tt.zeros(10), labels16)  # E: cross_entropy: "input" is Tensor[10], expected Tensor[B, C, *D] (1 dim, expected at least 2)  [shape]
nn.CrossEntropyLoss()(logits, labels16)  # E: CrossEntropyLoss[Literal['mean']]: "target" is Tensor[16], expected Tensor[32] (dim 0: 16 != 32; B = 32 from "input")  [shape]

# The K-dimensional form: labels must have the logits' shape without the class dim.
nn.cross_entropy(tt.zeros(8, 5, 16, 16), tt.zeros(8, 5, 16, dtype="int64"))  # E: cross_entropy: "target" is Tensor[8, 5, 16], expected Tensor[8, 16, 16]
nn.nll_loss(logits, labels16)  # E: nll_loss: "target" is Tensor[16], expected Tensor[32] (dim 0: 16 != 32; B = 32 from "input")  [shape]
nn.cross_entropy(logits, labels16, reduction="none")  # E: cross_entropy: "target" is Tensor[16], expected Tensor[32]
nn.cross_entropy(logits, logits[0], reduction="mean", label_smoothing="0.1")  # E: cross_entropy: "target" is Tensor[10], expected Tensor[32]  # E: No overload variant of "cross_entropy" matches argument types
nn.l1_loss(pred, target8)  # E: l1_loss: "target" is Tensor[8, 1], expected Tensor[4, 1] (dim 0: 8 != 4; S = (4, 1) from "input")  [shape]
nn.smooth_l1_loss(pred, pred, beta="1")  # E: No overload variant of "smooth_l1_loss" matches argument types
nn.binary_cross_entropy_with_logits(pred, target4)  # E: binary_cross_entropy_with_logits: "target" is Tensor[4], expected Tensor[4, 1] (1 dim, expected 2; S = (4, 1) from "input")  [shape]
nn.L1Loss(reduction="sum")(pred, target8)  # E: L1Loss[Literal['sum']]: "target" is Tensor[8, 1], expected Tensor[4, 1]

# reduction="none" is not a Scalar: backward() needs one.
nn.mse_loss(pred, pred, reduction="none").backward()  # E: Invalid self argument "Tensor[Literal[4], Literal[1]]" to attribute function "backward"
nn.CrossEntropyLoss(reduction="none")(logits, labels).backward()  # E: Invalid self argument "Tensor[Literal[32]]" to attribute function "backward"
per: Vector[L[16]] = nn.cross_entropy(logits, labels, reduction="none")  # E: No overload variant of "cross_entropy" matches argument types

# A loss is a Scalar: it is not a tensor of the input's shape, and backward() needs it.
per_sample: Vector[L[4]] = nn.mse_loss(pred, pred)  # E: Incompatible types in assignment (expression has type "Tensor[()]", variable has type "Tensor[Literal[4]]")
nn.mse_loss(pred, pred).backward()
pred.backward()  # E: Invalid self argument "Tensor[Literal[4], Literal[1]]" to attribute function "backward" with type "Callable[[Tensor[()], bool], None]"


def loss_fn(out: Matrix[B, L[10]], y: Vector[B]) -> None:
    nn.mse_loss(out, y)  # E: mse_loss: "target" is Tensor[B], expected Tensor[B, 10] (1 dim, expected 2; S = (B, 10) from "input")  [shape]
