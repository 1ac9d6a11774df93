"""Dims are solved strictly: a valid op keeps literal sizes, ``Any`` accepts anything,
and ``int`` appears only where the program said ``int``."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Any, TypeVar, reveal_type
from typing import Literal as L

from typing_extensions import TypeVarTuple

import typedtorch as tt
from typedtorch import Matrix, Tensor, Vector

S = TypeVarTuple("S")
M = TypeVar("M")
K = TypeVar("K")
N = TypeVar("N")


def mm(a: Matrix[M, K], b: Matrix[K, N]) -> Matrix[M, N]:
    return a @ b


def add(x: Tensor[*S], y: Tensor[*S]) -> Tensor[*S]:
    return x + y


a = tt.zeros(4, 2)
b = tt.zeros(2, 5)
reveal_type(mm(a, b))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[5]]
reveal_type(add(a, a))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(a @ b + tt.zeros(5))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[5]]
reveal_type(mm(a, b).sum(dim=0))  # R: typedtorch._tensor.Tensor[Literal[5]]

# Any dims accept anything, in either operand.
any_in: Matrix[Any, L[5]] = tt.zeros(2, 5)
reveal_type(mm(a, any_in))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[5]]
reveal_type(a @ any_in)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[5]]
reveal_type(a + tt.tensor([[1.0]]))  # R: typedtorch._tensor.Tensor[*tuple[Any, ...], Literal[4], Literal[2]]
reveal_type(mm(tt.tensor([[1.0]]), b))  # R: typedtorch._tensor.Tensor[Any, Literal[5]]
reveal_type(add(a, tt.tensor([1.0])))  # R: typedtorch._tensor.Tensor[*tuple[Any, ...]]
slice_rows = a[1:]  # literal bounds: 3 rows of the 4
reveal_type(slice_rows + a[:-1])  # R: typedtorch._tensor.Tensor[Literal[3], Literal[2]]

# Known mypy behaviour: a tensor whose dims are ALL Any (Vector[Any], Matrix[Any, Any])
# counts as an "erased" instance and is accepted where any rank is expected. Results
# typed Tensor[Any] (slicing a vector) behave the same. (`flatten()` used to be one;
# the mypy plugin types it exactly, see reject/plugin_flatten.py.)
all_any: Matrix[Any, Any] = tt.zeros(3, 3)
as_vector: Vector[L[7]] = all_any  # pyright: ignore[reportAssignmentType]  (mypy's lone-Any rule, not pyright's)

# int dims only where an int size was given: n is an int, so the dim is int.
def sized(n: int) -> None:
    t = tt.zeros(n, 2)
    reveal_type(t)  # R: typedtorch._tensor.Tensor[Any, Literal[2]]
    # A literal size is an int, so Literal dims fit int slots (not the other way round).
    reveal_type(t + a)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
    reveal_type(t @ b)  # R: typedtorch._tensor.Tensor[Any, Literal[5]]


# A join of two different shapes (a list display, a plain TypeVar) widens the differing
# dim to int, and int does not fit literal slots again: see reject/inference.py.
reveal_type([a, tt.zeros(4, 3)])  # R: list[typedtorch._tensor.Tensor[Literal[4], int]]
