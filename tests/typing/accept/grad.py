"""``tt.grad(f)(params, *args)`` returns the static type of ``params``."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Any, NamedTuple, TypeVar, reveal_type
from typing import Literal as L

import typedtorch as tt
from typedtorch import Matrix, Scalar, Tensor, Vector

B = TypeVar("B")


def loss_w(w: Vector[L[3]], x: Matrix[L[5], L[3]]) -> Scalar:
    return (x @ w).sum()


w = tt.zeros(3)
x = tt.zeros(5, 3)
reveal_type(tt.grad(loss_w)(w, x))  # R: typedtorch._tensor.Tensor[Literal[3]]
reveal_type(tt.grad(loss_w)(tt.tensor([1.0, 2.0, 3.0]), x))  # R: typedtorch._tensor.Tensor[Literal[3]]
dloss = tt.grad(loss_w)
reveal_type(dloss(w, x=x))  # R: typedtorch._tensor.Tensor[Literal[3]]


# A tuple of parameters comes back as the same tuple type.
def loss_tuple(p: tuple[Matrix[L[3], L[2]], Vector[L[2]]], x: Matrix[L[8], L[3]]) -> Scalar:
    weight, bias = p
    return ((x @ weight + bias) ** 2).mean()


params = (tt.randn(3, 2), tt.zeros(2))
reveal_type(tt.grad(loss_tuple)(params, tt.ones(8, 3)))  # R: tuple[typedtorch._tensor.Tensor[Literal[3], Literal[2]], typedtorch._tensor.Tensor[Literal[2]]]
gw, gb = tt.grad(loss_tuple)(params, tt.ones(8, 3))
reveal_type(gw - 0.1 * params[0])  # R: typedtorch._tensor.Tensor[Literal[3], Literal[2]]


# A dict of parameters, and a NamedTuple.
def loss_dict(p: dict[str, Tensor[*tuple[Any, ...]]]) -> Scalar:
    return (p["w"] * p["w"]).sum()


reveal_type(tt.grad(loss_dict)({"w": tt.zeros(3)}))  # R: dict[str, typedtorch._tensor.Tensor[*tuple[Any, ...]]]


class Params(NamedTuple):
    w: Matrix[L[4], L[2]]
    b: Vector[L[2]]


def loss_named(p: Params, x: Matrix[B, L[4]]) -> Scalar:
    return (x @ p.w + p.b).sum()


reveal_type(tt.grad(loss_named)(Params(tt.zeros(4, 2), tt.zeros(2)), tt.ones(16, 4)))  # R: tuple[typedtorch._tensor.Tensor[Literal[4], Literal[2]], typedtorch._tensor.Tensor[Literal[2]], fallback=accept.grad.Params]


# Generic parameters: the shape goes through.
def sq(v: Tensor[B]) -> Scalar:
    return (v * v).sum()


reveal_type(tt.grad(sq)(tt.ones(7)))  # R: typedtorch._tensor.Tensor[Literal[7]]
