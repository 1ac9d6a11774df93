"""Type variables shared by every typed signature in the package.

Dimensions are ``Literal[n]``, a ``TypeVar`` or ``Any``. The ``D*`` variables carry
a bound that mentions a ``Literal``: mypy then keeps ``Literal[4]`` for an argument
``4`` instead of widening it to ``int`` (so ``zeros(4, 2)`` is
``Tensor[Literal[4], Literal[2]]``), while a plain ``n: int`` still fits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Generic, Literal, TypeVar

from typing_extensions import TypeVarTuple

# The shape of a Tensor. (No PEP 696 default: pyright would read `Tensor[()]` as "no
# arguments, take the default"; the mypy plugin gives a bare `Tensor` its meaning.)
S = TypeVarTuple("S")
P = TypeVarTuple("P")  # leading (batch) dims
R = TypeVarTuple("R")  # remaining dims

A = TypeVar("A")  # a dim that an op removes or keeps
M = TypeVar("M")
K = TypeVar("K")
N = TypeVar("N")
Z = TypeVar("Z")
W = TypeVar("W")
X = TypeVar("X")

# Literal-preserving sizes for factories and layer constructors (see module doc).
D0 = TypeVar("D0", bound=int | Literal[0])
D1 = TypeVar("D1", bound=int | Literal[0])
D2 = TypeVar("D2", bound=int | Literal[0])
D3 = TypeVar("D3", bound=int | Literal[0])
D4 = TypeVar("D4", bound=int | Literal[0])
D5 = TypeVar("D5", bound=int | Literal[0])

# ---------------------------------------------------------------- sizes, per checker
#
# ``Size[D0]`` annotates a size argument (``zeros(d0: Size[D0])``, ``Linear(in_features:
# Size[In])``). mypy keeps the literal of an argument solved into a literal-bound type
# variable, so it sees ``Size[D0]`` as plain ``D0``. pyright widens every solved
# literal to ``int`` (``zeros(4)`` would be ``Tensor[int]``, which its invariant shapes
# refuse wherever ``Tensor[Literal[4]]`` is expected): a false error on correct code. So
# pyright must see sizes it cannot know as unknown instead, and it does: it reads both
# branches below (it has no static value for ``MYPY``), cannot use the name as a type,
# and makes every such size ``Unknown`` (its ``Any``). mypy reads the name ``MYPY`` as
# always true (its long-standing convention), so it takes only the last branch.
# Python itself takes the first. (pyright reports the name as an invalid type form in
# the modules that use it: they switch that report off with a file-level comment.)
MYPY = False
_T = TypeVar("_T")
if not TYPE_CHECKING:

    class Size:
        """``Size[D]`` is ``D`` at run time too (for ``typing.get_type_hints``)."""

        def __class_getitem__(cls, item: object) -> object:
            return item

    MypyOnly = Size

elif not MYPY:
    Size = Any
    MypyOnly = Any
else:
    # Implicit aliases (no `TypeAlias`): pyright then keeps both assignments as
    # variables, in this module and in every module that imports the names.
    Size = Annotated[_T, "size"]
    # `MypyOnly[T]` is `T` for mypy and unknown for pyright: for parameters whose types
    # pyright cannot match (a layer, whose `__call__` has a `*P` shape, against the
    # `Callable[[Tensor[B, X]], Tensor[B, Y]]` that a chain step expects). pyright then
    # accepts any layer there; mypy, with the plugin, checks the chain itself.
    MypyOnly = Annotated[_T, "mypy only"]


class Dim(int, Generic[_T]):
    """The static type of a size read off a tensor (``B, T, C = x.size()``): the mypy
    plugin types ``x.size()`` and ``x.shape`` of a ``Tensor[B, T, C]`` as a tuple of
    ``Dim[B]``, ``Dim[T]``... so that ``x.view(B, T, 4, C // 4)`` keeps ``B`` and ``T``.
    A subclass of ``int`` (it is one at run time: nothing creates a ``Dim``), so it goes
    wherever a size goes. Without the plugin sizes are plain ``int``.
    """
