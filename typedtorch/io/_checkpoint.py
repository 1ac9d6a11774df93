"""``save`` and ``load``: a module's parameters to and from a safetensors file."""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import os
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from typedtorch._errors import ShapeError
from typedtorch.nn._module import key_mismatch

from ._errors import CheckpointError
from ._format import (
    DTYPE_TO_CODE,
    FORMAT_VERSION,
    KEY_MODULE,
    KEY_SHA256,
    KEY_SHAPES,
    KEY_VERSION,
    Header,
    check_data,
    read_header,
)

if TYPE_CHECKING:
    from typedtorch._backend import HostArray
    from typedtorch.nn import Module

M = TypeVar("M", bound="Module")

_INSTALL_HINT = "typedtorch.io needs the safetensors package: pip install 'typedtorch[io]'"


def _safetensors() -> Any:
    """The ``safetensors`` package, with ``safetensors.numpy`` loaded, or an ImportError naming the extra.

    Imported on first use, not with this module: the extra is optional. Through
    importlib, so that mypy checks this file the same with or without it installed.
    """
    try:
        module = importlib.import_module("safetensors")
        importlib.import_module("safetensors.numpy")
    except ImportError as e:
        raise ImportError(_INSTALL_HINT) from e
    return module


def save(module: Module, path: str | os.PathLike[str]) -> None:
    """Write every parameter of ``module`` to ``path`` in safetensors format.

    The file also records the format version, each parameter's shape and a sha256
    of each tensor's bytes. Parameters on a GPU are copied to the host first. The
    file is written to a temporary name in the same directory and renamed over
    ``path`` only once complete, so a crash never leaves a half-written checkpoint.

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
    safetensors = _safetensors()
    arrays: dict[str, HostArray] = {}
    shapes: dict[str, list[int]] = {}
    digests: dict[str, str] = {}
    for name, p in module.named_parameters():
        dtype = p._backend.dtype_name(p._data)
        if dtype not in DTYPE_TO_CODE:
            raise TypeError(f"io.save: parameter {name!r} has dtype {dtype}, which safetensors cannot store here")
        host = p.numpy()  # the array itself on the CPU, a host copy from a GPU
        if not host.flags["C_CONTIGUOUS"]:
            host = host.copy()
        # safetensors stores little-endian; the checksum is of the bytes as stored.
        stored = host if sys.byteorder == "little" else host.byteswap()
        arrays[name] = host
        shapes[name] = list(p.shape)
        digests[name] = hashlib.sha256(stored.data).hexdigest()
    metadata = {
        KEY_VERSION: str(FORMAT_VERSION),
        KEY_MODULE: type(module).__name__,
        KEY_SHAPES: json.dumps(shapes, separators=(",", ":")),
        KEY_SHA256: json.dumps(digests, separators=(",", ":")),
    }
    blob: bytes = safetensors.numpy.save(arrays, metadata=metadata)
    _write_atomically(Path(path), blob)


def load(module: M, path: str | os.PathLike[str]) -> M:
    """Load the parameters saved by :func:`save` from ``path`` into ``module``; returns ``module``.

    The header is read and checked first, against the file and against ``module``:
    a missing or unexpected parameter, or one whose shape or dtype differs, is a
    :class:`typedtorch.ShapeError` naming it; a file that is not a typedtorch
    safetensors checkpoint, is truncated or corrupted (checksums) is a
    :class:`CheckpointError`. Either way ``module`` is left unchanged: values are
    copied in only after every check has passed. Values go to each parameter's
    device. Nothing is unpickled (safetensors holds raw arrays only).

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
    safetensors = _safetensors()
    from typedtorch._factories import from_numpy

    where = os.fspath(path)
    with open(path, "rb") as f:
        header = read_header(f, where)
        _check_against(module, header, where)
        # One byte more than expected tells a file that grew since it was measured.
        data = f.read(header.data_size + 1)
    if len(data) != header.data_size:
        raise CheckpointError(f"{where}: the file changed while it was being read")
    check_data(header, data, where)
    try:
        arrays: dict[str, HostArray] = safetensors.numpy.load(header.raw + data)
    except safetensors.SafetensorError as e:  # our checks should have caught it first
        raise CheckpointError(f"{where}: safetensors could not read it: {e}") from e
    module.load_state_dict({name: from_numpy(a) for name, a in arrays.items()})
    return module


def _check_against(module: Module, header: Header, path: str) -> None:
    """The checks that compare the file with the module: names, then each parameter's shape and dtype."""
    cls = type(module).__name__
    params = dict(module.named_parameters())
    entries = header.entries
    mismatch = key_mismatch(params, entries)
    if mismatch:
        source = f" (saved from a {header.module})" if header.module and header.module != cls else ""
        raise ShapeError(f"io.load: {path}{source} does not match {cls}: {mismatch}")
    for name, p in params.items():
        entry = entries[name]
        if entry.shape != p.shape:
            raise ShapeError(
                f"io.load: parameter {name!r} has shape {p.shape} in {cls}, but {path} holds shape {entry.shape}"
            )
        dtype = p._backend.dtype_name(p._data)
        if entry.dtype != dtype:
            raise ShapeError(
                f"io.load: parameter {name!r} has dtype {dtype} in {cls}, but {path} holds {entry.dtype} "
                "(load refuses to convert; cast the module or save it again)"
            )


def _write_atomically(path: Path, blob: bytes) -> None:
    """Write ``blob`` to ``path`` through a temporary file and a rename: readers see the old or the new file, whole."""
    directory = path.parent
    tmp = directory / f".{path.name}.{secrets.token_hex(6)}.tmp"
    # os.open with 0o666 lets the umask decide the mode, as a plain open() would
    # (tempfile.mkstemp would leave the checkpoint readable by its owner only).
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(blob)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    # Make the rename itself durable; not every platform can open a directory.
    with contextlib.suppress(OSError):
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
