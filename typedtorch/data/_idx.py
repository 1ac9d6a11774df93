"""IDX files (the MNIST format): header parsing and exact payload checks, with bounded reads.

An IDX file is a 4-byte magic number ``00 00 <dtype code> <ndim>``, then ``ndim``
big-endian uint32 sizes, then the values, big-endian, row-major, and nothing after
them. Files may be gzip-compressed; gzip is detected by its magic bytes, not by the
file name, so a renamed file still reads correctly.

A file is read as a stream: the header first, then exactly the payload it promises.
Nothing is ever read or decompressed past that (plus one byte, to tell a longer
file), so a decompression bomb or a link to a huge sparse file costs no more than a
valid file of the promised size; a header promising more than the file could hold
(more than the raw size, or more than deflate's maximal ratio allows for a gzip
file) is refused before the payload is read at all.
"""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from typedtorch._backend import get_backend, host_from_buffer
from typedtorch._tensor import Tensor, make
from typedtorch.io._files import open_regular

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
_CHUNK = 1 << 20
# deflate never expands more than 1032:1 (RFC 1951 limits); a margin for headers.
_MAX_RATIO = 1032
_COUNT_EXTRA_UP_TO = 64 << 20  # how far past the payload trailing bytes are counted for a message


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


class _Gunzip:
    """Decompressed bytes of a gzip file, as many as asked for and no more (``read(n)``).

    Concatenated members and zero padding after the last one are accepted, as
    ``gzip.decompress`` accepts them; each member's CRC and length are checked.
    """

    def __init__(self, f: BinaryIO, path: str | os.PathLike[str]) -> None:
        self.f, self.path = f, path
        self.d = zlib.decompressobj(zlib.MAX_WBITS | 16)
        self.pending = b""  # compressed input not yet given to the decompressor
        self.done = False

    def _error(self, why: object) -> DataError:
        return DataError(f"{self.path}: corrupted or truncated gzip data: {why}")

    def read(self, n: int) -> bytes:
        out = b""
        while len(out) < n and not self.done:
            if self.d.eof:
                self._next_member()
                continue
            if not self.pending:
                self.pending = self.f.read(_CHUNK)
                if not self.pending:
                    raise self._error("Compressed file ended before the end-of-stream marker was reached")
            try:
                data = self.d.decompress(self.pending, n - len(out))
            except zlib.error as e:
                raise self._error(e) from None
            self.pending = b"" if self.d.eof else self.d.unconsumed_tail
            out += data
        return out

    def _next_member(self) -> None:
        # At a member's end the rest of the input is in unused_data (unconsumed_tail may repeat it).
        rest = self.d.unused_data.lstrip(b"\0")
        while not rest:
            chunk = self.f.read(_CHUNK)
            if not chunk:
                self.done = True
                return
            rest = chunk.lstrip(b"\0")
        if rest[:2] != _GZIP_MAGIC[: len(rest[:2])]:
            raise self._error("trailing bytes after the gzip data are not another gzip member")
        self.d = zlib.decompressobj(zlib.MAX_WBITS | 16)
        self.pending = rest


class _Raw:
    def __init__(self, f: BinaryIO) -> None:
        self.f = f

    def read(self, n: int) -> bytes:
        out = b""
        while len(out) < n:
            chunk = self.f.read(min(n - len(out), _CHUNK))
            if not chunk:
                break
            out += chunk
        return out


def _readinto(stream: _Gunzip | _Raw, buf: bytearray, start: int) -> int:
    """Fill ``buf[start:]`` from ``stream``; returns the number of bytes now in ``buf``."""
    view = memoryview(buf)
    at = start
    while at < len(buf):
        chunk = stream.read(min(_CHUNK, len(buf) - at))
        if not chunk:
            break
        view[at : at + len(chunk)] = chunk
        at += len(chunk)
    return at


def read_idx_data(
    path: str | os.PathLike[str], check: Callable[[IdxHeader], None] | None = None
) -> tuple[bytearray, IdxHeader]:
    """The whole (uncompressed) content of an IDX file and its header, checked exactly.

    ``check`` sees the header before any of the payload is read (MNIST refuses a wrong
    shape there). Raises :class:`DataError` naming the file for anything malformed.
    """
    try:
        f = open_regular(path, lambda why: DataError(f"{path}: cannot read: {why}"))
    except OSError as e:
        raise DataError(f"{path}: cannot read: {e.strerror or e}") from e
    with f:
        size = os.fstat(f.fileno()).st_size
        gz = f.read(2) == _GZIP_MAGIC
        f.seek(0)
        stream: _Gunzip | _Raw = _Gunzip(f, path) if gz else _Raw(f)
        try:
            head = stream.read(4)
            if len(head) == 4 and head[0] == head[1] == 0 and head[2] in IDX_DTYPES and head[3]:
                head += stream.read(4 * head[3])
            if len(head) < 4 or len(head) < 4 + 4 * head[3]:
                parse_header(head, path)  # raises: too short, bad magic, truncated dims
            header = parse_header(head, path, header_only=True)
            if check is not None:
                check(header)
            expected = header.count * header.itemsize
            if not gz:  # the size says it all, before any of the payload is read
                _promise_error(header, path, size - header.offset)
            elif expected > size * _MAX_RATIO + (1 << 16):
                raise DataError(
                    f"{path}: truncated: the header promises {_dims(header.shape)} {header.dtype} values "
                    f"({expected} bytes), more than {size} bytes of gzip data can hold"
                )
            # The exact size, plus one byte to tell a longer file; allocated at once only
            # when that is known to fit in the file, else grown as the data arrives.
            total = header.offset + expected
            if not gz or check is not None:
                data = bytearray(total + 1)
                data[: header.offset] = head
                got = _readinto(stream, data, header.offset)
            else:
                data = bytearray(head)
                while len(data) <= total and (chunk := stream.read(min(_CHUNK, total + 1 - len(data)))):
                    data += chunk
                got = len(data)
            if got < total:
                _promise_error(header, path, got - header.offset)
            if got > total:
                extra = 1  # counted (not kept) up to a bound, for the message
                while extra <= _COUNT_EXTRA_UP_TO and (chunk := stream.read(_CHUNK)):
                    extra += len(chunk)
                more = "more than " if extra > _COUNT_EXTRA_UP_TO else ""
                raise DataError(
                    f"{path}: {more}{min(extra, _COUNT_EXTRA_UP_TO)} unexpected bytes after the {_dims(header.shape)} {header.dtype} values "
                    "the header promises"
                )
            if gz:
                stream.read(1)  # to the end: each member's CRC and length are checked there
            del data[total:]
            return data, header
        except OSError as e:
            raise DataError(f"{path}: cannot read: {e.strerror or e}") from e


def _promise_error(header: IdxHeader, name: str | os.PathLike[str], found: int) -> None:
    expected = header.count * header.itemsize
    if found < expected:
        raise DataError(
            f"{name}: truncated: the header promises {_dims(header.shape)} {header.dtype} values ({expected} bytes), "
            f"the file has {found} bytes of data"
        )
    if found > expected:
        raise DataError(
            f"{name}: {found - expected} unexpected bytes after the {_dims(header.shape)} {header.dtype} values "
            "the header promises"
        )


def parse_header(data: bytes | bytearray, name: str | os.PathLike[str], *, header_only: bool = False) -> IdxHeader:
    """Parse and check an IDX header against the payload length (exact, both ways).

    ``name`` is only used in error messages; with ``header_only`` the payload length
    is not checked (``data`` may hold the header alone).

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
    if not header_only:
        _promise_error(header, name, len(data) - offset)
    return header


def to_host(data: bytes | bytearray, header: IdxHeader, *, copy: bool = True) -> Any:
    """The values as a native-endian numpy array (through the backend module)."""
    return host_from_buffer(data, header.dtype, header.shape, offset=header.offset, big_endian=True, copy=copy)


def read_idx(path: str | os.PathLike[str], *, device: str | None = None) -> Tensor[*tuple[Any, ...]]:
    """Read any IDX file (gzipped or raw) into a tensor of the file's own dtype.

    The shape comes from the file, so mypy sees ``Tensor[*tuple[Any, ...]]``; annotate
    the variable with the shape you expect. Raises :class:`DataError` naming the file
    for a bad magic number, an unknown dtype code, or a payload whose length does not
    match the header exactly; never reads or decompresses more than the header
    promises (plus one byte).

    >>> import typedtorch.data as ttd
    >>> labels = ttd.read_idx("examples/data/mnist/t10k-labels-idx1-ubyte.gz")  # doctest: +SKIP
    >>> labels.shape, labels.dtype                                               # doctest: +SKIP
    ((10000,), dtype('uint8'))
    """
    data, header = read_idx_data(Path(path))
    backend = get_backend(device)
    return make(backend.from_host(to_host(data, header)), backend, None)


def _dims(shape: tuple[int, ...]) -> str:
    return " x ".join(str(s) for s in shape)
