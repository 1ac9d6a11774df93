"""Fuzzing the readers: mutated checkpoints and IDX files load correctly or fail with the library's own error.

Every mutation of a valid file (truncation, bit flips, spliced bytes, header fields
replaced by hostile JSON: huge numbers, deep nesting, wrong types, a forged length,
with and without a recomputed header checksum, as a hostile writer would) must end
in one of two ways:

- a load that gives exactly what the file says, read by an independent reference
  decoder written here (numpy and ``json``; ``gzip`` for IDX files), or
- :class:`typedtorch.io.CheckpointError` / :class:`typedtorch.ShapeError`
  (:class:`typedtorch.data.DataError` for IDX files), with every object loaded into
  unchanged.

Anything else (a numpy or ``RecursionError`` traceback, a hang, a silently different
value) fails. Time is bounded per example (hypothesis ``deadline``); memory is
measured in a fresh interpreter over a fixed sample of mutations, attacks included.
"""

from __future__ import annotations

import copy
import gzip
import json
import random
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_hardening_measure import MiB, measure

import typedtorch as tt
import typedtorch.data as ttd
from typedtorch import io, nn
from typedtorch.io._format import KEY_HEADER_SHA256, header_digest

FUZZ = settings(
    max_examples=250,
    deadline=5000,  # a hang catcher: every example takes milliseconds
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


# ------------------------------------------------------------------------------ the objects


class Holder:
    """An optimizer- or scheduler-like object that keeps whatever state it is given."""

    def __init__(self, state: Any) -> None:
        self.state = state

    def state_dict(self) -> Any:
        return self.state

    def load_state_dict(self, state: Any) -> None:
        self.state = state


def objects(seed: int) -> dict[str, Any]:
    """A model, an optimizer with PyTorch's layout and a scheduler. seed 0 is the saved run."""
    rng = np.random.default_rng(seed)
    model = nn.Linear(3, 4, seed=seed) >> nn.ReLU() >> nn.Linear(4, 2, seed=seed + 1)

    def t(*shape: int) -> Any:
        return tt.tensor(rng.standard_normal(shape), dtype="float32")

    saved = seed == 0
    optimizer = Holder(
        {
            "state": {0: {"step": 3 + seed, "exp_avg": t(3, 4)}, 1: {"step": 3 + seed, "exp_avg": t(4)}},
            # created lazily: empty or None in a fresh optimizer, so anything is accepted there
            "lazy": {2: {"buf": t(2)}} if saved else {},
            "momentum": t(2) if saved else None,
            "param_groups": [{"lr": 0.001 * (seed + 1), "betas": (0.9, 0.999), "params": [0, 1], "name": "main"}],
        }
    )
    scheduler = Holder({"last_epoch": 7 + seed, "base_lrs": [0.1, 0.2], "gamma": 0.5, "warmup": None, "ids": [1, 2]})
    return {"model": model, "optimizer": optimizer, "scheduler": scheduler}


def state_of(obj: Any) -> Any:
    return obj.state_dict()


def same(a: Any, b: Any) -> bool:
    """Equal structure, types and values; tensors and arrays bit for bit; floats by repr (NaN, -0.0)."""
    if isinstance(a, tt.Tensor):
        a = a.numpy()
    if isinstance(b, tt.Tensor):
        b = b.numpy()
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray)
            and isinstance(b, np.ndarray)
            and a.shape == b.shape
            and a.dtype == b.dtype
            and a.tobytes() == b.tobytes()
        )
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float):
        return repr(a) == repr(b)
    return bool(a == b)


def _frozen(value: Any) -> Any:
    """A deep copy of a state, tensors as numpy copies."""
    if isinstance(value, tt.Tensor):
        return value.numpy().copy()
    if isinstance(value, dict):
        return {k: _frozen(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_frozen(v) for v in value)
    return value


def snapshot(targets: dict[str, Any]) -> dict[str, Any]:
    return {k: _frozen(dict(state_of(v)) if isinstance(v, nn.Module) else state_of(v)) for k, v in targets.items()}


# ------------------------------------------------------------------- the reference decoder

_DTYPES = {"BOOL": "?", "U8": "u1", "I8": "i1", "U16": "<u2", "I16": "<i2", "F16": "<f2", "U32": "<u4",
           "I32": "<i4", "F32": "<f4", "U64": "<u8", "I64": "<i8", "F64": "<f8"}  # fmt: skip


def reference_state(blob: bytes) -> dict[str, Any]:
    """What a checkpoint file says, decoded independently of typedtorch (for successful loads only)."""
    n = int.from_bytes(blob[:8], "little")
    header = json.loads(blob[8 : 8 + n])
    data = blob[8 + n :]
    arrays = {}
    for name, e in header.items():
        if name != "__metadata__":
            begin, end = e["data_offsets"]
            dtype = np.dtype(_DTYPES[e["dtype"]])
            arrays[name] = np.frombuffer(data[begin:end], dtype).reshape(e["shape"]).astype(dtype.newbyteorder("="))

    def decode(node: Any) -> Any:
        if isinstance(node, list):
            return [decode(x) for x in node]
        if isinstance(node, dict):
            ((tag, body),) = node.items()
            if tag == "T":
                return arrays[body]
            if tag == "t":
                return tuple(decode(x) for x in body)
            return {k: decode(v) for k, v in body}
        return node

    state: dict[str, Any] = decode(json.loads(header["__metadata__"]["typedtorch.state"]))
    return state


# ------------------------------------------------------------------------------ mutations

_HOLE = "@@hole@@"
BIG = "1" + "0" * 4299  # 4300 digits: Python's int() limit, and 90 s of math.prod before the fix
HOSTILE = [
    "0", "-1", "1.5", "-0.0", "1e999", "NaN", "Infinity", "true", "false", "null", '""', '"F32"', '"BF16"',
    '"' + "x" * 300 + '"', "[]", "{}", "[[[[[]]]]]", "18446744073709551616", "9223372036854775808",
    "1" + "0" * 100, BIG, "[" + ",".join([BIG] * 40) + "]", "[" * 3000 + "]" * 3000, "[" * 100000 + "]" * 100000,
    '{"T":"model.0.weight"}', '{"T":"nope"}', '{"d":[[0,1],[0,2]]}', '{"d":[[true,1]]}', '{"t":[1,2]}', '{"x":1}',
    "[0,4]", "[4,0]", "[0,18446744073709551615]", "[3,4]", "[4,3]", "[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,12]",
    "[" + ",".join(["4294967296"] * 60) + "]",
]  # fmt: skip
_INNER = ["typedtorch.state", "typedtorch.shapes", "typedtorch.sha256", "typedtorch.objects"]


def _positions(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _positions(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _positions(v, (*path, i))
    return out


def _with_hole(node: Any, path: tuple[Any, ...]) -> Any:
    if not path:
        return _HOLE
    node = copy.copy(node)
    node[path[0]] = _with_hole(node[path[0]], path[1:])
    return node


def _split(blob: bytes) -> tuple[dict[str, Any], bytes]:
    n = int.from_bytes(blob[:8], "little")
    return json.loads(blob[8 : 8 + n]), blob[8 + n :]


def _join(text: str, data: bytes) -> bytes:
    raw = text.encode()
    return len(raw).to_bytes(8, "little") + raw + data


def _sign(text: str) -> str:
    """The same header with a checksum that matches it, as a hostile writer would compute it."""
    try:
        header = json.loads(text)
        meta = {k: v for k, v in header["__metadata__"].items() if k != KEY_HEADER_SHA256}
        entries = {k: v for k, v in header.items() if k != "__metadata__"}
        header = {"__metadata__": {**meta, KEY_HEADER_SHA256: header_digest(meta, entries)}, **entries}
        return json.dumps(header, separators=(",", ":"))
    except Exception:  # not a JSON object with metadata, or too deep for json: left as it is
        return text


@dataclass(frozen=True)
class Truncate:
    at: int

    def apply(self, blob: bytes) -> bytes:
        return blob[: self.at % (len(blob) + 1)]


@dataclass(frozen=True)
class Flip:
    bits: tuple[int, ...]

    def apply(self, blob: bytes) -> bytes:
        out = bytearray(blob)
        if out:
            for bit in self.bits:
                out[(bit // 8) % len(out)] ^= 1 << (bit % 8)
        return bytes(out)


@dataclass(frozen=True)
class Splice:
    at: int
    data: bytes
    replace: bool

    def apply(self, blob: bytes) -> bytes:
        at = self.at % (len(blob) + 1)
        return blob[:at] + self.data + blob[at + (len(self.data) if self.replace else 0) :]


@dataclass(frozen=True)
class HeaderEdit:
    """Replace one JSON value of the header (or of a JSON document inside its metadata) by hostile text."""

    where: int
    text: str
    inner: int | None  # index into _INNER, or None for the header itself
    sign: bool

    def apply(self, blob: bytes) -> bytes:
        try:
            header, data = _split(blob)
        except Exception:
            return blob
        if self.inner is None:
            spots = _positions(header)
            text = json.dumps(_with_hole(header, spots[self.where % len(spots)]), separators=(",", ":"))
            text = text.replace(f'"{_HOLE}"', self.text)
        else:
            key = _INNER[self.inner % len(_INNER)]
            meta = header.get("__metadata__", {})
            if key not in meta:
                return blob
            doc = json.loads(meta[key])
            spots = _positions(doc)
            inner = json.dumps(_with_hole(doc, spots[self.where % len(spots)]), separators=(",", ":"))
            meta[key] = inner.replace(f'"{_HOLE}"', self.text)
            text = json.dumps(header, separators=(",", ":"))
        return _join(_sign(text) if self.sign else text, data)


@dataclass(frozen=True)
class Length:
    """A forged header length."""

    n: int

    def apply(self, blob: bytes) -> bytes:
        return (self.n % 2**64).to_bytes(8, "little") + blob[8:]


def mutations(size: int) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.builds(Truncate, st.integers(0, size)),
        st.builds(Flip, st.lists(st.integers(0, 8 * size - 1), min_size=1, max_size=3).map(tuple)),
        st.builds(Splice, st.integers(0, size), st.binary(min_size=1, max_size=12), st.booleans()),
        st.builds(
            HeaderEdit, st.integers(0, 10**6), st.sampled_from(HOSTILE), st.none() | st.integers(0, 3), st.booleans()
        ),
        st.builds(
            Length,
            st.sampled_from([0, 1, 2, 7, 2**31, 2**63, 2**64 - 1, 16 << 20, (16 << 20) + 1]) | st.integers(0, size),
        ),
    )


# ------------------------------------------------------------------------- checkpoints


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, Path]:
    directory = tmp_path_factory.mktemp("fuzz")
    path = directory / "run.safetensors"
    io.save(objects(0), path)
    return path.read_bytes(), directory


def attempt(blob: bytes, path: Path) -> str:
    """Load ``blob`` into fresh objects; check the outcome; returns "loaded" or the error's class name."""
    path.write_bytes(blob)
    targets = objects(1)
    before = snapshot(targets)
    try:
        io.load(targets, path)
    except (io.CheckpointError, tt.ShapeError) as e:
        after = snapshot(targets)
        assert all(same(after[k], before[k]) for k in targets), f"{type(e).__name__}: {e} -- but an object changed"
        return type(e).__name__
    expected = reference_state(blob)
    for key, obj in targets.items():
        got = state_of(obj)
        assert same(dict(got) if isinstance(obj, nn.Module) else got, expected[key]), f"{key} differs from the file"
    return "loaded"


def test_the_valid_checkpoint_loads(checkpoint: tuple[bytes, Path]) -> None:
    blob, directory = checkpoint
    assert attempt(blob, directory / "valid.safetensors") == "loaded"
    assert same(reference_state(blob)["optimizer"], objects(0)["optimizer"].state_dict())


@FUZZ
@given(data=st.data())
def test_mutated_checkpoints(checkpoint: tuple[bytes, Path], data: st.DataObject) -> None:
    blob, directory = checkpoint
    steps = data.draw(st.lists(mutations(len(blob)), min_size=1, max_size=2))
    for step in steps:
        blob = step.apply(blob)
    attempt(blob, directory / "mutated.safetensors")


def test_re_signed_edits_load_what_the_file_says(checkpoint: tuple[bytes, Path]) -> None:
    """A consistent, re-signed header with other numbers is a valid checkpoint: it loads, exactly."""
    blob, directory = checkpoint
    header, data = _split(blob)
    state = json.loads(header["__metadata__"]["typedtorch.state"])
    assert state["d"][2][0] == "scheduler"
    state["d"][2][1]["d"][2][1] = -0.0  # gamma
    header["__metadata__"]["typedtorch.state"] = json.dumps(state, separators=(",", ":"))
    forged = _join(_sign(json.dumps(header, separators=(",", ":"))), data)
    assert attempt(forged, directory / "forged.safetensors") == "loaded"
    unsigned = _join(json.dumps(header, separators=(",", ":")), data)
    assert attempt(unsigned, directory / "unsigned.safetensors") == "CheckpointError"


# -------------------------------------------------------------------------------- IDX files


def idx_file(code: int, shape: tuple[int, ...], payload: bytes) -> bytes:
    return struct.pack(f">BBBB{len(shape)}I", 0, 0, code, len(shape), *shape) + payload


_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
IDX_SAMPLES = {
    "uint8": idx_file(0x08, (2, 3, 4), bytes(range(24))),
    "int16": idx_file(0x0B, (5,), struct.pack(">5h", 1, -2, 3, -400, 5)),
    "float32.gz": gzip.compress(idx_file(0x0D, (3, 2), struct.pack(">6f", 0.5, -1, 2, 3e8, 0, 1e-3)), mtime=0),
}


def reference_idx(blob: bytes) -> np.ndarray[Any, Any] | None:
    """The array an IDX file holds, or None if it is not a valid one (independent of typedtorch)."""
    if blob[:2] == b"\x1f\x8b":
        try:
            blob = gzip.decompress(blob)
        except Exception:
            return None
    if len(blob) < 4 or blob[0] or blob[1] or blob[2] not in _IDX_DTYPES or not blob[3]:
        return None
    ndim = blob[3]
    if len(blob) < 4 + 4 * ndim:
        return None
    shape = struct.unpack(f">{ndim}I", blob[4 : 4 + 4 * ndim])
    dtype = np.dtype(_IDX_DTYPES[blob[2]])
    if len(blob) - 4 - 4 * ndim != int(np.prod(shape, dtype=object)) * dtype.itemsize:
        return None
    return np.frombuffer(blob, dtype, offset=4 + 4 * ndim).reshape(shape).astype(dtype.newbyteorder("="))


def read_idx_outcome(blob: bytes, path: Path) -> str:
    path.write_bytes(blob)
    expected = reference_idx(blob)
    try:
        got = ttd.read_idx(path)
    except ttd.DataError as e:
        assert expected is None, f"refused a valid file: {e}"
        return "DataError"
    assert expected is not None, "read a file the reference refuses"
    array = got.numpy()
    assert array.shape == expected.shape and array.dtype == expected.dtype and array.tobytes() == expected.tobytes()
    return "loaded"


@dataclass(frozen=True)
class Dims:
    """Replace one IDX size (or the rank byte) of the uncompressed file, then recompress if it was gzipped."""

    index: int
    value: int

    def apply(self, blob: bytes) -> bytes:
        packed = blob[:2] == b"\x1f\x8b"
        raw = bytearray(gzip.decompress(blob) if packed else blob)
        if len(raw) >= 4:
            if self.index == 0:
                raw[3] = self.value % 256
            else:
                at = 4 + 4 * ((self.index - 1) % max(raw[3], 1))
                raw[at : at + 4] = (self.value % 2**32).to_bytes(4, "big")
        return gzip.compress(bytes(raw), mtime=0) if packed else bytes(raw)


@FUZZ
@given(name=st.sampled_from(sorted(IDX_SAMPLES)), data=st.data())
def test_mutated_idx_files(tmp_path: Path, name: str, data: st.DataObject) -> None:
    blob = IDX_SAMPLES[name]
    steps = data.draw(
        st.lists(
            st.one_of(
                st.builds(Truncate, st.integers(0, len(blob))),
                st.builds(Flip, st.lists(st.integers(0, 8 * len(blob) - 1), min_size=1, max_size=3).map(tuple)),
                st.builds(Splice, st.integers(0, len(blob)), st.binary(min_size=1, max_size=8), st.booleans()),
                st.builds(Dims, st.integers(0, 4), st.sampled_from([0, 1, 2, 3, 24, 255, 2**16, 2**31, 2**32 - 1])),
            ),
            min_size=1,
            max_size=2,
        )
    )
    for step in steps:
        try:
            blob = step.apply(blob)
        except (OSError, EOFError, ValueError, zlib.error):  # gzip.decompress of an already broken file
            break
    read_idx_outcome(blob, tmp_path / "mutated.idx")


# --------------------------------------------------------------- bounded memory, measured


def sample(blob: bytes, n: int, seed: int) -> list[bytes]:
    """``n`` mutations of ``blob`` drawn with ``random`` (the attack texts always among them)."""
    rng = random.Random(seed)
    out = [HeaderEdit(rng.randrange(10**6), text, rng.choice([None, 0]), True).apply(blob) for text in HOSTILE]
    while len(out) < n:
        kind = rng.randrange(4)
        if kind == 0:
            step: Any = Truncate(rng.randrange(len(blob) + 1))
        elif kind == 1:
            step = Flip(tuple(rng.randrange(8 * len(blob)) for _ in range(rng.randint(1, 3))))
        elif kind == 2:
            step = HeaderEdit(
                rng.randrange(10**6), rng.choice(HOSTILE), rng.choice([None, 0, 1, 2, 3]), rng.random() < 0.5
            )
        else:
            step = Length(rng.choice([0, 7, 2**63, 16 << 20, rng.randrange(len(blob))]))
        out.append(step.apply(blob))
    return out


def test_mutations_cost_bounded_time_and_memory(checkpoint: tuple[bytes, Path], tmp_path: Path) -> None:
    blob, _ = checkpoint
    files = sample(blob, 80, seed=15)
    for i, b in enumerate(files):
        (tmp_path / f"{i}.safetensors").write_bytes(b)
    idx = [tmp_path / f"{name}.idx" for name in IDX_SAMPLES]
    for p, name in zip(idx, IDX_SAMPLES, strict=True):
        b = IDX_SAMPLES[name]
        p.write_bytes(Dims(1, 2**32 - 1).apply(b))  # promises 16 GiB and more
    setup = """
import os
from pathlib import Path
import numpy as np
import typedtorch as tt
import typedtorch.data as ttd
from typedtorch import io, nn
d = Path(os.environ["FUZZ_DIR"])
class Holder:
    def __init__(self, state): self.state = state
    def state_dict(self): return self.state
    def load_state_dict(self, state): self.state = state
def targets():
    m = nn.Linear(3, 4, seed=1) >> nn.ReLU() >> nn.Linear(4, 2, seed=2)
    opt = Holder({"state": {0: {"step": 1, "exp_avg": tt.zeros(3, 4)}, 1: {"step": 1, "exp_avg": tt.zeros(4)}},
                  "lazy": {}, "momentum": None,
                  "param_groups": [{"lr": 0.1, "betas": (0.0, 0.0), "params": [0, 1], "name": ""}]})
    sched = Holder({"last_epoch": 0, "base_lrs": [0.0, 0.0], "gamma": 0.0, "warmup": None, "ids": [0, 0]})
    return {"model": m, "optimizer": opt, "scheduler": sched}
def attempt(name):
    try:
        io.load(targets(), d / name)
    except (io.CheckpointError, tt.ShapeError):
        pass
def attempt_idx(name):
    try:
        ttd.read_idx(d / name)
    except ttd.DataError:
        pass
"""
    calls = {f"ckpt{i}": f"attempt('{i}.safetensors')" for i in range(len(files))}
    calls |= {p.name: f"attempt_idx('{p.name}')" for p in idx}
    results = measure(setup, calls, env={"FUZZ_DIR": str(tmp_path)}, timeout=120)
    assert all(r["outcome"] == "ok" for r in results.values()), [r for r in results.values() if r["outcome"] != "ok"]
    worst_time = max(results.items(), key=lambda kv: kv[1]["seconds"])
    worst_memory = max(results.items(), key=lambda kv: kv[1]["peak_bytes"])
    assert worst_time[1]["seconds"] < 2.0, worst_time
    assert worst_memory[1]["peak_bytes"] < 64 * MiB, worst_memory
