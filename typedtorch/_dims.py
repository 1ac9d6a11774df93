"""Type variables shared by every typed signature in the package.

Dimensions are ``Literal[n]``, a ``TypeVar`` or ``Any``. The ``D*`` variables carry
a bound that mentions a ``Literal``: mypy then keeps ``Literal[4]`` for an argument
``4`` instead of widening it to ``int`` (so ``zeros(4, 2)`` is
``Tensor[Literal[4], Literal[2]]``), while a plain ``n: int`` still fits.
"""

from __future__ import annotations

from typing import Literal, TypeVar

from typing_extensions import TypeVarTuple

S = TypeVarTuple("S")  # the shape of a Tensor
P = TypeVarTuple("P")  # leading (batch) dims
R = TypeVarTuple("R")  # remaining dims

A = TypeVar("A")  # a dim that an op removes or keeps
M = TypeVar("M")
K = TypeVar("K")
N = TypeVar("N")
Z = TypeVar("Z")

# Literal-preserving sizes for factories and layer constructors (see module doc).
D0 = TypeVar("D0", bound=int | Literal[0])
D1 = TypeVar("D1", bound=int | Literal[0])
D2 = TypeVar("D2", bound=int | Literal[0])
D3 = TypeVar("D3", bound=int | Literal[0])
D4 = TypeVar("D4", bound=int | Literal[0])
D5 = TypeVar("D5", bound=int | Literal[0])
