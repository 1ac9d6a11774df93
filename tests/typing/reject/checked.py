"""A checked function is still checked statically: the mistakes ``@tt.checked``
catches at run time are type errors first, when the shapes are known."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Matrix, Scalar

B = TypeVar("B")

W = tt.randn(784, 10)


@tt.checked
def logits(x: Matrix[B, L[784]]) -> Matrix[B, L[10]]:
    return x @ W


@tt.checked
def mse(pred: Matrix[B, L[10]], target: Matrix[B, L[10]]) -> Scalar:
    d = pred - target
    return (d * d).mean()


batch = tt.randn(32, 100)
logits(batch)  # E: Argument 1 to "logits" has incompatible type "Tensor[Literal[32], Literal[100]]"; expected "Tensor[Literal[32], Literal[784]]"  [arg-type]
mse(logits(tt.randn(32, 784)), tt.zeros(16, 10))  # E: Cannot infer value of type parameter "B" of "mse"  [misc]
tt.checked(3)  # E: Value of type variable "F" of "checked" cannot be "int"
tt.install_import_hook(["mypkg"])  # E: Argument 1 to "install_import_hook" has incompatible type "list[str]"; expected "str"
