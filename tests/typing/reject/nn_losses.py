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
nn.mse_loss(pred, target4, reduction="none")  # E: Argument "reduction" to "mse_loss" has incompatible type "Literal['none']"
nn.MSELoss()(pred, target4)  # E: MSELoss: "target" is Tensor[4], expected Tensor[4, 1] (1 dim, expected 2; S = (4, 1) from "input")  [shape]
nn.MSELoss(reduction="max")  # E: Argument "reduction" to "MSELoss" has incompatible type "Literal['max']"
nn.binary_cross_entropy(pred, target4)  # E: binary_cross_entropy: "target" is Tensor[4], expected Tensor[4, 1] (1 dim, expected 2; S = (4, 1) from "input")  [shape]
nn.BCELoss()(pred.sigmoid(), target8)  # E: BCELoss: "target" is Tensor[8, 1], expected Tensor[4, 1] (dim 0: 8 != 4; S = (4, 1) from "input")  [shape]

logits = tt.zeros(32, 10)
labels16 = tt.zeros(16, dtype="int64")
labels2d = tt.zeros(32, 1, dtype="int64")
nn.cross_entropy(logits, labels16)  # E: cross_entropy: "target" is Tensor[16], expected Tensor[32] (dim 0: 16 != 32; B = 32 from "input")  [shape]
nn.cross_entropy(logits, labels2d)  # E: cross_entropy: "target" is Tensor[32, 1], expected Tensor[32] (2 dims, expected 1)  [shape]
nn.cross_entropy(tt.zeros(10), labels16)  # E: cross_entropy: "input" is Tensor[10], expected Tensor[B, C] (1 dim, expected 2)  [shape]
nn.CrossEntropyLoss()(logits, labels16)  # E: CrossEntropyLoss: "target" is Tensor[16], expected Tensor[32] (dim 0: 16 != 32; B = 32 from "input")  [shape]

# A loss is a Scalar: it is not a tensor of the input's shape, and backward() needs it.
per_sample: Vector[L[4]] = nn.mse_loss(pred, pred)  # E: Incompatible types in assignment (expression has type "Tensor[()]", variable has type "Tensor[Literal[4]]")
nn.mse_loss(pred, pred).backward()
pred.backward()  # E: Invalid self argument "Tensor[Literal[4], Literal[1]]" to attribute function "backward" with type "Callable[[Tensor[()], bool], None]"


def loss_fn(out: Matrix[B, L[10]], y: Vector[B]) -> None:
    nn.mse_loss(out, y)  # E: mse_loss: "target" is Tensor[B], expected Tensor[B, 10] (1 dim, expected 2; S = (B, 10) from "input")  [shape]
