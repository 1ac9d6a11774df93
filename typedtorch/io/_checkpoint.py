"""``save`` and ``load``: any object's ``state_dict()`` (a module, an optimizer, a scheduler, a dict of them) to and from a safetensors file."""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, overload

from typedtorch._backend import get_backend, host_from_buffer
from typedtorch._errors import ShapeError
from typedtorch._tensor import Tensor, make

from ._files import create_temp, fsync_directory, open_regular, remove_stale
from ._format import (
    DTYPE_TO_CODE,
    FORMAT_VERSION,
    ITEMSIZE,
    KEY_HEADER_SHA256,
    KEY_MODULE,
    KEY_OBJECTS,
    KEY_SHA256,
    KEY_SHAPES,
    KEY_STATE,
    KEY_VERSION,
    MAX_HEADER,
    Entry,
    Header,
    dump_json,
    fail,
    header_bytes,
    header_digest,
    json_metadata,
    parse_json,
    read_header,
)
from ._state import Encoded, Matcher, Ref, Target, decode, encode, refs_for_plain, show

if TYPE_CHECKING:
    from typedtorch._backend import Backend
    from typedtorch._tensor import AnyTensor


class Stateful(Protocol):
    """What ``io.save``/``io.load`` take: anything with PyTorch's two state methods (modules, optimizers, schedulers)."""

    def state_dict(self) -> Any: ...

    def load_state_dict(self, state: Any, /) -> Any: ...


S = TypeVar("S", bound=Stateful)

_CHUNK = 1 << 20
_PLACEHOLDER = "0" * 64  # a sha256 in hex has this length, so the header's size is known before the data


def _has_state(obj: object) -> bool:
    return callable(getattr(obj, "state_dict", None)) and callable(getattr(obj, "load_state_dict", None))


def _targets(obj: object, verb: str) -> tuple[list[Target], bool]:
    """The objects to save or load, and whether ``obj`` is a dict of them."""
    from typedtorch.nn._module import Module

    def target(o: object, prefix: tuple[str, ...]) -> Target:
        return Target(o, prefix, type(o).__name__, isinstance(o, Module), "")

    if _has_state(obj):
        return [target(obj, ())], False
    if isinstance(obj, Mapping) and obj:
        out = []
        for key, value in obj.items():
            if not isinstance(key, str):
                raise TypeError(f"io.{verb}: a dict of objects needs str keys, got {key!r}")
            if not _has_state(value):
                raise TypeError(
                    f"io.{verb}: {key!r} is a {type(value).__name__}, which has no state_dict()/load_state_dict(); "
                    "a dict passed to io.save/io.load maps names to modules, optimizers, schedulers, ..."
                )
            out.append(target(value, (key,)))
        return out, True
    raise TypeError(
        f"io.{verb}: expected an object with state_dict() and load_state_dict() (a module, an optimizer, a "
        f"scheduler) or a dict of them, got {type(obj).__name__}"
    )


def _describe_targets(targets: list[Target], is_dict: bool) -> str:
    if not is_dict:
        return f"a {targets[0].cls}"
    return "dict(" + ", ".join(f"{t.prefix[0]}={t.cls}" for t in targets) + ")"


# ------------------------------------------------------------------------------ save


def save(obj: Stateful | Mapping[str, Stateful], path: str | os.PathLike[str]) -> None:
    """Write ``obj.state_dict()`` to ``path`` in safetensors format.

    ``obj`` is a module, an optimizer, a scheduler (anything with ``state_dict()``
    and ``load_state_dict()``) or a dict of them: ``io.save({"model": model,
    "optimizer": opt}, path)``. Tensors become safetensors entries under their dotted
    names (``0.weight``, ``optimizer.state.0.exp_avg``); everything else in the state
    (ints, floats, strings, the nesting itself) is JSON in the file's metadata, next
    to the format version and a sha256 of each tensor's bytes. Nothing is pickled.

    Tensors are written one at a time straight from their memory (a GPU tensor
    through a host copy of that tensor alone), so saving costs almost no memory
    beyond the object itself; the same state always gives the same bytes. The file
    is written under a temporary name next to ``path`` and renamed over it only
    once complete and flushed, so a crash never leaves a half-written checkpoint;
    temporary files that a killed save left behind are removed by the next save to
    the same path.

    >>> import os, tempfile
    >>> from typedtorch import io, nn
    >>> model = nn.Linear(784, 10)
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = os.path.join(tmp.name, "model.safetensors")
    >>> io.save(model, path)
    >>> io.load(nn.Linear(784, 10), path).weight.tolist() == model.weight.tolist()
    True
    >>> tmp.cleanup()
    """
    targets, is_dict = _targets(obj, "save")
    encoded = Encoded(None)
    skeletons = [encode(t.obj.state_dict(), t.prefix, encoded, t.cls) for t in targets]
    skeleton = {"d": [[t.prefix[0], s] for t, s in zip(targets, skeletons, strict=True)]} if is_dict else skeletons[0]

    entries: dict[str, dict[str, Any]] = {}
    offset = 0
    for name, tensor in encoded.tensors.items():
        dtype = tensor._backend.dtype_name(tensor._data)
        if dtype not in DTYPE_TO_CODE:
            raise TypeError(f"io.save: parameter {name!r} has dtype {dtype}, which safetensors cannot store here")
        nbytes = math.prod(tensor.shape) * ITEMSIZE[dtype]
        entries[name] = {
            "dtype": DTYPE_TO_CODE[dtype],
            "shape": list(tensor.shape),
            "data_offsets": [offset, offset + nbytes],
        }
        offset += nbytes
    if "__metadata__" in entries:
        raise TypeError("io.save: a tensor may not be named '__metadata__' (safetensors reserves it)")

    def header(digests: dict[str, str]) -> bytes:
        metadata = {KEY_VERSION: str(FORMAT_VERSION), KEY_MODULE: "dict" if is_dict else targets[0].cls}
        if is_dict:
            metadata[KEY_OBJECTS] = dump_json({t.prefix[0]: t.cls for t in targets})
        metadata[KEY_STATE] = dump_json(skeleton)
        metadata[KEY_SHAPES] = dump_json({name: e["shape"] for name, e in entries.items()})
        metadata[KEY_SHA256] = dump_json(digests)
        metadata[KEY_HEADER_SHA256] = header_digest(metadata, entries)
        return header_bytes({"__metadata__": metadata, **entries})

    first = header({name: _PLACEHOLDER for name in entries})
    if len(first) - 8 > MAX_HEADER:
        raise ValueError(f"io.save: the header would be {len(first) - 8} bytes; typedtorch reads at most {MAX_HEADER}")
    target = Path(path)
    remove_stale(target, "tmp")
    tmp, f = create_temp(target, "tmp")
    try:
        with f:
            f.write(first)
            digests = {name: _write_tensor(f, tensor) for name, tensor in encoded.tensors.items()}
            final = header(digests)
            if len(final) != len(first):  # cannot happen: every digest has 64 hex digits
                raise AssertionError("io.save: the header changed size")
            f.seek(0)
            f.write(final)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_directory(target.parent)


def _write_tensor(f: Any, tensor: AnyTensor) -> str:
    """Append one tensor's bytes (little-endian, C order) to ``f``; returns their sha256."""
    host = tensor.numpy()  # the array itself on the CPU, a host copy from a GPU
    if not host.flags["C_CONTIGUOUS"]:
        host = host.copy(order="C")
    if sys.byteorder == "big":
        host = host.byteswap()  # safetensors stores little-endian
    raw = host.reshape(-1).view("u1")
    view = memoryview(raw)  # type: ignore[arg-type]  # numpy arrays are buffers; its stubs disagree by version
    f.write(view)
    return hashlib.sha256(view).hexdigest()


# ------------------------------------------------------------------------------ load


@overload
def load(obj: S, path: str | os.PathLike[str]) -> S: ...
@overload
def load(obj: Mapping[str, Stateful], path: str | os.PathLike[str]) -> Mapping[str, Stateful]: ...
def load(obj: Any, path: str | os.PathLike[str]) -> Any:
    """Load what :func:`save` wrote to ``path`` into ``obj`` (which it returns).

    ``obj`` is what was saved, freshly built: a module, an optimizer, a scheduler or a
    dict of them. Before anything changes, the whole file is checked against
    ``obj.state_dict()``: the same names and structure (a missing or unexpected
    entry is a :class:`typedtorch.ShapeError` naming it), each tensor's shape and
    dtype (a ``ShapeError`` naming the parameter), and every tensor's sha256; a file
    that is not a safetensors file, is truncated or corrupted, or is not a regular
    file is a :class:`CheckpointError`. Then each object's ``load_state_dict`` is
    called once with the file's state (the objects of a dict that are not modules
    first, then the modules). Values round-trip bit-exactly and go to the device of
    the tensor they replace. Nothing is unpickled.

    Where an optimizer's or scheduler's current state holds None or an empty
    container (state created at the first ``step()``), the file may hold anything
    there: there is nothing to compare with, and the object's own
    ``load_state_dict`` checks it. Modules are compared strictly.

    A file written by the safetensors library itself (no typedtorch metadata) loads
    when its tensor names, shapes and dtypes match the state (``0.weight``, ...;
    ``model.0.weight`` for the ``"model"`` of a dict); see :func:`from_torch` for a
    PyTorch ``state_dict``, whose ``nn.Linear`` weights are transposed.

    Memory: a module's tensors are read one at a time as its ``load_state_dict``
    asks for them (each verified again as it is read, so a file changed meanwhile is
    refused), so loading costs about the module's own staging copy.

    >>> import os, tempfile
    >>> from typedtorch import io, nn
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = os.path.join(tmp.name, "m.safetensors")
    >>> io.save(nn.Linear(784, 10), path)
    >>> io.load(nn.Linear(784, 12), path)
    Traceback (most recent call last):
    ...
    typedtorch.ShapeError: io.load: parameter 'weight' has shape (784, 12) in Linear, but ... holds shape (784, 10)
    >>> tmp.cleanup()
    """
    targets, is_dict = _targets(obj, "load")
    where = os.fspath(path)
    with open_regular(path, lambda why: fail(where, f"not a checkpoint: {why}")) as f:
        header = read_header(f, where)
        plans = _match(targets, is_dict, header, where)
        reader = _Reader(f, header, where)
        try:
            reader.prefetch(plans)
            states = [(plan.target, reader.build(plan)) for plan in plans]
            for target, state in sorted(states, key=lambda s: s[0].strict):
                target.obj.load_state_dict(state)
        finally:
            reader.closed = True
    return obj


@dataclass
class _Plan:
    target: Target
    got: Any  # the file's state for this object, tensors as Ref
    devices: dict[str, Backend | None]
    lazy: set[str]  # entries read on demand (a module's own tensors)
    default: Backend | None  # for tensors not in ``devices``


def _backends(value: Any) -> Iterator[Backend]:
    """The backends of the tensors in a state."""
    if isinstance(value, Tensor):
        yield value._backend
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from _backends(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _backends(v)


def _match(targets: list[Target], is_dict: bool, header: Header, path: str) -> list[_Plan]:
    """Every check that compares the file with the objects; returns what each object will be given."""
    entries = header.entries
    plain = header.version is None
    expected = [t.obj.state_dict() for t in targets]
    given = _describe_targets(targets, is_dict)
    if plain:
        used: set[str] = set()
        states = [refs_for_plain(e, entries, t.prefix, used) for t, e in zip(targets, expected, strict=True)]
        left = [name for name in entries if name not in used]
        file_is_dict = is_dict
    elif header.version == "1":  # one module's parameters, by name
        states = [{name: Ref(entry) for name, entry in entries.items()}]
        left, file_is_dict = [], False
    else:
        skeleton = parse_json(header.metadata.get(KEY_STATE, "null"), path, f"metadata {KEY_STATE!r}")
        used = set()
        state = decode(skeleton, entries, used, path)
        if used != set(entries):
            extra = next(name for name in entries if name not in used)
            raise fail(path, f"corrupted header: tensor {extra!r} is not part of the saved state")
        file_is_dict = KEY_OBJECTS in header.metadata
        if file_is_dict:
            objects = json_metadata(header.metadata, KEY_OBJECTS, path)
            if not isinstance(state, dict) or list(state) != list(objects):
                raise fail(path, "corrupted header: the state does not list the saved objects")
            saved_desc = "dict(" + ", ".join(f"{k}={v}" for k, v in objects.items()) + ")"
            if not is_dict:
                raise ShapeError(f"io.load: {path} holds {saved_desc}, but {given} was given")
            names = [t.prefix[0] for t in targets]
            missing = [k for k in names if k not in state]
            unexpected = [k for k in state if k not in names]
            if missing or unexpected:
                parts = ([f"missing {', '.join(map(repr, missing))}"] if missing else []) + (
                    [f"unexpected {', '.join(map(repr, unexpected))}"] if unexpected else []
                )
                raise ShapeError(f"io.load: {path} ({saved_desc}) does not match {given}: {'; '.join(parts)}")
            for t in targets:
                t.saved_as = str(objects.get(str(t.prefix[0]), ""))
            states = [state[t.prefix[0]] for t in targets]
        else:
            if is_dict:
                raise ShapeError(f"io.load: {path} holds one {header.module or 'object'}, but {given} was given")
            states = [state]
        left = []
    if not is_dict and not file_is_dict and not plain:
        targets[0].saved_as = header.module

    # Tensors with nothing to replace (state an optimizer creates at its first step) go
    # where all the others are, if they are all on one device (a model on the GPU).
    backends = {id(b): b for b in _backends(expected)}
    default = next(iter(backends.values())) if len(backends) == 1 else None
    plans = []
    for t, exp, got in zip(targets, expected, states, strict=True):
        matcher = Matcher(t, path, plain)
        if not is_dict:
            matcher.unexpected.extend((name,) for name in left)
            left = []
        matcher.match(exp, got)
        lazy = (
            {v.entry.name for v in got.values() if isinstance(v, Ref)} if t.strict and isinstance(got, dict) else set()
        )
        devices = {name: default if b is None else b for name, b in matcher.devices.items()}
        plans.append(_Plan(t, got, devices, lazy, default))
    if left:
        shown = ", ".join(repr(name) for name in left[:12]) + (f" and {len(left) - 12} more" if len(left) > 12 else "")
        raise ShapeError(f"io.load: {path} does not match {given}: unexpected {shown}")
    return plans


class _Reader:
    """Reads and verifies tensors of an open checkpoint by their header entries."""

    def __init__(self, f: Any, header: Header, path: str) -> None:
        self.f, self.header, self.path = f, header, path
        self.digests: dict[str, str] = {}  # what pass 1 found, for entries read again later
        self.arrays: dict[str, Any] = {}  # eager entries' bytes, read in pass 1
        self.closed = False

    def _read(self, entry: Entry) -> bytearray:
        buf = bytearray(entry.nbytes)
        view = memoryview(buf)
        self.f.seek(self.header.data_start + entry.begin)
        got = 0
        while got < entry.nbytes:
            n = self.f.readinto(view[got:])
            if not n:
                raise fail(self.path, "the file changed while it was being read (it is shorter now)")
            got += n
        return buf

    def _hash_stream(self, entry: Entry) -> str:
        digest = hashlib.sha256()
        self.f.seek(self.header.data_start + entry.begin)
        left = entry.nbytes
        while left:
            chunk = self.f.read(min(_CHUNK, left))
            if not chunk:
                raise fail(self.path, "the file changed while it was being read (it is shorter now)")
            digest.update(chunk)
            left -= len(chunk)
        return digest.hexdigest()

    def _check(self, entry: Entry, digest: str, expected: str | None) -> None:
        if expected is not None and digest != expected:
            raise fail(self.path, f"corrupted: the data of tensor {entry.name!r} does not match its sha256 checksum")

    def prefetch(self, plans: list[_Plan]) -> None:
        """Pass 1, in file order: verify every tensor; keep the bytes of those given eagerly."""
        lazy = set().union(*(p.lazy for p in plans))
        for entry in sorted(self.header.entries.values(), key=lambda e: e.begin):
            if entry.name in lazy:
                digest = self._hash_stream(entry)
                self._check(entry, digest, entry.sha256)
                self.digests[entry.name] = digest
            else:
                buf = self._read(entry)
                self._check(entry, hashlib.sha256(buf).hexdigest(), entry.sha256)
                self.arrays[entry.name] = buf

    def tensor(self, entry: Entry, backend: Backend | None) -> AnyTensor:
        buf = self.arrays.pop(entry.name, None)
        if buf is None:  # a lazy entry: read it again, and make sure it is what pass 1 verified
            if self.closed:
                raise RuntimeError(f"io.load: {self.path} is closed; the state given to load_state_dict is spent")
            buf = self._read(entry)
            if hashlib.sha256(buf).hexdigest() != self.digests[entry.name]:
                raise fail(self.path, f"the file changed while it was being read (tensor {entry.name!r})")
        host = host_from_buffer(buf, entry.dtype, entry.shape, copy=False)
        b = backend if backend is not None else get_backend("cpu")
        return make(b.from_host(host), b, None)

    def build(self, plan: _Plan) -> Any:
        """The state given to the object's ``load_state_dict``."""
        got = plan.got
        if plan.lazy:
            return _LazyState(got, self, plan.devices, plan.default)
        return self._materialize(got, plan.devices, plan.default)

    def _materialize(self, value: Any, devices: dict[str, Backend | None], default: Backend | None = None) -> Any:
        if isinstance(value, Ref):
            return self.tensor(value.entry, devices.get(value.entry.name, default))
        if isinstance(value, dict):
            return {k: self._materialize(v, devices, default) for k, v in value.items()}
        if isinstance(value, list):
            return [self._materialize(v, devices, default) for v in value]
        if isinstance(value, tuple):
            return tuple(self._materialize(v, devices, default) for v in value)
        return value


class _LazyState(Mapping[Any, Any]):
    """A module's state whose tensors are read from the file as they are asked for.

    Each access reads (and verifies) the tensor again, so no copy of the whole file
    is held while the module stages its own; valid only during ``load_state_dict``.
    """

    def __init__(
        self, items: dict[Any, Any], reader: _Reader, devices: dict[str, Backend | None], default: Backend | None
    ) -> None:
        self._items = {
            k: (v if isinstance(v, Ref) else reader._materialize(v, devices, default)) for k, v in items.items()
        }
        self._reader, self._devices, self._default = reader, devices, default

    def __getitem__(self, key: Any) -> Any:
        value = self._items[key]
        if isinstance(value, Ref):
            return self._reader.tensor(value.entry, self._devices.get(value.entry.name, self._default))
        return value

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"<state of {len(self)} entries read from {self._reader.path}: {', '.join(map(show, [(k,) for k in self._items][:5]))}...>"
