"""pyright rejects a mismatched ``@`` between annotated tensors (plain typing, no plugin)."""

from typing import Literal as L
from typing import TypeVar

from typedtorch import Matrix, Tensor, Vector

B = TypeVar("B")


def project(x: Matrix[B, L[784]], w: Matrix[L[100], L[10]]) -> Matrix[B, L[10]]:
    return x @ w  # E: Operator "@" not supported


def matrix_vector(m: Matrix[L[3], L[4]], v: Vector[L[3]]) -> Vector[L[3]]:
    return m @ v  # E: Operator "@" not supported


def scores(q: Tensor[B, L[16], L[8]], k: Tensor[B, L[16], L[8]]) -> Tensor[B, L[16], L[16]]:
    return q @ k  # E: Operator "@" not supported


def fine(q: Tensor[B, L[16], L[8]], w: Matrix[L[8], L[4]]) -> Tensor[B, L[16], L[4]]:
    return q @ w
