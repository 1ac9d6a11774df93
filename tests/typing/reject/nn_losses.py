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
nn.mse_loss(pred, target4)  # E: Cannot infer value of type parameter "S" of "mse_loss"
nn.mse_loss(pred, target8)  # E: Cannot infer value of type parameter "S" of "mse_loss"
nn.mse_loss(pred, tt.zeros(4, 2))  # E: Cannot infer value of type parameter "S" of "mse_loss"
nn.mse_loss(pred, target4, reduction="none")  # E: Argument "reduction" to "mse_loss" has incompatible type "Literal['none']"
nn.MSELoss()(pred, target4)  # E: Cannot infer value of type parameter "S" of "__call__" of "MSELoss"
nn.MSELoss(reduction="max")  # E: Argument "reduction" to "MSELoss" has incompatible type "Literal['max']"
nn.binary_cross_entropy(pred, target4)  # E: Cannot infer value of type parameter "S" of "binary_cross_entropy"
nn.BCELoss()(pred.sigmoid(), target8)  # E: Cannot infer value of type parameter "S" of "__call__" of "BCELoss"

logits = tt.zeros(32, 10)
labels16 = tt.zeros(16, dtype="int64")
labels2d = tt.zeros(32, 1, dtype="int64")
nn.cross_entropy(logits, labels16)  # E: Cannot infer value of type parameter "B" of "cross_entropy"
nn.cross_entropy(logits, labels2d)  # E: Argument 2 to "cross_entropy" has incompatible type "Tensor[Literal[32], Literal[1]]"
nn.cross_entropy(tt.zeros(10), labels16)  # E: Argument 1 to "cross_entropy" has incompatible type "Tensor[Literal[10]]"
nn.CrossEntropyLoss()(logits, labels16)  # E: Cannot infer value of type parameter "B" of "__call__" of "CrossEntropyLoss"

# A loss is a Scalar: it is not a tensor of the input's shape, and backward() needs it.
per_sample: Vector[L[4]] = nn.mse_loss(pred, pred)  # E: Incompatible types in assignment (expression has type "Tensor[()]", variable has type "Tensor[Literal[4]]")
nn.mse_loss(pred, pred).backward()
pred.backward()  # E: Invalid self argument "Tensor[Literal[4], Literal[1]]" to attribute function "backward" with type "Callable[[Tensor[()], bool], None]"


def loss_fn(out: Matrix[B, L[10]], y: Vector[B]) -> None:
    nn.mse_loss(out, y)  # E: Cannot infer value of type parameter "S" of "mse_loss"
