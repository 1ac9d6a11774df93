"""Plugin: a mismatched chain is reported on the layer that does not fit."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal, TypeVar

import typedtorch as tt
from typedtorch import Matrix, nn

B = TypeVar("B")

model = nn.Sequential(
    nn.Linear(784, 128),
    nn.ReLU(),
    nn.Linear(100, 10),  # E: Sequential: layer 2 (Linear[100, 10]) cannot take Tensor[B, 128] from layer 1 (ReLU): expected Tensor[B, 100] (last dim: 128 != 100)  [shape]
    nn.ReLU(),
)
nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(60, 10))  # E: Sequential: layer 4 (Linear[60, 10]) cannot take Tensor[B, 64] from layer 3 (ReLU): expected Tensor[B, 60] (last dim: 64 != 60)
nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.Linear(100, 10))  # E: Sequential: layer 2 (Linear[100, 10]) cannot take Tensor[B, 128] from layer 1 (Linear[784, 128])


class Block(nn.Module):
    def __call__(self, x: Matrix[B, Literal[64]]) -> Matrix[B, Literal[64]]:
        return x


nn.Sequential(nn.Linear(784, 32), nn.ReLU(), Block())  # E: Sequential: layer 2 (Block) cannot take Tensor[B, 32] from layer 1 (ReLU): expected Tensor[B, 64] (last dim: 32 != 64)
nn.Sequential(nn.Linear(4, 8), "relu")  # E: No overload variant of "Sequential" matches argument types

# The model it builds is checked like a layer.
mlp = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10), nn.ReLU())
mlp(tt.zeros(8, 100))  # E: Sequential[784, 10]: input is Tensor[8, 100], expected Tensor[8, 784] (last dim: 100 != 784)
small: nn.Sequential[Literal[784], Literal[5]] = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10), nn.ReLU())  # E: Incompatible types in assignment (expression has type "Sequential[Literal[784], Literal[10]]"

# `>>` names the step.
nn.Linear(784, 128) >> nn.ReLU() >> nn.Linear(100, 10)  # E: >>: Linear[100, 10] cannot take Tensor[B, 128] from Sequential[784, 128]: expected Tensor[B, 100] (last dim: 128 != 100)  [shape]
nn.Flatten() >> nn.Linear(784, 10) >> Block()  # E: >>: Block cannot take Tensor[B, 10] from Linear[784, 10]: expected Tensor[B, 64] (last dim: 10 != 64)  [shape]
nn.Linear(3, 4) >> 5  # E: Unsupported operand types for >> ("Linear[Literal[3], Literal[4]]" and "int")
nn.Sequential(nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(4, 4), nn.ReLU())  # E: Sequential: layer 10 (Linear[4, 4]) cannot take Tensor[B, 8] from layer 9 (ReLU)
