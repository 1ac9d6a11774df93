"""Plugin: ``cat`` needs equal dims except along ``dim``; ``stack`` needs equal shapes."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L

import typedtorch as tt
from typedtorch import Tensor

a = tt.zeros(2, 3)
tt.cat([a, tt.zeros(2, 4)])  # E: cat: tensors 0 and 1 differ in dim 1: Tensor[2, 3] and Tensor[2, 4] (3 != 4); only dim 0 may differ  [shape]
tt.cat([a, a, tt.zeros(5, 3)], dim=1)  # E: cat: tensors 0 and 2 differ in dim 0: Tensor[2, 3] and Tensor[5, 3] (2 != 5); only dim 1 may differ
tt.cat([a, tt.zeros(3)])  # E: cat: tensors 0 and 1 have different ranks: Tensor[2, 3] and Tensor[3]
tt.cat([a, a], dim=2)  # E: cat: dim=2 is out of range for rank-2 tensors
tt.cat([tt.zeros(), tt.zeros()])  # E: cat: Scalars cannot be concatenated (use stack)
tt.stack([a, tt.zeros(3, 2)])  # E: stack: tensors 0 and 1 have different shapes: Tensor[2, 3] and Tensor[3, 2] (dim 0: 2 != 3); stack needs equal shapes
tt.stack([a, tt.zeros(2, 3, 1)])  # E: stack: tensors 0 and 1 have different shapes: Tensor[2, 3] and Tensor[2, 3, 1]; stack needs equal shapes
tt.stack([a, a], dim=3)  # E: stack: dim=3 is out of range for stacking rank-2 tensors (from -3 to 2)
wrong: Tensor[L[4], L[3]] = tt.cat([a, tt.zeros(3, 3)])  # E: Incompatible types in assignment (expression has type "Tensor[Literal[5], Literal[3]]"
