"""Plugin: a flattened size that does not fit, and dims out of range."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L

import typedtorch as tt
from typedtorch import Matrix, nn

images = tt.zeros(64, 28, 28)
images.flatten(3)  # E: flatten: start_dim=3 is out of range for Tensor[64, 28, 28] (rank 3)  [shape]
tt.flatten(images, 0, -4)  # E: flatten: end_dim=-4 is out of range for Tensor[64, 28, 28] (rank 3)
images.flatten(2, 1)  # E: flatten: start_dim=2 comes after end_dim=1 for Tensor[64, 28, 28]
nn.Linear(100, 10)(nn.Flatten()(images))  # E: Linear[100, 10]: input is Tensor[64, 784], expected Tensor[64, 100] (last dim: 784 != 100)
nn.Flatten()(tt.zeros())  # E: Flatten: input is Tensor[()], expected at least 1 dim, got 0
small: Matrix[L[64], L[100]] = images.flatten(1)  # E: Incompatible types in assignment (expression has type "Tensor[Literal[64], Literal[784]]", variable has type "Tensor[Literal[64], Literal[100]]")

# Plain mypy accepts this one (a Tensor[Any] counts as any rank); the plugin knows
# the flattened size, 8, and the rank, 1.
flat: Matrix[L[4], L[2]] = tt.zeros(4, 2).flatten()  # E: Incompatible types in assignment (expression has type "Tensor[Literal[8]]"
