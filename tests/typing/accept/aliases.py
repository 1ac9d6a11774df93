"""``Scalar``, ``Vector[N]`` and ``Matrix[M, N]`` are aliases of ``Tensor``, not subclasses."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L
from typing import TypeVar, reveal_type

import typedtorch as tt
from typedtorch import Matrix, Scalar, Tensor, Vector

M = TypeVar("M")
N = TypeVar("N")

s: tt.Scalar = tt.zeros()
v: tt.Vector[L[3]] = tt.zeros(3)
m: tt.Matrix[L[4], L[2]] = tt.zeros(4, 2)
reveal_type(s)  # R: typedtorch._tensor.Tensor[()]
reveal_type(v)  # R: typedtorch._tensor.Tensor[Literal[3]]
reveal_type(m)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]


# Each alias and its Tensor spelling are interchangeable, both ways.
def scalar_to_tensor(x: Scalar) -> Tensor[()]:
    return x


def tensor_to_scalar(x: Tensor[()]) -> Scalar:
    return x


def vector_to_tensor(x: Vector[L[3]]) -> Tensor[L[3]]:
    return x


def tensor_to_vector(x: Tensor[L[3]]) -> Vector[L[3]]:
    return x


def matrix_to_tensor(x: Matrix[L[4], L[2]]) -> Tensor[L[4], L[2]]:
    return x


def tensor_to_matrix(x: Tensor[L[4], L[2]]) -> Matrix[L[4], L[2]]:
    return x


# Generic aliases take TypeVars like Tensor does.
def generic_matrix(x: Matrix[M, N]) -> Tensor[M, N]:
    return x


def generic_vector(x: Tensor[N]) -> Vector[N]:
    return x


reveal_type(scalar_to_tensor(s))  # R: typedtorch._tensor.Tensor[()]
reveal_type(tensor_to_vector(v))  # R: typedtorch._tensor.Tensor[Literal[3]]
reveal_type(tensor_to_matrix(m))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(generic_matrix(tt.ones(7, 5)))  # R: typedtorch._tensor.Tensor[Literal[7], Literal[5]]
reveal_type(generic_vector(tt.ones(9)))  # R: typedtorch._tensor.Tensor[Literal[9]]

# A Matrix is a Tensor: isinstance against the one class narrows to an any-rank Tensor.
obj: object = m
if isinstance(obj, tt.Tensor):
    reveal_type(obj)  # R: typedtorch._tensor.Tensor[*tuple[Any, ...]]
