"""Backends: the one module that names an array library.

Everything else in typedtorch talks to arrays through ``backend.xp``, an array-API
namespace (https://data-apis.org/array-api/), so one set of ops serves numpy on the
CPU, cupy on NVIDIA GPUs, and array-api-strict in the tests. A ruff rule
(``banned-api`` in ``pyproject.toml``) keeps numpy and cupy imports in this file.

Device strings:

* ``"cpu"``      -- numpy.
* ``"cuda"``, ``"cuda:N"`` -- cupy on GPU ``N`` (imported only when first asked for).
* ``"strict"``   -- array-api-strict on its non-CPU ``device1``: a test backend that
  refuses any hidden numpy conversion, standing in for a GPU on machines without one.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any, TypeAlias

import array_api_compat
import numpy as np

# Arrays of any backend. The array API has no static type shared by numpy, cupy and
# array-api-strict, so the engine treats them as opaque values.
Array: TypeAlias = Any
HostArray: TypeAlias = "np.ndarray[Any, Any]"

DEFAULT_FLOAT = "float32"
_DTYPE_NAMES = (
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64",
)  # fmt: skip


class Backend:
    """One device: its array namespace and how arrays get on and off it."""

    __slots__ = ("device", "xp", "native_device", "is_host", "_ones", "_integral", "_floating")

    def __init__(self, device: str, xp: Any, native_device: Any, is_host: bool) -> None:
        self.device = device
        self.xp = xp
        self.native_device = native_device
        # True when arrays are numpy arrays already, so host views cost nothing.
        self.is_host = is_host
        self._ones: dict[Any, Array] = {}
        self._integral: dict[Any, bool] = {}
        self._floating: dict[Any, bool] = {}

    def __repr__(self) -> str:
        return f"Backend({self.device!r})"

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        # One backend object per device: copies and pickles of tensors refer to it.
        return (get_backend, (self.device,))

    def one(self, dtype: Any) -> Array:
        """A 0-d one: the seed gradient of ``backward()``.

        On the CPU it is made once and frozen read-only, since it can end up as a
        leaf's ``.grad``; other arrays cannot be frozen, so they get a fresh one.
        """
        if not self.is_host:
            return self.xp.ones((), dtype=dtype, device=self.native_device)
        one = self._ones.get(dtype)
        if one is None:
            one = np.ones((), dtype=dtype)
            one.flags.writeable = False
            self._ones[dtype] = one
        return one

    def is_integral(self, dtype: Any) -> bool:
        """Whether ``dtype`` holds integers (cached: it is asked on every gather and loss)."""
        known = self._integral.get(dtype)
        if known is None:
            native = self.dtype(dtype) if not _is_native(dtype) else dtype
            known = self._integral[dtype] = bool(self.xp.isdtype(native, "integral"))
        return known

    def is_floating(self, dtype: Any) -> bool:
        """Whether ``dtype`` is a real floating-point type (cached, like ``is_integral``)."""
        known = self._floating.get(dtype)
        if known is None:
            native = self.dtype(dtype) if not _is_native(dtype) else dtype
            known = self._floating[dtype] = bool(self.xp.isdtype(native, "real floating"))
        return known

    def dtype(self, name: Any) -> Any:
        """The namespace's dtype object for a dtype or its name (``tt.float32``, ``"float32"``, ``np.float32``)."""
        from typedtorch._dtypes import dtype_name

        return getattr(self.xp, dtype_name(name))

    def is_writeable(self, array: Array) -> bool:
        """Whether ``array``'s memory may be written (numpy's broadcast views may not)."""
        if self.is_host:
            return bool(array.flags.writeable)
        inner = getattr(array, "_array", None)  # array-api-strict wraps a numpy array
        if inner is not None and hasattr(inner, "flags"):
            return bool(inner.flags.writeable)
        return True

    def is_contiguous(self, array: Array) -> bool:
        """Whether ``array`` is laid out in row-major order (what ``view`` needs)."""
        flags = getattr(array, "flags", None)
        if flags is None:
            flags = getattr(getattr(array, "_array", None), "flags", None)  # array-api-strict
        return True if flags is None else bool(flags.c_contiguous)

    def shares_memory(self, a: Array, b: Array) -> bool:
        """Whether ``a`` may be a view of ``b`` (an empty array always may). Bounds only:
        a fresh copy never overlaps, a view always does."""
        if a.size == 0:
            return True
        if self.is_host:
            return bool(np.may_share_memory(a, b))
        if _is_cupy(a):
            import cupy

            return bool(cupy.may_share_memory(a, b))
        inner_a, inner_b = getattr(a, "_array", None), getattr(b, "_array", None)  # array-api-strict
        if inner_a is not None and inner_b is not None:
            return bool(np.may_share_memory(inner_a, inner_b))
        return True  # an unknown namespace: assume a view (view then acts as reshape)

    def from_host(self, host: HostArray) -> Array:
        """Copy (or, on the CPU, adopt) a numpy array onto this device."""
        if self.is_host:
            return host
        return self.xp.asarray(host, device=self.native_device)

    def to_host(self, array: Array) -> HostArray:
        """A numpy array with the same values; a copy unless this is the CPU."""
        if self.is_host:
            return np.asarray(array)
        if _is_cupy(array):
            import cupy

            return cupy.asnumpy(array)  # type: ignore[no-any-return]
        # array-api-strict: hop to its CPU device first, which numpy may read.
        # A copy, as from a GPU: writing to it must not change the tensor.
        cpu = self.xp.asarray(array, device=self.xp.Device("CPU_DEVICE"))
        return np.array(cpu, copy=True)

    def dtype_name(self, array: Array) -> str:
        return str(array.dtype).rsplit(".", 1)[-1]


def host_array(data: object, dtype: Any, copy: bool = False) -> HostArray:
    """Python data or a numpy array as a numpy array, as ``torch.tensor`` reads it.

    Python floats become float32, ints int64, bools bool; a numpy array keeps its dtype
    (``torch.tensor(np.zeros(3))`` is float64 too). ``dtype`` overrides both. With
    ``copy`` the result never shares memory with ``data`` (``tt.tensor`` copies).
    """
    is_array = isinstance(data, np.ndarray | np.generic)
    try:
        arr = np.array(data, copy=True) if copy else np.asarray(data)
    except (ValueError, TypeError) as e:
        raise TypeError(f"tensor: cannot make a tensor of {type(data).__name__} data: {e}") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"tensor: data must be numbers or booleans, got {arr.dtype} ({type(data).__name__})")
    if dtype is not None:
        from typedtorch._dtypes import dtype_name

        return arr.astype(dtype_name(dtype), copy=False)
    if is_array:
        if arr.dtype.name not in _DTYPE_NAMES:
            raise TypeError(f"tensor: unsupported dtype {arr.dtype}")
        return arr
    if arr.dtype.kind == "f":
        return arr.astype(DEFAULT_FLOAT, copy=False)
    if arr.dtype.kind in "iu":
        return arr.astype(np.int64, copy=False)
    return arr


def _is_native(dtype: object) -> bool:
    """An array library's own dtype object (not a ``tt.float32`` or a name)."""
    from typedtorch._dtypes import DType

    return not isinstance(dtype, DType | str)


def host_index(key: object) -> HostArray:
    """A list or numpy array used as an index, as an int64 (or bool) host array."""
    try:
        arr = np.asarray(key)
    except (ValueError, TypeError) as e:
        raise TypeError(f"index: cannot use {type(key).__name__} {key!r} as an index: {e}") from None
    if arr.size == 0:
        return arr.astype(np.int64)
    if arr.dtype.kind == "b":
        return arr
    if arr.dtype.kind not in "iu":
        raise TypeError(f"index: a list or array index must hold ints or bools, got {arr.dtype}")
    return arr.astype(np.int64, copy=False)


def is_host_array(obj: object) -> bool:
    return isinstance(obj, np.ndarray | np.generic)


class _Rng:
    # One generator for the process, as torch.manual_seed seeds every thread: a seed set
    # in one thread fixes the draws made in another. Draws take the lock (numpy's
    # Generator is not safe to share across threads without one).
    gen = np.random.default_rng()


_rng = _Rng()
_rng_lock = threading.Lock()


def manual_seed(seed: int) -> None:
    """Reseed the host generator behind ``randn``/``rand``, dropout and parameter init (every thread)."""
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise TypeError(f"manual_seed: seed must be an int, got {type(seed).__name__}")
    with _rng_lock:
        _rng.gen = np.random.default_rng(seed)


def host_random(kind: str, shape: tuple[int, ...], seed: int | None) -> HostArray:
    """Float32 draws on the host, so one seed gives the same values on every device."""
    if kind not in ("normal", "uniform"):
        raise ValueError(f"unknown distribution {kind!r}")
    with _rng_lock:
        gen = _rng.gen if seed is None else np.random.default_rng(seed)
        if kind == "normal":
            return gen.standard_normal(shape, dtype=np.float32)
        return gen.random(shape, dtype=np.float32)


def host_integers(low: int, high: int, shape: tuple[int, ...]) -> HostArray:
    """int64 draws uniform in ``[low, high)`` from the generator ``manual_seed`` seeds."""
    with _rng_lock:
        return _rng.gen.integers(low, high, size=shape, dtype=np.int64)


def host_uniform(low: float, high: float, shape: tuple[int, ...], seed: int | None) -> HostArray:
    """Uniform float32 draws in ``[low, high)`` on the host (for parameter init)."""
    return (host_random("uniform", shape, seed) * np.float32(high - low) + np.float32(low)).astype(
        np.float32, copy=False
    )


def host_from_buffer(
    buf: bytes | bytearray | memoryview,
    dtype: str,
    shape: tuple[int, ...],
    *,
    offset: int = 0,
    big_endian: bool = False,
    copy: bool = True,
) -> HostArray:
    """A numpy array of ``shape`` read from raw bytes, in native byte order.

    For readers of binary formats that must not name numpy themselves (IDX files are
    big-endian). ``copy=False`` may return a read-only view of ``buf`` when no byte
    swap is needed; with ``copy=True`` the array owns its memory and is writable.

    >>> host_from_buffer(b"\\x00\\x01\\x00\\x02", "int16", (2,), big_endian=True).tolist()
    [1, 2]
    """
    if dtype not in _DTYPE_NAMES:
        raise ValueError(f"unknown dtype {dtype!r}; expected one of {', '.join(_DTYPE_NAMES)}")
    stored = np.dtype(dtype).newbyteorder(">" if big_endian else "<")
    count = 1
    for s in shape:
        count *= s
    arr = np.frombuffer(buf, dtype=stored, count=count, offset=offset).reshape(shape)
    return arr.astype(np.dtype(dtype), copy=copy)


def host_permutation(n: int, seed: int | tuple[int, ...] | None = None) -> HostArray:
    """A random permutation of ``range(n)`` as int64, drawn on the host.

    ``seed=None`` draws from the generator that ``manual_seed`` reseeds; a tuple such
    as ``(seed, epoch)`` gives independent, reproducible streams (numpy ``SeedSequence``).

    >>> host_permutation(5, (0, 1)).tolist() == host_permutation(5, (0, 1)).tolist()
    True
    """
    with _rng_lock:
        gen = _rng.gen if seed is None else np.random.default_rng(seed)
        return gen.permutation(n).astype(np.int64, copy=False)


def _is_cupy(array: Array) -> bool:
    return type(array).__module__.startswith("cupy")


_backends: dict[str, Backend] = {}
_lock = threading.Lock()


def get_backend(device: str | None) -> Backend:
    """The backend for a device string; ``None`` means ``"cpu"``."""
    if device is None:
        device = "cpu"
    backend = _backends.get(device)
    if backend is not None:
        return backend
    with _lock:
        backend = _make_backend(device)
        _backends[device] = backend
        _backends[backend.device] = backend
    return backend


_add_reduce: Any = np.add.reduce
_max_reduce: Any = np.maximum.reduce


class _NumpyNamespace:
    """``array_api_compat.numpy`` with the calls the engine makes every step sped up.

    On the small arrays of a training step numpy's Python-level wrappers (``np.sum``
    dispatching through ``_wrapreduction``, the compat layer's ``astype`` and
    ``reshape``, ``take``) cost more than the arithmetic. The replacements call the same
    ufunc reductions and array methods directly, with the array API's semantics for
    the cases they take (floating dtypes for reductions, no ``copy``/``device``
    requests); everything else goes to the compat namespace unchanged.
    """

    def __init__(self, base: Any) -> None:
        self._base = base

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._base, name)
        setattr(self, name, value)  # found directly next time
        return value

    def __repr__(self) -> str:
        return f"<fast {self._base.__name__}>"

    def sum(self, x: Array, /, *, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Array:
        if dtype is None and x.dtype.kind == "f":
            return _add_reduce(x, axis=axis, keepdims=keepdims)
        return self._base.sum(x, axis=axis, dtype=dtype, keepdims=keepdims)

    def max(self, x: Array, /, *, axis: Any = None, keepdims: bool = False) -> Array:
        if x.dtype.kind == "f":
            return _max_reduce(x, axis=axis, keepdims=keepdims)
        return self._base.max(x, axis=axis, keepdims=keepdims)

    def astype(self, x: Array, dtype: Any, /, *, copy: bool = True, device: Any = None) -> Array:
        if device is None:
            return x.astype(dtype, copy=copy)
        return self._base.astype(x, dtype, copy=copy, device=device)

    def take(self, x: Array, indices: Array, /, *, axis: int | None = None) -> Array:
        return x.take(indices, axis=axis)

    def reshape(self, x: Array, /, shape: tuple[int, ...], *, copy: bool | None = None) -> Array:
        if copy is None:
            return np.reshape(x, shape)
        return self._base.reshape(x, shape, copy=copy)

    # ---- convolution fast paths
    # Used by typedtorch/_ops/conv.py when present; every other namespace takes the
    # generic array-API path there.

    def matmul_into(self, a: Array, b: Array, out: Array) -> Array:
        """``a @ b`` written into ``out``: the column gradient lands in a reused array
        instead of 40 MB of fresh pages per step (the array API has no ``out=``)."""
        return np.matmul(a, b, out=out)


def _keep_freed_memory() -> None:
    """Ask glibc to keep freed memory for reuse instead of returning it to the kernel.

    numpy allocates a fresh array for every intermediate; with glibc's defaults, arrays
    above the (adaptive) mmap threshold come back from the kernel as new, zeroed pages
    every time, and a training step of an attention block spends a third of its time in
    page faults (measured: 14,000 faults and 64 ms of system time a step for the numpy
    reference; none after this). PyTorch avoids the same cost with its caching
    allocator. Linux with glibc only; ``TYPEDTORCH_MALLOC=default`` leaves malloc alone.
    """
    if os.environ.get("TYPEDTORCH_MALLOC") == "default" or not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        m_trim_threshold, m_mmap_threshold = -1, -3  # from <malloc.h>
        libc.mallopt(m_mmap_threshold, 64 << 20)
        libc.mallopt(m_trim_threshold, 256 << 20)
    except (OSError, AttributeError):  # not glibc (musl, ...): nothing to tune
        pass


def _make_backend(device: str) -> Backend:
    if device == "cpu":
        _keep_freed_memory()
        return Backend("cpu", _NumpyNamespace(array_api_compat.array_namespace(np.empty(0))), "cpu", True)
    if device == "strict":
        import array_api_strict

        return Backend("strict", array_api_strict, array_api_strict.Device("device1"), False)
    if device == "cuda" or device.startswith("cuda:"):
        index_text = "0" if device == "cuda" else device[5:]
        if not (index_text.isascii() and index_text.isdigit()):
            raise ValueError(f"bad device {device!r}: expected 'cuda' or 'cuda:N'")
        canonical = f"cuda:{int(index_text)}"
        if canonical in _backends:
            return _backends[canonical]
        try:
            import cupy
        except ImportError as e:
            raise RuntimeError(f"device {device!r} needs cupy: pip install 'typedtorch[cuda12]' (or cuda13)") from e
        if not cupy.is_available():
            raise RuntimeError(f"device {device!r}: cupy is installed but no CUDA GPU is usable")
        native = cupy.cuda.Device(int(index_text))
        xp = array_api_compat.array_namespace(cupy.empty(0))
        return Backend(canonical, xp, native, False)
    raise ValueError(f"unknown device {device!r}; expected 'cpu', 'cuda', 'cuda:N' or 'strict'")


def backend_of(array: Array) -> Backend:
    """The backend that owns an existing array (numpy, cupy or array-api-strict)."""
    if is_host_array(array):
        return get_backend("cpu")
    if _is_cupy(array):
        return get_backend(f"cuda:{array.device.id}")
    if type(array).__module__.startswith("array_api_strict"):
        if str(array.device) != str(get_backend("strict").native_device):
            raise ValueError(f"array-api-strict arrays must live on device1, got {array.device}")
        return get_backend("strict")
    raise TypeError(f"not an array typedtorch can hold: {type(array).__name__}")


def from_dlpack(obj: Any) -> Array:
    """Adopt any ``__dlpack__`` producer, on the CPU (numpy) or a GPU (cupy)."""
    kind, index = obj.__dlpack_device__()
    if kind == 1:  # kDLCPU
        return np.from_dlpack(obj)
    if kind == 2:  # kDLCUDA
        get_backend(f"cuda:{index}")  # a clear error if cupy or the GPU is missing
        import cupy

        return cupy.from_dlpack(obj)
    raise TypeError(f"from_dlpack: unsupported DLPack device type {kind}")
