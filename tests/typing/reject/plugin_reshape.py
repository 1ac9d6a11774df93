"""Plugin: an impossible ``reshape`` is an error on its line."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L

import typedtorch as tt
from typedtorch import Matrix

m = tt.zeros(4, 6)
m.reshape(5, 5)  # E: reshape: cannot reshape Tensor[4, 6] (24 elements) into (5, 5) (25 elements)  [shape]
m.reshape(5, -1)  # E: reshape: cannot reshape Tensor[4, 6] (24 elements) into (5, -1): 24 is not a multiple of 5
tt.reshape(m, (25,))  # E: reshape: cannot reshape Tensor[4, 6] (24 elements) into (25,) (25 elements)
m.reshape(-1, -1)  # E: reshape: only one size can be -1, got (-1, -1)
m.reshape(4, -2)  # E: reshape: invalid size -2 in (4, -2)
wrong: Matrix[L[4], L[6]] = m.reshape(6, 4)  # E: Incompatible types in assignment (expression has type "Tensor[Literal[6], Literal[4]]"
m.reshape("a")  # E: No overload variant of "reshape" of "Tensor" matches argument type "str"
