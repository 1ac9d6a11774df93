"""Plugin: ``reshape`` takes its sizes from the call, checks the element count, infers ``-1``."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Final, TypeVar, reveal_type
from typing import Literal as L

import typedtorch as tt
from typedtorch import Matrix, Tensor

B = TypeVar("B")

m = tt.zeros(4, 6)
reveal_type(m.reshape(24))  # R: typedtorch._tensor.Tensor[Literal[24]]
reveal_type(m.reshape(2, 12))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[12]]
reveal_type(m.reshape((3, 8)))  # R: typedtorch._tensor.Tensor[Literal[3], Literal[8]]
reveal_type(m.reshape(-1))  # R: typedtorch._tensor.Tensor[Literal[24]]
reveal_type(m.reshape(2, -1, 3))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[4], Literal[3]]
reveal_type(tt.reshape(m, (-1, 8)))  # R: typedtorch._tensor.Tensor[Literal[3], Literal[8]]
reveal_type(tt.reshape(m, (1, 24, 1)))  # R: typedtorch._tensor.Tensor[Literal[1], Literal[24], Literal[1]]

SHAPE: Final = (6, 4)
reveal_type(m.reshape(SHAPE))  # R: typedtorch._tensor.Tensor[Literal[6], Literal[4]]
reveal_type(m.reshape(*SHAPE))  # R: typedtorch._tensor.Tensor[Literal[6], Literal[4]]


# A symbolic dim: -1 is inferred when the other sizes divide out exactly, else Any.
def batch(x: Tensor[B, L[28], L[28]]) -> Matrix[B, L[784]]:
    reveal_type(x.reshape(-1, 784))  # R: typedtorch._tensor.Tensor[B, Literal[784]]
    reveal_type(x.reshape(-1, 28))  # R: typedtorch._tensor.Tensor[Any, Literal[28]]
    return x.reshape(-1, 784)


# Sizes mypy only knows as int become int-sized... as Any; the element count is not checked.
def sized(n: int) -> None:
    reveal_type(m.reshape(n, -1))  # R: typedtorch._tensor.Tensor[Any, Any]
    reveal_type(m.reshape(n, 2))  # R: typedtorch._tensor.Tensor[Any, Literal[2]]


# An input of unknown shape still gets the sizes it is reshaped to.
data = tt.tensor([1.0, 2.0, 3.0, 4.0])
reveal_type(data.reshape(2, 2))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[2]]
reveal_type(data.reshape(2, -1))  # R: typedtorch._tensor.Tensor[Literal[2], Any]
