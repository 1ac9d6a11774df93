"""A discrete derivative that subtracts the whole signal from its shifted copy.

Bug: ``x[1:]`` has 31 samples and ``x`` has 32; ``x[1:] - x[:-1]`` was meant.
"""

from typing import Literal as L

import typedtorch as tt
from typedtorch import Vector


def derivative(x: Vector[L[32]], dt: float) -> Vector[L[31]]:
    return (x[1:] - x) / dt  # BUG: 31 samples minus 32 samples


t = tt.rand(32)
print(tuple(derivative(t, 0.1).shape))
