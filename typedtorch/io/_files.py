"""Files that are safe to open and to replace: regular files only, atomic writes, stale temp files removed.

Shared by checkpoints (:mod:`typedtorch.io`) and downloads (:mod:`typedtorch.data`):

- :func:`open_regular` opens a path for reading without blocking and refuses anything
  but a regular file, so a FIFO, a terminal or ``/dev/zero`` named as a checkpoint is
  an error at once instead of a hang or an endless read;
- :func:`create_temp` makes a temporary file next to its target under a name of our
  own pattern (``.<target>.<random>.<suffix>``) and holds an advisory lock on it for
  as long as it is open; :func:`remove_stale` deletes the temporary files of a
  target that a killed process left behind: only names of that exact pattern, only
  regular files owned by this user, only when no live writer holds their lock, and
  only once they are older than :data:`STALE_AFTER` seconds (which closes the short
  window between a writer creating its file and locking it).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

fcntl: Any
try:
    import fcntl
except ImportError:  # Windows: an open file cannot be deleted there, which protects a live writer
    fcntl = None

STALE_AFTER = 60.0
"""Seconds since its last change after which an unlocked temporary file is an orphan."""

_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_BINARY = getattr(os, "O_BINARY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def open_regular(path: str | os.PathLike[str], error: Callable[[str], Exception]) -> BinaryIO:
    """``path`` opened for binary reading, or ``error(why)`` raised if it is not a regular file.

    Opened with ``O_NONBLOCK`` so that opening a FIFO does not wait for a writer; the
    flag is cleared again once the file is known to be regular (where it means
    nothing anyway). A missing file raises ``FileNotFoundError`` as ``open`` would.
    """
    fd = os.open(path, os.O_RDONLY | _NONBLOCK | _CLOEXEC | _BINARY)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise error(f"{_kind(mode)}, not a regular file")
        if _NONBLOCK:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def temp_pattern(target: str, suffix: str) -> re.Pattern[str]:
    """The names :func:`create_temp` gives to temporary files for ``target``."""
    return re.compile(rf"\.{re.escape(target)}\.[0-9a-f]{{12}}\.{re.escape(suffix)}")


def create_temp(target: Path, suffix: str) -> tuple[Path, BinaryIO]:
    """A new, locked, empty file ``.<target name>.<12 hex>.<suffix>`` in ``target``'s directory.

    Mode 0o666 minus the umask, as a plain ``open`` would give (``tempfile.mkstemp``
    would leave the final file readable by its owner only). The lock (``flock``,
    advisory) lives as long as the returned file is open.
    """
    while True:
        tmp = target.parent / f".{target.name}.{secrets.token_hex(6)}.{suffix}"
        try:
            fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL | _CLOEXEC | _BINARY, 0o666)
        except FileExistsError:  # 48 random bits: practically never
            continue
        break
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return tmp, os.fdopen(fd, "w+b")
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def remove_stale(
    target: Path, suffix: str, *, also: re.Pattern[str] | None = None, now: float | None = None
) -> list[Path]:
    """Delete the orphaned temporary files of ``target``; returns those removed.

    ``also`` matches the names an older version gave its temporary files. Best effort
    and silent: a file that cannot be checked or removed is left alone.
    """
    pattern = temp_pattern(target.name, suffix)
    directory = target.parent
    now = time.time() if now is None else now
    removed: list[Path] = []

    def ours(name: str) -> bool:
        return pattern.fullmatch(name) is not None or (also is not None and also.fullmatch(name) is not None)

    try:
        names = [entry.name for entry in os.scandir(directory) if ours(entry.name)]
    except OSError:
        return removed
    uid = os.geteuid() if hasattr(os, "geteuid") else None
    for name in names:
        path = directory / name
        try:
            info = os.lstat(path)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or (uid is not None and info.st_uid != uid):
            continue  # a symlink, or someone else's file: never ours to delete
        if now - info.st_mtime < STALE_AFTER:
            continue
        if _unlocked_and_same(path, info):
            with contextlib.suppress(OSError):
                os.unlink(path)
                removed.append(path)
    return removed


def _unlocked_and_same(path: Path, info: os.stat_result) -> bool:
    """No live writer holds ``path``'s lock, and it is still the file ``info`` describes."""
    if fcntl is None:
        return True
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC)
    except OSError:
        return False
    try:
        now = os.fstat(fd)
        if (now.st_dev, now.st_ino) != (info.st_dev, info.st_ino):
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # a writer is alive
        return True
    finally:
        os.close(fd)  # also releases our lock


def fsync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable; not every platform can open a directory."""
    with contextlib.suppress(OSError):
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
