"""Elementwise maths keeps the shape, as methods and as ``tt.`` functions; ``where``, ``maximum``."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import TypeVar, reveal_type

import typedtorch as tt
from typedtorch import Matrix, Tensor

B = TypeVar("B")
N = TypeVar("N")

m = tt.zeros(4, 2)
v = tt.zeros(3)
s = tt.zeros()
t3 = tt.zeros(2, 3, 4)

reveal_type(m.relu())  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(m.sigmoid())  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(m.tanh())  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(m.exp())  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(m.log())  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(m.softmax())  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(m.softmax(dim=0))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(m.log_softmax(dim=-1))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(v.relu())  # R: typedtorch._tensor.Tensor[Literal[3]]
reveal_type(s.exp())  # R: typedtorch._tensor.Tensor[()]
reveal_type(t3.tanh())  # R: typedtorch._tensor.Tensor[Literal[2], Literal[3], Literal[4]]

reveal_type(tt.relu(m))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(tt.sigmoid(m))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(tt.tanh(m))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(tt.exp(m))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(tt.log(m))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(tt.softmax(m))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(tt.softmax(m, dim=0))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(tt.log_softmax(m, dim=-1))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(tt.relu(s))  # R: typedtorch._tensor.Tensor[()]
reveal_type(tt.sigmoid(t3))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[3], Literal[4]]
reveal_type(tt.relu(tt.tensor([1.0])))  # R: typedtorch._tensor.Tensor[*tuple[Any, ...]]

reveal_type(tt.where(m > 0, m, tt.zeros(4, 2)))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(tt.where(m > 0, m, 0.0))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(tt.where(v < 1, 1.0, v))  # R: typedtorch._tensor.Tensor[Literal[3]]
reveal_type(tt.maximum(m, tt.ones(4, 2)))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(tt.maximum(m, 0.0))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(m.maximum(m))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(m > 0)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(m.eq(m))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]


def mlp_hidden(x: Matrix[B, N]) -> Matrix[B, N]:
    return tt.relu(x).sigmoid().tanh()


def clamp_below(x: Tensor[B, N], floor: Tensor[B, N]) -> Tensor[B, N]:
    return tt.where(x > floor, x, floor)


reveal_type(mlp_hidden(m))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
