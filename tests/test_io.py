"""typedtorch.io: safetensors round trips on every device, and every refusal leaves the module unchanged."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import typedtorch as tt
from typedtorch import io, nn

ROOT = Path(__file__).resolve().parent.parent
IO_DIR = ROOT / "typedtorch" / "io"


def make_model(seed: int = 0, hidden: int = 5, dtype: str = "float32") -> nn.Sequential[Any, Any]:
    return nn.Linear(3, hidden, seed=seed, dtype=dtype) >> nn.ReLU() >> nn.Linear(hidden, 2, seed=seed + 1, dtype=dtype)


def snapshot(module: nn.Module) -> dict[str, np.ndarray[Any, Any]]:
    return {name: p.numpy().copy() for name, p in module.named_parameters()}


def assert_same(module: nn.Module, expected: dict[str, np.ndarray[Any, Any]]) -> None:
    got = snapshot(module)
    assert list(got) == list(expected)
    for name in expected:
        np.testing.assert_array_equal(got[name], expected[name], err_msg=name)
        assert got[name].dtype == expected[name].dtype, name


def read_header(path: Path) -> dict[str, Any]:
    raw = path.read_bytes()
    n = int.from_bytes(raw[:8], "little")
    header: dict[str, Any] = json.loads(raw[8 : 8 + n])
    return header


def resign(header: dict[str, Any]) -> None:
    """Recompute the header's own checksum, as a writer with a bug (not a flipped bit) would."""
    from typedtorch.io._format import KEY_HEADER_SHA256, header_digest

    meta = {k: v for k, v in header["__metadata__"].items() if k != KEY_HEADER_SHA256}
    entries = {k: v for k, v in header.items() if k != "__metadata__"}
    header["__metadata__"] = {**meta, KEY_HEADER_SHA256: header_digest(meta, entries)}


def rewrite_header(path: Path, edit: Callable[[dict[str, Any]], None], sign: bool = True) -> None:
    """Change the JSON header of a checkpoint, keeping its data section as it was.

    With ``sign`` the header checksum is made to match the edit, so that the deeper
    consistency checks are what is tested.
    """
    raw = path.read_bytes()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + n])
    edit(header)
    if sign:
        header = {"__metadata__": header.pop("__metadata__"), **header}
        resign(header)
    text = json.dumps(header, separators=(",", ":")).encode()
    path.write_bytes(len(text).to_bytes(8, "little") + text + raw[8 + n :])


@pytest.fixture
def saved(tmp_path: Path) -> tuple[Path, dict[str, np.ndarray[Any, Any]]]:
    """A checkpoint of ``make_model(seed=0)`` and its values."""
    path = tmp_path / "model.safetensors"
    model = make_model(0)
    io.save(model, path)
    return path, snapshot(model)


# ------------------------------------------------------------------- round trips


def test_round_trip_on_each_device(device: str, tmp_path: Path) -> None:
    source = make_model(0).to(device)
    path = tmp_path / "m.safetensors"
    io.save(source, path)
    target = make_model(7).to(device)
    params = list(target.parameters())
    assert io.load(target, path) is target
    assert_same(target, snapshot(source))
    assert all(p.device == device for p in target.parameters())
    # Values are copied into the existing tensors, so an optimizer built before still updates them.
    assert all(a is b for a, b in zip(params, target.parameters(), strict=True))


def test_round_trip_across_devices(device: str, other_device: str, tmp_path: Path) -> None:
    """A GPU module saves through host copies and loads onto another device."""
    source = make_model(0).to(device)
    path = tmp_path / "m.safetensors"
    io.save(source, path)
    target = make_model(3).to(other_device)
    io.load(target, path)
    assert_same(target, snapshot(source))
    assert all(p.device == other_device for p in target.parameters())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_round_trip_keeps_dtype(dtype: str, tmp_path: Path) -> None:
    source = make_model(0, dtype=dtype)
    path = tmp_path / "m.safetensors"
    io.save(source, path)
    target = io.load(make_model(1, dtype=dtype), path)
    assert_same(target, snapshot(source))
    assert {h["dtype"] for name, h in read_header(path).items() if name != "__metadata__"} == {
        {"float32": "F32", "float64": "F64"}[dtype]
    }


def test_loaded_model_computes_the_same(tmp_path: Path) -> None:
    source = make_model(0)
    path = tmp_path / "m.safetensors"
    io.save(source, path)
    target = io.load(make_model(9), path)
    x = tt.randn(4, 3)
    np.testing.assert_array_equal(target(x).numpy(), source(x).numpy())


def test_file_is_plain_safetensors_with_typedtorch_metadata(tmp_path: Path) -> None:
    pytest.importorskip("safetensors", reason="the safetensors library is not installed")
    from safetensors.numpy import load_file

    model = make_model(0)
    path = tmp_path / "m.safetensors"
    io.save(model, path)
    raw = path.read_bytes()
    n = int.from_bytes(raw[:8], "little")
    assert raw[8:9] == b"{"  # the safetensors layout: u64 length, then the JSON header
    header = read_header(path)
    meta = header.pop("__metadata__")
    assert meta["typedtorch.format_version"] == "2"
    assert meta["typedtorch.module"] == "Sequential"
    # The structure of the state: a dict of tensors, by entry name, in the module's order.
    assert json.loads(meta["typedtorch.state"]) == {
        "d": [[name, {"T": name}] for name in ("0.weight", "0.bias", "2.weight", "2.bias")]
    }
    assert json.loads(meta["typedtorch.shapes"]) == {
        "0.weight": [3, 5],
        "0.bias": [5],
        "2.weight": [5, 2],
        "2.bias": [2],
    }
    assert set(json.loads(meta["typedtorch.sha256"])) == set(header)
    assert {name: h["shape"] for name, h in header.items()} == json.loads(meta["typedtorch.shapes"])
    assert len(raw) == 8 + n + sum(h["data_offsets"][1] - h["data_offsets"][0] for h in header.values())
    assert (8 + n) % 8 == 0  # the data starts 8-byte aligned, as the safetensors library writes it
    # Any safetensors reader can open it.
    for name, array in load_file(str(path)).items():
        np.testing.assert_array_equal(array, dict(model.named_parameters())[name].numpy())


def test_module_without_parameters(tmp_path: Path) -> None:
    path = tmp_path / "empty.safetensors"
    io.save(nn.ReLU(), path)
    io.load(nn.ReLU(), path)
    with pytest.raises(tt.ShapeError, match=r"missing '0.weight', '0.bias', '2.weight', '2.bias'"):
        io.load(make_model(), path)


# -------------------------------------------------- refusals: module vs checkpoint


def test_missing_parameter(tmp_path: Path) -> None:
    path = tmp_path / "m.safetensors"
    io.save(nn.Linear(3, 2, bias=False), path)
    target = nn.Linear(3, 2)
    before = snapshot(target)
    with pytest.raises(tt.ShapeError, match=r"^io\.load: .*m\.safetensors does not match Linear: missing 'bias'$"):
        io.load(target, path)
    assert_same(target, before)


def test_unexpected_parameter(tmp_path: Path) -> None:
    path = tmp_path / "m.safetensors"
    io.save(make_model(), path)
    target = nn.Linear(3, 5)
    before = snapshot(target)
    with pytest.raises(tt.ShapeError) as info:
        io.load(target, path)
    assert str(info.value) == (
        f"io.load: {path} (saved from a Sequential) does not match Linear: "
        "missing 'weight', 'bias'; unexpected '0.weight', '0.bias', '2.weight', '2.bias'"
    )
    assert_same(target, before)


def test_wrong_shape_names_the_parameter(saved: tuple[Path, dict[str, Any]]) -> None:
    path, _ = saved
    target = make_model(1, hidden=6)
    before = snapshot(target)
    with pytest.raises(tt.ShapeError) as info:
        io.load(target, path)
    assert str(info.value) == (
        f"io.load: parameter '0.weight' has shape (3, 6) in Sequential, but {path} holds shape (3, 5)"
    )
    assert_same(target, before)


def test_wrong_shape_in_a_later_layer_changes_no_earlier_one(tmp_path: Path) -> None:
    path = tmp_path / "m.safetensors"
    io.save(nn.Linear(3, 5) >> nn.ReLU() >> nn.Linear(5, 2), path)
    target = nn.Linear(3, 5) >> nn.ReLU() >> nn.Linear(5, 2, bias=False) >> nn.ReLU() >> nn.Linear(2, 2)
    before = snapshot(target)
    with pytest.raises(tt.ShapeError, match=r"missing '4\.weight', '4\.bias'; unexpected '2\.bias'"):
        io.load(target, path)
    assert_same(target, before)
    # Same names, a shape differing in the last layer only.
    io.save(nn.Linear(3, 5) >> nn.ReLU() >> nn.Linear(5, 2), path)
    target2 = nn.Linear(3, 5) >> nn.ReLU() >> nn.Linear(5, 3)
    before = snapshot(target2)
    with pytest.raises(
        tt.ShapeError, match=r"parameter '2\.weight' has shape \(5, 3\) in Sequential, but .* holds shape \(5, 2\)"
    ):
        io.load(target2, path)
    assert_same(target2, before)


def test_wrong_dtype_is_refused(saved: tuple[Path, dict[str, Any]]) -> None:
    path, _ = saved
    target = make_model(1, dtype="float64")
    before = snapshot(target)
    with pytest.raises(tt.ShapeError) as info:
        io.load(target, path)
    assert str(info.value) == (
        f"io.load: parameter '0.weight' has dtype float64 in Sequential, but {path} holds float32 "
        "(load refuses to convert; cast the module or save it again)"
    )
    assert_same(target, before)


def test_shape_mismatch_is_found_before_any_data_is_read(
    saved: tuple[Path, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The header alone decides: a wrong model never costs a read of the tensor data."""
    path, _ = saved
    from typedtorch.io import _checkpoint

    def fail(*args: object) -> None:
        raise AssertionError("tensor data was read")

    monkeypatch.setattr(_checkpoint._Reader, "prefetch", fail)
    with pytest.raises(tt.ShapeError, match="has shape"):
        io.load(make_model(hidden=4), path)


# -------------------------------------------------------- refusals: broken files


def load_fails(path: Path, pattern: str) -> None:
    """``io.load`` of ``path`` raises CheckpointError matching ``pattern`` and changes nothing."""
    target = make_model(5)
    before = snapshot(target)
    with pytest.raises(io.CheckpointError, match=pattern):
        io.load(target, path)
    assert_same(target, before)


@pytest.mark.parametrize("keep", [0, 1, 7])
def test_too_short_for_a_header(saved: tuple[Path, Any], keep: int) -> None:
    path, _ = saved
    path.write_bytes(path.read_bytes()[:keep])
    load_fails(path, rf"not a safetensors file: {keep} bytes is too short for the 8-byte header length")


def test_truncated_inside_the_header(saved: tuple[Path, Any]) -> None:
    path, _ = saved
    path.write_bytes(path.read_bytes()[:40])
    load_fails(path, r"truncated or not a safetensors file: the header claims \d+ bytes but the file has 32")


@pytest.mark.parametrize("cut", [1, 4, 20])
def test_truncated_data(saved: tuple[Path, Any], cut: int) -> None:
    path, _ = saved
    raw = path.read_bytes()
    path.write_bytes(raw[:-cut])
    load_fails(path, r"truncated: the header describes \d+ bytes of tensor data but the file holds \d+")


def test_trailing_bytes(saved: tuple[Path, Any]) -> None:
    path, _ = saved
    path.write_bytes(path.read_bytes() + b"\0\0\0\0")
    load_fails(path, "corrupted: 4 unexpected bytes after the tensor data")


def test_garbage_header(saved: tuple[Path, Any]) -> None:
    path, _ = saved
    raw = bytearray(path.read_bytes())
    raw[12:30] = b"\xff" * 18  # inside the JSON, after its opening brace
    path.write_bytes(bytes(raw))
    load_fails(path, r"corrupted safetensors header \(not valid JSON")


def test_header_that_is_not_an_object(saved: tuple[Path, Any]) -> None:
    path, _ = saved
    text = b"[1, 2, 3]"
    path.write_bytes(len(text).to_bytes(8, "little") + text)
    load_fails(path, "not a safetensors file: the header is not a JSON object")


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n" + b"\0" * 64,  # an image
        b"epoch 1/5 loss=0.3 acc=0.9\n" * 4,  # a log file
        b"\x80\x04\x95" + b"\0" * 40,  # a pickle
    ],
    ids=["png", "text", "pickle"],
)
def test_not_a_safetensors_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "model.safetensors"
    path.write_bytes(content)
    load_fails(path, "not a safetensors file")


def test_newer_format_version(saved: tuple[Path, Any]) -> None:
    path, _ = saved
    rewrite_header(path, lambda h: h["__metadata__"].update({"typedtorch.format_version": "3"}))
    load_fails(path, "checkpoint format version '3'; this typedtorch reads versions 1, 2")


def test_an_edited_header_fails_its_checksum(saved: tuple[Path, Any]) -> None:
    """A changed number of the saved state (or any other header change) would load silently without it."""
    path, _ = saved

    def edit(h: dict[str, Any]) -> None:
        h["__metadata__"]["typedtorch.module"] = "Linear"

    rewrite_header(path, edit, sign=False)
    load_fails(path, "corrupted header: it does not match its sha256 checksum")


def test_flipped_data_byte_fails_its_checksum(saved: tuple[Path, Any]) -> None:
    path, _ = saved
    raw = bytearray(path.read_bytes())
    raw[-3] ^= 0x10
    path.write_bytes(bytes(raw))
    load_fails(path, r"corrupted: the data of tensor '[\w.]+' does not match its sha256 checksum")


def test_header_shape_disagreeing_with_metadata(saved: tuple[Path, Any]) -> None:
    path, _ = saved

    def edit(h: dict[str, Any]) -> None:
        h["__metadata__"]["typedtorch.shapes"] = json.dumps(
            {**json.loads(h["__metadata__"]["typedtorch.shapes"]), "2.bias": [3]}
        )

    rewrite_header(path, edit)
    load_fails(path, r"corrupted header: tensor '2.bias': shape \(2,\) differs from the metadata's \[3\]")


def test_header_offsets_that_overlap(saved: tuple[Path, Any]) -> None:
    path, _ = saved

    def edit(h: dict[str, Any]) -> None:
        begin, end = h["2.bias"]["data_offsets"]
        h["2.bias"]["data_offsets"] = [begin - 4, end - 4]

    rewrite_header(path, edit)
    load_fails(path, r"corrupted header: the data of '[\w.]+' starts at byte \d+, expected \d+")


def test_header_size_disagreeing_with_shape(saved: tuple[Path, Any]) -> None:
    path, _ = saved
    rewrite_header(path, lambda h: h["2.bias"].update(dtype="F64"))
    load_fails(path, r"corrupted header: tensor '2.bias': 8 bytes of data for shape \(2,\) of float64")


def test_unsupported_dtype_code(saved: tuple[Path, Any]) -> None:
    path, _ = saved
    rewrite_header(path, lambda h: h["2.bias"].update(dtype="BF16"))
    load_fails(path, r"tensor '2.bias' has dtype 'BF16', which typedtorch does not load")


def test_duplicate_keys_in_the_header(saved: tuple[Path, Any]) -> None:
    path, _ = saved
    raw = path.read_bytes()
    n = int.from_bytes(raw[:8], "little")
    text = raw[8 : 8 + n].rstrip()
    assert text.endswith(b"}")
    first = json.loads(text)["2.bias"]
    text = text[:-1] + b',"2.bias":' + json.dumps(first).encode() + b"}"
    path.write_bytes(len(text).to_bytes(8, "little") + text + raw[8 + n :])
    load_fails(path, r"not valid JSON: duplicate key '2.bias'")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        io.load(make_model(), tmp_path / "nope.safetensors")


def test_works_without_the_safetensors_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """typedtorch reads and writes the format itself: the library is needed only to check interop."""
    # A None entry in sys.modules makes `import safetensors` raise ImportError.
    for name in [m for m in sys.modules if m == "safetensors" or m.startswith("safetensors.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "safetensors", None)
    source = make_model(0)
    io.save(source, tmp_path / "m.safetensors")
    assert_same(io.load(make_model(3), tmp_path / "m.safetensors"), snapshot(source))


# ------------------------------------------------------------------ atomic writes


def test_save_leaves_no_temporary_file_and_respects_the_umask(tmp_path: Path) -> None:
    path = tmp_path / "m.safetensors"
    old = os.umask(0o027)
    try:
        io.save(make_model(), path)
    finally:
        os.umask(old)
    assert [p.name for p in tmp_path.iterdir()] == ["m.safetensors"]
    assert path.stat().st_mode & 0o777 == 0o640


def test_failed_save_keeps_the_previous_checkpoint(
    saved: tuple[Path, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash while writing (here: the disk flush fails) leaves the old file whole and no temp file."""
    path, values = saved
    before = path.read_bytes()

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space left"):
        io.save(make_model(4), path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == [path.name]
    assert_same(io.load(make_model(8), path), values)


def test_save_overwrites_atomically(saved: tuple[Path, Any]) -> None:
    path, _ = saved
    newer = make_model(11)
    io.save(newer, path)
    assert_same(io.load(make_model(0), path), snapshot(newer))
    assert [p.name for p in path.parent.iterdir()] == [path.name]


# ---------------------------------------------------------------------- no pickle


def test_io_sources_import_no_pickle() -> None:
    banned = {"pickle", "_pickle", "cPickle", "dill", "cloudpickle", "joblib", "marshal", "shelve"}
    for source in sorted(IO_DIR.glob("*.py")):
        tree = ast.parse(source.read_text(), str(source))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "import_module":
                names = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            for name in names:
                assert name.split(".")[0] not in banned, f"{source.name}:{node.lineno} imports {name}"


def test_round_trip_with_pickle_disabled(tmp_path: Path) -> None:
    """In a fresh interpreter whose pickle machinery raises on any use, save and load still work.

    (numpy itself imports ``pickle`` at start-up, so "never imported" cannot be the test:
    every entry point that could serialise or deserialise is booby-trapped instead.)
    """
    script = f"""
import pickle, _pickle, copyreg, sys

def trap(*args, **kwargs):
    raise AssertionError("pickle was used")

class Trap:
    def __init__(self, *args, **kwargs):
        trap()

for module in (pickle, _pickle):
    for name in ("load", "loads", "dump", "dumps"):
        setattr(module, name, trap)
    module.Pickler = module.Unpickler = Trap

import numpy as np
import typedtorch as tt
from typedtorch import io, nn

source = nn.Linear(4, 3, seed=0) >> nn.ReLU() >> nn.Linear(3, 2, seed=1)
io.save(source, {str(tmp_path / "p.safetensors")!r})
target = io.load(nn.Linear(4, 3, seed=5) >> nn.ReLU() >> nn.Linear(3, 2, seed=6), {str(tmp_path / "p.safetensors")!r})
for (name, a), (_, b) in zip(source.named_parameters(), target.named_parameters()):
    assert np.array_equal(a.numpy(), b.numpy()), name
print("ok")
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == "ok"


@pytest.mark.parametrize("module", ["typedtorch.io", "typedtorch.io._checkpoint", "typedtorch.io._errors"])
def test_docstring_examples_run(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


# ------------------------------------------- any object with a state: optimizers, schedulers, dicts


class ToyAdam:
    """An optimizer with PyTorch's state layout, its per-parameter state created at the first step."""

    def __init__(self, params: list[Any], lr: float = 0.001, betas: tuple[float, float] = (0.9, 0.999)) -> None:
        self.params = params
        self.state: dict[int, dict[str, Any]] = {}
        self.param_groups = [{"lr": lr, "betas": betas, "params": list(range(len(params)))}]
        self.loads = 0

    def step(self) -> None:
        b1 = self.param_groups[0]["betas"][0]
        for i, p in enumerate(self.params):
            s = self.state.setdefault(i, {"step": 0, "exp_avg": tt.zeros(*p.shape, device=p.device)})
            s["step"] += 1
            s["exp_avg"] = s["exp_avg"] * b1 + p.detach() * (1 - b1)

    def state_dict(self) -> dict[str, Any]:
        return {
            "state": {i: dict(s) for i, s in self.state.items()},
            "param_groups": [dict(g) for g in self.param_groups],
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.loads += 1
        self.state = {i: dict(s) for i, s in state["state"].items()}
        self.param_groups = [dict(g) for g in state["param_groups"]]


class ToyScheduler:
    """A scheduler's state: plain numbers, lists, a string, a None, a tuple."""

    def __init__(self, gamma: float = 0.5) -> None:
        self.last_epoch, self.base_lrs, self.last_lr = 0, [0.1], [0.1]
        self.gamma, self.mode, self.warmup, self.milestones = gamma, "step", None, (2, 5)

    def step(self) -> None:
        self.last_epoch += 1
        self.last_lr = [lr * self.gamma**self.last_epoch for lr in self.base_lrs]

    def state_dict(self) -> dict[str, Any]:
        return dict(vars(self))

    def load_state_dict(self, state: dict[str, Any]) -> None:
        vars(self).update(state)


def trained(seed: int = 0, steps: int = 3) -> tuple[nn.Module, ToyAdam, ToyScheduler]:
    model = make_model(seed)
    opt, sched = ToyAdam(list(model.parameters())), ToyScheduler()
    for _ in range(steps):
        opt.step()
        sched.step()
    return model, opt, sched


def same_state(a: Any, b: Any) -> None:
    """Equal structure, types and values: tensors bit for bit, floats by their bits (NaN, -0.0)."""
    assert type(a) is type(b), (a, b)
    if isinstance(a, tt.Tensor):
        assert a.shape == b.shape and a.dtype == b.dtype
        assert a.numpy().tobytes() == b.numpy().tobytes()
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            same_state(a[k], b[k])
    elif isinstance(a, list | tuple):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            same_state(x, y)
    elif isinstance(a, float):
        assert repr(a) == repr(b)
    else:
        assert a == b


def test_model_optimizer_and_scheduler_round_trip(device: str, tmp_path: Path) -> None:
    model, opt, sched = trained()
    model.to(device)
    opt.state = {i: {"step": s["step"], "exp_avg": s["exp_avg"].to(device)} for i, s in opt.state.items()}
    path = tmp_path / "run.safetensors"
    io.save({"model": model, "optimizer": opt, "scheduler": sched}, path)
    # A fresh run: new model, an optimizer with no state yet, a new scheduler.
    model2 = make_model(9).to(device)
    opt2, sched2 = ToyAdam(list(model2.parameters()), lr=0.5), ToyScheduler(gamma=0.1)
    assert io.load({"model": model2, "optimizer": opt2, "scheduler": sched2}, path) is not None
    assert_same(model2, snapshot(model))
    same_state(opt2.state_dict(), opt.state_dict())
    same_state(sched2.state_dict(), sched.state_dict())
    assert opt2.loads == 1
    # Tensors of the optimizer's state go to the device of the parameters they track.
    assert {s["exp_avg"].device for s in opt2.state.values()} == {device}


def test_a_state_round_trips_exactly(tmp_path: Path) -> None:
    """int keys stay ints, tuples stay tuples, floats keep every bit (NaN, infinities, -0.0), order is kept."""
    holder = ToyScheduler()
    holder.last_lr = [float("nan"), float("inf"), -float("inf"), -0.0, 5e-324, 1.0000000000000002]
    holder.milestones = (1, (2, [3, {"x": None}]))
    holder.mode = 'étape ∂ "quoted" \\ \n'
    holder.big = 2**200 + 1  # type: ignore[attr-defined]
    holder.table = {3: "three", 1: "one", "1": "string one", 0: {"nested": (True, False)}}  # type: ignore[attr-defined]
    holder.weights = {"w": tt.tensor([[1.5, -2.0]]), "ids": tt.tensor([1, 2, 3]), "mask": tt.tensor([True, False])}  # type: ignore[attr-defined]
    path = tmp_path / "s.safetensors"
    io.save(holder, path)
    fresh = ToyScheduler()
    fresh.big, fresh.table = 0, {3: "", 1: "", "1": "", 0: {"nested": (False, False)}}  # type: ignore[attr-defined]
    fresh.weights = {"w": tt.zeros(1, 2), "ids": tt.tensor([0, 0, 0]), "mask": tt.tensor([False, False])}  # type: ignore[attr-defined]
    fresh.milestones = (0, (0, [0, {"x": None}]))
    fresh.last_lr = [0.0] * 6
    io.load(fresh, path)
    same_state(fresh.state_dict(), holder.state_dict())


def test_the_same_state_saves_to_the_same_bytes(tmp_path: Path) -> None:
    model, opt, sched = trained()
    io.save({"model": model, "optimizer": opt, "scheduler": sched}, tmp_path / "a.safetensors")
    io.save({"model": model, "optimizer": opt, "scheduler": sched}, tmp_path / "b.safetensors")
    assert (tmp_path / "a.safetensors").read_bytes() == (tmp_path / "b.safetensors").read_bytes()


def test_optimizer_entries_are_named_by_their_path(tmp_path: Path) -> None:
    model, opt, _ = trained()
    path = tmp_path / "run.safetensors"
    io.save({"model": model, "optimizer": opt}, path)
    names = [k for k in read_header(path) if k != "__metadata__"]
    assert names == [
        "model.0.weight",
        "model.0.bias",
        "model.2.weight",
        "model.2.bias",
        *(f"optimizer.state.{i}.exp_avg" for i in range(4)),
    ]


def run_objects(seed: int) -> dict[str, Any]:
    model, opt, sched = trained(seed)
    return {"model": model, "optimizer": opt, "scheduler": sched}


def unchanged_after(objects: dict[str, Any], call: Callable[[], object], error: type[Exception], pattern: str) -> None:
    before = {k: (snapshot(v) if isinstance(v, nn.Module) else v.state_dict()) for k, v in objects.items()}
    with pytest.raises(error, match=pattern):
        call()
    for k, v in objects.items():
        if isinstance(v, nn.Module):
            assert_same(v, before[k])
        else:
            same_state(v.state_dict(), before[k])
            assert getattr(v, "loads", 0) == 0


def test_a_different_number_of_parameters_is_refused(tmp_path: Path) -> None:
    model, opt, _ = trained()
    path = tmp_path / "run.safetensors"
    io.save({"model": model, "optimizer": opt}, path)
    model2 = make_model(1)
    opt2 = ToyAdam(list(model2.parameters())[:3])
    targets = {"model": model2, "optimizer": opt2}
    unchanged_after(
        targets,
        lambda: io.load(targets, path),
        tt.ShapeError,
        r"does not match ToyAdam: unexpected 'optimizer\.param_groups\.0\.params\.3'$",
    )


def test_a_wrong_shape_in_the_optimizer_state_changes_nothing(tmp_path: Path) -> None:
    model, opt, _ = trained()
    path = tmp_path / "run.safetensors"
    io.save({"model": model, "optimizer": opt}, path)
    targets = run_objects(4)
    del targets["scheduler"]
    targets["optimizer"].state[1]["exp_avg"] = tt.zeros(7)
    unchanged_after(
        targets,
        lambda: io.load(targets, path),
        tt.ShapeError,
        r"^io\.load: entry 'optimizer\.state\.1\.exp_avg' has shape \(7,\) in ToyAdam, but .* holds shape \(5,\)$",
    )


def test_a_tensor_where_the_file_has_a_number_is_refused(tmp_path: Path) -> None:
    model, opt, _ = trained()
    path = tmp_path / "run.safetensors"
    io.save({"model": model, "optimizer": opt}, path)
    targets = run_objects(2)
    del targets["scheduler"]
    targets["optimizer"].state[0]["step"] = tt.tensor(3.0)
    unchanged_after(
        targets,
        lambda: io.load(targets, path),
        tt.ShapeError,
        r"entry 'optimizer\.state\.0\.step' is a tensor of shape \(\) in ToyAdam, but .* holds a int",
    )


def test_the_objects_of_a_dict_must_match(tmp_path: Path) -> None:
    model, opt, _ = trained()
    path = tmp_path / "run.safetensors"
    io.save({"model": model, "optimizer": opt}, path)
    targets = run_objects(3)
    unchanged_after(
        targets,
        lambda: io.load(targets, path),
        tt.ShapeError,
        r"\(dict\(model=Sequential, optimizer=ToyAdam\)\) does not match "
        r"dict\(model=Sequential, optimizer=ToyAdam, scheduler=ToyScheduler\): missing 'scheduler'$",
    )
    single = make_model(1)
    before = snapshot(single)
    with pytest.raises(
        tt.ShapeError, match=r"holds dict\(model=Sequential, optimizer=ToyAdam\), but a Sequential was given"
    ):
        io.load(single, path)
    assert_same(single, before)
    io.save(model, path)
    unchanged_after(
        targets, lambda: io.load(targets, path), tt.ShapeError, r"holds one Sequential, but dict\(model=Sequential"
    )


def test_a_module_inside_a_dict_is_compared_strictly(tmp_path: Path) -> None:
    model, opt, _ = trained()
    path = tmp_path / "run.safetensors"
    io.save({"model": model, "optimizer": opt}, path)
    targets = {"model": make_model(1, hidden=6), "optimizer": ToyAdam(list(make_model(1).parameters()))}
    unchanged_after(
        targets,
        lambda: io.load(targets, path),
        tt.ShapeError,
        r"^io\.load: parameter 'model\.0\.weight' has shape \(3, 6\) in Sequential, but .* holds shape \(3, 5\)$",
    )


@pytest.mark.parametrize(
    ("obj", "pattern"),
    [
        (3, r"expected an object with state_dict\(\) and load_state_dict\(\) .* got int"),
        ({"model": make_model(), "epoch": 4}, r"'epoch' is a int, which has no state_dict\(\)"),
        ({}, r"got dict"),
    ],
    ids=["int", "dict-with-a-number", "empty-dict"],
)
def test_what_cannot_be_saved(tmp_path: Path, obj: Any, pattern: str) -> None:
    with pytest.raises(TypeError, match=pattern):
        io.save(obj, tmp_path / "x.safetensors")
    with pytest.raises(TypeError, match=pattern.replace("save", "load")):
        io.load(obj, tmp_path / "x.safetensors")
    assert not list(tmp_path.iterdir())


class Holder:
    def __init__(self, state: Any) -> None:
        self.state = state

    def state_dict(self) -> Any:
        return self.state

    def load_state_dict(self, state: Any) -> None:
        self.state = state


@pytest.mark.parametrize(
    ("state", "pattern"),
    [
        ({"a": {1, 2}}, r"io\.save: a of Holder is a set; a state holds tensors, ints, floats"),
        ({"a": [np.zeros(3)]}, r"io\.save: a\.0 of Holder is a ndarray"),
        ({True: 1}, r"has a key True \(bool\) at the top; keys must be str or int"),
        ({"a": 10**150}, r"is an int of 499 bits; checkpoints hold ints of at most 100 digits"),
        (
            {"x": tt.zeros(2), "y": {"": tt.zeros(2)}, "y.": tt.zeros(1)},
            r"two tensors of Holder's state would both be stored as 'y\.'",
        ),
    ],
    ids=["set", "ndarray", "bool-key", "huge-int", "name-collision"],
)
def test_states_that_cannot_be_saved(tmp_path: Path, state: Any, pattern: str) -> None:
    with pytest.raises(TypeError, match=pattern):
        io.save(Holder(state), tmp_path / "x.safetensors")
    assert not list(tmp_path.iterdir())


def test_too_deep_a_state_is_refused(tmp_path: Path) -> None:
    state: Any = 0
    for _ in range(40):
        state = [state]
    with pytest.raises(TypeError, match=r"nested more than 32 deep"):
        io.save(Holder(state), tmp_path / "x.safetensors")


def test_a_module_state_is_read_as_the_module_asks_for_it(tmp_path: Path) -> None:
    """A module's load_state_dict gets a mapping whose tensors are read (and verified) on access, any number of times."""
    source = make_model(0)
    path = tmp_path / "m.safetensors"
    io.save(source, path)
    seen: dict[str, Any] = {}

    class Twice(nn.Module):
        def __init__(self) -> None:
            self.inner = make_model(5)

        def load_state_dict(self, state: Any) -> None:
            seen["first"] = {k: state[k].numpy().copy() for k in state}
            seen["keys"] = list(state.keys()), len(state), "inner.0.weight" in state, "nope" in state
            super().load_state_dict(dict(state.items()))

    io.save(_wrap(source), path)
    target = Twice()
    io.load(target, path)
    assert seen["keys"] == (["inner.0.weight", "inner.0.bias", "inner.2.weight", "inner.2.bias"], 4, True, False)
    assert_same(target.inner, snapshot(source))


def _wrap(inner: nn.Module) -> nn.Module:
    class Wrapper(nn.Module):
        def __init__(self) -> None:
            self.inner = inner

    return Wrapper()


def test_a_file_changed_during_load_is_refused_and_the_module_kept(tmp_path: Path) -> None:
    """Tensors read on demand are verified again: a file overwritten in place after the checks is caught."""
    source = make_model(0)
    path = tmp_path / "m.safetensors"
    io.save(source, path)

    class Sneaky(nn.Sequential[Any, Any]):
        def load_state_dict(self, state: Any) -> None:
            raw = bytearray(path.read_bytes())
            raw[-1] ^= 0xFF
            with open(path, "r+b") as f:  # in place: the open file sees it
                f.write(raw)
            super().load_state_dict(state)

    target = Sneaky(nn.Linear(3, 5, seed=3), nn.ReLU(), nn.Linear(5, 2, seed=4))
    before = snapshot(target)
    with pytest.raises(io.CheckpointError, match=r"the file changed while it was being read \(tensor '2\.bias'\)"):
        io.load(target, path)
    assert_same(target, before)
