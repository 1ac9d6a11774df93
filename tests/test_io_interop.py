"""typedtorch.io with the rest of the world: files of the safetensors library (numpy and torch APIs), PyTorch state_dicts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import typedtorch as tt
from typedtorch import io, nn

safetensors_numpy = pytest.importorskip("safetensors.numpy", reason="the safetensors library is not installed")


def make_model(seed: int = 0) -> nn.Sequential[Any, Any]:
    return nn.Linear(3, 5, seed=seed) >> nn.ReLU() >> nn.Linear(5, 2, seed=seed + 1)


def snapshot(module: nn.Module) -> dict[str, np.ndarray[Any, Any]]:
    return {name: p.numpy().copy() for name, p in module.named_parameters()}


def assert_same(module: nn.Module, expected: dict[str, np.ndarray[Any, Any]]) -> None:
    got = snapshot(module)
    assert list(got) == list(expected)
    for name in expected:
        assert got[name].dtype == expected[name].dtype, name
        assert got[name].tobytes() == expected[name].tobytes(), name


class Scaled(nn.Module):
    """A layer whose 2-D parameter is not an nn.Linear weight: copied as it is by from_torch."""

    def __init__(self, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        self.scale = tt.tensor(rng.standard_normal((3, 4)), dtype="float32")
        self.shift = tt.tensor(rng.standard_normal(4), dtype="float32")


# ----------------------------------------------------------- files of the safetensors library


@pytest.mark.parametrize("metadata", [None, {"format": "np"}], ids=["no-metadata", "foreign-metadata"])
def test_a_file_of_the_safetensors_numpy_api_loads(tmp_path: Path, metadata: dict[str, str] | None) -> None:
    source = make_model(0)
    path = tmp_path / "lib.safetensors"
    safetensors_numpy.save_file({k: p.numpy() for k, p in source.named_parameters()}, str(path), metadata=metadata)
    target = make_model(7)
    assert io.load(target, path) is target
    assert_same(target, snapshot(source))


def test_a_library_file_is_checked_like_ours(tmp_path: Path) -> None:
    path = tmp_path / "lib.safetensors"
    arrays = {k: p.numpy() for k, p in make_model(0).named_parameters()}
    target = make_model(3)
    before = snapshot(target)

    safetensors_numpy.save_file({**arrays, "0.bias": np.zeros(6, np.float32)}, str(path))
    with pytest.raises(tt.ShapeError) as e:
        io.load(target, path)
    assert str(e.value) == f"io.load: parameter '0.bias' has shape (5,) in Sequential, but {path} holds shape (6,)"

    safetensors_numpy.save_file(
        {k: v for k, v in arrays.items() if k != "2.bias"} | {"extra": arrays["2.bias"]}, str(path)
    )
    with pytest.raises(tt.ShapeError) as e:
        io.load(target, path)
    assert str(e.value) == f"io.load: {path} does not match Sequential: missing '2.bias'; unexpected 'extra'"

    safetensors_numpy.save_file({**arrays, "0.bias": arrays["0.bias"].astype(np.float64)}, str(path))
    with pytest.raises(
        tt.ShapeError, match=r"parameter '0\.bias' has dtype float32 in Sequential, but .* holds float64"
    ):
        io.load(target, path)
    assert_same(target, before)


def test_a_library_file_into_a_dict_of_modules(tmp_path: Path) -> None:
    """In a dict, the "model" entry's tensors are named ``model.<name>``, as the flattened names of ours are."""
    source, other = make_model(0), make_model(10)
    path = tmp_path / "lib.safetensors"
    arrays = {f"model.{k}": p.numpy() for k, p in source.named_parameters()}
    arrays |= {f"ema.{k}": p.numpy() for k, p in other.named_parameters()}
    safetensors_numpy.save_file(arrays, str(path))
    targets = {"model": make_model(3), "ema": make_model(4)}
    io.load(targets, path)
    assert_same(targets["model"], snapshot(source))
    assert_same(targets["ema"], snapshot(other))


def test_a_library_file_cannot_fill_an_optimizer_state(tmp_path: Path) -> None:
    """A plain safetensors file holds tensors only: a state with numbers in it is missing them."""

    class Opt:
        def state_dict(self) -> dict[str, Any]:
            return {"step": 3, "buf": tt.zeros(2)}

        def load_state_dict(self, state: Any) -> None:
            raise AssertionError("must not be called")

    path = tmp_path / "lib.safetensors"
    safetensors_numpy.save_file({"buf": np.ones(2, np.float32)}, str(path))
    with pytest.raises(tt.ShapeError, match=r"does not match Opt: missing 'step'$"):
        io.load(Opt(), path)


def test_bf16_in_a_library_file_is_refused(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    from safetensors.torch import save_file

    path = tmp_path / "bf16.safetensors"
    save_file({"weight": torch.zeros(3, 2, dtype=torch.bfloat16)}, str(path))
    with pytest.raises(io.CheckpointError, match=r"tensor 'weight' has dtype 'BF16', which typedtorch does not load"):
        io.load(nn.Linear(3, 2, bias=False), path)


def test_the_library_reads_our_files(tmp_path: Path) -> None:
    model = make_model(0)
    path = tmp_path / "ours.safetensors"
    io.save({"model": model}, path)
    loaded = safetensors_numpy.load_file(str(path))
    assert set(loaded) == {f"model.{k}" for k, _ in model.named_parameters()}
    for k, p in model.named_parameters():
        assert loaded[f"model.{k}"].tobytes() == p.numpy().tobytes()
    # Round trip through the library: read with it, write with it, load with typedtorch.
    safetensors_numpy.save_file(loaded, str(tmp_path / "again.safetensors"))
    target = io.load({"model": make_model(5)}, tmp_path / "again.safetensors")["model"]
    assert_same(target, snapshot(model))


# ------------------------------------------------------------------------------ PyTorch


def torch_mlp(torch: Any) -> Any:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.ReLU(), torch.nn.Linear(5, 2))


def test_a_file_of_the_safetensors_torch_api_loads(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    from safetensors.torch import save_file

    torch.manual_seed(0)
    state = {"scale": torch.randn(3, 4), "shift": torch.randn(4)}
    path = tmp_path / "torch.safetensors"
    save_file(state, str(path))
    target = io.load(Scaled(5), path)
    assert target.scale.numpy().tobytes() == state["scale"].numpy().tobytes()
    assert target.shift.numpy().tobytes() == state["shift"].numpy().tobytes()


def test_a_pytorch_linear_in_a_file_is_refused_with_a_hint(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    from safetensors.torch import save_file

    path = tmp_path / "torch.safetensors"
    save_file(torch_mlp(torch).state_dict(), str(path))
    target = make_model(3)
    before = snapshot(target)
    with pytest.raises(tt.ShapeError) as e:
        io.load(target, path)
    assert str(e.value) == (
        f"io.load: parameter '0.weight' has shape (3, 5) in Sequential, but {path} holds shape (5, 3) "
        "(its transpose: PyTorch stores an nn.Linear weight as (out, in), typedtorch as (in, out); "
        "convert a PyTorch state with typedtorch.io.from_torch)"
    )
    assert_same(target, before)
    # from_torch reads the same file, transposing the Linear weights.
    io.from_torch(target, path)
    theirs = torch_mlp(torch)
    for name, t in theirs.state_dict().items():
        ours = dict(target.named_parameters())[name].numpy()
        assert (ours.T if name.endswith("weight") else ours).tobytes() == t.numpy().tobytes()


def test_from_torch_gives_the_same_outputs(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    theirs = torch_mlp(torch)
    ours = io.from_torch(make_model(9), theirs.state_dict())
    x = np.random.default_rng(0).standard_normal((16, 3)).astype(np.float32)
    expected = theirs(torch.from_numpy(x)).detach().numpy()
    got = ours(tt.tensor(x)).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)


def test_from_torch_copies_other_layers_as_they_are() -> None:
    torch = pytest.importorskip("torch")

    class Model(nn.Module):
        def __init__(self) -> None:
            self.fc = nn.Linear(4, 2)
            self.norm = Scaled()

    state = {
        "fc.weight": torch.arange(8.0).reshape(2, 4),
        "fc.bias": torch.tensor([1.0, 2.0]),
        "norm.scale": torch.arange(12.0).reshape(3, 4),
        "norm.shift": torch.ones(4),
    }
    model = io.from_torch(Model(), state)
    assert model.fc.weight.numpy().tolist() == state["fc.weight"].T.tolist()  # transposed
    assert model.norm.scale.numpy().tolist() == state["norm.scale"].tolist()  # as it is


def test_from_torch_takes_numpy_arrays_and_typedtorch_tensors() -> None:
    source = make_model(0)
    arrays = {k: (p.numpy().T if k.endswith("weight") else p.numpy()) for k, p in source.named_parameters()}
    assert_same(io.from_torch(make_model(4), arrays), snapshot(source))
    tensors = {k: tt.tensor(v) for k, v in arrays.items()}
    assert_same(io.from_torch(make_model(4), tensors), snapshot(source))


@pytest.mark.parametrize(
    ("edit", "error", "pattern"),
    [
        (
            lambda s, torch: {k: v for k, v in s.items() if k != "2.bias"} | {"2.extra": s["2.bias"]},
            tt.ShapeError,
            r"^io\.from_torch: the state does not match Sequential: missing '2\.bias'; unexpected '2\.extra'$",
        ),
        (
            lambda s, torch: {**s, "0.weight": s["0.weight"].T.contiguous()},
            tt.ShapeError,
            r"^io\.from_torch: parameter '0\.weight' \(an nn\.Linear weight\) has shape \(3, 5\) in Sequential, so "
            r"PyTorch's \(out, in\) layout is \(5, 3\), but the state holds shape \(3, 5\)$",
        ),
        (
            lambda s, torch: {**s, "2.bias": torch.zeros(3)},
            tt.ShapeError,
            r"parameter '2\.bias' has shape \(2,\) in Sequential, but the state holds shape \(3,\)",
        ),
        (
            lambda s, torch: {**s, "0.bias": s["0.bias"].double()},
            tt.ShapeError,
            r"parameter '0\.bias' has dtype float32 in Sequential, but the state holds float64 \(from_torch refuses",
        ),
        (
            lambda s, torch: {**s, "0.bias": s["0.bias"].bfloat16()},
            tt.ShapeError,
            r"holds bfloat16",
        ),
        (lambda s, torch: {**s, "0.bias": [1.0] * 5}, TypeError, r"'0\.bias' in the state is not a tensor"),
    ],
    ids=["names", "untransposed", "shape", "dtype", "bf16", "not-a-tensor"],
)
def test_from_torch_refusals_change_nothing(edit: Any, error: type[Exception], pattern: str) -> None:
    torch = pytest.importorskip("torch")
    state = edit(torch_mlp(torch).state_dict(), torch)
    target = make_model(3)
    before = snapshot(target)
    with pytest.raises(error, match=pattern):
        io.from_torch(target, state)
    assert_same(target, before)


def test_from_torch_needs_a_state() -> None:
    with pytest.raises(TypeError, match=r"expected a state_dict \(a mapping\) or a file path, got int"):
        io.from_torch(make_model(), 3)  # type: ignore[arg-type]


def test_torch_reads_our_files(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    from safetensors.torch import load_file

    model = make_model(0)
    path = tmp_path / "ours.safetensors"
    io.save(model, path)
    for name, t in load_file(str(path)).items():
        assert t.numpy().tobytes() == dict(model.named_parameters())[name].numpy().tobytes()
