"""A size mismatch is an error; it never silently widens a dim to ``int`` or ``object``."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L
from typing import TypeVar

from typing_extensions import TypeVarTuple

import typedtorch as tt
from typedtorch import Matrix, Tensor

S = TypeVarTuple("S")
M = TypeVar("M")
K = TypeVar("K")
N = TypeVar("N")


def mm(a: Matrix[M, K], b: Matrix[K, N]) -> Matrix[M, N]:
    return a @ b


def add(x: Tensor[*S], y: Tensor[*S]) -> Tensor[*S]:
    return x + y


def same(x: Matrix[M, N], y: Matrix[M, N]) -> Matrix[M, N]:
    return x - y


def takes(x: Matrix[L[4], L[2]]) -> None: ...


a = tt.zeros(4, 2)
b = tt.zeros(3, 5)
c = tt.zeros(4, 3)

mm(a, b)  # E: Cannot infer value of type parameter "K" of "mm"
mm(tt.zeros(4, 2), tt.zeros(3, 5))  # E: Cannot infer value of type parameter "K" of "mm"
add(a, c)  # E: Cannot infer value of type parameter "S" of "add"
add(a, tt.zeros(4))  # E: Cannot infer value of type parameter "S" of "add"
same(a, c)  # E: Cannot infer value of type parameter "N" of "same"
a + c  # E: add: shapes do not broadcast: Tensor[4, 2] + Tensor[4, 3] (last dim: 2 != 3)  [shape]
a @ b  # E: matmul: inner dimensions differ: Tensor[4, 2] @ Tensor[3, 5] (2 != 3)  [shape]
widened: Matrix[L[4], int] = a + c  # E: add: shapes do not broadcast: Tensor[4, 2] + Tensor[4, 3] (last dim: 2 != 3)  [shape]
boxed: Tensor[object, object] = a @ b  # E: matmul: inner dimensions differ: Tensor[4, 2] @ Tensor[3, 5] (2 != 3)  [shape]


# A size mypy cannot know is Any (tests/typing/accept/inference.py): it flows anywhere, but
# the sizes that are known are still checked.
def sized(n: int) -> None:
    t = tt.zeros(n, 3)
    takes(t)  # E: Argument 1 to "takes" has incompatible type "Tensor[Any, Literal[3]]"; expected "Tensor[Literal[4], Literal[2]]"
    a + t  # E: add: shapes do not broadcast: Tensor[4, 2] + Tensor[Any, 3] (last dim: 2 != 3)  [shape]


# A join of different shapes widens to int, which then does not fit a literal slot.
rows = [a, c]
takes(rows[0])  # E: Argument 1 to "takes" has incompatible type "Tensor[Literal[4], int]"; expected "Tensor[Literal[4], Literal[2]]"
