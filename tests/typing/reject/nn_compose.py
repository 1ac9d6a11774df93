"""A mismatched chain is an error in both composition forms, and so is a wrong input or output."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Matrix, nn

B = TypeVar("B")

# ---- `>>`: the step that does not fit is named.
nn.Linear(784, 128) >> nn.Linear(100, 10)  # E: Unsupported operand types for >> ("Linear[Literal[784], Literal[128]]" and "Linear[Literal[100], Literal[10]]")
nn.Linear(784, 128) >> nn.ReLU() >> nn.Linear(100, 10)  # E: Unsupported operand types for >> ("Sequential[Literal[784], Literal[128]]" and "Linear[Literal[100], Literal[10]]")
nn.Linear(784, 128) >> nn.ReLU() >> nn.Linear(128, 64) >> nn.Tanh() >> nn.Linear(128, 10)  # E: Unsupported operand types for >> ("Sequential[Literal[784], Literal[64]]" and "Linear[Literal[128], Literal[10]]")
nn.ReLU() >> nn.Linear(3, 4) >> nn.Linear(3, 4)  # E: Unsupported operand types for >> ("Sequential[Literal[3], Literal[4]]" and "Linear[Literal[3], Literal[4]]")
nn.Linear(2, 3) >> nn.ReLU() >> nn.Dropout() >> nn.Linear(4, 1)  # E: Unsupported operand types for >>
nn.Flatten() >> nn.Linear(784, 10) >> nn.Linear(100, 2)  # E: Unsupported operand types for >>
nn.Linear(3, 4) >> 5  # E: Unsupported operand types for >> ("Linear[Literal[3], Literal[4]]" and "int")

encoder = nn.Linear(784, 64) >> nn.ReLU()
decoder = nn.Linear(32, 784) >> nn.Sigmoid()
encoder >> decoder  # E: Unsupported operand types for >> ("Sequential[Literal[784], Literal[64]]" and "Sequential[Literal[32], Literal[784]]")


class Residual(nn.Module):
    def __call__(self, x: Matrix[B, L[16]]) -> Matrix[B, L[16]]:
        return x


nn.Linear(4, 8) >> Residual()  # E: Unsupported operand types for >> ("Linear[Literal[4], Literal[8]]" and "Residual")

# ---- Sequential(...): mypy cannot solve the sizes between the layers.
nn.Sequential(nn.Linear(784, 128), nn.Linear(100, 10))  # E: Cannot infer value of type parameter "T1" of "Sequential"
nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(100, 10))  # E: Cannot infer value of type parameter "T1" of "Sequential"
nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.Linear(128, 10))  # E: Cannot infer value of type parameter
nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.Linear(100, 10))  # E: Cannot infer value of type parameter
nn.Sequential(nn.Linear(4, 8), Residual())  # E: Cannot infer value of type parameter "T1" of "Sequential"
nn.Sequential(nn.Linear(4, 8), "relu")  # E: No overload variant of "Sequential" matches argument types

# ---- the composed model checks its input and output like a layer.
mlp = nn.Linear(784, 128) >> nn.ReLU() >> nn.Linear(128, 10)
seq = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
x100 = tt.zeros(32, 100)
mlp(x100)  # E: Argument 1 to "__call__" of "Sequential" has incompatible type "Tensor[Literal[32], Literal[100]]"; expected "Tensor[Literal[32], Literal[784]]"
seq(x100)  # E: Argument 1 to "__call__" of "Sequential" has incompatible type "Tensor[Literal[32], Literal[100]]"; expected "Tensor[Literal[32], Literal[784]]"
out: Matrix[L[32], L[5]] = mlp(tt.zeros(32, 784))  # E: Incompatible types in assignment
# The declared type is pushed into the chain, so the last step is reported.
wrong: nn.Sequential[L[784], L[5]] = nn.Linear(784, 128) >> nn.ReLU() >> nn.Linear(128, 10)  # E: Unsupported operand types for >> ("Sequential[Literal[784], Literal[128]]" and "Linear[Literal[128], Literal[10]]")
mlp(tt.zeros(32, 28, 28))  # E: Argument 1 to "__call__" of "Sequential" has incompatible type


def predict(model: nn.Sequential[L[784], L[10]], x: Matrix[B, L[784]]) -> Matrix[B, L[10]]:
    return model(x)


predict(nn.Linear(784, 128) >> nn.ReLU() >> nn.Linear(128, 5), tt.zeros(2, 784))  # E: Unsupported operand types for >> ("Sequential[Literal[784], Literal[128]]" and "Linear[Literal[128], Literal[5]]")
