"""pyright rejects returns and calls whose annotated shapes disagree (plain typing)."""

from typing import Literal as L
from typing import TypeVar

from typedtorch import Matrix, Scalar, Vector

B = TypeVar("B")
C = TypeVar("C")


def widen(x: Matrix[B, L[3]]) -> Matrix[B, L[4]]:
    return x  # E: reportReturnType


def transposed(x: Matrix[L[3], L[4]]) -> Matrix[L[3], L[4]]:
    return x.T  # E: reportReturnType


def loss_of(x: Matrix[B, C]) -> Scalar:
    return x.sum()


def train(x: Matrix[B, C]) -> None:
    x.backward()  # E: reportAttributeAccessIssue # E: backward


def column_totals(x: Matrix[B, C]) -> Vector[C]:
    return x.sum(dim=0)


def row_totals(x: Matrix[B, C]) -> Vector[B]:
    return x.sum(dim=0)  # E: reportReturnType
