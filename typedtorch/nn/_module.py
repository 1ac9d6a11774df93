"""``Module``: the base of every layer and model, holding parameters, buffers and modes.

A module is an ordinary object. How its state is found:

* **parameters**: every tensor stored in its attributes (directly, or inside a list,
  tuple or dict), except the attributes registered as buffers. There is no
  registration step (``nn.Parameter`` exists for PyTorch-style code but is not
  required), so ``self.scale = tt.ones(1, requires_grad=True)`` is a parameter.
* **buffers**: tensors registered with ``register_buffer(name, tensor)`` (running
  statistics, masks): moved by ``to()``, in ``state_dict()`` unless
  ``persistent=False``, never returned by ``parameters()``. Assigning a new tensor
  to a buffer's attribute keeps it a buffer, as in PyTorch.
* **children**: every module so stored.

A subclass defines either a typed ``__call__`` (equinox's style) or PyTorch's
``forward``, which ``__call__`` runs; mypy and pyright type ``model(x)`` from
``forward``'s signature (see ``_CallsForward``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, ParamSpec, Protocol, Self, TypeVar, overload

from typedtorch._backend import get_backend
from typedtorch._errors import ShapeError
from typedtorch._tensor import AnyTensor, Tensor, make

if TYPE_CHECKING:
    from ._compose import Sequential

_P = ParamSpec("_P")
_R = TypeVar("_R", covariant=True)
_R2 = TypeVar("_R2")


class _Forward(Protocol[_P, _R]):
    def forward(self, *args: _P.args, **kwargs: _P.kwargs) -> _R: ...


class _CallsForward(Protocol):
    """The static type of ``Module.__call__``: a descriptor whose ``__get__`` reads the
    instance's ``forward`` signature, so ``Net()(x)`` is typed as ``Net.forward(x)``
    (also for generic ``forward`` methods) by plain mypy and pyright. An object known
    only as a ``Module`` (``def evaluate(model: nn.Module)``) has no ``forward`` to
    read: calling it takes any arguments and gives ``Any``, as in PyTorch's stubs."""

    @overload
    def __get__(self, obj: _Forward[_P, _R2], owner: Any) -> Callable[_P, _R2]: ...
    @overload
    def __get__(self, obj: object, owner: Any) -> Callable[..., Any]: ...


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(..., strict=False)`` did not match (PyTorch's ``_IncompatibleKeys``)."""

    missing_keys: list[str]
    unexpected_keys: list[str]

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return f"IncompatibleKeys(missing_keys={self.missing_keys!r}, unexpected_keys={self.unexpected_keys!r})"


# The attribute holding a module's buffer names (name -> persistent), created on first use
# so that subclasses need not call super().__init__().
_BUFFERS = "_tt_buffers"

# What a walk collects.
_PARAMS, _BUFFERS_ALL, _STATE, _ALL = "params", "buffers", "state", "all"


class Module:
    """Base class for layers and models.

    Subclasses store their parameters and sub-modules as attributes and define a
    typed ``__call__`` or, as in PyTorch, a ``forward`` that calling the module runs:

    >>> from typing import Literal, TypeVar
    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> B = TypeVar("B")
    >>> class Net(nn.Module):
    ...     def __init__(self) -> None:
    ...         super().__init__()
    ...         self.fc1 = nn.Linear(2, 8)
    ...         self.fc2 = nn.Linear(8, 1)
    ...     def forward(self, x: tt.Matrix[B, Literal[2]]) -> tt.Matrix[B, Literal[1]]:
    ...         return self.fc2(self.fc1(x).relu())
    >>> Net()(tt.zeros(5, 2)).shape
    (5, 1)
    >>> [name for name, _ in Net().named_parameters()]
    ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']

    Calling ``super().__init__()`` is optional: there is nothing to register.
    """

    # A class default, so subclasses that skip super().__init__() still have a mode.
    training: bool = True

    if TYPE_CHECKING:
        # `| Any` lets subclasses still define their own typed `__call__` (no override
        # error in mypy or pyright), while `model(x)` of a forward()-style model is typed
        # from forward's signature in both checkers (generic forward methods too).
        __call__: _CallsForward | Any
    else:

        def __call__(self, *args, **kwargs):
            forward = getattr(self, "forward", None)
            if forward is None:
                raise TypeError(
                    f"{type(self).__name__} is not callable: a Module subclass defines forward() "
                    "(which calling the module runs) or its own __call__()"
                )
            return forward(*args, **kwargs)

    def __rshift__(self, other: Callable[[Any], Any]) -> Sequential[*tuple[Any, ...], Any]:
        """``block >> layer``: the two in a ``Sequential``, as for ``Linear`` (any module chains).

        Plain mypy and pyright type the result as a ``Sequential`` of unknown sizes; the
        mypy plugin checks that ``other`` takes what ``self`` returns and types the chain.
        """
        from ._compose import chain

        return chain(self, other)

    # ------------------------------------------------------------------ traversal

    def _named_members(self) -> Iterator[tuple[str, object]]:
        """The attributes that may hold parameters, buffers or children, in a stable order.

        Definition order of the attributes, as ``vars`` keeps it; ``Sequential`` and
        the containers override this to name their items ``"0"``, ``"1"``, ...
        """
        return iter(vars(self).items())

    def _walk(self, prefix: str, visited: set[int], want: str, recurse: bool = True) -> Iterator[tuple[str, AnyTensor]]:
        # `visited` holds modules already walked: a shared child is listed under its first
        # name, and a module that refers back to an ancestor does not recurse forever.
        buffers: dict[str, bool] = self.__dict__.get(_BUFFERS) or {}
        for name, value in self._named_members():
            path = _join(prefix, name)
            if name in buffers:
                if want != _PARAMS and isinstance(value, Tensor) and (want != _STATE or buffers[name]):
                    yield path, value
                continue
            for found_path, found in _find(value, path, (Tensor, Module)):
                if isinstance(found, Module):
                    if recurse and id(found) not in visited:
                        visited.add(id(found))
                        yield from found._walk(found_path, visited, want)
                elif want != _BUFFERS_ALL:
                    yield found_path, found

    def _unique(self, prefix: str, want: str, recurse: bool = True) -> Iterator[tuple[str, AnyTensor]]:
        seen: set[int] = set()
        for name, t in self._walk(prefix, {id(self)}, want, recurse):
            if id(t) not in seen:
                seen.add(id(t))
                yield name, t

    def named_parameters(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, AnyTensor]]:
        """``(dotted name, tensor)`` for every parameter, each tensor once.

        >>> from typedtorch import nn
        >>> [n for n, _ in (nn.Linear(2, 3) >> nn.ReLU() >> nn.Linear(3, 1)).named_parameters()]
        ['0.weight', '0.bias', '2.weight', '2.bias']
        """
        return self._unique(prefix, _PARAMS, recurse)

    def parameters(self, recurse: bool = True) -> Iterator[AnyTensor]:
        """Every parameter tensor, in ``named_parameters`` order: ``SGD(model.parameters(), lr=0.1)``."""
        for _, t in self.named_parameters(recurse=recurse):
            yield t

    def named_buffers(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, AnyTensor]]:
        """``(dotted name, tensor)`` for every buffer (persistent or not), each tensor once.

        >>> import typedtorch as tt
        >>> from typedtorch import nn
        >>> m = nn.Linear(2, 2)
        >>> m.register_buffer("mask", tt.ones(2))
        >>> [n for n, _ in m.named_buffers()], [n for n, _ in m.named_parameters()]
        (['mask'], ['weight', 'bias'])
        """
        return self._unique(prefix, _BUFFERS_ALL, recurse)

    def buffers(self, recurse: bool = True) -> Iterator[AnyTensor]:
        """Every buffer tensor, in ``named_buffers`` order."""
        for _, t in self.named_buffers(recurse=recurse):
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

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """``(name, module)`` for each direct child, each once."""
        seen: set[int] = {id(self)}
        for name, child in self._children():
            if id(child) not in seen:
                seen.add(id(child))
                yield name, child

    def children(self) -> Iterator[Module]:
        """Each direct child module, once."""
        for _, child in self.named_children():
            yield child

    def _children(self) -> Iterator[tuple[str, Module]]:
        for name, value in self._named_members():
            yield from _find(value, name, Module)

    def apply(self, fn: Callable[[Module], object]) -> Self:
        """Call ``fn`` on every descendant, then on this module (children first, as PyTorch); returns self.

        >>> import typedtorch as tt
        >>> from typedtorch import nn
        >>> def init(m: nn.Module) -> None:
        ...     if isinstance(m, nn.Linear):
        ...         nn.init.zeros_(m.weight)
        >>> model = (nn.Linear(2, 3) >> nn.ReLU() >> nn.Linear(3, 1)).apply(init)
        >>> model[0].weight.tolist()
        [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
        """
        for m in self._post_order({id(self)}):
            fn(m)
        return self

    def _post_order(self, visited: set[int]) -> Iterator[Module]:
        for _, child in self._children():
            if id(child) not in visited:
                visited.add(id(child))
                yield from child._post_order(visited)
        yield self

    # ------------------------------------------------------------------- registration

    def register_buffer(self, name: str, tensor: AnyTensor | None, persistent: bool = True) -> None:
        """Store ``tensor`` as the attribute ``name``, as a buffer rather than a parameter.

        Buffers are moved by ``to()`` and, when ``persistent``, saved in
        ``state_dict()``; ``parameters()`` (so optimizers) never see them. ``None``
        reserves the name (nothing is saved until a tensor is assigned).
        """
        if not isinstance(name, str):
            raise TypeError(f"register_buffer: the name must be a str, got {type(name).__name__}")
        if not name.isidentifier() or "." in name:
            raise KeyError(f"register_buffer: {name!r} is not a valid attribute name")
        buffers: dict[str, bool] = self.__dict__.setdefault(_BUFFERS, {})
        if name not in buffers and (hasattr(self, name) or name == _BUFFERS):
            raise KeyError(f"register_buffer: attribute {name!r} already exists and is not a buffer")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"register_buffer: {name!r} must be a Tensor or None, got {type(tensor).__name__}; "
                "wrap it with tt.tensor()"
            )
        if not isinstance(persistent, bool):
            raise TypeError(f"register_buffer: persistent must be a bool, got {type(persistent).__name__}")
        setattr(self, name, tensor)
        buffers[name] = persistent

    def register_parameter(self, name: str, param: AnyTensor | None) -> None:
        """``setattr(self, name, param)``, refusing a name already used by a buffer (PyTorch's API)."""
        if not isinstance(name, str) or not name.isidentifier():
            raise KeyError(f"register_parameter: {name!r} is not a valid attribute name")
        if name in (self.__dict__.get(_BUFFERS) or {}):
            raise KeyError(f"register_parameter: {name!r} is already a buffer")
        if param is not None and not isinstance(param, Tensor):
            raise TypeError(f"register_parameter: {name!r} must be a Tensor or None, got {type(param).__name__}")
        setattr(self, name, param)

    # -------------------------------------------------------------------- training

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient: ``.grad`` becomes ``None`` (PyTorch's default).

        ``set_to_none=False`` sets each existing gradient to zeros instead. The zeros
        are a fresh array, not written over the old one: backward may hand several
        leaves the same gradient array, and zeroing it in place would also zero the
        gradient of a tensor outside this module.
        """
        for p in self.parameters():
            _zero_grad(p, set_to_none)

    def requires_grad_(self, requires_grad: bool = True) -> Self:
        """Set ``requires_grad`` on every parameter (``False`` freezes the module); returns self."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def train(self, mode: bool = True) -> Self:
        """Put this module and all descendants in training mode (``Dropout`` drops); returns self."""
        if not isinstance(mode, bool):
            raise TypeError(f"train: mode must be a bool, got {type(mode).__name__}")
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
        """Move every parameter and buffer to ``device`` in place; returns self.

        The tensors stay the same objects, so an optimizer built before the move
        keeps updating them.

        >>> from typedtorch import nn
        >>> nn.Linear(2, 3).to("cpu").weight.device
        'cpu'
        """
        target = get_backend(device)
        for _, p in self._unique("", _ALL):
            source = p._backend
            if source is target:
                continue
            p._data = target.from_host(source.to_host(p._data))
            p._version[0] += 1
            if p._grad is not None:
                p._grad = target.from_host(source.to_host(p._grad))
            p._backend = target
        return self

    # ----------------------------------------------------------------- checkpoints

    def state_dict(self, prefix: str = "", keep_vars: bool = False) -> dict[str, AnyTensor]:
        """Every parameter and persistent buffer by dotted name.

        Detached and sharing memory with the module (as in PyTorch); ``keep_vars=True``
        gives the tensors themselves.

        >>> from typedtorch import nn
        >>> sorted(nn.Linear(2, 3).state_dict())
        ['bias', 'weight']
        """
        entries = self._unique(prefix, _STATE)
        if keep_vars:
            return dict(entries)
        return {name: make(t._data, t._backend, None) for name, t in entries}

    def load_state_dict(self, state_dict: Mapping[str, AnyTensor], strict: bool = True) -> IncompatibleKeys:
        """Copy values into the parameters and persistent buffers, checking everything first.

        With ``strict`` (the default) missing and unexpected names are a
        ``ShapeError``; with ``strict=False`` they are skipped and returned. A shape
        that differs is always a ``ShapeError`` naming the tensor. On any error
        nothing has changed. Values are converted to each tensor's dtype and device
        and copied in place.

        >>> from typedtorch import nn
        >>> a, b = nn.Linear(2, 3), nn.Linear(2, 3)
        >>> b.load_state_dict(a.state_dict())
        <All keys matched successfully>
        >>> a.weight.tolist() == b.weight.tolist()
        True
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"load_state_dict: expected a mapping of names to tensors, got {type(state_dict).__name__}")
        cls = type(self).__name__
        targets = dict(self._unique("", _STATE))
        buffer_names = {name for name, _ in self._unique("", _BUFFERS_ALL)}
        missing = [name for name in targets if name not in state_dict]
        unexpected = [name for name in state_dict if name not in targets]
        if strict and (missing or unexpected):
            raise ShapeError(f"load_state_dict: {cls} state does not match: {key_mismatch(targets, state_dict)}")
        staged = []
        for name, p in targets.items():
            if name not in state_dict:
                continue
            value = state_dict[name]
            kind = "buffer" if name in buffer_names else "parameter"
            if not isinstance(value, Tensor):
                raise TypeError(f"load_state_dict: {name!r} must be a Tensor, got {type(value).__name__}")
            if value.shape != p.shape:
                raise ShapeError(
                    f"load_state_dict: {kind} {name!r} has shape {p.shape} in {cls}, "
                    f"but the state holds shape {value.shape}"
                )
            src = value._data
            if value._backend is not p._backend:
                src = p._backend.from_host(value._backend.to_host(src))
            staged.append((p, p._backend.xp.astype(src, p._data.dtype)))
        # Written in place only once everything has been checked: all or nothing.
        for p, src in staged:
            p._data[...] = src
            p._version[0] += 1
        return IncompatibleKeys(missing, unexpected)

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


def _zero_grad(p: AnyTensor, set_to_none: bool) -> None:
    g = p._grad
    if g is None:
        return
    p._grad = None if set_to_none else p._backend.xp.zeros_like(g)


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
