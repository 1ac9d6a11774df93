"""Issue 15: the attacks of a hostile user, each refused in bounded time and memory with the library's own error.

Memory and time are measured in a fresh interpreter (see ``test_hardening_measure``):
each figure is the call's own peak above what the process held before it. The
bounds are generous (a shared 2-core machine), and each is far below what the attack
cost before it was fixed (the figures are in the README's hardening section).
"""

from __future__ import annotations

import contextlib
import gzip
import http.server
import json
import os
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from test_hardening_measure import ROOT, MiB, measure

import typedtorch.data as ttd
from typedtorch import io, nn
from typedtorch.data import _mnist
from typedtorch.io import _files
from typedtorch.io._format import header_digest

BUNDLED = ROOT / "examples" / "data" / "mnist"
TEST_IMAGES, TEST_LABELS = "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"
IMAGES_HEADER = struct.pack(">BBBBIII", 0, 0, 0x08, 3, 10000, 28, 28)
SETUP = """
import os, sys
from pathlib import Path
import typedtorch as tt
import typedtorch.data as ttd
from typedtorch import io, nn
d = Path(os.environ["HARDEN_DIR"])
"""


def finishes_within(seconds: float, call: Callable[[], object]) -> Any:
    """``call()`` in a thread; fails the test instead of hanging when it does not return in time."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = call()
        except BaseException as e:
            box["error"] = e

    thread = threading.Thread(target=run, daemon=True)
    start = time.monotonic()
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    box["seconds"] = time.monotonic() - start
    return box


# ----------------------------------------------------------------------- 1. gzip bomb, huge raw files


def test_a_gzip_bomb_named_like_mnist_is_refused_without_inflating_it(tmp_path: Path) -> None:
    """256 MiB of zeros in 16 KiB of gzip, with a valid MNIST header: refused after the expected 7.8 MB."""
    member = gzip.compress(bytes(16 * MiB), 9)
    first = gzip.compress(IMAGES_HEADER + bytes(16 * MiB - len(IMAGES_HEADER)), 9)
    (tmp_path / f"{TEST_IMAGES}.gz").write_bytes(first + member * 15)
    (tmp_path / f"{TEST_LABELS}.gz").write_bytes((BUNDLED / f"{TEST_LABELS}.gz").read_bytes())
    result = measure(SETUP, {"bomb": "ttd.MNIST(d, train=False)"}, env={"HARDEN_DIR": str(tmp_path)})["bomb"]
    assert result["outcome"].startswith("typedtorch.data._errors.DataError: "), result
    assert "more than 67108864 unexpected bytes after the 10000 x 28 x 28 uint8 values" in result["outcome"]
    assert result["peak_bytes"] < 48 * MiB, result
    assert result["seconds"] < 10, result


def test_a_link_to_a_huge_sparse_file_is_refused_by_its_size(tmp_path: Path) -> None:
    sparse = tmp_path / "huge.bin"
    with open(sparse, "wb") as f:
        f.write(IMAGES_HEADER)
        f.truncate(8 << 30)  # 8 GiB, almost none of it on disk
    (tmp_path / TEST_IMAGES).symlink_to(sparse)
    (tmp_path / f"{TEST_LABELS}.gz").write_bytes((BUNDLED / f"{TEST_LABELS}.gz").read_bytes())
    result = measure(SETUP, {"sparse": "ttd.MNIST(d, train=False)"}, env={"HARDEN_DIR": str(tmp_path)})["sparse"]
    assert f"{8 * 2**30 - 7840016} unexpected bytes after the 10000 x 28 x 28 uint8 values" in result["outcome"]
    assert result["peak_bytes"] < 16 * MiB and result["seconds"] < 2, result
    # read_idx, which knows no expected size, judges by the header's promise: the same.
    with pytest.raises(ttd.DataError, match="unexpected bytes after"):
        ttd.read_idx(tmp_path / TEST_IMAGES)


def test_a_header_promising_more_than_a_gzip_file_can_hold_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "claims.idx.gz"
    path.write_bytes(gzip.compress(struct.pack(">BBBBIII", 0, 0, 0x08, 3, 2**32 - 1, 2**32 - 1, 2**32 - 1)))
    with pytest.raises(
        ttd.DataError, match=r"truncated: the header promises .* more than \d+ bytes of gzip data can hold"
    ):
        ttd.read_idx(path)


def test_concatenated_gzip_members_and_zero_padding_still_read(tmp_path: Path) -> None:
    raw = (BUNDLED / f"{TEST_LABELS}.gz").read_bytes()
    data = gzip.decompress(raw)
    path = tmp_path / "multi.gz"
    path.write_bytes(gzip.compress(data[:5000]) + gzip.compress(data[5000:]) + bytes(64))
    assert ttd.read_idx(path).tolist() == ttd.read_idx(BUNDLED / f"{TEST_LABELS}.gz").tolist()
    path.write_bytes(gzip.compress(data) + b"garbage")
    with pytest.raises(ttd.DataError, match="trailing bytes after the gzip data are not another gzip member"):
        ttd.read_idx(path)


# ------------------------------------------------------------ 2 and 4. CPU bomb and deep nesting in a header


def crafted(path: Path, header: bytes | str, data: bytes = b"") -> Path:
    text = header.encode() if isinstance(header, str) else header
    path.write_bytes(len(text).to_bytes(8, "little") + text + data)
    return path


def test_huge_numbers_in_a_header_cost_nothing(tmp_path: Path) -> None:
    """``"shape": [10**4299] * 1600`` cost 90 s of CPU before the refusal; now the parser refuses the first one."""
    big = "1" + "0" * 4299
    header = '{"w":{"dtype":"F32","shape":[' + ",".join([big] * 1600) + '],"data_offsets":[0,4]}}'
    crafted(tmp_path / "bomb.safetensors", header, bytes(4))
    result = measure(
        SETUP,
        {"cpu": "io.load(nn.Linear(1, 1, bias=False), d / 'bomb.safetensors')"},
        env={"HARDEN_DIR": str(tmp_path)},
    )["cpu"]
    assert result["outcome"].endswith(
        "bomb.safetensors: corrupted header: the header holds a number with 4300 digits (at most 100 are accepted)"
    ), result
    assert result["seconds"] < 2, result


@pytest.mark.parametrize(
    ("shape", "message"),
    [
        ([2**64, 1], r"has a malformed shape \[18446744073709551616, 1\] \(at most 64 sizes below 2\*\*63\)"),
        ([2**62, 2**62, 2**62], r"shape \[4611686018427387904, .* of float32 has more than 2\*\*63 bytes"),
        ([1] * 65, r"has a malformed shape \[1, 1, 1"),
        ([-1], r"malformed shape \[-1\]"),
        ([True], r"malformed shape \[True\]"),
    ],
    ids=["over-u64", "product-overflow", "too-many-dims", "negative", "bool"],
)
def test_every_header_number_is_bounded_before_arithmetic(tmp_path: Path, shape: list[Any], message: str) -> None:
    path = crafted(
        tmp_path / "m.safetensors",
        json.dumps({"w": {"dtype": "F32", "shape": shape, "data_offsets": [0, 4]}}),
        bytes(4),
    )
    with pytest.raises(io.CheckpointError, match=message):
        io.load(nn.Linear(1, 1, bias=False), path)


def test_a_deeply_nested_header_is_a_checkpoint_error(tmp_path: Path) -> None:
    """``json.loads`` of a header nested 100,000 deep raised RecursionError."""
    path = crafted(tmp_path / "deep.safetensors", '{"a":' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(
        io.CheckpointError, match=r"deep\.safetensors: corrupted header: the header is nested too deeply"
    ):
        io.load(nn.Linear(1, 1), path)


def test_a_deeply_nested_state_is_a_checkpoint_error(tmp_path: Path) -> None:
    model = nn.Linear(2, 2)
    path = tmp_path / "m.safetensors"
    io.save(model, path)
    raw = path.read_bytes()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + n])
    for depth, pattern in ((100_000, "is nested too deeply"), (40, "the state is nested more than 32 deep")):
        header["__metadata__"]["typedtorch.state"] = "[" * depth + "]" * depth
        meta = {k: v for k, v in header["__metadata__"].items() if k != "typedtorch.header_sha256"}
        entries = {k: v for k, v in header.items() if k != "__metadata__"}
        header["__metadata__"] = {**meta, "typedtorch.header_sha256": header_digest(meta, entries)}
        crafted(path, json.dumps(header, separators=(",", ":")), raw[8 + n :])
        with pytest.raises(io.CheckpointError, match=pattern):
            io.load(model, path)


def test_a_header_larger_than_the_bound_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "m.safetensors"
    with open(path, "wb") as f:
        f.write((1 << 30).to_bytes(8, "little") + b"{")
        f.truncate((1 << 30) + 9)
    with pytest.raises(
        io.CheckpointError, match=r"implausible header length 1073741824 .* headers of up to 16777216 bytes"
    ):
        io.load(nn.Linear(1, 1), path)


# --------------------------------------------------------------------------------- 3. downloads


class _SlowHandler(http.server.BaseHTTPRequestHandler):
    """``/trickle/``: one body byte every ``delay`` s; ``/headers/``: the status line one byte at a time."""

    delay = 0.2
    timeout = 30

    def do_GET(self) -> None:
        with contextlib.suppress(OSError):
            if self.path.startswith("/headers/"):
                for byte in b"HTTP/1.0 200 OK\r\n" * 1000:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(self.delay)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(10**7))
            self.end_headers()
            for _ in range(10**7):
                self.wfile.write(b"\x1f")
                self.wfile.flush()
                time.sleep(self.delay)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def slow_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SlowHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def download(base: str, dest: Path, **kwargs: Any) -> Callable[[], object]:
    part = _mnist._PARTS[False][1]
    return lambda: ttd.download_verified(
        f"{part.name}.gz", dest, [f"{base}/trickle/"], sha256=part.sha256, size=part.size, **kwargs
    )


def test_a_trickling_mirror_is_too_slow(slow_server: str, tmp_path: Path) -> None:
    box = finishes_within(20, download(slow_server, tmp_path, timeout=1.0, min_rate=1000.0, deadline=30.0))
    assert isinstance(box.get("error"), ttd.DataError), box
    assert "too slow: " in str(box["error"]) and "below the minimum of 1000 bytes/s" in str(box["error"])
    assert box["seconds"] < 5
    assert list(tmp_path.iterdir()) == []


def test_the_deadline_covers_the_whole_download(slow_server: str, tmp_path: Path) -> None:
    """No minimum rate, each byte well within the socket timeout: only the deadline ends it."""
    box = finishes_within(20, download(slow_server, tmp_path, timeout=5.0, min_rate=0.0, deadline=1.5))
    assert "gave up at the 1.5 s deadline" in str(box.get("error")), box
    assert 1.4 < box["seconds"] < 4


def test_the_deadline_covers_slow_headers(slow_server: str, tmp_path: Path) -> None:
    part = _mnist._PARTS[False][1]
    box = finishes_within(
        20,
        lambda: ttd.download_verified(
            f"{part.name}.gz", tmp_path, [f"{slow_server}/headers/"], sha256=part.sha256, size=part.size,
            timeout=5.0, min_rate=0.0, deadline=1.5,
        ),
    )  # fmt: skip
    assert "gave up at the 1.5 s deadline" in str(box.get("error")), box
    assert box["seconds"] < 4


def test_mnist_download_has_a_deadline(slow_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("TYPEDTORCH_DATA", raising=False)
    monkeypatch.setattr(_mnist, "_bundled_dir", lambda: None)
    box = finishes_within(
        20,
        lambda: ttd.MNIST(train=False, download=True, mirrors=[f"{slow_server}/trickle/"], download_deadline=1.5),
    )
    assert isinstance(box.get("error"), ttd.DataError), box
    assert "gave up at the 1.5 s deadline" in str(box["error"])
    assert box["seconds"] < 4


def test_stale_part_files_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    """A download killed mid-way leaves its .part file; the next download of that file removes it."""
    site = tmp_path / "site"
    site.mkdir()
    (site / f"{TEST_LABELS}.gz").write_bytes((BUNDLED / f"{TEST_LABELS}.gz").read_bytes())
    dest = tmp_path / "dest"
    dest.mkdir()
    old = time.time() - 3600
    name = f"{TEST_LABELS}.gz"
    stale = [dest / f".{name}.0123456789ab.part", dest / f".{name}.k3j_a9zq.part"]  # ours, and mkstemp's old names
    fresh = dest / f".{name}.aaaaaaaaaaaa.part"  # a download that may be running right now
    locked = dest / f".{name}.bbbbbbbbbbbb.part"  # old, but a live writer holds its lock
    foreign = [dest / f".{name}.part", dest / ".other.gz.0123456789ab.part", dest / f".{name}.0123456789ab.part.keep"]
    for p in [*stale, fresh, locked, *foreign]:
        p.write_bytes(b"partial")
    for p in [*stale, locked, *foreign]:
        os.utime(p, (old, old))
    link = dest / f".{name}.cccccccccccc.part"
    link.symlink_to(foreign[0])
    os.utime(link, (old, old), follow_symlinks=False)
    holder = open(locked, "rb")
    try:
        if _files.fcntl is not None:
            _files.fcntl.flock(holder.fileno(), _files.fcntl.LOCK_EX)
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), lambda *a: http.server.SimpleHTTPRequestHandler(*a, directory=str(site))
        )
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        try:
            part = _mnist._PARTS[False][1]
            with contextlib.redirect_stderr(open(os.devnull, "w")):
                ttd.download_verified(
                    name, dest, [f"http://127.0.0.1:{server.server_address[1]}/"], sha256=part.sha256, size=part.size
                )
        finally:
            server.shutdown()
            server.server_close()
    finally:
        holder.close()
    left = sorted(p.name for p in dest.iterdir())
    assert left == sorted([name, fresh.name, locked.name, link.name, *(p.name for p in foreign)])


# ---------------------------------------------------------------------- 7. checkpoints: files, memory, bytes


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_loading_a_fifo_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "model.safetensors"
    os.mkfifo(fifo)
    box = finishes_within(10, lambda: io.load(nn.Linear(2, 2), fifo))
    assert isinstance(box.get("error"), io.CheckpointError), box
    assert str(box["error"]) == f"{fifo}: not a checkpoint: a FIFO (named pipe), not a regular file"
    box = finishes_within(10, lambda: ttd.read_idx(fifo))
    assert str(box.get("error")) == f"{fifo}: cannot read: a FIFO (named pipe), not a regular file"
    box = finishes_within(10, lambda: io.from_torch(nn.Linear(2, 2), fifo))
    assert isinstance(box.get("error"), io.CheckpointError), box


@pytest.mark.parametrize("path", ["/dev/zero", "."], ids=["device", "directory"])
def test_loading_what_is_not_a_regular_file(path: str, tmp_path: Path) -> None:
    if not Path(path).exists():
        pytest.skip(f"no {path} here")
    target = tmp_path if path == "." else Path(path)
    box = finishes_within(10, lambda: io.load(nn.Linear(2, 2), target))
    assert isinstance(box.get("error"), io.CheckpointError) and "not a regular file" in str(box["error"]), box


def test_orphan_temp_files_of_a_crashed_save_are_removed_safely(tmp_path: Path) -> None:
    path = tmp_path / "m.safetensors"
    old = time.time() - 3600
    stale = tmp_path / ".m.safetensors.0123456789ab.tmp"
    fresh = tmp_path / ".m.safetensors.aaaaaaaaaaaa.tmp"  # a save that may be running in another process
    foreign = [
        tmp_path / ".m.safetensors.tmp",
        tmp_path / ".n.safetensors.0123456789ab.tmp",
        tmp_path / "m.safetensors.0123456789ab.tmp",
    ]
    for p in [stale, fresh, *foreign]:
        p.write_bytes(b"x" * 1000)
    for p in [stale, *foreign]:
        os.utime(p, (old, old))
    io.save(nn.Linear(2, 2), path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, fresh.name, *(p.name for p in foreign)])


def test_a_killed_save_leaves_only_a_temp_file_that_the_next_save_removes(tmp_path: Path) -> None:
    """kill -9 in the middle of a save: the old checkpoint is whole, and the orphan goes at the next save."""
    path = tmp_path / "m.safetensors"
    io.save(nn.Linear(4, 4, seed=0), path)
    before = path.read_bytes()
    script = f"""
import os, signal
from typedtorch import io, nn
from typedtorch.io import _checkpoint
real = _checkpoint._write_tensor
def write_then_die(f, tensor):
    real(f, tensor)
    f.flush()
    os.kill(os.getpid(), signal.SIGKILL)
_checkpoint._write_tensor = write_then_die
io.save(nn.Linear(512, 512, seed=1), {str(path)!r})
"""
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, timeout=60)
    assert proc.returncode == -9
    assert path.read_bytes() == before
    (orphan,) = (p for p in tmp_path.iterdir() if p.name != path.name)
    assert _files.temp_pattern(path.name, "tmp").fullmatch(orphan.name)
    os.utime(orphan, (time.time() - 3600,) * 2)
    io.save(nn.Linear(4, 4, seed=2), path)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_the_same_model_saves_to_the_same_bytes_in_every_process(tmp_path: Path) -> None:
    script = """
import sys
from typedtorch import io, nn
io.save(nn.Linear(3, 4, seed=0) >> nn.ReLU() >> nn.Linear(4, 2, seed=1), sys.argv[1])
"""
    blobs = set()
    for seed in ("0", "1", "2", "3"):
        out = tmp_path / f"{seed}.safetensors"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", script, str(out)], cwd=ROOT, env=env, check=True, timeout=60)
        blobs.add(out.read_bytes())
    assert len(blobs) == 1


MEMORY_SETUP = """
import numpy as np
class Big(nn.Module):
    def __init__(self, seed):
        rng = np.random.default_rng(seed)
        # 12 tensors of 4 MiB: no single one dominates the module's own staging copy
        self.layers = [tt.tensor(rng.standard_normal((1024, 1024), dtype=np.float32)) for _ in range(12)]
source, target = Big(0), Big(1)
path = d / "big.safetensors"
io.save(source, path)
size = path.stat().st_size
"""


def test_save_and_load_peak_memory(tmp_path: Path) -> None:
    """Save streams tensors from their memory; load reads a module's tensors as it stages them."""
    results = measure(
        SETUP + MEMORY_SETUP,
        {"save": "io.save(source, path)", "load": "io.load(target, path)"},
        env={"HARDEN_DIR": str(tmp_path)},
    )
    size = (tmp_path / "big.safetensors").stat().st_size
    assert results["save"]["outcome"] == results["load"]["outcome"] == "ok", results
    if not results["load"]["exact"]:
        pytest.skip("no /proc/self/clear_refs: the peak cannot be measured per call here")
    # load: the module's own staging copy (1x) and one tensor; save: next to nothing.
    assert results["load"]["peak_bytes"] < 1.3 * size, (results, size)
    assert results["save"]["peak_bytes"] < 0.2 * size, (results, size)


# --------------------------------------------------------------------------------- 9. $TYPEDTORCH_DATA


def test_an_unexpandable_typedtorch_data_does_not_break_a_valid_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TYPEDTORCH_DATA", "~nouser_typedtorch/x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(_mnist, "_bundled_dir", lambda: None)
    assert ttd.MNIST(BUNDLED, train=False, dtype="uint8").labels.shape == (10000,)
    assert ttd.data_dirs()[0] == tmp_path / "cache" / "typedtorch"  # left out, not an error
    with pytest.raises(ttd.DataError) as e:
        ttd.MNIST(tmp_path / "empty", train=False)
    assert "left out $TYPEDTORCH_DATA '~nouser_typedtorch/x': cannot expand its '~'" in str(e.value)
    with pytest.raises(ttd.DataError, match=r"root= '~nouser_typedtorch/y': cannot expand its '~'"):
        ttd.MNIST("~nouser_typedtorch/y", train=False)


def test_no_home_directory_is_a_data_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("TYPEDTORCH_DATA", raising=False)

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    with pytest.raises(ttd.DataError, match=r"no cache directory: Could not determine home directory\."):
        ttd.cache_dir()
    assert ttd.MNIST(BUNDLED, train=False, dtype="uint8").labels.shape == (10000,)
