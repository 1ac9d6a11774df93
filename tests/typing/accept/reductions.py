"""``sum``/``mean``/``max``/``argmax``: a Scalar, or with a literal ``dim`` the right lower rank."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import TypeVar, reveal_type

import typedtorch as tt
from typedtorch import Matrix, Scalar, Vector

B = TypeVar("B")
N = TypeVar("N")

m = tt.zeros(4, 2)
t3 = tt.zeros(3, 4, 5)
v = tt.zeros(7)

# No dim: everything reduces to a Scalar.
reveal_type(m.sum())  # R: typedtorch._tensor.Tensor[()]
reveal_type(m.mean())  # R: typedtorch._tensor.Tensor[()]
reveal_type(m.max())  # R: typedtorch._tensor.Tensor[()]
reveal_type(t3.sum())  # R: typedtorch._tensor.Tensor[()]
reveal_type(v.mean())  # R: typedtorch._tensor.Tensor[()]
reveal_type(tt.zeros().sum())  # R: typedtorch._tensor.Tensor[()]

# A literal dim removes that dim.
reveal_type(m.sum(dim=0))  # R: typedtorch._tensor.Tensor[Literal[2]]
reveal_type(m.sum(dim=1))  # R: typedtorch._tensor.Tensor[Literal[4]]
reveal_type(m.sum(dim=-1))  # R: typedtorch._tensor.Tensor[Literal[4]]
reveal_type(m.sum(0))  # R: typedtorch._tensor.Tensor[Literal[2]]
reveal_type(m.mean(dim=0))  # R: typedtorch._tensor.Tensor[Literal[2]]
reveal_type(m.mean(dim=1))  # R: typedtorch._tensor.Tensor[Literal[4]]
reveal_type(m.mean(dim=-1))  # R: typedtorch._tensor.Tensor[Literal[4]]
reveal_type(m.max(dim=0))  # R: tuple[typedtorch._tensor.Tensor[Literal[2]], typedtorch._tensor.Tensor[Literal[2]], fallback=typedtorch._tensor.ValuesIndices[Literal[2]]]
reveal_type(m.max(dim=1))  # R: tuple[typedtorch._tensor.Tensor[Literal[4]], typedtorch._tensor.Tensor[Literal[4]], fallback=typedtorch._tensor.ValuesIndices[Literal[4]]]
reveal_type(m.max(dim=-1))  # R: tuple[typedtorch._tensor.Tensor[Literal[4]], typedtorch._tensor.Tensor[Literal[4]], fallback=typedtorch._tensor.ValuesIndices[Literal[4]]]
reveal_type(t3.sum(dim=0))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[5]]
reveal_type(t3.mean(dim=1))  # R: typedtorch._tensor.Tensor[Literal[3], Literal[5]]
reveal_type(t3.max(dim=-1))  # R: tuple[typedtorch._tensor.Tensor[Literal[3], Literal[4]], typedtorch._tensor.Tensor[Literal[3], Literal[4]], fallback=typedtorch._tensor.ValuesIndices[Literal[3], Literal[4]]]
reveal_type(v.sum(dim=0))  # R: typedtorch._tensor.Tensor[()]
reveal_type(v.max(dim=-1))  # R: tuple[typedtorch._tensor.Tensor[()], typedtorch._tensor.Tensor[()], fallback=typedtorch._tensor.ValuesIndices[()]]

# keepdim=True leaves a 1 in its place.
reveal_type(m.sum(dim=0, keepdim=True))  # R: typedtorch._tensor.Tensor[Literal[1], Literal[2]]
reveal_type(m.sum(dim=1, keepdim=True))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[1]]
reveal_type(m.mean(dim=-1, keepdim=True))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[1]]
reveal_type(m.max(dim=-1, keepdim=True))  # R: tuple[typedtorch._tensor.Tensor[Literal[4], Literal[1]], typedtorch._tensor.Tensor[Literal[4], Literal[1]], fallback=typedtorch._tensor.ValuesIndices[Literal[4], Literal[1]]]
reveal_type(t3.max(dim=1, keepdim=True))  # R: tuple[typedtorch._tensor.Tensor[Literal[3], Literal[1], Literal[5]], typedtorch._tensor.Tensor[Literal[3], Literal[1], Literal[5]], fallback=typedtorch._tensor.ValuesIndices[Literal[3], Literal[1], Literal[5]]]
reveal_type(t3.mean(dim=0, keepdim=True))  # R: typedtorch._tensor.Tensor[Literal[1], Literal[4], Literal[5]]
reveal_type(m.sum(dim=1, keepdim=False))  # R: typedtorch._tensor.Tensor[Literal[4]]


# A dim that is only an int: any rank.
def by(dim: int, keep: bool) -> None:
    reveal_type(m.sum(dim=dim))  # R: typedtorch._tensor.Tensor[*tuple[Any, ...]]
    reveal_type(m.mean(dim))  # R: typedtorch._tensor.Tensor[*tuple[Any, ...]]
    reveal_type(m.max(dim=dim, keepdim=True))  # R: tuple[typedtorch._tensor.Tensor[*tuple[Any, ...]], typedtorch._tensor.Tensor[*tuple[Any, ...]], fallback=typedtorch._tensor.ValuesIndices[*tuple[Any, ...]]]
    reveal_type(m.sum(dim=0, keepdim=keep))  # R: typedtorch._tensor.Tensor[*tuple[Any, ...]]
    reveal_type(m.argmax(dim=dim))  # R: typedtorch._tensor.Tensor[*tuple[Any, ...]]


# argmax: index of the largest element (flattened), or along a literal dim.
reveal_type(m.argmax())  # R: typedtorch._tensor.Tensor[()]
reveal_type(m.argmax(dim=0))  # R: typedtorch._tensor.Tensor[Literal[2]]
reveal_type(m.argmax(dim=1))  # R: typedtorch._tensor.Tensor[Literal[4]]
reveal_type(m.argmax(dim=-1))  # R: typedtorch._tensor.Tensor[Literal[4]]
reveal_type(t3.argmax(dim=1))  # R: typedtorch._tensor.Tensor[Literal[3], Literal[5]]


# Symbolic sizes.
def row_means(x: Matrix[B, N]) -> Vector[B]:
    return x.mean(dim=1)


def column_sums(x: Matrix[B, N]) -> Vector[N]:
    return x.sum(dim=0)


def predictions(logits: Matrix[B, N]) -> Vector[B]:
    return logits.argmax(dim=-1)


def centred(x: Matrix[B, N]) -> Matrix[B, N]:
    return x - x.mean(dim=0)


def total(x: Matrix[B, N]) -> Scalar:
    return x.sum()


reveal_type(row_means(m))  # R: typedtorch._tensor.Tensor[Literal[4]]
reveal_type(predictions(m))  # R: typedtorch._tensor.Tensor[Literal[4]]
