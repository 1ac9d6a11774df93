"""``@tt.checked`` functions fed data whose shape only the run time knows.

Style: typed, run-time-checked functions; gradual data (``tt.tensor`` of lists) passed
in; a symbolic dim ``N`` shared between two arguments and the result.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Matrix, Vector

N = TypeVar("N")

W = tt.randn(3, 2)


@tt.checked
def project(points: Matrix[N, L[3]]) -> Matrix[N, L[2]]:
    return points @ W


@tt.checked
def weighted_mean(points: Matrix[N, L[2]], weights: Vector[N]) -> Vector[L[2]]:
    return (points * weights[:, None]).sum(dim=0) / weights.sum()


raw_points = [[0.0, 1.0, 2.0], [1.0, 1.0, 1.0], [2.0, 0.0, 1.0], [3.0, 2.0, 0.0]]
raw_weights = [0.1, 0.2, 0.3, 0.4]
flat = project(tt.tensor(raw_points))
centre = weighted_mean(flat, tt.tensor(raw_weights))
print(tuple(flat.shape), centre.tolist())
