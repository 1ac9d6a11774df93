"""Per-row totals computed by summing over the batch dim instead.

Bug: ``x.sum(dim=0)`` of ``Matrix[B, C]`` is ``Vector[C]``; the function promises
``Vector[B]`` (``dim=1`` was meant).
"""

from typing import TypeVar

import typedtorch as tt
from typedtorch import Matrix, Vector

B = TypeVar("B")
C = TypeVar("C")


@tt.checked
def row_totals(x: Matrix[B, C]) -> Vector[B]:
    return x.sum(dim=0)  # BUG: sums over the rows, gives one total per column


print(row_totals(tt.ones(3, 4)).tolist())
