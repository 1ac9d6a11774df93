"""``+ - * /``: same shapes, a trailing-dim broadcast, Scalars and Python numbers; ``-x``, ``x ** p``."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import TypeVar, reveal_type

import typedtorch as tt
from typedtorch import Matrix, Scalar, Tensor, Vector

B = TypeVar("B")
N = TypeVar("N")

m = tt.zeros(4, 2)
v = tt.zeros(2)
s = tt.zeros()
t3 = tt.zeros(3, 4, 2)

# Same shape.
reveal_type(m + m)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(m - m)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(m * m)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(m / m)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(v + v)  # R: typedtorch._tensor.Tensor[Literal[2]]
reveal_type(m + tt.ones(4, 2))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]

# Trailing-dim broadcast, both orders.
reveal_type(m + v)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(v + m)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(m - v)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(v - m)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(m * v)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(v * m)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(m / v)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(v / m)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(t3 + v)  # R: typedtorch._tensor.Tensor[Literal[3], Literal[4], Literal[2]]
reveal_type(v * t3)  # R: typedtorch._tensor.Tensor[Literal[3], Literal[4], Literal[2]]
reveal_type(m + tt.zeros(2))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]

# A Scalar tensor with any tensor, both orders.
reveal_type(m + s)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(s + m)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(s - v)  # R: typedtorch._tensor.Tensor[Literal[2]]
reveal_type(v * s)  # R: typedtorch._tensor.Tensor[Literal[2]]
reveal_type(s / t3)  # R: typedtorch._tensor.Tensor[Literal[3], Literal[4], Literal[2]]
reveal_type(s * s)  # R: typedtorch._tensor.Tensor[()]

# Python numbers on either side.
reveal_type(2.0 * m)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(m * 2)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(m - 1)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(1 - m)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(m + 0.5)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(0.5 + m)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(m / 3)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(1.0 / m)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(s + 1.0)  # R: typedtorch._tensor.Tensor[()]

# Unary minus and powers with a Python exponent.
reveal_type(-m)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(m**2.0)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(m**2)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(-(s**0.5))  # R: typedtorch._tensor.Tensor[()]

# Compound expressions keep the shape.
reveal_type((m * 2.0 - v) / (1.0 + m**2))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]


# Symbolic sizes.
def affine(x: Matrix[B, N], scale: Vector[N], shift: Vector[N]) -> Matrix[B, N]:
    return x * scale + shift


def mse(pred: Matrix[B, N], target: Matrix[B, N]) -> Scalar:
    return ((pred - target) ** 2).mean()


def scaled(x: Tensor[B, N], k: Scalar) -> Tensor[B, N]:
    return k * x / 2


reveal_type(affine(m, v, v))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(mse(m, tt.ones(4, 2)))  # R: typedtorch._tensor.Tensor[()]
