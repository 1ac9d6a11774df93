"""A mismatched chain is an error in both composition forms, and so is a wrong input or output."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Matrix, nn

B = TypeVar("B")

# ---- `>>`: the step that does not fit is named.
nn.Linear(784, 128) >> nn.Linear(100, 10)  # E: >>: Linear[100, 10] cannot take Tensor[B, 128] from Linear[784, 128]: expected Tensor[B, 100] (last dim: 128 != 100)  [shape]
nn.Linear(784, 128) >> nn.ReLU() >> nn.Linear(100, 10)  # E: >>: Linear[100, 10] cannot take Tensor[B, 128] from Sequential[784, 128]: expected Tensor[B, 100] (last dim: 128 != 100)  [shape]
nn.Linear(784, 128) >> nn.ReLU() >> nn.Linear(128, 64) >> nn.Tanh() >> nn.Linear(128, 10)  # E: >>: Linear[128, 10] cannot take Tensor[B, 64] from Sequential[784, 64]: expected Tensor[B, 128] (last dim: 64 != 128)  [shape]
nn.ReLU() >> nn.Linear(3, 4) >> nn.Linear(3, 4)  # E: >>: Linear[3, 4] cannot take Tensor[B, 4] from Sequential[3, 4]: expected Tensor[B, 3] (last dim: 4 != 3)  [shape]
nn.Linear(2, 3) >> nn.ReLU() >> nn.Dropout() >> nn.Linear(4, 1)  # E: >>: Linear[4, 1] cannot take Tensor[B, 3] from Sequential[2, 3]: expected Tensor[B, 4] (last dim: 3 != 4)  [shape]
nn.Flatten() >> nn.Linear(784, 10) >> nn.Linear(100, 2)  # E: >>: Linear[100, 2] cannot take Tensor[B, 10] from Linear[784, 10]: expected Tensor[B, 100] (last dim: 10 != 100)  [shape]
nn.Linear(3, 4) >> 5  # E: Unsupported operand types for >> ("Linear[Literal[3], Literal[4]]" and "int")

encoder = nn.Linear(784, 64) >> nn.ReLU()
decoder = nn.Linear(32, 784) >> nn.Sigmoid()
encoder >> decoder  # E: >>: Sequential[32, 784] cannot take Tensor[B, 64] from Sequential[784, 64]: expected Tensor[B, 32] (last dim: 64 != 32)  [shape]


class Residual(nn.Module):
    def __call__(self, x: Matrix[B, L[16]]) -> Matrix[B, L[16]]:
        return x


nn.Linear(4, 8) >> Residual()  # E: >>: Residual cannot take Tensor[B, 8] from Linear[4, 8]: expected Tensor[B, 16] (last dim: 8 != 16)  [shape]

# ---- Sequential(...): mypy cannot solve the sizes between the layers.
nn.Sequential(nn.Linear(784, 128), nn.Linear(100, 10))  # E: Sequential: layer 1 (Linear[100, 10]) cannot take Tensor[B, 128] from layer 0 (Linear[784, 128]): expected Tensor[B, 100] (last dim: 128 != 100)  [shape]
nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(100, 10))  # E: Sequential: layer 2 (Linear[100, 10]) cannot take Tensor[B, 128] from layer 1 (ReLU): expected Tensor[B, 100] (last dim: 128 != 100)  [shape]
nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.Linear(128, 10))  # E: Sequential: layer 3 (Linear[128, 10]) cannot take Tensor[B, 64] from layer 2 (Linear[128, 64]): expected Tensor[B, 128] (last dim: 64 != 128)  [shape]
nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.Linear(100, 10))  # E: Sequential: layer 2 (Linear[100, 10]) cannot take Tensor[B, 128] from layer 1 (Linear[784, 128]): expected Tensor[B, 100] (last dim: 128 != 100)  [shape]
nn.Sequential(nn.Linear(4, 8), Residual())  # E: Sequential: layer 1 (Residual) cannot take Tensor[B, 8] from layer 0 (Linear[4, 8]): expected Tensor[B, 16] (last dim: 8 != 16)  [shape]
nn.Sequential(nn.Linear(4, 8), "relu")  # E: No overload variant of "Sequential" matches argument types

# ---- the composed model checks its input and output like a layer.
mlp = nn.Linear(784, 128) >> nn.ReLU() >> nn.Linear(128, 10)
seq = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
x100 = tt.zeros(32, 100)
mlp(x100)  # E: Sequential[784, 10]: input is Tensor[32, 100], expected Tensor[32, 784] (last dim: 100 != 784)  [shape]
seq(x100)  # E: Sequential[784, 10]: input is Tensor[32, 100], expected Tensor[32, 784] (last dim: 100 != 784)  [shape]
out: Matrix[L[32], L[5]] = mlp(tt.zeros(32, 784))  # E: Incompatible types in assignment
# The mypy plugin types the chain from its layers, so the declared type is what is reported.
wrong: nn.Sequential[L[784], L[5]] = nn.Linear(784, 128) >> nn.ReLU() >> nn.Linear(128, 10)  # E: Incompatible types in assignment (expression has type "Sequential[Literal[784], Literal[10]]", variable has type "Sequential[Literal[784], Literal[5]]")
mlp(tt.zeros(32, 28, 28))  # E: Sequential[784, 10]: input is Tensor[32, 28, 28], expected Tensor[32, 28, 784] (last dim: 28 != 784)  [shape]


def predict(model: nn.Sequential[L[784], L[10]], x: Matrix[B, L[784]]) -> Matrix[B, L[10]]:
    return model(x)


predict(nn.Linear(784, 128) >> nn.ReLU() >> nn.Linear(128, 5), tt.zeros(2, 784))  # E: Argument 1 to "predict" has incompatible type "Sequential[Literal[784], Literal[5]]"; expected "Sequential[Literal[784], Literal[10]]"
