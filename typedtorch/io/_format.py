"""The safetensors layout, read with the standard library so a file is judged before any tensor is.

A safetensors file is an 8-byte little-endian header length ``n``, ``n`` bytes of
JSON, then the tensor data: ``{"name": {"dtype": "F32", "shape": [784, 256],
"data_offsets": [begin, end]}, ..., "__metadata__": {str: str}}``, offsets relative
to the end of the header (https://github.com/huggingface/safetensors#format).

typedtorch adds four metadata entries (all strings, as the format requires):
``typedtorch.format_version`` (``"1"``), ``typedtorch.module`` (the saved module's
class name, informative only), ``typedtorch.shapes`` (JSON: each parameter's shape in
the module that was saved) and ``typedtorch.sha256`` (JSON: the sha256 of each
tensor's bytes as stored), because safetensors itself has no checksum and a flipped
bit in the data would otherwise load silently.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass
from typing import Any, BinaryIO

from ._errors import CheckpointError

FORMAT_VERSION = 1
KEY_VERSION = "typedtorch.format_version"
KEY_MODULE = "typedtorch.module"
KEY_SHAPES = "typedtorch.shapes"
KEY_SHA256 = "typedtorch.sha256"

# safetensors refuses headers above 100 MB; so do we, before allocating for one.
MAX_HEADER = 100_000_000

# safetensors dtype codes and the dtype names typedtorch uses, with their sizes.
# (BF16 and the F8 types have no numpy dtype, so they are not supported.)
CODE_TO_DTYPE: dict[str, tuple[str, int]] = {
    "BOOL": ("bool", 1),
    "U8": ("uint8", 1),
    "I8": ("int8", 1),
    "U16": ("uint16", 2),
    "I16": ("int16", 2),
    "F16": ("float16", 2),
    "U32": ("uint32", 4),
    "I32": ("int32", 4),
    "F32": ("float32", 4),
    "U64": ("uint64", 8),
    "I64": ("int64", 8),
    "F64": ("float64", 8),
}


@dataclass(frozen=True)
class Entry:
    """One tensor as the header describes it."""

    name: str
    dtype: str  # typedtorch's name: "float32", ...
    shape: tuple[int, ...]
    begin: int  # offsets into the data section
    end: int
    sha256: str


@dataclass(frozen=True)
class Header:
    """A validated header: every entry consistent with itself, the metadata and the file size."""

    size: int  # header length n, without the 8 length bytes
    raw: bytes  # the 8 length bytes and the JSON, as read
    entries: dict[str, Entry]  # by name, in the order the module listed them when saved
    data_size: int
    module: str


def _fail(path: str, why: str) -> CheckpointError:
    return CheckpointError(f"{path}: {why}")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            # A later duplicate would silently win in json.loads; a writer never makes one.
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def _is_count(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def read_header(f: BinaryIO, path: str) -> Header:
    """Read and check the header of the open file ``f``, leaving it positioned at the data.

    Raises :class:`CheckpointError` for anything that is not a complete typedtorch
    safetensors file of a known format version. Reads the header only (and the file
    size), never the tensor data.
    """
    file_size = os.fstat(f.fileno()).st_size
    prefix = f.read(8)
    if len(prefix) < 8:
        raise _fail(path, f"not a safetensors file: {file_size} bytes is too short for the 8-byte header length")
    n = int.from_bytes(prefix, "little")
    if n < 2 or n > MAX_HEADER:
        raise _fail(path, f"not a safetensors file: implausible header length {n} (the first 8 bytes are {prefix!r})")
    if 8 + n > file_size:
        raise _fail(
            path,
            f"truncated or not a safetensors file: the header claims {n} bytes but the file has {file_size - 8} after the length",
        )
    text = f.read(n)
    if len(text) != n:
        raise _fail(path, f"truncated: read {len(text)} of the header's {n} bytes")
    if text[:1] != b"{":
        raise _fail(path, "not a safetensors file: the header is not a JSON object")
    try:
        parsed = json.loads(text.decode("utf-8"), object_pairs_hook=_unique_keys)
    except (UnicodeDecodeError, ValueError) as e:
        raise _fail(path, f"corrupted safetensors header (not valid JSON: {e})") from None
    if not isinstance(parsed, dict):
        raise _fail(path, "not a safetensors file: the header is not a JSON object")

    metadata = parsed.pop("__metadata__", None)
    if not isinstance(metadata, dict) or KEY_VERSION not in metadata:
        raise _fail(path, f"a safetensors file, but not a typedtorch checkpoint (no {KEY_VERSION!r} in its metadata)")
    version = metadata[KEY_VERSION]
    if version != str(FORMAT_VERSION):
        raise _fail(path, f"checkpoint format version {version!r}; this typedtorch reads version {FORMAT_VERSION}")
    shapes = _json_metadata(metadata, KEY_SHAPES, path)
    digests = _json_metadata(metadata, KEY_SHA256, path)
    module = metadata.get(KEY_MODULE, "")

    entries: list[Entry] = []
    for name, spec in parsed.items():
        entries.append(_entry(name, spec, path, shapes, digests))
    if set(shapes) != set(parsed) or set(digests) != set(parsed):
        raise _fail(path, "corrupted header: the metadata's parameter names differ from the header's tensors")

    # The tensors must tile the data section exactly: no gaps, overlaps or slack.
    entries.sort(key=lambda e: (e.begin, e.end))
    position = 0
    for entry in entries:
        if entry.begin != position:
            raise _fail(
                path, f"corrupted header: the data of {entry.name!r} starts at byte {entry.begin}, expected {position}"
            )
        position = entry.end
    data_size = file_size - 8 - n
    if data_size < position:
        raise _fail(
            path,
            f"truncated: the header describes {position} bytes of tensor data but the file holds {data_size}",
        )
    if data_size > position:
        raise _fail(path, f"corrupted: {data_size - position} unexpected bytes after the tensor data")
    # In the saved module's parameter order (the metadata's), for messages that read naturally.
    by_name = {entry.name: entry for entry in entries}
    return Header(n, prefix + text, {name: by_name[name] for name in shapes}, data_size, str(module))


def _json_metadata(metadata: dict[str, Any], key: str, path: str) -> dict[str, Any]:
    value = metadata.get(key)
    if not isinstance(value, str):
        raise _fail(path, f"corrupted header: metadata {key!r} is missing")
    try:
        parsed = json.loads(value, object_pairs_hook=_unique_keys)
    except ValueError as e:
        raise _fail(path, f"corrupted header: metadata {key!r} is not valid JSON ({e})") from None
    if not isinstance(parsed, dict):
        raise _fail(path, f"corrupted header: metadata {key!r} is not a JSON object")
    return parsed


def _entry(name: str, spec: object, path: str, shapes: dict[str, Any], digests: dict[str, Any]) -> Entry:
    where = f"corrupted header: tensor {name!r}"
    if not isinstance(spec, dict):
        raise _fail(path, f"{where} is not described by a JSON object")
    code, shape, offsets = spec.get("dtype"), spec.get("shape"), spec.get("data_offsets")
    if not isinstance(code, str) or code not in CODE_TO_DTYPE:
        known = ", ".join(CODE_TO_DTYPE)
        raise _fail(path, f"tensor {name!r} has dtype {code!r}, which typedtorch does not load (known: {known})")
    if not isinstance(shape, list) or not all(_is_count(s) for s in shape):
        raise _fail(path, f"{where} has a malformed shape {shape!r}")
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(_is_count(o) for o in offsets)):
        raise _fail(path, f"{where} has malformed data offsets {offsets!r}")
    begin, end = offsets
    dtype, itemsize = CODE_TO_DTYPE[code]
    if end - begin != math.prod(shape) * itemsize:
        raise _fail(path, f"{where}: {end - begin} bytes of data for shape {tuple(shape)} of {dtype}")
    if shapes.get(name) != shape:
        raise _fail(path, f"{where}: shape {tuple(shape)} differs from the metadata's {shapes.get(name)!r}")
    digest = digests.get(name)
    if not isinstance(digest, str):
        raise _fail(path, f"{where} has no checksum in the metadata")
    return Entry(name, dtype, tuple(shape), begin, end, digest)


def check_data(header: Header, data: bytes, path: str) -> None:
    """Compare every tensor's bytes with its recorded sha256."""
    view = memoryview(data)
    for entry in header.entries.values():
        if hashlib.sha256(view[entry.begin : entry.end]).hexdigest() != entry.sha256:
            raise _fail(path, f"corrupted: the data of tensor {entry.name!r} does not match its sha256 checksum")


DTYPE_TO_CODE = {dtype: code for code, (dtype, _) in CODE_TO_DTYPE.items()}
