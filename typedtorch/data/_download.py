"""Verified, atomic downloads from a list of mirrors, with a deadline and a minimum rate.

A file is streamed into a temporary file in the destination directory, checked
(size and sha256 of the *uncompressed* bytes, since gzip output differs between
compressors while the raw bytes do not), and only then renamed into place with
``os.replace``: a reader never sees a partial or unverified file, even if the
process dies mid-download. A mirror that fails in any way is skipped for the next.

A slow mirror cannot hold a download for ever: the whole call has a deadline (every
mirror, connection and headers included), and a mirror whose average rate falls
below ``min_rate`` once ``timeout`` seconds have passed is abandoned for the next. A
watchdog thread enforces both by shutting the connection down, so even a server that
sends one byte just before each socket timeout is cut off. Temporary ``.part`` files
that a killed download left behind are removed by the next download of that file.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
import http.client
import os
import re
import socket
import threading
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

from typedtorch.io._files import create_temp, remove_stale

from ._errors import DataError

_CHUNK = 1 << 20
_GZIP_MAGIC = b"\x1f\x8b"
_POLL = 0.05  # seconds between the watchdog's looks at a download


def _legacy_part(filename: str) -> re.Pattern[str]:
    # The names tempfile.mkstemp gave .part files before typedtorch named them itself.
    return re.compile(rf"\.{re.escape(filename)}\.[a-z0-9_]{{8}}\.part")


def download_verified(
    filename: str,
    dest_dir: str | os.PathLike[str],
    mirrors: Sequence[str],
    *,
    sha256: str,
    size: int,
    max_download: int = 256 << 20,
    timeout: float = 30.0,
    deadline: float = 600.0,
    min_rate: float = 4096.0,
) -> Path:
    """Fetch ``<mirror>/<filename>`` from the first mirror that serves the right file.

    ``sha256`` and ``size`` describe the uncompressed content (the file may be served
    gzipped or raw). Returns ``dest_dir / filename``. ``timeout`` bounds each socket
    operation; the whole call (every mirror tried) ends after ``deadline`` seconds;
    a mirror that, once ``timeout`` seconds have passed, has sent less than
    ``min_rate`` bytes per second on average is given up for the next (0 turns the
    rate check off). If every mirror fails, raises :class:`DataError` listing what
    each one did; nothing is left in ``dest_dir``.

    >>> download_verified("t10k-labels-idx1-ubyte.gz", "/tmp/mnist", ["https://example.org/mnist/"],
    ...                   sha256="ff7b...", size=10008)  # doctest: +SKIP
    PosixPath('/tmp/mnist/t10k-labels-idx1-ubyte.gz')
    """
    if not mirrors:
        raise DataError(f"cannot download {filename}: no mirrors given")
    if not (deadline > 0 and timeout > 0 and min_rate >= 0):
        raise ValueError(
            f"download_verified: deadline and timeout must be positive and min_rate non-negative, "
            f"got deadline={deadline!r}, timeout={timeout!r}, min_rate={min_rate!r}"
        )
    ends = time.monotonic() + deadline
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    target = dest_dir / filename
    remove_stale(target, "part", also=_legacy_part(filename))
    failures: list[str] = []
    for mirror in mirrors:
        url = mirror.rstrip("/") + "/" + filename
        if time.monotonic() >= ends:
            failures.append(f"  {url}: not tried: the {deadline:.3g} s deadline had passed")
            continue
        # Same directory as the target, so os.replace is an atomic rename.
        tmp, f = create_temp(target, "part")
        try:
            with f:
                _fetch(url, f, max_download, timeout, _Watch(ends, deadline, min_rate, timeout))
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
    """The bytes arrived but are not the expected file, or not in time."""


class _Watch:
    """A thread that cuts a download's connections at the deadline, or when it is too slow."""

    def __init__(self, ends: float, deadline: float, min_rate: float, grace: float) -> None:
        self.start = time.monotonic()
        self.ends, self.deadline, self.min_rate, self.grace = ends, deadline, min_rate, grace
        self.received = 0
        self.reason: str | None = None
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="typedtorch-download-watch", daemon=True)

    def __enter__(self) -> _Watch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(_POLL):
            now = time.monotonic()
            elapsed = now - self.start
            if now >= self.ends:
                self._fire(f"gave up at the {self.deadline:.3g} s deadline ({self.received} bytes in {elapsed:.1f} s)")
                return
            if self.min_rate and elapsed >= self.grace and self.received < self.min_rate * elapsed:
                self._fire(
                    f"too slow: {self.received} bytes in {elapsed:.1f} s, "
                    f"below the minimum of {self.min_rate:g} bytes/s"
                )
                return

    def _fire(self, reason: str) -> None:
        with self._lock:
            self.reason = reason
            for sock in self._socks:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)  # wakes a blocked recv at once

    def track(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            self._socks.append(sock)
            if self.reason is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


class _HTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, watch: _Watch, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._watch = watch

    def connect(self) -> None:
        super().connect()
        self._watch.track(self.sock)


class _HTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, watch: _Watch, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._watch = watch

    def connect(self) -> None:
        super().connect()
        self._watch.track(self.sock)


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, watch: _Watch) -> None:
        super().__init__()
        self._watch = watch

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_HTTPConnection, watch=self._watch), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, watch: _Watch) -> None:
        super().__init__()
        self._watch = watch

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        context = getattr(self, "_context", None)
        return self.do_open(functools.partial(_HTTPSConnection, watch=self._watch), req, context=context)


def _fetch(url: str, out: BinaryIO, max_bytes: int, timeout: float, watch: _Watch) -> None:
    request = urllib.request.Request(url, headers={"User-Agent": "typedtorch-data"})
    opener = urllib.request.build_opener(_HTTPHandler(watch), _HTTPSHandler(watch))
    with watch:
        try:
            with opener.open(request, timeout=timeout) as response:
                total = 0
                # read1: whatever has arrived, not a full chunk; the watchdog sees progress.
                while chunk := response.read1(_CHUNK):
                    total += len(chunk)
                    watch.received = total
                    if total > max_bytes:
                        raise _Mismatch(f"more than {max_bytes} bytes served; giving up")
                    out.write(chunk)
                    if watch.reason is not None:
                        break
                if watch.reason is not None:
                    raise _Mismatch(watch.reason)
                # http.client does not raise when a connection closes before Content-Length.
                announced = response.headers.get("Content-Length")
                if announced is not None and announced.isdigit() and total < int(announced):
                    raise _Mismatch(f"connection closed early: got {total} of the {announced} bytes announced")
        except (OSError, http.client.HTTPException) as e:
            if watch.reason is not None:  # the watchdog cut the connection: say why
                raise _Mismatch(watch.reason) from e
            raise


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
