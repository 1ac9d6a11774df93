"""``@tt.checked`` keeps a function's static type: mypy checks its calls as before."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L
from typing import TypeVar, reveal_type

import typedtorch as tt
from typedtorch import Matrix, Scalar, Vector

B = TypeVar("B")
N = TypeVar("N")


@tt.checked
def mse(pred: Matrix[B, L[10]], target: Matrix[B, L[10]]) -> Scalar:
    d = pred - target
    return (d * d).mean()


@tt.checked
def row_sums(x: Matrix[B, N]) -> Vector[B]:
    return x.sum(dim=1)


@tt.checked
class Scale:
    def __call__(self, x: Vector[N]) -> Vector[N]:
        return x * 2.0


reveal_type(mse)  # R: def [B] (pred: typedtorch._tensor.Tensor[B, Literal[10]], target: typedtorch._tensor.Tensor[B, Literal[10]]) -> typedtorch._tensor.Tensor[()]
reveal_type(mse(tt.zeros(32, 10), tt.zeros(32, 10)))  # R: typedtorch._tensor.Tensor[()]
reveal_type(row_sums(tt.ones(4, 3)))  # R: typedtorch._tensor.Tensor[Literal[4]]
reveal_type(Scale()(tt.ones(5)))  # R: typedtorch._tensor.Tensor[Literal[5]]
reveal_type(tt.install_import_hook("mypkg"))  # R: typedtorch._import_hook.ImportHook
