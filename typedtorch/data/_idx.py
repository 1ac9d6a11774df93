"""IDX files (the MNIST format): header parsing and exact payload checks.

An IDX file is a 4-byte magic number ``00 00 <dtype code> <ndim>``, then ``ndim``
big-endian uint32 sizes, then the values, big-endian, row-major, and nothing after
them. Files may be gzip-compressed; gzip is detected by its magic bytes, not by the
file name, so a renamed file still reads correctly.
"""

from __future__ import annotations

import gzip
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typedtorch._backend import get_backend, host_from_buffer
from typedtorch._tensor import Tensor, make

from ._errors import DataError

# code -> (dtype name, item size in bytes)
IDX_DTYPES: dict[int, tuple[str, int]] = {
    0x08: ("uint8", 1),
    0x09: ("int8", 1),
    0x0B: ("int16", 2),
    0x0C: ("int32", 4),
    0x0D: ("float32", 4),
    0x0E: ("float64", 8),
}
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class IdxHeader:
    """What an IDX header says: element type, shape, and where the values start."""

    dtype: str
    shape: tuple[int, ...]
    offset: int
    itemsize: int

    @property
    def count(self) -> int:
        n = 1
        for s in self.shape:
            n *= s
        return n


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The file's content, decompressed when it starts with the gzip magic bytes."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise DataError(f"{path}: cannot read: {e.strerror or e}") from e
    if data[:2] != _GZIP_MAGIC:
        return data
    try:
        return gzip.decompress(data)
    except (EOFError, gzip.BadGzipFile, zlib.error) as e:
        # EOFError is what a cut-off download looks like.
        raise DataError(f"{path}: corrupted or truncated gzip data: {e}") from e


def parse_header(data: bytes, name: str | os.PathLike[str]) -> IdxHeader:
    """Parse and check an IDX header against the payload length (exact, both ways).

    ``name`` is only used in error messages.

    >>> import struct
    >>> parse_header(struct.pack(">BBBBI", 0, 0, 0x08, 1, 3) + bytes(3), "x.idx")
    IdxHeader(dtype='uint8', shape=(3,), offset=8, itemsize=1)
    """
    if len(data) < 4:
        raise DataError(f"{name}: too short for an IDX header ({len(data)} bytes)")
    zero0, zero1, code, ndim = data[0], data[1], data[2], data[3]
    magic = int.from_bytes(data[:4], "big")
    if zero0 != 0 or zero1 != 0:
        raise DataError(f"{name}: bad magic number 0x{magic:08x}: an IDX file starts with two zero bytes")
    if code not in IDX_DTYPES:
        known = ", ".join(f"0x{c:02x} {t}" for c, (t, _) in IDX_DTYPES.items())
        raise DataError(f"{name}: bad magic number 0x{magic:08x}: unknown IDX dtype code 0x{code:02x} (known: {known})")
    if ndim == 0:
        raise DataError(f"{name}: bad magic number 0x{magic:08x}: zero dimensions")
    offset = 4 + 4 * ndim
    if len(data) < offset:
        raise DataError(f"{name}: truncated IDX header: {ndim} dims need {offset} bytes, the file has {len(data)}")
    shape = struct.unpack(f">{ndim}I", data[4:offset])
    dtype, itemsize = IDX_DTYPES[code]
    header = IdxHeader(dtype, shape, offset, itemsize)
    expected, found = header.count * itemsize, len(data) - offset
    if found < expected:
        raise DataError(
            f"{name}: truncated: the header promises {_dims(shape)} {dtype} values ({expected} bytes), "
            f"the file has {found} bytes of data"
        )
    if found > expected:
        raise DataError(
            f"{name}: {found - expected} unexpected bytes after the {_dims(shape)} {dtype} values the header promises"
        )
    return header


def to_host(data: bytes, header: IdxHeader, *, copy: bool = True) -> Any:
    """The values as a native-endian numpy array (through the backend module)."""
    return host_from_buffer(data, header.dtype, header.shape, offset=header.offset, big_endian=True, copy=copy)


def read_idx(path: str | os.PathLike[str], *, device: str | None = None) -> Tensor[*tuple[Any, ...]]:
    """Read any IDX file (gzipped or raw) into a tensor of the file's own dtype.

    The shape comes from the file, so mypy sees ``Tensor[*tuple[Any, ...]]``; annotate
    the variable with the shape you expect. Raises :class:`DataError` naming the file
    for a bad magic number, an unknown dtype code, or a payload whose length does not
    match the header exactly.

    >>> import typedtorch.data as ttd
    >>> labels = ttd.read_idx("examples/data/mnist/t10k-labels-idx1-ubyte.gz")  # doctest: +SKIP
    >>> labels.shape, labels.dtype                                               # doctest: +SKIP
    ((10000,), dtype('uint8'))
    """
    data = read_bytes(path)
    header = parse_header(data, path)
    backend = get_backend(device)
    return make(backend.from_host(to_host(data, header)), backend, None)


def _dims(shape: tuple[int, ...]) -> str:
    return " x ".join(str(s) for s in shape)
