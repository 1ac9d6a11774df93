"""typedtorch.data: IDX parsing, MNIST verification and search order, downloads, DataLoader.

Every test runs with ``$TYPEDTORCH_DATA`` unset and the user cache and home moved
into a temporary directory, so nothing here reads or writes the real cache. Downloads
go to a local HTTP server on 127.0.0.1; no test touches the network.
"""

from __future__ import annotations

import gzip
import http.server
import re
import shutil
import socket
import struct
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import typedtorch as tt
import typedtorch.data as ttd
from typedtorch.data import _mnist

BUNDLED = Path(__file__).resolve().parent.parent / "examples" / "data" / "mnist"
TEST_IMAGES, TEST_LABELS = "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"
TRAIN_IMAGES, TRAIN_LABELS = "train-images-idx3-ubyte", "train-labels-idx1-ubyte"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private home and cache; no ``$TYPEDTORCH_DATA``. Returns the cache dir."""
    monkeypatch.delenv("TYPEDTORCH_DATA", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "typedtorch"


@pytest.fixture
def no_bundled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend this is an installed package without the examples' data."""
    monkeypatch.setattr(_mnist, "_bundled_dir", lambda: None)


def idx(code: int, shape: tuple[int, ...], payload: bytes | None = None) -> bytes:
    """An IDX file's bytes; the payload defaults to the right number of zero bytes."""
    itemsize = {0x08: 1, 0x09: 1, 0x0B: 2, 0x0C: 4, 0x0D: 4, 0x0E: 8}.get(code, 1)
    if payload is None:
        payload = bytes(int(np.prod(shape)) * itemsize)
    return struct.pack(f">BBBB{len(shape)}I", 0, 0, code, len(shape), *shape) + payload


def raw(name: str) -> bytes:
    """The uncompressed bytes of a bundled MNIST file."""
    return gzip.decompress((BUNDLED / f"{name}.gz").read_bytes())


def dtype_name(t: Any) -> str:
    """``"uint8"`` whichever backend's dtype object ``t.dtype`` is."""
    return str(t.dtype).rsplit(".", 1)[-1]


def files_under(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file()) if path.exists() else []


def test_data_never_names_numpy() -> None:
    # Only typedtorch/_backend.py may import an array library.
    for path in (Path(ttd.__file__).parent).glob("*.py"):
        imports = re.findall(r"^\s*(?:import|from)\s+(\w+)", path.read_text(), re.MULTILINE)
        assert not {"numpy", "cupy", "array_api_strict"} & set(imports), path


# ----------------------------------------------------------------------- IDX files


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gzip"])
def test_read_idx_keeps_the_files_dtype_and_big_endian_values(tmp_path: Path, compress: bool) -> None:
    cases = [
        (0x08, "uint8", np.array([[0, 1, 255], [7, 8, 9]], dtype=">u1")),
        (0x09, "int8", np.array([-128, 0, 127], dtype=">i1")),
        (0x0B, "int16", np.array([-2, 258, 32767], dtype=">i2")),
        (0x0C, "int32", np.array([[-(2**31)], [65536]], dtype=">i4")),
        (0x0D, "float32", np.array([0.5, -1.25], dtype=">f4")),
        (0x0E, "float64", np.array([[[1e300]]], dtype=">f8")),
    ]
    for code, dtype, values in cases:
        data = idx(code, values.shape, values.tobytes())
        path = tmp_path / f"{dtype}.idx"
        path.write_bytes(gzip.compress(data) if compress else data)
        t = ttd.read_idx(path)
        assert t.shape == values.shape
        assert dtype_name(t) == dtype
        np.testing.assert_array_equal(t.numpy(), values.astype(dtype))


def test_gzip_is_detected_by_content_not_by_name(tmp_path: Path) -> None:
    data = idx(0x08, (2,), b"\x03\x04")
    (tmp_path / "plain.gz").write_bytes(data)
    (tmp_path / "packed.idx").write_bytes(gzip.compress(data))
    assert ttd.read_idx(tmp_path / "plain.gz").tolist() == [3, 4]
    assert ttd.read_idx(tmp_path / "packed.idx").tolist() == [3, 4]


def test_read_idx_on_a_device(tmp_path: Path, device: str) -> None:
    (tmp_path / "x.idx").write_bytes(idx(0x0B, (2, 2), struct.pack(">4h", 1, -2, 3, 300)))
    t = ttd.read_idx(tmp_path / "x.idx", device=device)
    assert t.device.startswith(device)
    assert t.tolist() == [[1, -2], [3, 300]]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00\x00\x08", "too short for an IDX header (3 bytes)"),
        (b"\x00\x01\x08\x01" + struct.pack(">I", 1) + b"\x00", "bad magic number 0x00010801: an IDX file starts with two zero bytes"),
        (b"PK\x03\x04rest", "bad magic number 0x504b0304"),
        (b"\x00\x00\x07\x01" + struct.pack(">I", 1) + b"\x00", "unknown IDX dtype code 0x07"),
        (b"\x00\x00\x08\x00", "zero dimensions"),
        (b"\x00\x00\x08\x03" + struct.pack(">I", 2), "truncated IDX header: 3 dims need 16 bytes, the file has 8"),
        (idx(0x08, (2, 3), bytes(5)), "truncated: the header promises 2 x 3 uint8 values (6 bytes), the file has 5 bytes of data"),
        (idx(0x0B, (4,), bytes(7)), "truncated: the header promises 4 int16 values (8 bytes), the file has 7"),
        (idx(0x08, (2,), bytes(4)), "2 unexpected bytes after the 2 uint8 values the header promises"),
    ],
    ids=["short", "magic", "zip", "dtype-code", "zero-dims", "short-dims", "truncated", "truncated-int16", "trailing"],
)  # fmt: skip
def test_read_idx_refuses_malformed_files(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "bad.idx"
    path.write_bytes(data)
    with pytest.raises(ttd.DataError, match=r"bad\.idx") as info:
        ttd.read_idx(path)
    assert message in str(info.value)
    assert str(info.value).startswith(str(path))


def test_read_idx_refuses_truncated_and_corrupted_gzip(tmp_path: Path) -> None:
    packed = gzip.compress(idx(0x08, (1000,), bytes(range(256)) * 3 + bytes(232)))
    (tmp_path / "cut.gz").write_bytes(packed[: len(packed) // 2])
    with pytest.raises(ttd.DataError, match=r"cut\.gz: corrupted or truncated gzip data"):
        ttd.read_idx(tmp_path / "cut.gz")
    flipped = bytearray(packed)
    flipped[-6] ^= 0xFF  # inside the CRC32 / size trailer
    (tmp_path / "crc.gz").write_bytes(bytes(flipped))
    with pytest.raises(ttd.DataError, match=r"crc\.gz: corrupted or truncated gzip data"):
        ttd.read_idx(tmp_path / "crc.gz")


def test_read_idx_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ttd.DataError, match=r"nope\.idx: cannot read"):
        ttd.read_idx(tmp_path / "nope.idx")


# ------------------------------------------------------------------ MNIST, good data


def test_mnist_train_is_parsed_verified_and_scaled_quickly() -> None:
    start = time.perf_counter()
    train = ttd.MNIST()
    seconds = time.perf_counter() - start
    assert seconds < 3.0, f"loading MNIST train took {seconds:.2f}s"
    images, labels = train.images.numpy(), train.labels.numpy()
    assert images.shape == (60000, 28, 28) and images.dtype == np.float32
    assert labels.shape == (60000,) and labels.dtype == np.int64
    assert images.min() == 0.0 and images.max() == 1.0
    assert labels[:5].tolist() == [5, 0, 4, 1, 9]
    assert np.bincount(labels).tolist()[:2] == [5923, 6742]
    assert len(train) == 60000 and train.train
    assert train.paths == (BUNDLED / f"{TRAIN_IMAGES}.gz", BUNDLED / f"{TRAIN_LABELS}.gz")


def test_mnist_test_split_dtypes_and_flatten(device: str) -> None:
    as_uint8 = ttd.MNIST(train=False, dtype="uint8", device=device)
    flat = ttd.MNIST(train=False, flatten=True, device=device)
    wide = ttd.MNIST(train=False, flatten=True, dtype="float64")
    assert as_uint8.images.shape == (10000, 28, 28) and dtype_name(as_uint8.images) == "uint8"
    assert flat.images.shape == (10000, 784) and dtype_name(flat.images) == "float32"
    assert dtype_name(wide.images) == "float64" and dtype_name(flat.labels) == "int64"
    assert as_uint8.images.device.startswith(device) and flat.labels.device.startswith(device)
    pixels = as_uint8.images.numpy()
    assert pixels.max() == 255
    np.testing.assert_array_equal(flat.images.numpy(), pixels.reshape(10000, 784) / np.float32(255))
    np.testing.assert_array_equal(wide.images.numpy(), pixels.reshape(10000, 784) / 255.0)
    image, label = as_uint8[0]
    assert image.shape == (28, 28) and label.item() == 7
    assert "MNIST(test" in repr(flat)


def test_mnist_reads_raw_files_and_uint8_results_are_writable(tmp_path: Path) -> None:
    for name in (TEST_IMAGES, TEST_LABELS):
        (tmp_path / name).write_bytes(raw(name))
    ds = ttd.MNIST(tmp_path, train=False, dtype="uint8")
    assert ds.paths == (tmp_path / TEST_IMAGES, tmp_path / TEST_LABELS)
    assert ds.images.numpy().flags.writeable
    assert ds.labels.numpy()[:3].tolist() == [7, 2, 1]


def test_mnist_checks_its_arguments_before_reading(no_bundled: None) -> None:
    with pytest.raises(ValueError, match="dtype must be one of float32, float64, uint8, got 'int32'"):
        ttd.MNIST(dtype="int32")
    with pytest.raises(ValueError, match="unknown device 'tpu'"):
        ttd.MNIST(device="tpu")


# ---------------------------------------------------------------- MNIST, refusals


def bad_split(root: Path, labels: bytes | None = None, images: bytes | None = None) -> None:
    """The test split in ``root`` with the given replacement bytes (raw files)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / TEST_IMAGES).write_bytes(raw(TEST_IMAGES) if images is None else images)
    (root / TEST_LABELS).write_bytes(raw(TEST_LABELS) if labels is None else labels)


def refused(root: Path, isolated: Path) -> str:
    """Load the test split from ``root``, expect a DataError, check nothing was written."""
    before = files_under(root)
    with pytest.raises(ttd.DataError) as info:
        ttd.MNIST(root, train=False)
    assert files_under(root) == before
    assert files_under(isolated) == []
    return str(info.value)


def test_refuses_a_corrupted_byte_by_checksum(tmp_path: Path, isolated: Path) -> None:
    labels = bytearray(raw(TEST_LABELS))
    labels[100] = (labels[100] + 1) % 10  # still a valid digit: only the checksum sees it
    bad_split(tmp_path, labels=bytes(labels))
    message = refused(tmp_path, isolated)
    assert message.startswith(f"{tmp_path / TEST_LABELS}: checksum mismatch: sha256 of the uncompressed data is ")
    assert "expected ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2" in message
    assert "not the original MNIST test labels" in message


def test_refuses_a_corrupted_image_inside_a_gzip_file(tmp_path: Path, isolated: Path) -> None:
    images = bytearray(raw(TEST_IMAGES))
    images[5000] ^= 0x01
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / f"{TEST_IMAGES}.gz").write_bytes(gzip.compress(bytes(images), compresslevel=1))
    (tmp_path / TEST_LABELS).write_bytes(raw(TEST_LABELS))
    message = refused(tmp_path, isolated)
    assert message.startswith(f"{tmp_path / TEST_IMAGES}.gz: checksum mismatch")


def test_refuses_truncated_files(tmp_path: Path, isolated: Path) -> None:
    bad_split(tmp_path / "a", labels=raw(TEST_LABELS)[:-1])
    assert refused(tmp_path / "a", isolated) == (
        f"{tmp_path / 'a' / TEST_LABELS}: truncated: the header promises 10000 uint8 values (10000 bytes), "
        "the file has 9999 bytes of data"
    )
    packed = (BUNDLED / f"{TEST_IMAGES}.gz").read_bytes()
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / f"{TEST_IMAGES}.gz").write_bytes(packed[:-1000])
    (tmp_path / "b" / TEST_LABELS).write_bytes(raw(TEST_LABELS))
    assert "t10k-images-idx3-ubyte.gz: corrupted or truncated gzip data" in refused(tmp_path / "b", isolated)


def test_refuses_a_wrong_magic_number(tmp_path: Path, isolated: Path) -> None:
    bad_split(tmp_path, images=b"\x08\x03\x00\x00" + raw(TEST_IMAGES)[4:])
    assert refused(tmp_path, isolated) == (
        f"{tmp_path / TEST_IMAGES}: bad magic number 0x08030000: an IDX file starts with two zero bytes"
    )


def test_refuses_a_wrong_dtype_code(tmp_path: Path, isolated: Path) -> None:
    bad_split(tmp_path, labels=b"\x00\x00\x0a\x01" + raw(TEST_LABELS)[4:])
    assert "t10k-labels-idx1-ubyte: bad magic number 0x00000a01: unknown IDX dtype code 0x0a" in refused(
        tmp_path, isolated
    )
    # A valid IDX dtype that is not MNIST's.
    bad_split(tmp_path, labels=idx(0x0D, (10000,)))
    assert refused(tmp_path, isolated) == (
        f"{tmp_path / TEST_LABELS}: values are float32, expected uint8 for MNIST test labels"
    )


def test_refuses_wrong_dims(tmp_path: Path, isolated: Path) -> None:
    pixels = raw(TEST_IMAGES)[16:]
    bad_split(tmp_path, images=idx(0x08, (10000, 14, 56), pixels))
    assert refused(tmp_path, isolated) == (
        f"{tmp_path / TEST_IMAGES}: shape (10000, 14, 56), expected (10000, 28, 28) for MNIST test images"
    )
    bad_split(tmp_path, images=idx(0x08, (10000, 784), pixels))
    assert "shape (10000, 784), expected (10000, 28, 28)" in refused(tmp_path, isolated)
    bad_split(tmp_path, labels=idx(0x08, (10001,)))
    assert refused(tmp_path, isolated) == (
        f"{tmp_path / TEST_LABELS}: shape (10001,), expected (10000,) for MNIST test labels"
    )


def test_refuses_labels_outside_0_to_9(tmp_path: Path, isolated: Path) -> None:
    labels = bytearray(raw(TEST_LABELS))
    labels[8 + 42] = 12
    bad_split(tmp_path, labels=bytes(labels))
    assert refused(tmp_path, isolated) == (f"{tmp_path / TEST_LABELS}: label 12 out of range: MNIST labels are 0-9")


def test_a_bad_file_found_first_is_refused_not_skipped(tmp_path: Path, isolated: Path) -> None:
    # The bundled copy is fine, but a damaged file earlier in the search path must not
    # be silently replaced by it.
    bad_split(tmp_path, labels=raw(TEST_LABELS)[:-10])
    assert "truncated" in refused(tmp_path, isolated)


# ------------------------------------------------------------------- search order


def place(directory: Path, *names: str, gz: bool = True) -> Path:
    """Copies of the bundled test-split files in ``directory`` (gzipped or raw)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in names or (TEST_IMAGES, TEST_LABELS):
        if gz:
            shutil.copyfile(BUNDLED / f"{name}.gz", directory / f"{name}.gz")
        else:
            (directory / name).write_bytes(raw(name))
    return directory


def loaded_from(root: Path | str | None = None) -> tuple[Path, Path]:
    return ttd.MNIST(root, train=False, dtype="uint8").paths


def test_search_order_root_env_cache_bundled(tmp_path: Path, isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert loaded_from()[0].parent == BUNDLED
    cache = place(isolated / "mnist")
    assert loaded_from()[0].parent == cache
    env = place(tmp_path / "env")
    monkeypatch.setenv("TYPEDTORCH_DATA", str(env))
    assert loaded_from()[0].parent == env
    root = place(tmp_path / "root")
    assert loaded_from(root)[0].parent == root
    assert loaded_from(str(root))[0].parent == root  # str or Path
    assert ttd.data_dirs(root) == [root, env, isolated, BUNDLED.parent]


def test_each_file_comes_from_the_first_place_that_has_it(tmp_path: Path, isolated: Path) -> None:
    root = place(tmp_path / "root", TEST_IMAGES)
    cache = place(isolated / "mnist", TEST_LABELS)
    assert loaded_from(root) == (root / f"{TEST_IMAGES}.gz", cache / f"{TEST_LABELS}.gz")


def test_layouts_inside_a_directory(tmp_path: Path) -> None:
    direct = place(tmp_path / "direct")
    assert loaded_from(direct)[0].parent == direct
    nested = place(tmp_path / "nested" / "mnist")
    assert loaded_from(tmp_path / "nested")[0].parent == nested
    torchvision = place(tmp_path / "tv" / "MNIST" / "raw")
    assert loaded_from(tmp_path / "tv")[0].parent == torchvision
    both = place(tmp_path / "both")
    place(both, gz=False)  # raw and gzipped side by side: the raw file reads faster
    assert loaded_from(both) == (both / TEST_IMAGES, both / TEST_LABELS)


def test_cache_dir_follows_xdg_then_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert ttd.cache_dir() == tmp_path / "xdg" / "typedtorch"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert ttd.cache_dir() == tmp_path / "home" / ".cache" / "typedtorch"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # ignored, as the XDG spec says
    assert ttd.cache_dir() == tmp_path / "home" / ".cache" / "typedtorch"
    place(tmp_path / "home" / ".cache" / "typedtorch" / "mnist")
    assert loaded_from()[0].parent == tmp_path / "home" / ".cache" / "typedtorch" / "mnist"


def test_empty_env_var_is_ignored(monkeypatch: pytest.MonkeyPatch, isolated: Path) -> None:
    monkeypatch.setenv("TYPEDTORCH_DATA", "")
    assert ttd.data_dirs() == [isolated, BUNDLED.parent]


def test_not_found_names_the_files_and_every_place_searched(
    tmp_path: Path, isolated: Path, no_bundled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TYPEDTORCH_DATA", str(tmp_path / "env"))
    place(tmp_path / "root", TEST_IMAGES)
    with pytest.raises(ttd.DataError) as info:
        ttd.MNIST(tmp_path / "root", train=False)
    message = str(info.value)
    assert message.startswith("MNIST: t10k-labels-idx1-ubyte not found")
    assert "t10k-images" not in message
    assert f"in: {tmp_path / 'root'}, {tmp_path / 'env'}, {isolated});" in message
    assert f"pass download=True to fetch it into {isolated / 'mnist'}" in message
    with pytest.raises(ttd.DataError, match="train-images-idx3-ubyte and train-labels-idx1-ubyte not found"):
        ttd.MNIST()
    assert files_under(isolated) == []


# ---------------------------------------------------------------------- downloads


class _Handler(http.server.SimpleHTTPRequestHandler):
    requests: list[str]  # set per server
    timeout = 10  # a stuck client cannot hang the server thread for long

    def do_GET(self) -> None:
        self.requests.append(self.path)
        if self.path.startswith("/short/"):
            # Announce more than is sent, then hang up: a download cut off mid-way.
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"\x1f\x8b" + bytes(998))
            self.wfile.flush()
            self.close_connection = True
            return
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        pass


class Mirrors:
    """Base URLs served from 127.0.0.1: good, truncated, wrong, missing, cut off, refused."""

    def __init__(self, base: str, requests: list[str], refused: str) -> None:
        self.good, self.truncated, self.wrong = f"{base}/good/", f"{base}/truncated/", f"{base}/wrong/"
        self.missing, self.short, self.refused = f"{base}/missing/", f"{base}/short/", refused
        self.requests = requests


@pytest.fixture
def mirrors(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mirrors]:
    site = tmp_path_factory.mktemp("site")
    for name in (TEST_IMAGES, TEST_LABELS):
        packed = (BUNDLED / f"{name}.gz").read_bytes()
        place(site / "good", name)
        (site / "truncated").mkdir(exist_ok=True)
        (site / "truncated" / f"{name}.gz").write_bytes(packed[: len(packed) // 2])
    (site / "wrong").mkdir()
    # Same size, one label changed: only the checksum can tell.
    labels = bytearray(raw(TEST_LABELS))
    labels[8] = (labels[8] + 1) % 10
    (site / "wrong" / f"{TEST_LABELS}.gz").write_bytes(gzip.compress(bytes(labels)))
    # Another MNIST file under this name: wrong size.
    shutil.copyfile(BUNDLED / f"{TEST_LABELS}.gz", site / "wrong" / f"{TEST_IMAGES}.gz")

    requests: list[str] = []
    handler = type("Handler", (_Handler,), {"requests": requests})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0),
        lambda *a: handler(*a, directory=str(site)),
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    # A port that was free a moment ago: connections to it are refused.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    try:
        yield Mirrors(f"http://127.0.0.1:{server.server_address[1]}", requests, f"http://127.0.0.1:{closed_port}/")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_download_from_the_first_good_mirror(mirrors: Mirrors, isolated: Path, no_bundled: None) -> None:
    ds = ttd.MNIST(train=False, download=True, mirrors=[mirrors.good], dtype="uint8")
    assert ds.paths == (isolated / "mnist" / f"{TEST_IMAGES}.gz", isolated / "mnist" / f"{TEST_LABELS}.gz")
    assert files_under(isolated) == [f"mnist/{TEST_IMAGES}.gz", f"mnist/{TEST_LABELS}.gz"]
    assert ds.labels.numpy()[:3].tolist() == [7, 2, 1]
    # Once cached, nothing is fetched again.
    count = len(mirrors.requests)
    assert ttd.MNIST(train=False, download=True, mirrors=[mirrors.good]).paths == ds.paths
    assert len(mirrors.requests) == count


def test_download_falls_through_bad_mirrors(mirrors: Mirrors, isolated: Path, no_bundled: None) -> None:
    order = [mirrors.refused, mirrors.missing, mirrors.short, mirrors.truncated, mirrors.wrong, mirrors.good]
    ds = ttd.MNIST(train=False, download=True, mirrors=order)
    assert files_under(isolated) == [f"mnist/{TEST_IMAGES}.gz", f"mnist/{TEST_LABELS}.gz"]
    assert len(ds) == 10000
    tried = [p.split("/")[1] for p in mirrors.requests]
    assert tried == ["missing", "short", "truncated", "wrong", "good"] * 2


def test_all_mirrors_failing_lists_each_and_leaves_nothing(mirrors: Mirrors, isolated: Path, no_bundled: None) -> None:
    order = [mirrors.missing, mirrors.truncated, mirrors.wrong, mirrors.short, mirrors.refused]
    with pytest.raises(ttd.DataError) as info:
        ttd.MNIST(train=False, download=True, mirrors=order)
    lines = str(info.value).splitlines()
    assert lines[0] == "could not download t10k-images-idx3-ubyte.gz from any of 5 mirrors:"
    assert lines[1] == f"  {mirrors.missing}t10k-images-idx3-ubyte.gz: HTTP 404 File not found"
    assert lines[2].startswith(f"  {mirrors.truncated}t10k-images-idx3-ubyte.gz: corrupted or truncated gzip data:")
    assert (
        lines[3] == f"  {mirrors.wrong}t10k-images-idx3-ubyte.gz: truncated: 10008 uncompressed bytes, expected 7840016"
    )
    assert lines[4].startswith(
        f"  {mirrors.short}t10k-images-idx3-ubyte.gz: connection closed early: got 1000 of the 100000 bytes announced"
    )
    assert lines[5].startswith(f"  {mirrors.refused}t10k-images-idx3-ubyte.gz: cannot connect:")
    assert len(lines) == 6
    assert files_under(isolated) == []  # no partial or temporary file left behind


def test_a_same_size_wrong_file_fails_on_its_checksum(mirrors: Mirrors, isolated: Path) -> None:
    with pytest.raises(ttd.DataError) as info:
        ttd.download_verified(
            f"{TEST_LABELS}.gz", isolated / "mnist", [mirrors.wrong], sha256=_mnist._PARTS[False][1].sha256, size=10008
        )
    assert "wrong/t10k-labels-idx1-ubyte.gz: sha256 mismatch: got " in str(info.value)
    assert "expected ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2" in str(info.value)
    assert files_under(isolated) == []


def test_download_size_cap_and_no_mirrors(mirrors: Mirrors, isolated: Path) -> None:
    part = _mnist._PARTS[False][0]
    with pytest.raises(ttd.DataError, match="more than 1000 bytes served; giving up"):
        ttd.download_verified(
            f"{part.name}.gz", isolated, [mirrors.good], sha256=part.sha256, size=part.size, max_download=1000
        )
    with pytest.raises(ttd.DataError, match=r"  not-a-url/t10k-images-idx3-ubyte\.gz: bad URL: unknown url type"):
        ttd.download_verified(f"{part.name}.gz", isolated, ["not-a-url"], sha256=part.sha256, size=part.size)
    with pytest.raises(ttd.DataError, match="no mirrors given"):
        ttd.download_verified(f"{part.name}.gz", isolated, [], sha256=part.sha256, size=part.size)
    assert files_under(isolated) == []


def test_download_only_fetches_what_is_missing(
    mirrors: Mirrors, isolated: Path, tmp_path: Path, no_bundled: None
) -> None:
    root = place(tmp_path / "root", TEST_LABELS)
    ds = ttd.MNIST(root, train=False, download=True, mirrors=[mirrors.good], dtype="uint8")
    assert ds.paths == (isolated / "mnist" / f"{TEST_IMAGES}.gz", root / f"{TEST_LABELS}.gz")
    assert [p.split("/")[-1] for p in mirrors.requests] == [f"{TEST_IMAGES}.gz"]


def test_default_mirrors_are_public_https_lists() -> None:
    assert len(ttd.MNIST_MIRRORS) >= 2
    assert all(m.startswith(("https://", "http://")) and m.endswith("/") for m in ttd.MNIST_MIRRORS)


# ---------------------------------------------------------------------- DataLoader


def rows(n: int, device: str = "cpu") -> tuple[Any, Any]:
    """x[i] = (3i, 3i+1, 3i+2) and y[i] = i, so a batch shows which rows it holds."""
    x = tt.tensor(np.arange(3 * n, dtype=np.float32).reshape(n, 3), device=device)
    y = tt.tensor(np.arange(n), device=device)
    return x, y


def test_batches_in_order(device: str) -> None:
    x, y = rows(10, device)
    loader = ttd.DataLoader(x, y, batch_size=4)
    batches = list(loader)
    assert len(loader) == 3
    assert [yb.tolist() for _, yb in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert batches[2][0].tolist() == [[24, 25, 26], [27, 28, 29]]
    assert all(xb.device == x.device and not xb.requires_grad for xb, _ in batches)


def test_drop_last_and_len() -> None:
    x, y = rows(10)
    assert [len(yb) for _, yb in ttd.DataLoader(x, y, batch_size=4, drop_last=True)] == [4, 4]
    assert len(ttd.DataLoader(x, y, batch_size=4, drop_last=True)) == 2
    assert len(ttd.DataLoader(x, y, batch_size=5)) == len(ttd.DataLoader(x, y, batch_size=5, drop_last=True)) == 2
    assert len(ttd.DataLoader(x, y, batch_size=1)) == 10
    big = ttd.DataLoader(x, y, batch_size=64)
    assert len(big) == 1 and [len(yb) for _, yb in big] == [10]
    empty = ttd.DataLoader(x, y, batch_size=64, drop_last=True, shuffle=True, seed=0)
    assert len(empty) == 0 and list(empty) == []


def epoch_order(loader: ttd.DataLoader[Any]) -> list[int]:
    order: list[int] = []
    for xb, yb in loader:
        np.testing.assert_array_equal(xb.numpy()[:, 0], 3 * yb.numpy())  # rows stay paired
        order += yb.tolist()
    return order


def test_shuffle_by_seed_is_reproducible_and_new_each_epoch(device: str) -> None:
    x, y = rows(50, device)
    a = ttd.DataLoader(x, y, batch_size=8, shuffle=True, seed=7)
    b = ttd.DataLoader(x, y, batch_size=8, shuffle=True, seed=7)
    a1, a2, a3 = epoch_order(a), epoch_order(a), epoch_order(a)
    assert sorted(a1) == sorted(a2) == list(range(50))
    assert a1 != a2 and a2 != a3 and a1 != list(range(50))
    assert [epoch_order(b), epoch_order(b), epoch_order(b)] == [a1, a2, a3]
    assert a.epoch == 3
    assert epoch_order(ttd.DataLoader(x, y, batch_size=8, shuffle=True, seed=8)) != a1
    # The order depends on the seed and epoch only, not on the device.
    x_cpu, y_cpu = rows(50)
    assert epoch_order(ttd.DataLoader(x_cpu, y_cpu, batch_size=8, shuffle=True, seed=7)) == a1


def test_shuffle_without_seed_follows_manual_seed() -> None:
    x, y = rows(30)
    tt.manual_seed(123)
    first = epoch_order(ttd.DataLoader(x, y, batch_size=7, shuffle=True))
    tt.manual_seed(123)
    assert epoch_order(ttd.DataLoader(x, y, batch_size=7, shuffle=True)) == first
    assert sorted(first) == list(range(30))


def test_shuffled_drop_last_drops_the_tail_of_the_permutation() -> None:
    x, y = rows(10)
    order = epoch_order(ttd.DataLoader(x, y, batch_size=3, shuffle=True, seed=1, drop_last=True))
    assert len(order) == 9 and len(set(order)) == 9


def test_one_tensor_three_tensors_and_a_dataset() -> None:
    x, y = rows(5)
    singles = list(ttd.DataLoader(y, batch_size=2))
    assert [b.tolist() for b in singles] == [[0, 1], [2, 3], [4]]
    triples = list(ttd.DataLoader(x, y, y, batch_size=5))
    assert len(triples) == 1 and len(triples[0]) == 3
    test = ttd.MNIST(train=False, flatten=True)
    images, labels = next(iter(ttd.DataLoader(test, batch_size=32)))
    assert images.shape == (32, 784) and labels.shape == (32,)
    assert "batch_size=32" in repr(ttd.DataLoader(test, batch_size=32))


def test_loader_argument_errors() -> None:
    x, y = rows(5)
    with pytest.raises(ValueError, match=r"share their first dim, got shapes \(5, 3\), \(4,\)"):
        ttd.DataLoader(x, y[tt.arange(4)])
    with pytest.raises(ValueError, match="batch_size must be a positive int, got 0"):
        ttd.DataLoader(x, batch_size=0)
    with pytest.raises(ValueError, match="seed must be a non-negative int or None, got -1"):
        ttd.DataLoader(x, shuffle=True, seed=-1)
    with pytest.raises(TypeError, match="argument 1 is a list, expected a Tensor"):
        ttd.DataLoader(x, [1, 2, 3, 4, 5])  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="argument 0 is 0-d"):
        ttd.DataLoader(tt.zeros())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="must be on one device, got cpu, strict"):
        ttd.DataLoader(x, y.to("strict"))
    with pytest.raises(TypeError, match="at least one tensor"):
        ttd.DataLoader()  # type: ignore[call-overload]


def test_an_mnist_sized_epoch_is_fast() -> None:
    # MNIST-sized stand-ins: the cost of an epoch does not depend on the pixel values.
    loader = ttd.DataLoader(tt.zeros(60000, 784), tt.arange(60000), batch_size=64, shuffle=True, seed=0)
    start = time.perf_counter()
    count = sum(len(yb) for _, yb in loader)
    seconds = time.perf_counter() - start
    assert count == 60000 and len(loader) == 938
    assert seconds < 1.0, f"one shuffled MNIST epoch at batch 64 took {seconds:.2f}s"
