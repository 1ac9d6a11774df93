"""Verified, atomic downloads from a list of mirrors.

A file is streamed into a temporary file in the destination directory, checked
(size and sha256 of the *uncompressed* bytes, since gzip output differs between
compressors while the raw bytes do not), and only then renamed into place with
``os.replace``: a reader never sees a partial or unverified file, even if the
process dies mid-download. A mirror that fails in any way is skipped for the next.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import http.client
import os
import tempfile
import urllib.error
import urllib.request
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from ._errors import DataError

_CHUNK = 1 << 20
_GZIP_MAGIC = b"\x1f\x8b"


def download_verified(
    filename: str,
    dest_dir: str | os.PathLike[str],
    mirrors: Sequence[str],
    *,
    sha256: str,
    size: int,
    max_download: int = 256 << 20,
    timeout: float = 30.0,
) -> Path:
    """Fetch ``<mirror>/<filename>`` from the first mirror that serves the right file.

    ``sha256`` and ``size`` describe the uncompressed content (the file may be served
    gzipped or raw). Returns ``dest_dir / filename``. If every mirror fails, raises
    :class:`DataError` listing what each one did; nothing is left in ``dest_dir``.

    >>> download_verified("t10k-labels-idx1-ubyte.gz", "/tmp/mnist", ["https://example.org/mnist/"],
    ...                   sha256="ff7b...", size=10008)  # doctest: +SKIP
    PosixPath('/tmp/mnist/t10k-labels-idx1-ubyte.gz')
    """
    if not mirrors:
        raise DataError(f"cannot download {filename}: no mirrors given")
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    target = dest_dir / filename
    failures: list[str] = []
    for mirror in mirrors:
        url = mirror.rstrip("/") + "/" + filename
        # Same directory as the target, so os.replace is an atomic rename.
        fd, tmp_name = tempfile.mkstemp(prefix=f".{filename}.", suffix=".part", dir=dest_dir)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "w+b") as f:
                _fetch(url, f, max_download, timeout)
                f.flush()
                os.fsync(f.fileno())
                f.seek(0)
                _verify(f, sha256, size)
            os.replace(tmp, target)
            return target
        # ValueError: a malformed mirror URL, which is skipped like any other bad mirror.
        except (OSError, EOFError, ValueError, http.client.HTTPException, zlib.error, _Mismatch) as e:
            failures.append(f"  {url}: {_describe(e)}")
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
    raise DataError(f"could not download {filename} from any of {len(mirrors)} mirrors:\n" + "\n".join(failures))


class _Mismatch(Exception):
    """The bytes arrived but are not the expected file."""


def _fetch(url: str, out: BinaryIO, max_bytes: int, timeout: float) -> None:
    request = urllib.request.Request(url, headers={"User-Agent": "typedtorch-data"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        total = 0
        while chunk := response.read(_CHUNK):
            total += len(chunk)
            if total > max_bytes:
                raise _Mismatch(f"more than {max_bytes} bytes served; giving up")
            out.write(chunk)
        # http.client does not raise when a connection closes before Content-Length.
        announced = response.headers.get("Content-Length")
        if announced is not None and announced.isdigit() and total < int(announced):
            raise _Mismatch(f"connection closed early: got {total} of the {announced} bytes announced")


def _verify(f: BinaryIO, sha256: str, size: int) -> None:
    is_gzip = f.read(2) == _GZIP_MAGIC
    f.seek(0)
    stream: BinaryIO = gzip.GzipFile(fileobj=f, mode="rb") if is_gzip else f  # type: ignore[assignment]
    digest = hashlib.sha256()
    total = 0
    # Read at most one byte past the expected size: a decompression bomb or a wrong,
    # larger file is refused without being inflated in full.
    while total <= size and (chunk := stream.read(min(_CHUNK, size + 1 - total))):
        total += len(chunk)
        digest.update(chunk)
    if total > size:
        raise _Mismatch(f"wrong file: more than the expected {size} uncompressed bytes")
    if total < size:
        raise _Mismatch(f"truncated: {total} uncompressed bytes, expected {size}")
    got = digest.hexdigest()
    if got != sha256:
        raise _Mismatch(f"sha256 mismatch: got {got}, expected {sha256}")


def _describe(e: BaseException) -> str:
    if isinstance(e, urllib.error.HTTPError):
        return f"HTTP {e.code} {e.reason}"
    if isinstance(e, urllib.error.URLError):
        return f"cannot connect: {e.reason}"
    if isinstance(e, http.client.IncompleteRead):  # from chunked transfers
        return f"connection closed early: got {len(e.partial)} bytes, {e.expected} more were announced"
    if isinstance(e, EOFError | gzip.BadGzipFile | zlib.error):
        return f"corrupted or truncated gzip data: {e}"
    if isinstance(e, ValueError):
        return f"bad URL: {e}"
    if isinstance(e, TimeoutError):
        return f"timed out: {e}"
    if isinstance(e, _Mismatch):
        return str(e)
    return f"{type(e).__name__}: {e}"
