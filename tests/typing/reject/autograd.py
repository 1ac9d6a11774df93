"""``backward()`` on anything but a Scalar, and misuse of the optional, shaped ``.grad``."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L

import typedtorch as tt
from typedtorch import Matrix

w = tt.randn(4, 2, requires_grad=True)
v = tt.randn(3, requires_grad=True)

w.backward()  # E: Invalid self argument "Tensor[Literal[4], Literal[2]]" to attribute function "backward" with type "Callable[[Tensor[()], bool], None]"
v.backward()  # E: Invalid self argument "Tensor[Literal[3]]" to attribute function "backward"
(w * 2).backward()  # E: Invalid self argument
w.mean(dim=0).backward()  # E: Invalid self argument "Tensor[Literal[2]]"
w.grad + w  # E: Unsupported operand types for + ("None" and "Tensor[Literal[4], Literal[2]]")
g: Matrix[L[4], L[2]] = w.grad  # E: Incompatible types in assignment (expression has type "Tensor[Literal[4], Literal[2]] | None", variable has type "Tensor[Literal[4], Literal[2]]")
w.grad = tt.zeros(2, 4)  # E: Incompatible types in assignment (expression has type "Tensor[Literal[2], Literal[4]]", variable has type "Tensor[Literal[4], Literal[2]] | None")  [assignment]
w.grad = v  # E: Incompatible types in assignment (expression has type "Tensor[Literal[3]]", variable has type "Tensor[Literal[4], Literal[2]] | None")
vg = v.grad
assert vg is not None
w - vg  # E: sub: shapes do not broadcast: Tensor[4, 2] - Tensor[3] (last dim: 2 != 3)  [shape]
