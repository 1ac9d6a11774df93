"""Plugin: the kept literal sizes are checked like any other."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Final
from typing import Literal as L

import typedtorch as tt
from typedtorch import Matrix, nn

SHAPE: Final = (4, 2)
N_IN: Final[int] = 784
wrong: Matrix[L[4], L[3]] = tt.zeros(*SHAPE)  # E: Incompatible types in assignment (expression has type "Tensor[Literal[4], Literal[2]]"
tt.zeros(*SHAPE) @ tt.zeros(3, 5)  # E: matmul: inner dimensions differ: Tensor[4, 2] @ Tensor[3, 5] (2 != 3)
nn.Linear(N_IN, 10)(tt.zeros(32, 100))  # E: Linear[784, 10]: input is Tensor[32, 100], expected Tensor[32, 784] (last dim: 100 != 784)
tt.full(SHAPE, 0.5) + tt.zeros(2, 4)  # E: add: shapes do not broadcast: Tensor[4, 2] + Tensor[2, 4] (dim 0: 4 != 2)

# A size tuple written out carries its constants into the types: the targets are (4, 8).
Bs, Ts, VOCAB = 4, 8, 65
nn.cross_entropy(tt.zeros(Bs, Ts, VOCAB), tt.randint(0, VOCAB, (Bs, Ts)))  # E: cross_entropy: "target" is Tensor[4, 8], expected Tensor[4, 65]
