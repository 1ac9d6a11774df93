"""``Module``: the base of every layer and model, holding parameters and modes.

A module is an ordinary object: every tensor stored in its attributes (directly or
inside a list, tuple or dict) is a parameter, every module so stored is a child. There
is no registration step and no ``forward`` indirection: subclasses write a typed
``__call__``, so mypy sees each model's real signature (equinox's style).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Self

from typedtorch._backend import get_backend
from typedtorch._errors import ShapeError
from typedtorch._tensor import AnyTensor, Tensor, make


class Module:
    """Base class for layers and models.

    Subclasses store their parameters and sub-modules as attributes and define a
    typed ``__call__``:

    >>> from typing import Literal, TypeVar
    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> B = TypeVar("B")
    >>> class Net(nn.Module):
    ...     def __init__(self) -> None:
    ...         self.fc1 = nn.Linear(2, 8)
    ...         self.fc2 = nn.Linear(8, 1)
    ...     def __call__(self, x: tt.Matrix[B, Literal[2]]) -> tt.Matrix[B, Literal[1]]:
    ...         return self.fc2(self.fc1(x).relu())
    >>> [name for name, _ in Net().named_parameters()]
    ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']

    Calling ``super().__init__()`` is optional: there is nothing to register.
    """

    # A class default, so subclasses that skip super().__init__() still have a mode.
    training: bool = True

    # ------------------------------------------------------------------ traversal

    def _named_members(self) -> Iterator[tuple[str, object]]:
        """The attributes that may hold parameters or children, in a stable order.

        Definition order of the attributes, as ``vars`` keeps it; ``Sequential``
        overrides this to name its layers ``"0"``, ``"1"``, ...
        """
        return iter(vars(self).items())

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, AnyTensor]]:
        """``(dotted name, tensor)`` for every parameter, each tensor once.

        >>> from typedtorch import nn
        >>> [n for n, _ in (nn.Linear(2, 3) >> nn.ReLU() >> nn.Linear(3, 1)).named_parameters()]
        ['0.weight', '0.bias', '2.weight', '2.bias']
        """
        seen: set[int] = set()
        for name, t in self._walk(prefix, {id(self)}):
            if id(t) not in seen:
                seen.add(id(t))
                yield name, t

    def parameters(self) -> Iterator[AnyTensor]:
        """Every parameter tensor, in ``named_parameters`` order: ``SGD(model.parameters(), lr=0.1)``."""
        for _, t in self.named_parameters():
            yield t

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """``(dotted name, module)`` for this module (name ``prefix``) and every descendant, each once."""
        return self._walk_modules(prefix, {id(self)})

    def _walk_modules(self, prefix: str, visited: set[int]) -> Iterator[tuple[str, Module]]:
        yield prefix, self
        for name, child in self._children():
            if id(child) not in visited:
                visited.add(id(child))
                yield from child._walk_modules(_join(prefix, name), visited)

    def modules(self) -> Iterator[Module]:
        """This module and every descendant, depth first."""
        for _, m in self.named_modules():
            yield m

    def _children(self) -> Iterator[tuple[str, Module]]:
        for name, value in self._named_members():
            yield from _find(value, name, Module)

    def _walk(self, prefix: str, visited: set[int]) -> Iterator[tuple[str, AnyTensor]]:
        # `visited` holds modules already walked: a shared child is listed under its first
        # name, and a module that refers back to an ancestor does not recurse forever.
        for name, value in self._named_members():
            for path, found in _find(value, _join(prefix, name), (Tensor, Module)):
                if isinstance(found, Module):
                    if id(found) not in visited:
                        visited.add(id(found))
                        yield from found._walk(path, visited)
                else:
                    yield path, found

    # -------------------------------------------------------------------- training

    def zero_grad(self) -> None:
        """Forget every parameter's gradient (``.grad`` becomes ``None``, as PyTorch's default)."""
        for p in self.parameters():
            p._grad = None

    def train(self, mode: bool = True) -> Self:
        """Put this module and all descendants in training mode (``Dropout`` drops); returns self."""
        for m in self.modules():
            m.training = mode
        return self

    def eval(self) -> Self:
        """Evaluation mode (``Dropout`` passes inputs through); returns self.

        >>> from typedtorch import nn
        >>> nn.Dropout(0.5).eval().training
        False
        """
        return self.train(False)

    def to(self, device: str) -> Self:
        """Move every parameter to ``device`` in place; returns self.

        The parameter tensors stay the same objects, so an optimizer built before the
        move keeps updating them.

        >>> from typedtorch import nn
        >>> nn.Linear(2, 3).to("cpu").weight.device
        'cpu'
        """
        target = get_backend(device)
        for p in self.parameters():
            source = p._backend
            if source is target:
                continue
            p._data = target.from_host(source.to_host(p._data))
            if p._grad is not None:
                p._grad = target.from_host(source.to_host(p._grad))
            p._backend = target
        return self

    # ----------------------------------------------------------------- checkpoints

    def state_dict(self) -> dict[str, AnyTensor]:
        """Every parameter by dotted name, detached and sharing memory with the module.

        >>> from typedtorch import nn
        >>> sorted(nn.Linear(2, 3).state_dict())
        ['bias', 'weight']
        """
        return {name: make(p._data, p._backend, None) for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, AnyTensor]) -> None:
        """Copy values into the parameters, checking every name and shape first.

        Refuses missing and unexpected names and shapes that differ with a
        ``ShapeError`` naming the parameter; on any error no parameter has changed.
        Values are converted to each parameter's dtype and device.

        >>> from typedtorch import nn
        >>> a, b = nn.Linear(2, 3), nn.Linear(2, 3)
        >>> b.load_state_dict(a.state_dict())
        >>> a.weight.tolist() == b.weight.tolist()
        True
        """
        params = dict(self.named_parameters())
        mismatch = key_mismatch(params, state)
        if mismatch:
            raise ShapeError(f"load_state_dict: {type(self).__name__} state does not match: {mismatch}")
        staged = []
        for name, p in params.items():
            value = state[name]
            if not isinstance(value, Tensor):
                raise TypeError(f"load_state_dict: {name!r} must be a Tensor, got {type(value).__name__}")
            if value.shape != p.shape:
                raise ShapeError(
                    f"load_state_dict: parameter {name!r} has shape {p.shape} in {type(self).__name__}, "
                    f"but the state holds shape {value.shape}"
                )
            src = value._data
            if value._backend is not p._backend:
                src = p._backend.from_host(value._backend.to_host(src))
            staged.append((p, p._backend.xp.astype(src, p._data.dtype)))
        # Written in place only once everything has been checked: all or nothing.
        for p, src in staged:
            p._data[...] = src

    # ------------------------------------------------------------------------ repr

    def extra_repr(self) -> str:
        """The text inside the parentheses of this module's one-line ``repr``."""
        return ""

    def __repr__(self) -> str:
        children = list(self._children())
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not children:
            return head + ")"
        lines = [head]
        for name, child in children:
            body = repr(child).replace("\n", "\n  ")
            lines.append(f"  ({name}): {body}")
        return "\n".join(lines) + "\n)"


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _find(value: object, path: str, kinds: type | tuple[type, ...]) -> Iterator[tuple[str, Any]]:
    """Objects of ``kinds`` in ``value``, looking inside lists, tuples and dicts (not deeper modules)."""
    if isinstance(value, kinds):
        yield path, value
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _find(item, f"{path}.{i}", kinds)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _find(item, f"{path}.{key}", kinds)


def key_mismatch(expected: Mapping[str, object], given: Mapping[str, object]) -> str:
    """``"missing 'a'; unexpected 'b'"`` for names in only one of the two, or ``""``."""
    missing = [name for name in expected if name not in given]
    unexpected = [name for name in given if name not in expected]
    parts = []
    if missing:
        parts.append(f"missing {', '.join(map(repr, missing))}")
    if unexpected:
        parts.append(f"unexpected {', '.join(map(repr, unexpected))}")
    return "; ".join(parts)
