"""``reshape``, ``flatten``, ``cat``, ``stack``: the overloads keep what plain mypy can
(``flatten(start_dim=1)`` keeps the first dim, the rest is any-rank); the mypy plugin
(enabled in mypy.ini) computes every size below. More in plugin_reshape.py,
plugin_flatten.py and plugin_cat_stack.py."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Any, TypeVar, reveal_type

import typedtorch as tt
from typedtorch import Matrix, Tensor

B = TypeVar("B")

m = tt.zeros(4, 2)
t3 = tt.zeros(3, 4, 5)
v = tt.zeros(6)

reveal_type(m.reshape(8))  # R: typedtorch._tensor.Tensor[Literal[8]]
reveal_type(m.reshape(2, 4))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[4]]
reveal_type(m.reshape((2, -1)))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[4]]
reveal_type(tt.reshape(m, (8,)))  # R: typedtorch._tensor.Tensor[Literal[8]]
reveal_type(m.flatten())  # R: typedtorch._tensor.Tensor[Literal[8]]
reveal_type(tt.flatten(t3))  # R: typedtorch._tensor.Tensor[Literal[60]]
reveal_type(m.flatten(start_dim=1))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(t3.flatten(1))  # R: typedtorch._tensor.Tensor[Literal[3], Literal[20]]
reveal_type(tt.flatten(t3, start_dim=1))  # R: typedtorch._tensor.Tensor[Literal[3], Literal[20]]
reveal_type(t3.flatten(0, 1))  # R: typedtorch._tensor.Tensor[Literal[12], Literal[5]]
reveal_type(tt.cat([m, m]))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[2]]
reveal_type(tt.cat([m, m], dim=1))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[4]]
reveal_type(tt.cat((v, tt.zeros(2))))  # R: typedtorch._tensor.Tensor[Literal[8]]
reveal_type(tt.stack([v, v]))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[6]]
reveal_type(tt.stack([m, m], dim=-1))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2], Literal[2]]


# The results flow into typed code; the runtime check catches a wrong size.
def head(x: Matrix[B, Any]) -> Matrix[B, Any]:
    return x


reveal_type(head(t3.flatten(start_dim=1)))  # R: typedtorch._tensor.Tensor[Literal[3], Any]
wide: Matrix[Any, Any] = m.reshape(2, 4)
column: Tensor[Any, Any] = tt.stack([v, v], dim=1)
