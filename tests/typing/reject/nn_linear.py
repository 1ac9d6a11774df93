"""``nn.Linear`` called on the wrong feature size, or built from something that is not a size."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Matrix, Tensor, nn

B = TypeVar("B")

fc = nn.Linear(784, 128)
x100 = tt.zeros(64, 100)
fc(x100)  # E: Linear[784, 128]: input is Tensor[64, 100], expected Tensor[64, 784] (last dim: 100 != 784)  [shape]
fc(tt.zeros(64, 100))  # E: Linear[784, 128]: input is Tensor[64, 100], expected Tensor[64, 784] (last dim: 100 != 784)  [shape]
fc(tt.zeros(5, 64, 100))  # E: Linear[784, 128]: input is Tensor[5, 64, 100], expected Tensor[5, 64, 784] (last dim: 100 != 784)  [shape]
fc(tt.zeros(784, 64))  # E: Linear[784, 128]: input is Tensor[784, 64], expected Tensor[784, 784] (last dim: 64 != 784)  [shape]
y: Matrix[L[64], L[10]] = fc(tt.zeros(64, 784))  # E: Incompatible types in assignment
declared: nn.Linear[L[784], L[10]] = nn.Linear(784, 128)  # E: Incompatible types in assignment (expression has type "Linear[Literal[784], Literal[128]]", variable has type "Linear[Literal[784], Literal[10]]")  [assignment]
nn.Linear("784", 128)  # E: Value of type variable "In" of "Linear" cannot be "Literal['784']"
nn.Linear(784, 12.5)  # E: Value of type variable "Out" of "Linear" cannot be "float"
fc.weight = tt.zeros(128, 784)  # E: Incompatible types in assignment (expression has type "Tensor[Literal[128], Literal[784]]", variable has type "Tensor[Literal[784], Literal[128]]")  [assignment]


def wrong_input(x: Matrix[B, L[100]]) -> Matrix[B, L[128]]:
    return fc(x)  # E: Linear[784, 128]: input is Tensor[B, 100], expected Tensor[B, 784] (last dim: 100 != 784)  [shape]


def wrong_output(x: Matrix[B, L[784]]) -> Matrix[B, L[10]]:
    return fc(x)  # E: Incompatible return value type (got "Tensor[B, Literal[128]]", expected "Tensor[B, Literal[10]]")


def scalar_input(x: Tensor[()]) -> None:
    fc(x)  # E: Linear[784, 128]: input is Tensor[()], expected Tensor[*P, 784] (0 dims, expected at least 1)  [shape]
