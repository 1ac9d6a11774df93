"""Wrong arguments to the shape ops, and a flatten that keeps the batch dim keeps it checked."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Any
from typing import Literal as L

import typedtorch as tt
from typedtorch import Matrix

m = tt.zeros(4, 2)
t3 = tt.zeros(3, 4, 5)

a: Matrix[L[5], Any] = t3.flatten(start_dim=1)  # E: Incompatible types in assignment (expression has type "Tensor[Literal[3], Literal[20]]", variable has type "Tensor[Literal[5], Any]")
t3.flatten(start_dim=1) + m  # E: add: shapes do not broadcast: Tensor[3, 20] + Tensor[4, 2] (dim 0: 3 != 4)  [shape]
tt.flatten(t3, start_dim=1) + m  # E: add: shapes do not broadcast: Tensor[3, 20] + Tensor[4, 2] (dim 0: 3 != 4)  [shape]
m.reshape("a")  # E: No overload variant of "reshape" of "Tensor" matches argument type "str"
m.reshape(2.0, 4)  # E: No overload variant of "reshape" of "Tensor" matches argument types "float", "int"
tt.reshape(m, 8)  # E: Argument 2 to "reshape" has incompatible type "int"; expected "tuple[int, ...]"
tt.cat(m)  # E: Argument 1 to "cat" has incompatible type "Tensor[Literal[4], Literal[2]]"
tt.cat([m, 1.0])  # E: List item 1 has incompatible type "float"
tt.stack([m, m], dim=None)  # E: Argument "dim" to "stack" has incompatible type "None"; expected "int"
