# pyright: reportInvalidTypeForm=false
"""Composition: ``a >> b >> c`` and ``Sequential(a, b, c)``, typed end to end.

Both forms check, with plain mypy, that each layer's output feature size is the
next layer's input size; the result is a ``Sequential[In, Out]`` whose ``__call__``
maps ``Matrix[B, In]`` to ``Matrix[B, Out]`` for any batch size ``B``.

``>>`` is checked one step at a time and is exact. ``Sequential(...)`` is checked
through one overload per length, all at once, and plain mypy gets one case wrong:
when two *shape-preserving* layers (``ReLU``, ``Dropout``, ...) are separated by a
layer that changes the size (``Linear, ReLU, Linear, ReLU``), mypy solves both
shape-preserving layers' type variables as one and reports a false
``Cannot infer value of type parameter`` error. Mismatched chains are still
rejected. The mypy plugin closes that hole; until then, write such chains with ``>>``.
(tests/typing/accept/nn_sequential_hole.py shows the cases.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Generic, Never, TypeVar, overload

from typing_extensions import TypeVarTuple

from typedtorch._dims import MypyOnly, S
from typedtorch._tensor import Tensor

from ._module import Module

if TYPE_CHECKING:
    from ._flatten import Flatten

F = TypeVarTuple("F")  # the input's feature dims (after the batch dim)
Ls = TypeVarTuple("Ls")  # a _Chain's layer types
B = TypeVar("B")  # the batch size, bound per call
X = TypeVar("X")
Y = TypeVar("Y")
Z = TypeVar("Z")
T1 = TypeVar("T1")
T2 = TypeVar("T2")
T3 = TypeVar("T3")
T4 = TypeVar("T4")
T5 = TypeVar("T5")
T6 = TypeVar("T6")
T7 = TypeVar("T7")
T8 = TypeVar("T8")
T9 = TypeVar("T9")


class Sequential(Module, Generic[*F, Y]):
    """Layers applied in order; ``Sequential[In, Out]`` maps ``Matrix[B, In]`` to ``Matrix[B, Out]``.

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    >>> model(tt.zeros(32, 784)).shape   # statically Matrix[Literal[32], Literal[10]]
    (32, 10)

    ``a >> b`` builds the same thing and is checked exactly (see the module doc for
    the one pattern where ``Sequential(...)`` needs the mypy plugin). Layers are named
    ``"0"``, ``"1"``, ... in ``named_parameters``. A leading ``Flatten()`` gives a
    ``Sequential[*tuple[Any, ...], Out]``, which accepts any ``Tensor[B, ...]``.
    Up to ten layers per call; longer chains compose with ``>>``.
    """

    @overload
    def __init__(self: Sequential[*tuple[Any, ...], Any], l0: Flatten, /) -> None: ...
    @overload
    def __init__(
        self: Sequential[*tuple[Any, ...], Y], l0: Flatten, l1: MypyOnly[Callable[[Tensor[B, Any]], Tensor[B, Y]]], /
    ) -> None: ...
    @overload
    def __init__(
        self: Sequential[*tuple[Any, ...], Y],
        l0: Flatten,
        l1: MypyOnly[Callable[[Tensor[B, Any]], Tensor[B, T1]]],
        l2: MypyOnly[Callable[[Tensor[B, T1]], Tensor[B, Y]]],
        /,
    ) -> None: ...
    @overload
    def __init__(
        self: Sequential[*tuple[Any, ...], Y],
        l0: Flatten,
        l1: MypyOnly[Callable[[Tensor[B, Any]], Tensor[B, T1]]],
        l2: MypyOnly[Callable[[Tensor[B, T1]], Tensor[B, T2]]],
        l3: MypyOnly[Callable[[Tensor[B, T2]], Tensor[B, Y]]],
        /,
    ) -> None: ...
    @overload
    def __init__(
        self: Sequential[*tuple[Any, ...], Y],
        l0: Flatten,
        l1: MypyOnly[Callable[[Tensor[B, Any]], Tensor[B, T1]]],
        l2: MypyOnly[Callable[[Tensor[B, T1]], Tensor[B, T2]]],
        l3: MypyOnly[Callable[[Tensor[B, T2]], Tensor[B, T3]]],
        l4: MypyOnly[Callable[[Tensor[B, T3]], Tensor[B, Y]]],
        /,
    ) -> None: ...
    @overload
    def __init__(
        self: Sequential[*tuple[Any, ...], Y],
        l0: Flatten,
        l1: MypyOnly[Callable[[Tensor[B, Any]], Tensor[B, T1]]],
        l2: MypyOnly[Callable[[Tensor[B, T1]], Tensor[B, T2]]],
        l3: MypyOnly[Callable[[Tensor[B, T2]], Tensor[B, T3]]],
        l4: MypyOnly[Callable[[Tensor[B, T3]], Tensor[B, T4]]],
        l5: MypyOnly[Callable[[Tensor[B, T4]], Tensor[B, Y]]],
        /,
    ) -> None: ...
    @overload
    def __init__(
        self: Sequential[*tuple[Any, ...], Y],
        l0: Flatten,
        l1: MypyOnly[Callable[[Tensor[B, Any]], Tensor[B, T1]]],
        l2: MypyOnly[Callable[[Tensor[B, T1]], Tensor[B, T2]]],
        l3: MypyOnly[Callable[[Tensor[B, T2]], Tensor[B, T3]]],
        l4: MypyOnly[Callable[[Tensor[B, T3]], Tensor[B, T4]]],
        l5: MypyOnly[Callable[[Tensor[B, T4]], Tensor[B, T5]]],
        l6: MypyOnly[Callable[[Tensor[B, T5]], Tensor[B, Y]]],
        /,
    ) -> None: ...
    @overload
    def __init__(
        self: Sequential[*tuple[Any, ...], Y],
        l0: Flatten,
        l1: MypyOnly[Callable[[Tensor[B, Any]], Tensor[B, T1]]],
        l2: MypyOnly[Callable[[Tensor[B, T1]], Tensor[B, T2]]],
        l3: MypyOnly[Callable[[Tensor[B, T2]], Tensor[B, T3]]],
        l4: MypyOnly[Callable[[Tensor[B, T3]], Tensor[B, T4]]],
        l5: MypyOnly[Callable[[Tensor[B, T4]], Tensor[B, T5]]],
        l6: MypyOnly[Callable[[Tensor[B, T5]], Tensor[B, T6]]],
        l7: MypyOnly[Callable[[Tensor[B, T6]], Tensor[B, Y]]],
        /,
    ) -> None: ...
    @overload
    def __init__(
        self: Sequential[*tuple[Any, ...], Y],
        l0: Flatten,
        l1: MypyOnly[Callable[[Tensor[B, Any]], Tensor[B, T1]]],
        l2: MypyOnly[Callable[[Tensor[B, T1]], Tensor[B, T2]]],
        l3: MypyOnly[Callable[[Tensor[B, T2]], Tensor[B, T3]]],
        l4: MypyOnly[Callable[[Tensor[B, T3]], Tensor[B, T4]]],
        l5: MypyOnly[Callable[[Tensor[B, T4]], Tensor[B, T5]]],
        l6: MypyOnly[Callable[[Tensor[B, T5]], Tensor[B, T6]]],
        l7: MypyOnly[Callable[[Tensor[B, T6]], Tensor[B, T7]]],
        l8: MypyOnly[Callable[[Tensor[B, T7]], Tensor[B, Y]]],
        /,
    ) -> None: ...
    @overload
    def __init__(
        self: Sequential[*tuple[Any, ...], Y],
        l0: Flatten,
        l1: MypyOnly[Callable[[Tensor[B, Any]], Tensor[B, T1]]],
        l2: MypyOnly[Callable[[Tensor[B, T1]], Tensor[B, T2]]],
        l3: MypyOnly[Callable[[Tensor[B, T2]], Tensor[B, T3]]],
        l4: MypyOnly[Callable[[Tensor[B, T3]], Tensor[B, T4]]],
        l5: MypyOnly[Callable[[Tensor[B, T4]], Tensor[B, T5]]],
        l6: MypyOnly[Callable[[Tensor[B, T5]], Tensor[B, T6]]],
        l7: MypyOnly[Callable[[Tensor[B, T6]], Tensor[B, T7]]],
        l8: MypyOnly[Callable[[Tensor[B, T7]], Tensor[B, T8]]],
        l9: MypyOnly[Callable[[Tensor[B, T8]], Tensor[B, Y]]],
        /,
    ) -> None: ...
    @overload
    def __init__(self: MypyOnly[Sequential[X, Y]], l0: MypyOnly[Callable[[Tensor[B, X]], Tensor[B, Y]]], /) -> None: ...
    @overload
    def __init__(
        self: MypyOnly[Sequential[X, Y]],
        l0: MypyOnly[Callable[[Tensor[B, X]], Tensor[B, T1]]],
        l1: MypyOnly[Callable[[Tensor[B, T1]], Tensor[B, Y]]],
        /,
    ) -> None: ...
    @overload
    def __init__(
        self: MypyOnly[Sequential[X, Y]],
        l0: MypyOnly[Callable[[Tensor[B, X]], Tensor[B, T1]]],
        l1: MypyOnly[Callable[[Tensor[B, T1]], Tensor[B, T2]]],
        l2: MypyOnly[Callable[[Tensor[B, T2]], Tensor[B, Y]]],
        /,
    ) -> None: ...
    @overload
    def __init__(
        self: MypyOnly[Sequential[X, Y]],
        l0: MypyOnly[Callable[[Tensor[B, X]], Tensor[B, T1]]],
        l1: MypyOnly[Callable[[Tensor[B, T1]], Tensor[B, T2]]],
        l2: MypyOnly[Callable[[Tensor[B, T2]], Tensor[B, T3]]],
        l3: MypyOnly[Callable[[Tensor[B, T3]], Tensor[B, Y]]],
        /,
    ) -> None: ...
    @overload
    def __init__(
        self: MypyOnly[Sequential[X, Y]],
        l0: MypyOnly[Callable[[Tensor[B, X]], Tensor[B, T1]]],
        l1: MypyOnly[Callable[[Tensor[B, T1]], Tensor[B, T2]]],
        l2: MypyOnly[Callable[[Tensor[B, T2]], Tensor[B, T3]]],
        l3: MypyOnly[Callable[[Tensor[B, T3]], Tensor[B, T4]]],
        l4: MypyOnly[Callable[[Tensor[B, T4]], Tensor[B, Y]]],
        /,
    ) -> None: ...
    @overload
    def __init__(
        self: MypyOnly[Sequential[X, Y]],
        l0: MypyOnly[Callable[[Tensor[B, X]], Tensor[B, T1]]],
        l1: MypyOnly[Callable[[Tensor[B, T1]], Tensor[B, T2]]],
        l2: MypyOnly[Callable[[Tensor[B, T2]], Tensor[B, T3]]],
        l3: MypyOnly[Callable[[Tensor[B, T3]], Tensor[B, T4]]],
        l4: MypyOnly[Callable[[Tensor[B, T4]], Tensor[B, T5]]],
        l5: MypyOnly[Callable[[Tensor[B, T5]], Tensor[B, Y]]],
        /,
    ) -> None: ...
    @overload
    def __init__(
        self: MypyOnly[Sequential[X, Y]],
        l0: MypyOnly[Callable[[Tensor[B, X]], Tensor[B, T1]]],
        l1: MypyOnly[Callable[[Tensor[B, T1]], Tensor[B, T2]]],
        l2: MypyOnly[Callable[[Tensor[B, T2]], Tensor[B, T3]]],
        l3: MypyOnly[Callable[[Tensor[B, T3]], Tensor[B, T4]]],
        l4: MypyOnly[Callable[[Tensor[B, T4]], Tensor[B, T5]]],
        l5: MypyOnly[Callable[[Tensor[B, T5]], Tensor[B, T6]]],
        l6: MypyOnly[Callable[[Tensor[B, T6]], Tensor[B, Y]]],
        /,
    ) -> None: ...
    @overload
    def __init__(
        self: MypyOnly[Sequential[X, Y]],
        l0: MypyOnly[Callable[[Tensor[B, X]], Tensor[B, T1]]],
        l1: MypyOnly[Callable[[Tensor[B, T1]], Tensor[B, T2]]],
        l2: MypyOnly[Callable[[Tensor[B, T2]], Tensor[B, T3]]],
        l3: MypyOnly[Callable[[Tensor[B, T3]], Tensor[B, T4]]],
        l4: MypyOnly[Callable[[Tensor[B, T4]], Tensor[B, T5]]],
        l5: MypyOnly[Callable[[Tensor[B, T5]], Tensor[B, T6]]],
        l6: MypyOnly[Callable[[Tensor[B, T6]], Tensor[B, T7]]],
        l7: MypyOnly[Callable[[Tensor[B, T7]], Tensor[B, Y]]],
        /,
    ) -> None: ...
    @overload
    def __init__(
        self: MypyOnly[Sequential[X, Y]],
        l0: MypyOnly[Callable[[Tensor[B, X]], Tensor[B, T1]]],
        l1: MypyOnly[Callable[[Tensor[B, T1]], Tensor[B, T2]]],
        l2: MypyOnly[Callable[[Tensor[B, T2]], Tensor[B, T3]]],
        l3: MypyOnly[Callable[[Tensor[B, T3]], Tensor[B, T4]]],
        l4: MypyOnly[Callable[[Tensor[B, T4]], Tensor[B, T5]]],
        l5: MypyOnly[Callable[[Tensor[B, T5]], Tensor[B, T6]]],
        l6: MypyOnly[Callable[[Tensor[B, T6]], Tensor[B, T7]]],
        l7: MypyOnly[Callable[[Tensor[B, T7]], Tensor[B, T8]]],
        l8: MypyOnly[Callable[[Tensor[B, T8]], Tensor[B, Y]]],
        /,
    ) -> None: ...
    @overload
    def __init__(
        self: MypyOnly[Sequential[X, Y]],
        l0: MypyOnly[Callable[[Tensor[B, X]], Tensor[B, T1]]],
        l1: MypyOnly[Callable[[Tensor[B, T1]], Tensor[B, T2]]],
        l2: MypyOnly[Callable[[Tensor[B, T2]], Tensor[B, T3]]],
        l3: MypyOnly[Callable[[Tensor[B, T3]], Tensor[B, T4]]],
        l4: MypyOnly[Callable[[Tensor[B, T4]], Tensor[B, T5]]],
        l5: MypyOnly[Callable[[Tensor[B, T5]], Tensor[B, T6]]],
        l6: MypyOnly[Callable[[Tensor[B, T6]], Tensor[B, T7]]],
        l7: MypyOnly[Callable[[Tensor[B, T7]], Tensor[B, T8]]],
        l8: MypyOnly[Callable[[Tensor[B, T8]], Tensor[B, T9]]],
        l9: MypyOnly[Callable[[Tensor[B, T9]], Tensor[B, Y]]],
        /,
    ) -> None: ...
    @overload  # any number of layers: pyright only (for mypy, `Never` takes nothing; its plugin checks any length)
    def __init__(self: Sequential[*tuple[Any, ...], Any], *layers: MypyOnly[Never]) -> None: ...
    def __init__(self, *layers: Callable[[Any], Any]) -> None:
        for i, layer in enumerate(layers):
            if not callable(layer):
                raise TypeError(f"Sequential: layer {i} is not callable: {type(layer).__name__}")
        self._layers: tuple[Callable[[Any], Any], ...] = layers

    # The first form serves a Sequential whose sizes the checker does not know (a bare
    # `nn.Sequential` annotation; in pyright, whose overloads above leave them Unknown,
    # any Sequential): its call takes and gives a tensor of any shape. A Sequential of
    # known sizes has a real output size, never `Never`, so mypy picks another.
    # The second: a chain of one input feature (`Sequential[In, Out]`, an MLP) maps every
    # row, as `Linear` does: `Tensor[B, T, In]` gives `Tensor[B, T, Out]`. (The mypy plugin
    # types a chain whose layers do not all map rows, one with a BatchNorm1d say, as a
    # `_Chain` instead, so this form does not let a wrong rank through.)
    @overload
    def __call__(
        self: Sequential[*tuple[Any, ...], Never], x: Tensor[*tuple[Any, ...]]
    ) -> Tensor[*tuple[Any, ...]]: ...
    @overload
    def __call__(self: Sequential[X, Y], x: Tensor[*S, X]) -> Tensor[*S, Y]: ...
    @overload
    def __call__(self, x: Tensor[B, *F]) -> Tensor[B, Y]: ...  # type: ignore[overload-cannot-match]
    def __call__(self, x: Any) -> Any:
        out: Any = x
        for layer in self._layers:
            out = layer(out)
        return out

    def __rshift__(self, other: MypyOnly[Callable[[Tensor[B, Y]], Tensor[B, Z]]]) -> Sequential[*F, Z]:
        """``seq >> layer``: a new, flat ``Sequential`` with ``layer`` appended."""
        return chain(self, other)

    def __len__(self) -> int:
        return len(self._layers)

    def __iter__(self) -> Iterator[Callable[[Any], Any]]:
        return iter(self._layers)

    def __getitem__(self, index: int) -> Any:
        """The layer at ``index`` (statically ``Any``: the tuple of layer types is not kept)."""
        return self._layers[index]

    def _named_members(self) -> Iterator[tuple[str, object]]:
        for i, layer in enumerate(self._layers):
            yield str(i), layer
        for name, value in vars(self).items():
            if name != "_layers":
                yield name, value


class _Chain(Sequential[*tuple[Any, ...], Any], Generic[*Ls]):
    """The type the mypy plugin gives a ``Sequential`` (or ``>>`` chain) that ``Sequential[*F, Y]``
    cannot describe: one whose output is not ``Tensor[B, Y]`` (a convolutional block) or
    whose input rank is open (a leading ``Flatten``). It keeps the layers' types, and the
    plugin pushes each call's input through them, so ``Linear(9126, 128)`` after a
    ``Flatten`` of ``Tensor[B, 64, 12, 12]`` is an error at the call. Only a static type:
    never instantiated (at run time such a chain is a plain ``Sequential``).
    """

    def __call__(self, x: Tensor[*tuple[Any, ...]]) -> Tensor[*tuple[Any, ...]]:
        raise NotImplementedError  # pragma: no cover - a static type only

    def __rshift__(self, other: Callable[[Any], Any]) -> Sequential[*tuple[Any, ...], Any]:
        raise NotImplementedError  # pragma: no cover - a static type only


class ShapePreserving(Module):
    """Base for layers whose output has the shape of their input (``ReLU``, ``Dropout``, ...).

    Subclasses define a generic ``__call__(self, x: Tensor[*S]) -> Tensor[*S]``; the
    class itself stays non-generic (a ``Layer[T, T]`` generic would be inferred as
    ``Layer[Any]`` by mypy and hide a mismatched chain). This base adds ``>>``:

    >>> from typedtorch import nn
    >>> nn.ReLU() >> nn.Linear(3, 4)   # Sequential[Literal[3], Literal[4]]
    Sequential(
      (0): ReLU()
      (1): Linear(in_features=3, out_features=4, bias=True)
    )
    """

    def __call__(self, x: Tensor[*S]) -> Tensor[*S]:
        raise NotImplementedError(f"{type(self).__name__} must define __call__")

    # A shape-preserving layer also fits the second form; the first wins, as intended.
    @overload
    def __rshift__(self, other: ShapePreserving) -> ShapePreserving: ...  # type: ignore[overload-overlap]
    @overload
    def __rshift__(self, other: MypyOnly[Callable[[Tensor[B, X]], Tensor[B, Z]]]) -> Sequential[X, Z]: ...
    def __rshift__(self, other: Callable[[Any], Any]) -> Any:
        """``layer >> next``: a ``Sequential`` typed by ``next``'s sizes.

        Two shape-preserving layers give a shape-preserving chain (there are no sizes
        to take a type from yet): ``Dropout() >> ReLU()`` is typed like ``ReLU()``.
        """
        return chain(self, other)


class _ShapePreservingChain(Sequential[Any, Any], ShapePreserving):
    """A ``Sequential`` of shape-preserving layers only, typed as one of them."""

    def __call__(self, x: Tensor[*S]) -> Tensor[*S]:
        out: Any = x
        for layer in self._layers:
            out = layer(out)
        return out  # type: ignore[no-any-return]

    __rshift__ = ShapePreserving.__rshift__

    def __repr__(self) -> str:
        return "Sequential" + super().__repr__()[len(type(self).__name__) :]


def chain(first: Callable[[Any], Any], second: Callable[[Any], Any]) -> Sequential[Any, Any]:
    """The runtime of every ``>>``: one flat ``Sequential`` (nested chains are spliced in)."""
    layers: list[Callable[[Any], Any]] = []
    for part in (first, second):
        if isinstance(part, Sequential):
            layers.extend(part._layers)
        elif callable(part):
            layers.append(part)
        else:
            return NotImplemented
    same_shape = isinstance(first, ShapePreserving) and isinstance(second, ShapePreserving)
    seq: Sequential[Any, Any] = (
        _ShapePreservingChain.__new__(_ShapePreservingChain) if same_shape else Sequential.__new__(Sequential)
    )
    seq._layers = tuple(layers)
    return seq
