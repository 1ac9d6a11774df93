"""States as files: the structure of a ``state_dict()`` in JSON, its tensors by flattened name.

A state is a nested structure of dicts (``str`` or ``int`` keys), lists and tuples
whose leaves are tensors, ints, floats, bools, strings or None, as PyTorch's
optimizers lay theirs out: ``{"state": {0: {"step": 3, "exp_avg": Tensor}},
"param_groups": [{"lr": 0.001, "betas": (0.9, 0.999), "params": [0, 1]}]}``.

Each tensor is stored as a safetensors entry named by its path, joined with dots
(``state.0.exp_avg``; a module's ``0.weight`` stays ``0.weight``); everything else goes
into the JSON of ``typedtorch.state``, which keeps what JSON alone would lose: a dict
is ``{"d": [[key, value], ...]}`` (int keys stay ints, order is kept), a tuple is
``{"t": [...]}``, a list is a JSON list, a tensor is ``{"T": "<entry name>"}``, and
scalars are themselves (floats by their shortest exact repr, NaN and Infinity
included), so a state round-trips exactly.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from typedtorch._errors import ShapeError
from typedtorch._tensor import Tensor

from ._format import MAX_DIGITS, Entry, fail

MAX_DEPTH = 32
"""Deepest nesting of containers in a state (a module's is 1, an optimizer's 4)."""
_MAX_INT_BITS = int(MAX_DIGITS * 3.3219280948873626)  # what MAX_DIGITS decimal digits can hold

Key = str | int
Path = tuple[Key, ...]


def show(path: Path) -> str:
    return ".".join(str(k) for k in path)


@dataclass(frozen=True)
class Ref:
    """A tensor in a file's state: the header entry holding it."""

    entry: Entry


# ---------------------------------------------------------------------------- saving


@dataclass
class Encoded:
    """A state ready to write: its JSON structure and its tensors by entry name, in order."""

    skeleton: Any
    tensors: dict[str, Tensor[*tuple[Any, ...]]] = field(default_factory=dict)


def encode(state: Any, prefix: Path, out: Encoded, owner: str) -> Any:
    """The JSON structure of ``state``; tensors are added to ``out`` under their dotted paths."""
    return _encode(state, prefix, out, owner, 0)


def _encode(value: Any, path: Path, out: Encoded, owner: str, depth: int) -> Any:
    if isinstance(value, Tensor):
        name = show(path)
        if name in out.tensors:
            raise TypeError(f"io.save: two tensors of {owner}'s state would both be stored as {name!r}")
        out.tensors[name] = value
        return {"T": name}
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        if value.bit_length() > _MAX_INT_BITS:
            raise TypeError(
                f"io.save: {show(path) or 'the state'} of {owner} is an int of {value.bit_length()} bits; "
                f"checkpoints hold ints of at most {MAX_DIGITS} digits"
            )
        return int(value)
    if isinstance(value, float):
        return float(value)
    if depth >= MAX_DEPTH:
        raise TypeError(f"io.save: {owner}'s state is nested more than {MAX_DEPTH} deep at {show(path)!r}")
    if isinstance(value, Mapping):
        pairs = []
        for key, item in value.items():
            if isinstance(key, bool) or not isinstance(key, str | int):
                raise TypeError(
                    f"io.save: {owner}'s state has a key {key!r} ({type(key).__name__}) at "
                    f"{show(path) or 'the top'}; keys must be str or int"
                )
            pairs.append([key, _encode(item, (*path, key), out, owner, depth + 1)])
        return {"d": pairs}
    if isinstance(value, list):
        return [_encode(item, (*path, i), out, owner, depth + 1) for i, item in enumerate(value)]
    if isinstance(value, tuple):
        return {"t": [_encode(item, (*path, i), out, owner, depth + 1) for i, item in enumerate(value)]}
    raise TypeError(
        f"io.save: {show(path) or 'the state'} of {owner} is a {type(value).__name__}; a state holds tensors, "
        "ints, floats, bools, strings and None in dicts, lists and tuples"
    )


# ---------------------------------------------------------------------------- loading


def decode(node: Any, entries: dict[str, Entry], used: set[str], path: str, depth: int = 0) -> Any:
    """The state a file's ``typedtorch.state`` JSON describes, tensors as :class:`Ref` to ``entries``."""
    if node is None or isinstance(node, bool | int | float | str):
        return node
    if depth >= MAX_DEPTH:
        raise fail(path, f"corrupted header: the state is nested more than {MAX_DEPTH} deep")
    if isinstance(node, list):
        return [decode(item, entries, used, path, depth + 1) for item in node]
    if isinstance(node, dict) and len(node) == 1:
        ((tag, body),) = node.items()
        if tag == "T" and isinstance(body, str):
            entry = entries.get(body)
            if entry is None or body in used:
                what = "an unknown" if entry is None else "a second reference to the"
                raise fail(path, f"corrupted header: the state holds {what} tensor {body[:80]!r}")
            used.add(body)
            return Ref(entry)
        if tag == "t" and isinstance(body, list):
            return tuple(decode(item, entries, used, path, depth + 1) for item in body)
        if tag == "d" and isinstance(body, list):
            out: dict[Key, Any] = {}
            for pair in body:
                if not (isinstance(pair, list) and len(pair) == 2):
                    raise fail(path, "corrupted header: a dict in the state is not a list of [key, value] pairs")
                key, item = pair
                if isinstance(key, bool) or not isinstance(key, str | int) or key in out:
                    raise fail(path, f"corrupted header: the state has a bad or repeated key {str(key)[:80]!r}")
                out[key] = decode(item, entries, used, path, depth + 1)
            return out
    raise fail(path, f"corrupted header: the state holds an unknown node {str(node)[:80]!r}")


def _describe(value: Any) -> str:
    if isinstance(value, Tensor):
        return f"a tensor of shape {value.shape}"
    if isinstance(value, Ref):
        return f"a tensor of shape {value.entry.shape}"
    if value is None:
        return "None"
    return f"a {type(value).__name__}"


def _leaves(value: Any, path: Path) -> Iterator[Path]:
    """The paths of ``value``'s leaves (an empty container counts as one)."""
    if isinstance(value, Mapping) and value:
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list | tuple) and value:
        for i, item in enumerate(value):
            yield from _leaves(item, (*path, i))
    else:
        yield path


def _names(paths: list[Path], limit: int = 12) -> str:
    shown = ", ".join(repr(show(p)) for p in paths[:limit])
    return shown + (f" and {len(paths) - limit} more" if len(paths) > limit else "")


@dataclass
class Target:
    """One object being loaded: where its state sits in the file, what it is called in messages."""

    obj: Any
    prefix: Path  # () for a single object, (key,) in a dict of objects
    cls: str
    strict: bool  # a Module: its state has a fixed structure
    saved_as: str  # the class the file says it was saved from ("" if unknown)


class Matcher:
    """Compares a file's state with an object's ``state_dict()``: names, kinds, each tensor's shape and dtype.

    Modules are compared strictly. Other objects (optimizers, schedulers) fill some of
    their state lazily, so where their current state holds None or an empty container
    the file may hold anything there: there is nothing to compare it with, and the
    object's own ``load_state_dict`` judges it.
    """

    def __init__(self, target: Target, path: str, plain: bool) -> None:
        self.t, self.path, self.plain = target, path, plain
        self.missing: list[Path] = []
        self.unexpected: list[Path] = []
        self.first_error: ShapeError | None = None
        self.devices: dict[str, Any] = {}  # entry name -> the backend of the tensor it replaces

    def match(self, expected: Any, got: Any) -> None:
        self._match(expected, got, self.t.prefix)
        if self.missing or self.unexpected:
            parts = []
            if self.missing:
                parts.append(f"missing {_names(self.missing)}")
            if self.unexpected:
                parts.append(f"unexpected {_names(self.unexpected)}")
            saved = self.t.saved_as
            source = f" (saved from a {saved})" if saved and saved != self.t.cls else ""
            raise ShapeError(f"io.load: {self.path}{source} does not match {self.t.cls}: {'; '.join(parts)}")
        if self.first_error is not None:
            raise self.first_error

    def _error(self, message: str) -> None:
        if self.first_error is None:
            self.first_error = ShapeError(message)

    def _match(self, exp: Any, got: Any, path: Path) -> None:
        if isinstance(exp, Tensor):
            if not isinstance(got, Ref):
                self._error(
                    f"io.load: entry {show(path)!r} is {_describe(exp)} in {self.t.cls}, but {self.path} holds {_describe(got)}"
                )
                return
            self._tensor(exp, got.entry, path)
            return
        if not self.t.strict and (exp is None or (isinstance(exp, Mapping | list | tuple) and not exp)):
            return  # filled lazily by the object: nothing to compare with
        if isinstance(exp, Mapping):
            if not isinstance(got, Mapping):
                self._kind(exp, got, path)
                return
            for key, item in exp.items():
                if key in got:
                    self._match(item, got[key], (*path, key))
                else:
                    self.missing.extend(_leaves(item, (*path, key)))
            self.unexpected.extend(
                p for key, item in got.items() if key not in exp for p in _leaves(item, (*path, key))
            )
            return
        if isinstance(exp, list | tuple):
            if not isinstance(got, list | tuple):
                self._kind(exp, got, path)
                return
            for i, item in enumerate(exp):
                if i < len(got):
                    self._match(item, got[i], (*path, i))
                else:
                    self.missing.extend(_leaves(item, (*path, i)))
            self.unexpected.extend(p for i in range(len(exp), len(got)) for p in _leaves(got[i], (*path, i)))
            return
        # A scalar: any scalar may replace it (the file's value is the saved one).
        if isinstance(got, Ref | Mapping | list | tuple):
            self._kind(exp, got, path)

    def _kind(self, exp: Any, got: Any, path: Path) -> None:
        self._error(
            f"io.load: entry {show(path)!r} is {_describe(exp)} in {self.t.cls}, but {self.path} holds {_describe(got)}"
        )

    def _tensor(self, p: Tensor[*tuple[Any, ...]], entry: Entry, path: Path) -> None:
        what = "parameter" if self.t.strict else "entry"
        name = show(path)
        self.devices[entry.name] = p._backend
        if entry.shape != p.shape:
            hint = ""
            if self.plain and len(p.shape) == 2 and entry.shape == p.shape[::-1]:
                hint = (
                    " (its transpose: PyTorch stores an nn.Linear weight as (out, in), typedtorch as (in, out); "
                    "convert a PyTorch state with typedtorch.io.from_torch)"
                )
            self._error(
                f"io.load: {what} {name!r} has shape {p.shape} in {self.t.cls}, but {self.path} holds shape {entry.shape}{hint}"
            )
            return
        dtype = p._backend.dtype_name(p._data)
        if entry.dtype != dtype:
            self._error(
                f"io.load: {what} {name!r} has dtype {dtype} in {self.t.cls}, but {self.path} holds {entry.dtype} "
                "(load refuses to convert; cast the module or save it again)"
            )


def refs_for_plain(expected: Any, entries: dict[str, Entry], path: Path, used: set[str]) -> Any:
    """A plain safetensors file's tensors arranged as ``expected`` (tensors looked up by dotted path).

    A tensor the file lacks stays out (the matcher reports it missing); a non-tensor
    leaf cannot be in such a file and is left out too, except None and empty
    containers, which need nothing.
    """
    if isinstance(expected, Tensor):
        entry = entries.get(show(path))
        if entry is None:
            return _MISSING
        used.add(entry.name)
        return Ref(entry)
    if isinstance(expected, Mapping):
        pairs = ((k, refs_for_plain(v, entries, (*path, k), used)) for k, v in expected.items())
        return {k: v for k, v in pairs if v is not _MISSING}
    if isinstance(expected, list | tuple) and expected:
        items = [refs_for_plain(v, entries, (*path, i), used) for i, v in enumerate(expected)]
        # A list cannot have holes: cut it at the first tensor the file lacks.
        cut = next((i for i, v in enumerate(items) if v is _MISSING), len(items))
        return type(expected)(items[:cut])
    if expected is None or isinstance(expected, Mapping | list | tuple):
        return expected
    return _MISSING


_MISSING: Any = object()
