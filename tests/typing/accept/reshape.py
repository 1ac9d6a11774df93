"""``reshape``, ``flatten``, ``cat``, ``stack`` are any-rank (the plugin adds sizes);
``flatten(start_dim=1)`` keeps the first dim."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Any, TypeVar, reveal_type

import typedtorch as tt
from typedtorch import Matrix, Tensor

B = TypeVar("B")

m = tt.zeros(4, 2)
t3 = tt.zeros(3, 4, 5)
v = tt.zeros(6)

reveal_type(m.reshape(8))  # R: typedtorch._tensor.Tensor[*tuple[Any, ...]]
reveal_type(m.reshape(2, 4))  # R: typedtorch._tensor.Tensor[*tuple[Any, ...]]
reveal_type(m.reshape((2, -1)))  # R: typedtorch._tensor.Tensor[*tuple[Any, ...]]
reveal_type(tt.reshape(m, (8,)))  # R: typedtorch._tensor.Tensor[*tuple[Any, ...]]
reveal_type(m.flatten())  # R: typedtorch._tensor.Tensor[Any]
reveal_type(tt.flatten(t3))  # R: typedtorch._tensor.Tensor[Any]
reveal_type(m.flatten(start_dim=1))  # R: typedtorch._tensor.Tensor[Literal[4], Any]
reveal_type(t3.flatten(1))  # R: typedtorch._tensor.Tensor[Literal[3], Any]
reveal_type(tt.flatten(t3, start_dim=1))  # R: typedtorch._tensor.Tensor[Literal[3], Any]
reveal_type(t3.flatten(0, 1))  # R: typedtorch._tensor.Tensor[*tuple[Any, ...]]
reveal_type(tt.cat([m, m]))  # R: typedtorch._tensor.Tensor[*tuple[Any, ...]]
reveal_type(tt.cat([m, m], dim=1))  # R: typedtorch._tensor.Tensor[*tuple[Any, ...]]
reveal_type(tt.cat((v, tt.zeros(2))))  # R: typedtorch._tensor.Tensor[*tuple[Any, ...]]
reveal_type(tt.stack([v, v]))  # R: typedtorch._tensor.Tensor[*tuple[Any, ...]]
reveal_type(tt.stack([m, m], dim=-1))  # R: typedtorch._tensor.Tensor[*tuple[Any, ...]]


# The results flow into typed code; the runtime check catches a wrong size.
def head(x: Matrix[B, Any]) -> Matrix[B, Any]:
    return x


reveal_type(head(t3.flatten(start_dim=1)))  # R: typedtorch._tensor.Tensor[Literal[3], Any]
wide: Matrix[Any, Any] = m.reshape(2, 4)
column: Tensor[Any, Any] = tt.stack([v, v], dim=1)
