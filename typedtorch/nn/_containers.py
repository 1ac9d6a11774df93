"""``ModuleList`` and ``ModuleDict``: typed containers of sub-modules.

Plain lists and dicts of modules already work as attributes (their parameters are
found); these are for PyTorch code that uses the containers, and they keep the
element type: indexing a ``ModuleList[Linear[L[8], L[8]]]`` gives a
``Linear[L[8], L[8]]``, so a call on it is shape-checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Generic, TypeVar, overload

from ._module import Module

M = TypeVar("M", bound=Module)


def _check_module(value: object, where: str) -> None:
    if not isinstance(value, Module):
        raise TypeError(f"{where}: expected an nn.Module, got {type(value).__name__}")


def _items(modules: object, where: str) -> list[Any]:
    if not isinstance(modules, Iterable):
        raise TypeError(f"{where}: expected an iterable of modules, got {type(modules).__name__}")
    return list(modules)


class ModuleList(Module, Generic[M]):
    """A list of modules, registered as children named ``"0"``, ``"1"``, ...

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> blocks = nn.ModuleList([nn.Linear(8, 8) for _ in range(3)])
    >>> x = tt.zeros(4, 8)
    >>> for block in blocks:        # each is a Linear[Literal[8], Literal[8]]
    ...     x = block(x).relu()
    >>> len(blocks), [n for n, _ in blocks.named_parameters()][:2]
    (3, ['0.weight', '0.bias'])

    Like PyTorch's it has no ``forward``: iterate over it or index it.
    """

    def __init__(self, modules: Iterable[M] | None = None) -> None:
        self._items: list[M] = []
        if modules is not None:
            self.extend(modules)

    def _named_members(self) -> Iterator[tuple[str, object]]:
        for i, m in enumerate(self._items):
            yield str(i), m
        for name, value in vars(self).items():
            if name != "_items":
                yield name, value

    @overload
    def __getitem__(self, index: int) -> M: ...
    @overload
    def __getitem__(self, index: slice) -> ModuleList[M]: ...
    def __getitem__(self, index: int | slice) -> M | ModuleList[M]:
        if isinstance(index, slice):
            return ModuleList(self._items[index])
        return self._items[self._index(index)]

    def __setitem__(self, index: int, module: M) -> None:
        _check_module(module, "ModuleList")
        self._items[self._index(index)] = module

    def __delitem__(self, index: int | slice) -> None:
        if isinstance(index, slice):
            del self._items[index]
        else:
            del self._items[self._index(index)]

    def _index(self, index: int) -> int:
        if not isinstance(index, int):
            raise TypeError(f"ModuleList indices must be integers or slices, not {type(index).__name__}")
        n = len(self._items)
        if not -n <= index < n:
            raise IndexError(f"ModuleList index {index} out of range for {n} modules")
        return index % n

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[M]:
        return iter(self._items)

    def __iadd__(self, modules: Iterable[M]) -> ModuleList[M]:
        return self.extend(modules)

    def append(self, module: M) -> ModuleList[M]:
        """Add ``module`` at the end; returns self (as PyTorch)."""
        _check_module(module, "ModuleList.append")
        self._items.append(module)
        return self

    def extend(self, modules: Iterable[M]) -> ModuleList[M]:
        """Add each of ``modules`` at the end; returns self."""
        items = _items(modules, "ModuleList.extend")
        for m in items:
            _check_module(m, "ModuleList")
        self._items.extend(items)
        return self

    def insert(self, index: int, module: M) -> None:
        """Insert ``module`` before ``index``."""
        _check_module(module, "ModuleList.insert")
        self._items.insert(index, module)


class ModuleDict(Module, Generic[M]):
    """A dict of modules by string key, registered as children under their keys.

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> heads = nn.ModuleDict({"cls": nn.Linear(4, 3), "reg": nn.Linear(4, 1)})
    >>> heads["reg"](tt.zeros(2, 4)).shape
    (2, 1)
    >>> list(heads), [n for n, _ in heads.named_parameters()][:2]
    (['cls', 'reg'], ['cls.weight', 'cls.bias'])
    """

    def __init__(self, modules: Mapping[str, M] | Iterable[tuple[str, M]] | None = None) -> None:
        self._items: dict[str, M] = {}
        if modules is not None:
            self.update(modules)

    def _named_members(self) -> Iterator[tuple[str, object]]:
        yield from self._items.items()
        for name, value in vars(self).items():
            if name != "_items":
                yield name, value

    def __getitem__(self, key: str) -> M:
        try:
            return self._items[key]
        except KeyError:
            raise KeyError(f"ModuleDict has no key {key!r}; keys are {list(self._items)}") from None

    def __setitem__(self, key: str, module: M) -> None:
        if not isinstance(key, str):
            raise TypeError(f"ModuleDict keys must be str, got {type(key).__name__}")
        if "." in key or not key:
            raise KeyError(f"ModuleDict key {key!r} must be a non-empty name without '.'")
        _check_module(module, f"ModuleDict[{key!r}]")
        self._items[key] = module

    def __delitem__(self, key: str) -> None:
        del self._items[key]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def keys(self) -> Iterable[str]:
        return self._items.keys()

    def values(self) -> Iterable[M]:
        return self._items.values()

    def items(self) -> Iterable[tuple[str, M]]:
        return self._items.items()

    def pop(self, key: str) -> M:
        """Remove ``key`` and return its module."""
        module = self[key]
        del self._items[key]
        return module

    def clear(self) -> None:
        self._items.clear()

    def update(self, modules: Mapping[str, M] | Iterable[tuple[str, M]]) -> None:
        """Add or replace entries from a mapping or from ``(key, module)`` pairs."""
        pairs = modules.items() if isinstance(modules, Mapping) else modules
        staged = []
        for pair in pairs:
            if not isinstance(pair, tuple) or len(pair) != 2:
                raise TypeError(f"ModuleDict.update: expected (key, module) pairs, got {type(pair).__name__}")
            key, module = pair
            if not isinstance(key, str):
                raise TypeError(f"ModuleDict keys must be str, got {type(key).__name__}")
            _check_module(module, f"ModuleDict[{key!r}]")
            staged.append(pair)
        for key, module in staged:  # all checked first: a bad entry adds nothing
            self[key] = module
