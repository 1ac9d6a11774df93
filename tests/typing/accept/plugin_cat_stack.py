"""Plugin: ``cat`` adds sizes along its dim, ``stack`` adds a dim of the number of tensors."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L
from typing import TypeVar, reveal_type

import typedtorch as tt
from typedtorch import Matrix

B = TypeVar("B")

a = tt.zeros(2, 3)
b = tt.zeros(5, 3)
reveal_type(tt.cat([a, b]))  # R: typedtorch._tensor.Tensor[Literal[7], Literal[3]]
reveal_type(tt.cat((a, b, a), dim=0))  # R: typedtorch._tensor.Tensor[Literal[9], Literal[3]]
reveal_type(tt.cat([a, tt.zeros(2, 4)], dim=1))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[7]]
reveal_type(tt.cat([a, tt.zeros(2, 4)], dim=-1))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[7]]
reveal_type(tt.stack([a, a]))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[2], Literal[3]]
reveal_type(tt.stack((a, a, a), dim=1))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[3], Literal[3]]
reveal_type(tt.stack([a, a, a, a], dim=-1))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[3], Literal[4]]
pair = (a, b)
reveal_type(tt.cat(pair))  # R: typedtorch._tensor.Tensor[Literal[7], Literal[3]]


# Symbolic dims: equal ones pass through; a sum involving one is Any.
def rows(x: Matrix[B, L[3]], y: Matrix[B, L[4]]) -> Matrix[B, L[7]]:
    reveal_type(tt.stack([x, x]))  # R: typedtorch._tensor.Tensor[Literal[2], B, Literal[3]]
    reveal_type(tt.cat([x, x]))  # R: typedtorch._tensor.Tensor[Any, Literal[3]]
    return tt.cat([x, y], dim=1)


# A list of unknown length: the overloads' any-rank result.
many = [a, a, a]
reveal_type(tt.stack(many))  # R: typedtorch._tensor.Tensor[*tuple[Any, ...]]
