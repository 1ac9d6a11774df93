"""MNIST: the four IDX files, found, verified, and returned as typed tensors.

Where the files are looked for, in order (each file at the first place that has it,
as ``name`` or ``name.gz``): ``root=``, ``$TYPEDTORCH_DATA``, the user cache
(``$XDG_CACHE_HOME/typedtorch``, by default ``~/.cache/typedtorch``), and the copy
bundled with the examples of a source checkout (``<repo>/examples/data``). In each of
these directories the files may sit directly, in ``mnist/``, or in ``MNIST/raw/``
(torchvision's layout, so an existing torchvision download is found too).

Every file is checked before any tensor is built: IDX header, dtype, exact sizes,
label values, and the sha256 of the uncompressed bytes against the sums below
(the same as ``examples/data/mnist/SHA256SUMS``).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Literal, overload

from typedtorch._backend import get_backend
from typedtorch._dims import N, S
from typedtorch._tensor import Tensor, make

from ._download import download_verified
from ._errors import DataError
from ._idx import IdxHeader, read_idx_data, to_host

MNIST_MIRRORS: list[str] = [
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
]
"""Base URLs tried in order by ``MNIST(download=True)``; each serves ``<name>.gz``."""


@dataclass(frozen=True)
class _Part:
    name: str  # the uncompressed file name; mirrors serve name + ".gz"
    sha256: str  # of the uncompressed bytes
    shape: tuple[int, ...]
    what: str

    @property
    def size(self) -> int:
        n = 1
        for s in self.shape:
            n *= s
        return 4 + 4 * len(self.shape) + n


_PARTS: dict[bool, tuple[_Part, _Part]] = {
    True: (
        _Part("train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", (60000, 28, 28), "train images"),
        _Part("train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", (60000,), "train labels"),
    ),
    False: (
        _Part("t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", (10000, 28, 28), "test images"),
        _Part("t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", (10000,), "test labels"),
    ),
}  # fmt: skip

_DTYPES = ("float32", "float64", "uint8")
_DIGITS = bytes(range(10))


def cache_dir() -> Path:
    """The user cache for datasets: ``$XDG_CACHE_HOME/typedtorch``, else ``~/.cache/typedtorch``.

    ``MNIST(download=True)`` writes into ``cache_dir() / "mnist"``. Raises
    :class:`DataError` when neither ``$XDG_CACHE_HOME`` (absolute) is set nor a home
    directory can be found.

    >>> import typedtorch.data as ttd
    >>> ttd.cache_dir().name
    'typedtorch'
    """
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG spec says to ignore a relative path.
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "typedtorch"
    try:
        home = Path.home()
    except (RuntimeError, KeyError) as e:  # no $HOME and no passwd entry
        raise DataError(f"no cache directory: {e}; set $XDG_CACHE_HOME or $HOME, or pass root=") from None
    return home / ".cache" / "typedtorch"


def _bundled_dir() -> Path | None:
    # typedtorch/data/_mnist.py -> <repo>/examples/data, present in a source checkout only.
    path = Path(__file__).resolve().parents[2] / "examples" / "data"
    return path if (path / "mnist").is_dir() else None


def _expand(value: str | os.PathLike[str], what: str) -> Path:
    """``value`` with ``~`` or ``~user`` expanded, or DataError naming ``what``."""
    try:
        return Path(value).expanduser()
    except (RuntimeError, KeyError) as e:  # ~nouser, or ~ without a home
        raise DataError(f"{what} {os.fspath(value)!r}: cannot expand its '~': {e}") from None


def _search(root: str | os.PathLike[str] | None) -> tuple[list[Path], list[str]]:
    """The directories searched, and why any of the usual ones was left out."""
    dirs: list[Path] = []
    skipped: list[str] = []
    if root is not None:
        dirs.append(_expand(root, "root="))  # an explicit argument: wrong is an error
    env = os.environ.get("TYPEDTORCH_DATA", "")
    if env:
        try:
            dirs.append(_expand(env, "$TYPEDTORCH_DATA"))
        except DataError as e:  # only matters if the files are not found elsewhere
            skipped.append(str(e))
    try:
        dirs.append(cache_dir())
    except DataError as e:
        skipped.append(f"the user cache: {e}")
    bundled = _bundled_dir()
    if bundled is not None:
        dirs.append(bundled)
    return dirs, skipped


def data_dirs(root: str | os.PathLike[str] | None = None) -> list[Path]:
    """The directories searched for dataset files, in order.

    ``root`` (if given), ``$TYPEDTORCH_DATA`` (if set), :func:`cache_dir`, and the
    examples' bundled data in a source checkout (if present). A ``$TYPEDTORCH_DATA``
    or cache directory that cannot be resolved (``~nouser/data``, no home directory)
    is left out; a ``root`` that cannot is a :class:`DataError`.

    >>> import typedtorch.data as ttd
    >>> ttd.data_dirs("/data")[0]
    PosixPath('/data')
    """
    return _search(root)[0]


def _locate(part: _Part, dirs: list[Path]) -> Path | None:
    for d in dirs:
        for sub in (d, d / "mnist", d / "MNIST" / "raw"):
            # The raw file first: it reads without decompressing.
            for candidate in (sub / part.name, sub / f"{part.name}.gz"):
                if candidate.is_file():
                    return candidate
    return None


def _read_part(part: _Part, path: Path) -> tuple[bytearray, IdxHeader]:
    """Read and verify one file: header first (before any payload), then values and checksum.

    Never reads or decompresses more than the file's known size (plus one byte).
    """

    def check(header: IdxHeader) -> None:
        if header.dtype != "uint8":
            raise DataError(f"{path}: values are {header.dtype}, expected uint8 for MNIST {part.what}")
        if header.shape != part.shape:
            raise DataError(f"{path}: shape {header.shape}, expected {part.shape} for MNIST {part.what}")

    data, header = read_idx_data(path, check)
    if len(part.shape) == 1:
        bad = data[header.offset :].translate(None, _DIGITS)
        if bad:
            raise DataError(f"{path}: label {max(bad)} out of range: MNIST labels are 0-9")
    digest = hashlib.sha256(data).hexdigest()
    if digest != part.sha256:
        raise DataError(
            f"{path}: checksum mismatch: sha256 of the uncompressed data is {digest}, expected {part.sha256} "
            f"(the file is corrupted or not the original MNIST {part.what}; delete it and fetch it again)"
        )
    return data, header


class MNIST(Generic[N, *S]):
    """The MNIST digits as two typed tensors, ``images`` and ``labels``.

    ``MNIST(train=True)`` is ``MNIST[Literal[60000], Literal[28], Literal[28]]``:
    ``images`` is ``Tensor[L[60000], L[28], L[28]]`` and ``labels`` (int64, 0-9) is
    ``Vector[L[60000]]``. ``train=False`` gives the 10000 test digits, and
    ``flatten=True`` images of shape ``(n, 784)`` (``Matrix[L[60000], L[784]]``).
    ``dtype="float32"`` (default) scales pixels to [0, 1]; ``"uint8"`` keeps 0-255.

    The files are looked for as described in :mod:`typedtorch.data` (``root=``,
    ``$TYPEDTORCH_DATA``, the user cache, the examples' bundled copy); with
    ``download=True`` missing files are fetched from ``mirrors`` (default
    :data:`MNIST_MIRRORS`) into ``cache_dir() / "mnist"``, all of it within
    ``download_deadline`` seconds; a mirror slower than 4 KiB/s on average after its
    first 30 s is left for the next. Raises :class:`DataError` naming the file for
    anything missing, corrupted, truncated or of the wrong format, before any tensor
    is built; a file is never read or decompressed past its known size.

    >>> import typedtorch.data as ttd
    >>> train = ttd.MNIST(flatten=True)   # MNIST[Literal[60000], Literal[784]]
    >>> train.images.shape, train.labels.shape, len(train)
    ((60000, 784), (60000,), 60000)
    >>> image, label = ttd.MNIST(train=False)[0]
    >>> image.shape, label.item()
    ((28, 28), 7)
    """

    images: Tensor[N, *S]
    labels: Tensor[N]
    train: bool
    paths: tuple[Path, Path]
    """Where the images and the labels were read from."""

    @overload
    def __init__(
        self: MNIST[Literal[60000], Literal[28], Literal[28]],
        root: str | os.PathLike[str] | None = None,
        *,
        train: Literal[True] = True,
        download: bool = False,
        flatten: Literal[False] = False,
        dtype: str = "float32",
        device: str | None = None,
        mirrors: Sequence[str] | None = None,
        download_deadline: float = 600.0,
    ) -> None: ...
    @overload
    def __init__(
        self: MNIST[Literal[60000], Literal[784]],
        root: str | os.PathLike[str] | None = None,
        *,
        train: Literal[True] = True,
        download: bool = False,
        flatten: Literal[True],
        dtype: str = "float32",
        device: str | None = None,
        mirrors: Sequence[str] | None = None,
        download_deadline: float = 600.0,
    ) -> None: ...
    @overload
    def __init__(
        self: MNIST[Literal[10000], Literal[28], Literal[28]],
        root: str | os.PathLike[str] | None = None,
        *,
        train: Literal[False],
        download: bool = False,
        flatten: Literal[False] = False,
        dtype: str = "float32",
        device: str | None = None,
        mirrors: Sequence[str] | None = None,
        download_deadline: float = 600.0,
    ) -> None: ...
    @overload
    def __init__(
        self: MNIST[Literal[10000], Literal[784]],
        root: str | os.PathLike[str] | None = None,
        *,
        train: Literal[False],
        download: bool = False,
        flatten: Literal[True],
        dtype: str = "float32",
        device: str | None = None,
        mirrors: Sequence[str] | None = None,
        download_deadline: float = 600.0,
    ) -> None: ...
    # `train`/`flatten` known only at run time: sizes unknown to mypy.
    @overload
    def __init__(
        self: MNIST[Any, *tuple[Any, ...]],
        root: str | os.PathLike[str] | None = None,
        *,
        train: bool = True,
        download: bool = False,
        flatten: bool = False,
        dtype: str = "float32",
        device: str | None = None,
        mirrors: Sequence[str] | None = None,
        download_deadline: float = 600.0,
    ) -> None: ...
    def __init__(
        self,
        root: str | os.PathLike[str] | None = None,
        *,
        train: bool = True,
        download: bool = False,
        flatten: bool = False,
        dtype: str = "float32",
        device: str | None = None,
        mirrors: Sequence[str] | None = None,
        download_deadline: float = 600.0,
    ) -> None:
        if dtype not in _DTYPES:
            raise ValueError(f"MNIST: dtype must be one of {', '.join(_DTYPES)}, got {dtype!r}")
        ends = time.monotonic() + download_deadline
        backend = get_backend(device)  # a bad device fails before any file is read
        parts = _PARTS[bool(train)]
        dirs, skipped = _search(root)
        paths = [_locate(part, dirs) for part in parts]
        missing = [part for part, path in zip(parts, paths, strict=True) if path is None]
        if missing and not download:
            where = ", ".join(str(d) for d in dirs)
            names = " and ".join(part.name for part in missing)
            try:
                into = f"pass download=True to fetch it into {cache_dir() / 'mnist'}, "
            except DataError:
                into = ""
            left_out = "".join(f"; left out {why}" for why in skipped)
            raise DataError(
                f"MNIST: {names} not found (as the file or its .gz, directly or under mnist/ or MNIST/raw/ "
                f"in: {where}{left_out}); {into}or point root= or $TYPEDTORCH_DATA at a directory holding it"
            )
        for i, part in enumerate(parts):
            if paths[i] is None:
                paths[i] = download_verified(
                    f"{part.name}.gz",
                    cache_dir() / "mnist",
                    MNIST_MIRRORS if mirrors is None else mirrors,
                    sha256=part.sha256,
                    size=part.size,
                    deadline=max(ends - time.monotonic(), 1e-3),
                )
        found = [p for p in paths if p is not None]
        # Read and verify both files completely before building anything.
        read = [_read_part(part, path) for part, path in zip(parts, found, strict=True)]
        contents = [data for data, _ in read]
        headers = [header for _, header in read]

        xp = backend.xp
        n = parts[0].shape[0]
        (img_data, lbl_data), (img_header, lbl_header) = contents, headers
        if dtype == "uint8":
            images = backend.from_host(to_host(img_data, img_header))
        else:
            # Upload bytes and convert on the device: a quarter of the transfer to a GPU.
            images = xp.astype(backend.from_host(to_host(img_data, img_header, copy=False)), backend.dtype(dtype))
            images /= 255.0
        if flatten:
            images = xp.reshape(images, (n, 28 * 28))
        labels = xp.astype(backend.from_host(to_host(lbl_data, lbl_header, copy=False)), xp.int64)

        self.images = make(images, backend, None)
        self.labels = make(labels, backend, None)
        self.train = bool(train)
        self.paths = (found[0], found[1])

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int) -> tuple[Tensor[*S], Tensor[()]]:
        """One ``(image, label)`` pair, as in torchvision (without transforms)."""
        return self.images[index], self.labels[index]

    def __repr__(self) -> str:
        split = "train" if self.train else "test"
        return (
            f"MNIST({split}: images {self.images.shape} {self.images._backend.dtype_name(self.images._data)}, "
            f"labels {self.labels.shape} int64, device={self.images.device!r}, from {self.paths[0].parent})"
        )
