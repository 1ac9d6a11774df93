"""Backends and devices: device strings, moving tensors, host interop, seeding, imports."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import typedtorch as tt

REPO = Path(__file__).resolve().parents[1]


def _gpu_usable() -> bool:
    try:
        import cupy

        return bool(cupy.is_available())
    except Exception:
        return False


def dtype_name(t: tt.Tensor[*tuple[Any, ...]]) -> str:
    return str(t.dtype).rsplit(".", 1)[-1]


# --------------------------------------------------------------------- device strings


def test_cpu_and_strict_devices() -> None:
    c = tt.zeros(2)
    assert c.device == "cpu" and tt.zeros(2, device="cpu").device == "cpu"
    assert isinstance(c._data, np.ndarray)
    s = tt.zeros(2, device="strict")
    assert s.device == "strict"
    assert type(s._data).__module__.startswith("array_api_strict")
    assert str(s._data.device) != "CPU_DEVICE"  # array-api-strict's non-CPU device


@pytest.mark.skipif(_gpu_usable(), reason="a usable GPU is present")
def test_cuda_without_gpu_is_a_clear_runtime_error() -> None:
    for device in ("cuda", "cuda:0", "cuda:1"):
        with pytest.raises(RuntimeError, match=rf"device '{device}'.*(needs cupy|no CUDA GPU)"):
            tt.zeros(2, device=device)
        with pytest.raises(RuntimeError, match=rf"device '{device}'"):
            tt.ones(2).to(device)


@pytest.mark.parametrize("device", ["cuda:x", "cuda:", "cuda:-1", "cuda:\u00b2", "tpu", "CPU", "gpu", ""])
def test_bad_device_strings(device: str) -> None:
    with pytest.raises(ValueError, match=repr(device)):
        tt.zeros(2, device=device)
    with pytest.raises(ValueError, match=repr(device)):
        tt.tensor([1.0], device=device)


def test_default_dtype_is_float32(device: str) -> None:
    for t in (tt.zeros(2, device=device), tt.randn(2, device=device), tt.tensor([1.0], device=device)):
        assert dtype_name(t) == "float32"
    assert dtype_name(tt.tensor([1], device=device)) == "int64"


# ------------------------------------------------------------------ moving tensors


def test_to_keeps_values(device: str, other_device: str) -> None:
    host = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    x = tt.tensor(host, device=device)
    y = x.to(other_device)
    assert y.device == other_device and y.shape == (3, 4) and dtype_name(y) == "float32"
    np.testing.assert_array_equal(y.numpy(), host)
    back = y.to(device)
    assert back.device == device
    np.testing.assert_array_equal(back.numpy(), host)
    assert x.to(device) is x  # already there
    i = tt.tensor([1, 2], device=device).to(other_device)
    assert dtype_name(i) == "int64" and i.tolist() == [1, 2]


def test_to_is_differentiable(device: str, other_device: str) -> None:
    x = tt.tensor([1.0, 2.0, 3.0], device=device, requires_grad=True)
    y = x.to(other_device)
    assert y.requires_grad
    w = tt.tensor([0.5, 1.0, -1.0], device=other_device)
    (y * y * w).sum().backward()
    assert x.grad is not None and x.grad.device == device
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.array([1.0, 2.0, 3.0]) * [0.5, 1.0, -1.0])
    with tt.no_grad():
        assert not x.to(other_device).requires_grad


def test_tensor_on_one_device_from_tensor_on_another(device: str, other_device: str) -> None:
    x = tt.tensor([1.5, 2.5], device=other_device)
    y = tt.tensor(x, device=device)
    assert y.device == device and y.tolist() == [1.5, 2.5]


# --------------------------------------------------------------------------- seeding


def test_manual_seed_reproducible(device: str) -> None:
    tt.manual_seed(1234)
    a = tt.randn(3, 4, device=device).numpy()
    u = tt.rand(5, device=device).numpy()
    tt.manual_seed(1234)
    b = tt.randn(3, 4, device=device).numpy()
    v = tt.rand(5, device=device).numpy()
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(u, v)
    tt.manual_seed(4321)
    assert not np.array_equal(tt.randn(3, 4, device=device).numpy(), a)


def test_manual_seed_same_values_on_every_device(device: str) -> None:
    tt.manual_seed(7)
    on_cpu = tt.randn(4, 5).numpy()
    tt.manual_seed(7)
    here = tt.randn(4, 5, device=device).numpy()
    np.testing.assert_array_equal(on_cpu, here)


# ------------------------------------------------------------------ host interop


def test_numpy_method(device: str) -> None:
    host = np.arange(6, dtype=np.float32).reshape(2, 3)
    t = tt.tensor(host, device=device)
    out = t.numpy()
    assert isinstance(out, np.ndarray) and out.dtype == np.float32
    np.testing.assert_array_equal(out, host)


def test_numpy_shares_memory_on_cpu_and_copies_elsewhere(device: str) -> None:
    t = tt.zeros(3, device=device)
    t.numpy()[0] = 5.0
    assert t.numpy()[0] == (5.0 if device == "cpu" else 0.0)


def test_np_asarray_on_cpu_tensor() -> None:
    t = tt.tensor([[1.0, 2.0], [3.0, 4.0]])
    a = np.asarray(t)
    assert a.dtype == np.float32
    np.testing.assert_array_equal(a, [[1.0, 2.0], [3.0, 4.0]])
    assert np.asarray(t, dtype=np.float64).dtype == np.float64
    c = np.array(t, copy=True)
    c[0, 0] = 9.0
    assert t.numpy()[0, 0] == 1.0


def test_np_asarray_refuses_a_device_tensor() -> None:
    t = tt.tensor([1.0, 2.0], device="strict")
    with pytest.raises(TypeError, match=r"refusing an implicit host copy of a tensor on strict; call \.numpy\(\)"):
        np.asarray(t)
    with pytest.raises(TypeError, match="implicit host copy"):
        np.array(t)


def test_from_numpy_shares_memory() -> None:
    host = np.arange(4, dtype=np.float64)
    t = tt.from_numpy(host)
    assert t.device == "cpu" and dtype_name(t) == "float64" and not t.requires_grad
    host[0] = 10.0
    assert t.numpy()[0] == 10.0
    t.numpy()[1] = 20.0
    assert host[1] == 20.0
    i = tt.from_numpy(np.arange(3, dtype=np.int32))
    assert dtype_name(i) == "int32"


def test_tensor_copies_but_from_numpy_does_not() -> None:
    host = np.ones(3, dtype=np.float32)
    copied, shared = tt.tensor(host), tt.from_numpy(host)
    host[:] = 2.0
    assert copied.tolist() == [1.0, 1.0, 1.0]
    assert shared.tolist() == [2.0, 2.0, 2.0]


def test_dlpack_round_trip() -> None:
    host = np.arange(6, dtype=np.float32).reshape(2, 3)
    t = tt.from_dlpack(host)
    assert t.device == "cpu" and t.shape == (2, 3) and dtype_name(t) == "float32"
    host[0, 0] = 42.0
    assert t.numpy()[0, 0] == 42.0  # no copy
    back = np.from_dlpack(t)
    np.testing.assert_array_equal(back, host)
    back[1, 1] = -1.0
    assert t.numpy()[1, 1] == -1.0 and host[1, 1] == -1.0
    assert t.__dlpack_device__() == (1, 0)
    u = tt.from_dlpack(t)  # a tensor is a DLPack producer too
    np.testing.assert_array_equal(u.numpy(), host)


def test_from_dlpack_refuses_unknown_devices() -> None:
    class Odd:
        def __dlpack_device__(self) -> tuple[int, int]:
            return (14, 0)  # kDLOneAPI

    with pytest.raises(TypeError, match="unsupported DLPack device type 14"):
        tt.from_dlpack(Odd())


# --------------------------------------------------------------------------- imports


def _run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=REPO, capture_output=True, text=True, timeout=120
    )


def test_import_works_without_cupy() -> None:
    result = _run_python(
        """
        import sys

        class RefuseCupy:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("cupy", "cupy_backends", "cupyx"):
                    raise ImportError(f"cupy is not installed here ({name})")
                return None

        sys.meta_path.insert(0, RefuseCupy())
        import typedtorch as tt

        x = tt.tensor([1.0, 2.0], requires_grad=True)
        (x * x).sum().backward()
        assert x.grad.tolist() == [2.0, 4.0], x.grad
        assert (tt.ones(2, device="strict") * 2.0).tolist() == [2.0, 2.0]
        try:
            tt.zeros(1, device="cuda")
        except RuntimeError as e:
            assert "needs cupy" in str(e), e
        else:
            raise AssertionError("cuda worked without cupy")
        assert not any(m.split(".")[0] in ("cupy", "cupyx") for m in sys.modules), "cupy was imported"
        print("ok")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_import_does_not_import_mypy_or_cupy() -> None:
    result = _run_python(
        """
        import sys
        import typedtorch
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("mypy", "cupy", "cupyx")))
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# ------------------------------------------------------------------------------ GPU


@pytest.mark.gpu
class TestCuda:
    """A few ops on a real GPU; skipped without one, failing under TYPEDTORCH_REQUIRE_GPU=1."""

    def test_ops_and_gradients(self, cuda: str) -> None:
        a = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
        b = np.random.default_rng(1).standard_normal((3, 2)).astype(np.float32)
        x = tt.tensor(a, device=cuda, requires_grad=True)
        w = tt.tensor(b, device=cuda, requires_grad=True)
        assert x.device.startswith("cuda") and dtype_name(x) == "float32"
        y = (x @ w).tanh()
        np.testing.assert_allclose(y.numpy(), np.tanh(a @ b), rtol=1e-5, atol=1e-6)
        loss = y.log_softmax(dim=-1).mean()
        loss.backward()
        assert x.grad is not None and w.grad is not None
        assert x.grad.device == x.device and x.grad.shape == (4, 3)
        with tt.no_grad():
            cpu_loss = (
                (tt.tensor(a) @ tt.tensor(b)).tanh().log_softmax(dim=-1).mean()  # the same on the CPU
            )
        np.testing.assert_allclose(loss.item(), cpu_loss.item(), rtol=1e-5)

    def test_to_and_from_cpu(self, cuda: str) -> None:
        x = tt.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x.to(cuda)
        assert y.device.startswith("cuda")
        (y * y).sum().backward()
        assert x.grad is not None and x.grad.device == "cpu"
        np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0, 6.0])
        np.testing.assert_array_equal(y.to("cpu").numpy(), [1.0, 2.0, 3.0])

    def test_mixing_with_cpu_is_an_error(self, cuda: str) -> None:
        with pytest.raises(tt.DeviceError, match=r"cpu and cuda:0"):
            tt.ones(2) + tt.ones(2, device=cuda)

    def test_host_interop(self, cuda: str) -> None:
        t = tt.tensor([1.0, 2.0], device=cuda)
        with pytest.raises(TypeError, match="implicit host copy"):
            np.asarray(t)
        assert t.numpy().tolist() == [1.0, 2.0]
        tt.manual_seed(3)
        on_gpu = tt.randn(3, 3, device=cuda).numpy()
        tt.manual_seed(3)
        np.testing.assert_array_equal(on_gpu, tt.randn(3, 3).numpy())
