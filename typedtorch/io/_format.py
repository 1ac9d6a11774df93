"""The safetensors layout, read and written with the standard library: a file is judged before any tensor is.

A safetensors file is an 8-byte little-endian header length ``n``, ``n`` bytes of
JSON, then the tensor data: ``{"name": {"dtype": "F32", "shape": [784, 256],
"data_offsets": [begin, end]}, ..., "__metadata__": {str: str}}``, offsets relative
to the end of the header (https://github.com/huggingface/safetensors#format).

typedtorch adds metadata entries (all strings, as the format requires):
``typedtorch.format_version`` (``"2"``; version 1 files, which held one module's
parameters, still load), ``typedtorch.module`` (the saved object's class name,
informative only), ``typedtorch.objects`` (for a dict of objects: each key's class
name), ``typedtorch.state`` (JSON: the structure of the saved ``state_dict()`` with
every non-tensor value, see :mod:`typedtorch.io._state`), ``typedtorch.shapes`` (JSON:
each tensor's shape again) and ``typedtorch.sha256`` (JSON: the sha256 of each
tensor's bytes as stored) and ``typedtorch.header_sha256`` (the sha256 of the rest of
the header, see :func:`header_digest`), because safetensors itself has no checksum
and a flipped bit in the data, or in a number of the saved state, would otherwise
load silently. A file without
``typedtorch.format_version`` is a plain safetensors file (written by the
safetensors library, for example) and loads by tensor names alone.

Hostile headers cost bounded work: the header is at most :data:`MAX_HEADER` bytes,
every JSON number is refused before conversion when it has more than
:data:`MAX_DIGITS` digits, nesting deeper than the JSON parser allows is a
:class:`CheckpointError` (not a ``RecursionError``), a shape has at most
:data:`MAX_NDIM` dimensions, and no product of sizes is computed past the file's
size.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from typing import Any, BinaryIO

from ._errors import CheckpointError

FORMAT_VERSION = 2
READS_VERSIONS = ("1", "2")
KEY_VERSION = "typedtorch.format_version"
KEY_MODULE = "typedtorch.module"
KEY_OBJECTS = "typedtorch.objects"
KEY_STATE = "typedtorch.state"
KEY_SHAPES = "typedtorch.shapes"
KEY_SHA256 = "typedtorch.sha256"
KEY_HEADER_SHA256 = "typedtorch.header_sha256"

MAX_HEADER = 16 << 20
"""Largest header read, in bytes (safetensors allows 100 MB; parsing JSON costs up to
~20x its size in memory, and 16 MiB describes well over 50,000 tensors)."""
MAX_DIGITS = 100
"""Longest JSON number accepted anywhere in a header (Python ints of up to ~330 bits)."""
MAX_NDIM = 64
"""Most dimensions a tensor may have (numpy's limit)."""
MAX_SIZE = (1 << 63) - 1
"""Largest dimension or offset (safetensors stores them as u64; numpy's sizes are i64)."""

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
DTYPE_TO_CODE = {dtype: code for code, (dtype, _) in CODE_TO_DTYPE.items()}
ITEMSIZE = {dtype: size for dtype, size in CODE_TO_DTYPE.values()}


@dataclass(frozen=True)
class Entry:
    """One tensor as the header describes it."""

    name: str
    dtype: str  # typedtorch's name: "float32", ...
    shape: tuple[int, ...]
    begin: int  # offsets into the data section
    end: int
    sha256: str | None  # None in a plain safetensors file

    @property
    def nbytes(self) -> int:
        return self.end - self.begin


@dataclass(frozen=True)
class Header:
    """A validated header: every entry consistent with itself, the metadata and the file size."""

    size: int  # header length n, without the 8 length bytes
    entries: dict[str, Entry]  # by name, in the order the saved object listed them (file order if plain)
    data_size: int
    version: str | None  # None: a plain safetensors file
    module: str  # the saved object's class name ("" if unknown)
    metadata: dict[str, str]

    @property
    def data_start(self) -> int:
        return 8 + self.size


def fail(path: str, why: str) -> CheckpointError:
    return CheckpointError(f"{path}: {why}")


class _Refused(Exception):
    """A bound of the header was exceeded while parsing."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            # A later duplicate would silently win in json.loads; a writer never makes one.
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def _parse_int(text: str) -> int:
    # Called by the JSON scanner with the digits, before any conversion: a number of
    # 4300 digits costs quadratic time to convert, and arithmetic on it far more.
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _Refused(f"a number with {len(text.lstrip('-'))} digits (at most {MAX_DIGITS} are accepted)")
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > MAX_DIGITS + 10:
        raise _Refused(f"a number of {len(text)} characters (at most {MAX_DIGITS + 10} are accepted)")
    return float(text)


def parse_json(text: str | bytes, path: str, what: str) -> Any:
    """``json.loads`` with bounded numbers and nesting, duplicate keys refused; CheckpointError otherwise."""
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        return json.loads(text, object_pairs_hook=_unique_keys, parse_int=_parse_int, parse_float=_parse_float)
    except _Refused as e:
        raise fail(path, f"corrupted header: {what} holds {e}") from None
    except RecursionError:
        raise fail(path, f"corrupted header: {what} is nested too deeply") from None
    except (UnicodeDecodeError, ValueError) as e:
        if what == "the header":
            raise fail(path, f"corrupted safetensors header (not valid JSON: {e})") from None
        raise fail(path, f"corrupted header: {what} is not valid JSON ({e})") from None


def dump_json(value: Any) -> str:
    """Compact, deterministic JSON: keys in the order given, ASCII only, NaN/Infinity allowed."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True, allow_nan=True)


def _is_size(v: object) -> bool:
    return type(v) is int and 0 <= v <= MAX_SIZE


def read_header(f: BinaryIO, path: str) -> Header:
    """Read and check the header of the open file ``f`` (the header only, never the tensor data).

    Raises :class:`CheckpointError` for anything that is not a complete safetensors
    file, or a typedtorch checkpoint of an unknown format version or inconsistent
    with itself.
    """
    file_size = os.fstat(f.fileno()).st_size
    f.seek(0)
    prefix = f.read(8)
    if len(prefix) < 8:
        raise fail(path, f"not a safetensors file: {file_size} bytes is too short for the 8-byte header length")
    n = int.from_bytes(prefix, "little")
    if n < 2 or n > MAX_HEADER:
        raise fail(
            path,
            f"not a safetensors file: implausible header length {n} (the first 8 bytes are {prefix!r}; "
            f"typedtorch reads headers of up to {MAX_HEADER} bytes)",
        )
    if 8 + n > file_size:
        raise fail(
            path,
            f"truncated or not a safetensors file: the header claims {n} bytes but the file has {file_size - 8} after the length",
        )
    text = f.read(n)
    if len(text) != n:
        raise fail(path, f"truncated: read {len(text)} of the header's {n} bytes")
    if text[:1] != b"{":
        raise fail(path, "not a safetensors file: the header is not a JSON object")
    parsed = parse_json(text, path, "the header")
    if not isinstance(parsed, dict):
        raise fail(path, "not a safetensors file: the header is not a JSON object")
    data_size = file_size - 8 - n

    metadata = parsed.pop("__metadata__", None)
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise fail(path, "corrupted header: __metadata__ must map names to strings")
    version = metadata.get(KEY_VERSION)
    if version is not None and version not in READS_VERSIONS:
        raise fail(
            path, f"checkpoint format version {version!r}; this typedtorch reads versions {', '.join(READS_VERSIONS)}"
        )
    if version == "2":
        claimed = metadata.get(KEY_HEADER_SHA256)
        rest = {k: v for k, v in metadata.items() if k != KEY_HEADER_SHA256}
        if claimed != header_digest(rest, parsed):
            raise fail(path, "corrupted header: it does not match its sha256 checksum")
    if version is None:
        shapes: dict[str, Any] | None = None
        digests: dict[str, Any] | None = None
    else:
        shapes = json_metadata(metadata, KEY_SHAPES, path)
        digests = json_metadata(metadata, KEY_SHA256, path)

    entries: list[Entry] = []
    for name, spec in parsed.items():
        entries.append(_entry(name, spec, path, shapes, digests))
    if shapes is not None and digests is not None and (set(shapes) != set(parsed) or set(digests) != set(parsed)):
        raise fail(path, "corrupted header: the metadata's tensor names differ from the header's tensors")

    # The tensors must tile the data section exactly: no gaps, overlaps or slack.
    ordered = sorted(entries, key=lambda e: (e.begin, e.end))
    position = 0
    for entry in ordered:
        if entry.begin != position:
            raise fail(
                path, f"corrupted header: the data of {entry.name!r} starts at byte {entry.begin}, expected {position}"
            )
        position = entry.end
    if data_size < position:
        raise fail(
            path, f"truncated: the header describes {position} bytes of tensor data but the file holds {data_size}"
        )
    if data_size > position:
        raise fail(path, f"corrupted: {data_size - position} unexpected bytes after the tensor data")
    by_name = {entry.name: entry for entry in entries}
    if shapes is not None:  # the saved object's order, for messages that read naturally
        by_name = {name: by_name[name] for name in shapes}
    module = metadata.get(KEY_MODULE, "")
    return Header(n, by_name, data_size, version, module, metadata)


def json_metadata(metadata: dict[str, str], key: str, path: str) -> dict[str, Any]:
    value = metadata.get(key)
    if not isinstance(value, str):
        raise fail(path, f"corrupted header: metadata {key!r} is missing")
    parsed = parse_json(value, path, f"metadata {key!r}")
    if not isinstance(parsed, dict):
        raise fail(path, f"corrupted header: metadata {key!r} is not a JSON object")
    return parsed


def element_count(shape: list[Any] | tuple[int, ...], limit: int) -> int | None:
    """The product of ``shape``, or None once it exceeds ``limit`` (never computed past it)."""
    if 0 in shape:
        return 0
    count = 1
    for s in shape:
        count *= s
        if count > limit:
            return None
    return count


def _entry(name: str, spec: object, path: str, shapes: dict[str, Any] | None, digests: dict[str, Any] | None) -> Entry:
    where = f"corrupted header: tensor {name!r}"
    if not isinstance(spec, dict):
        raise fail(path, f"{where} is not described by a JSON object")
    code, shape, offsets = spec.get("dtype"), spec.get("shape"), spec.get("data_offsets")
    if not isinstance(code, str) or code not in CODE_TO_DTYPE:
        known = ", ".join(CODE_TO_DTYPE)
        raise fail(path, f"tensor {name!r} has dtype {_short(code)}, which typedtorch does not load (known: {known})")
    if not isinstance(shape, list) or len(shape) > MAX_NDIM or not all(_is_size(s) for s in shape):
        raise fail(path, f"{where} has a malformed shape {_short(shape)} (at most {MAX_NDIM} sizes below 2**63)")
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(_is_size(o) for o in offsets)):
        raise fail(path, f"{where} has malformed data offsets {_short(offsets)}")
    begin, end = offsets
    dtype, itemsize = CODE_TO_DTYPE[code]
    # Bounded arithmetic: the product stops once past what any offset can express.
    count = element_count(shape, MAX_SIZE // itemsize)
    if count is None:
        raise fail(path, f"{where}: shape {_short(shape)} of {dtype} has more than 2**63 bytes")
    if end - begin != count * itemsize:
        raise fail(path, f"{where}: {end - begin} bytes of data for shape {tuple(shape)} of {dtype}")
    digest = None
    if shapes is not None and digests is not None:
        if shapes.get(name) != shape:
            raise fail(path, f"{where}: shape {tuple(shape)} differs from the metadata's {_short(shapes.get(name))}")
        digest = digests.get(name)
        if not (isinstance(digest, str) and len(digest) == 64):
            raise fail(path, f"{where} has no checksum in the metadata")
    return Entry(name, dtype, tuple(shape), begin, end, digest)


def _short(value: object, limit: int = 80) -> str:
    """``repr`` cut to ``limit`` characters: a hostile header can make a value huge."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 5] + " ...]"


def header_digest(metadata: dict[str, str], entries: dict[str, Any]) -> str:
    """The sha256 of a header without its own checksum: the metadata (in order), then every entry (in order)."""
    return hashlib.sha256(dump_json({"__metadata__": metadata, **entries}).encode("ascii")).hexdigest()


def header_bytes(header: dict[str, Any]) -> bytes:
    """The 8-byte length and the JSON, padded with spaces so the data starts 8-byte aligned."""
    text = dump_json(header).encode("ascii")
    text += b" " * (-(8 + len(text)) % 8)
    return len(text).to_bytes(8, "little") + text
