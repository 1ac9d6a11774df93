"""``tt.grad`` needs a Scalar-valued ``f``, and checks the parameters and arguments it is given."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L

import typedtorch as tt
from typedtorch import Matrix, Scalar, Vector


def loss_w(w: Vector[L[3]], x: Matrix[L[5], L[3]]) -> Scalar:
    return (x @ w).sum()


def not_scalar(w: Vector[L[3]], /) -> Vector[L[3]]:
    return w * 2


def loss_tuple(p: tuple[Matrix[L[3], L[2]], Vector[L[2]]], /) -> Scalar:
    return p[0].sum() + p[1].sum()


w = tt.zeros(3)
x = tt.zeros(5, 3)
dloss = tt.grad(loss_w)

dloss(tt.zeros(4), x)  # E: Argument 1 has incompatible type "Tensor[Literal[4]]"; expected "Tensor[Literal[3]]"  [arg-type]
v4 = tt.zeros(4)
dloss(v4, x)  # E: Argument 1 has incompatible type "Tensor[Literal[4]]"; expected "Tensor[Literal[3]]"
dloss(w, tt.zeros(3, 5))  # E: [arg-type]
dloss(w)  # E: Too few arguments
dloss("w", x)  # E: Argument 1 has incompatible type "str"
tt.grad(not_scalar)  # E: Argument 1 to "grad" has incompatible type "Callable[[Tensor[Literal[3]]], Tensor[Literal[3]]]"; expected "Callable[[Tensor[Literal[3]]], Tensor[()]]"
bad_params = (tt.zeros(3, 2), tt.zeros(3))
tt.grad(loss_tuple)(bad_params)  # E: Argument 1 has incompatible type "tuple[Tensor[Literal[3], Literal[2]], Tensor[Literal[3]]]"
gw: Vector[L[4]] = dloss(w, x)  # E: Incompatible types in assignment (expression has type "Tensor[Literal[3]]", variable has type "Tensor[Literal[4]]")
