# pyright: reportInvalidTypeForm=false
"""Creating tensors: factories that keep literal sizes in the type.

``zeros(4, 2)`` is ``Tensor[Literal[4], Literal[2]]`` for mypy with no annotation,
because each size goes through a literal-preserving type variable (see ``_dims``).
Tensors built from data whose shape mypy cannot see (``tensor``, ``from_numpy``) are
``Tensor[*tuple[Any, ...]]``: they flow into any typed parameter, and the runtime
checks catch what mypy could not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, overload

from ._backend import Array, Backend, get_backend, host_array, host_integers, host_random, is_host_array
from ._backend import from_dlpack as _from_dlpack
from ._dims import D0, D1, D2, D3, D4, D5, S, Size
from ._dtypes import DTypeLike, dtype_name, native
from ._tensor import AnyTensor, Tensor, adopt, make


def check_tensor(x: object, op: str) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(x).__name__}")


_Fill = Callable[[Backend, tuple[int, ...], str], Array]
_DEFAULT_FLOAT = "float32"


def _build(name: str, fill: _Fill, shape: tuple[Any, ...], dtype: DTypeLike, device: str | None, requires_grad: bool) -> AnyTensor:  # fmt: skip
    if len(shape) == 1 and isinstance(shape[0], tuple | list):
        shape = tuple(shape[0])  # zeros((4, 2)) as zeros(4, 2), as PyTorch accepts
    for n in shape:
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise ValueError(f"{name}: sizes must be non-negative ints, got {shape}")
    backend = get_backend(device)
    dname = dtype_name(dtype) if dtype is not None else _DEFAULT_FLOAT
    native(backend, dname)  # a clear error for a dtype the device lacks
    t = make(fill(backend, tuple(int(n) for n in shape), dname), backend, None)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _constant(value: float) -> _Fill:
    def fill(backend: Backend, shape: tuple[int, ...], dtype: str) -> Array:
        return backend.xp.full(shape, value, dtype=native(backend, dtype), device=backend.native_device)

    return fill


def _random(kind: str) -> _Fill:
    # Drawn on the host so one seed gives the same numbers on every device.
    def fill(backend: Backend, shape: tuple[int, ...], dtype: str) -> Array:
        return backend.from_host(host_random(kind, shape, None).astype(dtype, copy=False))

    return fill


_zeros, _ones, _normal, _uniform = _constant(0.0), _constant(1.0), _random("normal"), _random("uniform")


# One overload per rank (0 to 6) keeps each size's literal type. The last overload, for
# rank 7 and up, takes at least seven sizes on purpose: a catch-all `*shape: int`
# overload would also match `zeros(4, 2)` whenever the literal overload fails against
# the expected type, silently turning a size mismatch into `Any`.
# fmt: off
@overload
def zeros(*, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[()]: ...
@overload
def zeros(d0: Size[D0], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0]: ...
@overload
def zeros(d0: Size[D0], d1: Size[D1], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0, D1]: ...
@overload
def zeros(d0: Size[D0], d1: Size[D1], d2: Size[D2], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0, D1, D2]: ...
@overload
def zeros(d0: Size[D0], d1: Size[D1], d2: Size[D2], d3: Size[D3], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0, D1, D2, D3]: ...
@overload
def zeros(d0: Size[D0], d1: Size[D1], d2: Size[D2], d3: Size[D3], d4: Size[D4], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0, D1, D2, D3, D4]: ...
@overload
def zeros(d0: Size[D0], d1: Size[D1], d2: Size[D2], d3: Size[D3], d4: Size[D4], d5: Size[D5], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0, D1, D2, D3, D4, D5]: ...
@overload
def zeros(shape: tuple[()], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[()]: ...
@overload
def zeros(shape: tuple[Size[D0]], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0]: ...
@overload
def zeros(shape: tuple[Size[D0], Size[D1]], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0, D1]: ...
@overload
def zeros(shape: tuple[Size[D0], Size[D1], Size[D2]], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0, D1, D2]: ...
@overload
def zeros(shape: tuple[Size[D0], Size[D1], Size[D2], Size[D3]], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0, D1, D2, D3]: ...
@overload
def zeros(d0: int, d1: int, d2: int, d3: int, d4: int, d5: int, d6: int, /, *shape: int, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> AnyTensor: ...
def zeros(*shape: Any, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> AnyTensor:
    """A tensor of zeros: ``tt.zeros(4, 2)`` is ``Matrix[Literal[4], Literal[2]]``."""
    return _build("zeros", _zeros, shape, dtype, device, requires_grad)


@overload
def ones(*, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[()]: ...
@overload
def ones(d0: Size[D0], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0]: ...
@overload
def ones(d0: Size[D0], d1: Size[D1], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0, D1]: ...
@overload
def ones(d0: Size[D0], d1: Size[D1], d2: Size[D2], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0, D1, D2]: ...
@overload
def ones(d0: Size[D0], d1: Size[D1], d2: Size[D2], d3: Size[D3], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0, D1, D2, D3]: ...
@overload
def ones(d0: Size[D0], d1: Size[D1], d2: Size[D2], d3: Size[D3], d4: Size[D4], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0, D1, D2, D3, D4]: ...
@overload
def ones(d0: Size[D0], d1: Size[D1], d2: Size[D2], d3: Size[D3], d4: Size[D4], d5: Size[D5], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0, D1, D2, D3, D4, D5]: ...
@overload
def ones(shape: tuple[()], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[()]: ...
@overload
def ones(shape: tuple[Size[D0]], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0]: ...
@overload
def ones(shape: tuple[Size[D0], Size[D1]], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0, D1]: ...
@overload
def ones(shape: tuple[Size[D0], Size[D1], Size[D2]], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0, D1, D2]: ...
@overload
def ones(shape: tuple[Size[D0], Size[D1], Size[D2], Size[D3]], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0, D1, D2, D3]: ...
@overload
def ones(d0: int, d1: int, d2: int, d3: int, d4: int, d5: int, d6: int, /, *shape: int, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> AnyTensor: ...
def ones(*shape: Any, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> AnyTensor:
    """A tensor of ones: ``tt.ones(3)`` is ``Vector[Literal[3]]``."""
    return _build("ones", _ones, shape, dtype, device, requires_grad)


@overload
def randn(*, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[()]: ...
@overload
def randn(d0: Size[D0], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0]: ...
@overload
def randn(d0: Size[D0], d1: Size[D1], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0, D1]: ...
@overload
def randn(d0: Size[D0], d1: Size[D1], d2: Size[D2], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0, D1, D2]: ...
@overload
def randn(d0: Size[D0], d1: Size[D1], d2: Size[D2], d3: Size[D3], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0, D1, D2, D3]: ...
@overload
def randn(d0: Size[D0], d1: Size[D1], d2: Size[D2], d3: Size[D3], d4: Size[D4], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0, D1, D2, D3, D4]: ...
@overload
def randn(d0: Size[D0], d1: Size[D1], d2: Size[D2], d3: Size[D3], d4: Size[D4], d5: Size[D5], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0, D1, D2, D3, D4, D5]: ...
@overload
def randn(shape: tuple[()], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[()]: ...
@overload
def randn(shape: tuple[Size[D0]], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0]: ...
@overload
def randn(shape: tuple[Size[D0], Size[D1]], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0, D1]: ...
@overload
def randn(shape: tuple[Size[D0], Size[D1], Size[D2]], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0, D1, D2]: ...
@overload
def randn(shape: tuple[Size[D0], Size[D1], Size[D2], Size[D3]], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0, D1, D2, D3]: ...
@overload
def randn(d0: int, d1: int, d2: int, d3: int, d4: int, d5: int, d6: int, /, *shape: int, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> AnyTensor: ...
def randn(*shape: Any, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> AnyTensor:
    """Standard normal draws, seeded by ``tt.manual_seed``: ``tt.randn(3, requires_grad=True)``."""
    return _build("randn", _normal, shape, dtype, device, requires_grad)


@overload
def rand(*, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[()]: ...
@overload
def rand(d0: Size[D0], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0]: ...
@overload
def rand(d0: Size[D0], d1: Size[D1], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0, D1]: ...
@overload
def rand(d0: Size[D0], d1: Size[D1], d2: Size[D2], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0, D1, D2]: ...
@overload
def rand(d0: Size[D0], d1: Size[D1], d2: Size[D2], d3: Size[D3], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0, D1, D2, D3]: ...
@overload
def rand(d0: Size[D0], d1: Size[D1], d2: Size[D2], d3: Size[D3], d4: Size[D4], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0, D1, D2, D3, D4]: ...
@overload
def rand(d0: Size[D0], d1: Size[D1], d2: Size[D2], d3: Size[D3], d4: Size[D4], d5: Size[D5], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0, D1, D2, D3, D4, D5]: ...
@overload
def rand(shape: tuple[()], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[()]: ...
@overload
def rand(shape: tuple[Size[D0]], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0]: ...
@overload
def rand(shape: tuple[Size[D0], Size[D1]], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0, D1]: ...
@overload
def rand(shape: tuple[Size[D0], Size[D1], Size[D2]], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0, D1, D2]: ...
@overload
def rand(shape: tuple[Size[D0], Size[D1], Size[D2], Size[D3]], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[D0, D1, D2, D3]: ...
@overload
def rand(d0: int, d1: int, d2: int, d3: int, d4: int, d5: int, d6: int, /, *shape: int, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> AnyTensor: ...
def rand(*shape: Any, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> AnyTensor:
    """Uniform draws in [0, 1), seeded by ``tt.manual_seed``: ``tt.rand(2, 2)``."""
    return _build("rand", _uniform, shape, dtype, device, requires_grad)
# fmt: on


@overload
def full(
    shape: tuple[()],
    fill_value: float,
    *,
    dtype: DTypeLike = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Tensor[()]: ...
@overload
def full(
    shape: tuple[Size[D0]],
    fill_value: float,
    *,
    dtype: DTypeLike = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Tensor[D0]: ...
@overload
def full(
    shape: tuple[Size[D0], Size[D1]],
    fill_value: float,
    *,
    dtype: DTypeLike = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Tensor[D0, D1]: ...
@overload
def full(
    shape: tuple[Size[D0], Size[D1], Size[D2]],
    fill_value: float,
    *,
    dtype: DTypeLike = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Tensor[D0, D1, D2]: ...
# Rank 4 and up only, for the reason given at `_ShapeFactory.__call__`.
@overload
def full(
    shape: tuple[int, int, int, int, *tuple[int, ...]],
    fill_value: float,
    *,
    dtype: DTypeLike = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> AnyTensor: ...
def full(shape: tuple[int, ...], fill_value: float, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> AnyTensor:  # fmt: skip
    """A tensor filled with one value, shaped like ``torch.full``: ``full((2, 3), 0.5)``."""
    if dtype is None:
        dtype = "int64" if isinstance(fill_value, int) and not isinstance(fill_value, bool) else "float32"
    return _build("full", _constant(fill_value), tuple(shape), dtype, device, requires_grad)


@overload
def arange(end: Size[D0], /, *, dtype: DTypeLike = None, device: str | None = None) -> Tensor[D0]: ...
@overload
def arange(
    start: float, end: float, step: float = 1, /, *, dtype: DTypeLike = None, device: str | None = None
) -> Tensor[Any]: ...
def arange(start: float, end: float | None = None, step: float = 1, /, *, dtype: DTypeLike = None, device: str | None = None) -> AnyTensor:  # fmt: skip
    """``start, start + step, ...`` below ``end``; ``arange(5)`` is ``Vector[L[5]]`` of int64.

    A single argument must be an int (its literal becomes the length; no catch-all
    overload, for the reason given at ``_ShapeFactory.__call__``); float ranges take
    ``start`` and ``end``: ``arange(0.0, 1.0, 0.25)``.
    """
    if end is None:
        start, end = 0, start
    if dtype is None:
        dtype = "int64" if all(isinstance(v, int) for v in (start, end, step)) else "float32"
    backend = get_backend(device)
    data = backend.xp.arange(start, end, step, dtype=native(backend, dtype), device=backend.native_device)
    return make(data, backend, None)


def tensor(data: object, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> AnyTensor:  # fmt: skip
    """A tensor copied from Python data or a numpy array (float32 unless ``dtype``).

    The shape is unknown to mypy: ``Tensor[*tuple[Any, ...]]``.

    >>> import typedtorch as tt
    >>> tt.tensor([[0.0, 1.0], [1.0, 0.0]]).shape
    (2, 2)
    """
    return Tensor(data, dtype=dtype, device=device, requires_grad=requires_grad)


def from_numpy(array: Any) -> AnyTensor:
    """Share a numpy array's memory (no copy); the tensor lives on the CPU.

    >>> import numpy as np, typedtorch as tt
    >>> tt.from_numpy(np.zeros((2, 3), np.float32)).shape
    (2, 3)
    """
    if not is_host_array(array):
        raise TypeError(f"from_numpy: expected a numpy array, got {type(array).__name__}")
    return make(host_array(array, str(array.dtype)), get_backend("cpu"), None)


def from_dlpack(obj: Any) -> AnyTensor:
    """Adopt any DLPack producer (numpy, cupy, torch, ...) without copying."""
    return adopt(_from_dlpack(obj))


def empty(*shape: Any, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> AnyTensor:
    """Like :func:`zeros` (typedtorch never hands out uninitialised memory)."""
    return _build("empty", _zeros, shape, dtype, device, requires_grad)


@overload
def eye(
    n: Size[D0], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False
) -> Tensor[D0, D0]: ...
@overload
def eye(
    n: Size[D0], m: Size[D1], /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False
) -> Tensor[D0, D1]: ...
def eye(n: int, m: int | None = None, /, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> AnyTensor:  # fmt: skip
    """The identity matrix (``n`` by ``m``, square by default): ``tt.eye(3)`` is ``Matrix[L[3], L[3]]``."""
    cols = n if m is None else m
    for v in (n, cols):
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise ValueError(f"eye: sizes must be non-negative ints, got {n}, {m}")

    def fill(backend: Backend, shape: tuple[int, ...], dname: str) -> Array:
        return backend.xp.eye(shape[0], shape[1], dtype=native(backend, dname), device=backend.native_device)

    return _build("eye", fill, (n, cols), dtype, device, requires_grad)


def linspace(
    start: float, end: float, steps: int, *, dtype: DTypeLike = None, device: str | None = None
) -> Tensor[Any]:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive."""
    if not isinstance(steps, int) or steps < 0:
        raise ValueError(f"linspace: steps must be a non-negative int, got {steps!r}")
    backend = get_backend(device)
    name = dtype_name(dtype) if dtype is not None else _DEFAULT_FLOAT
    data = backend.xp.linspace(start, end, steps, dtype=native(backend, name), device=backend.native_device)
    return make(data, backend, None)


@overload
def randint(
    high: int, size: tuple[Size[D0]], /, *, dtype: DTypeLike = None, device: str | None = None
) -> Tensor[D0]: ...
@overload
def randint(
    high: int, size: tuple[Size[D0], Size[D1]], /, *, dtype: DTypeLike = None, device: str | None = None
) -> Tensor[D0, D1]: ...
@overload
def randint(
    low: int, high: int, size: tuple[Size[D0]], /, *, dtype: DTypeLike = None, device: str | None = None
) -> Tensor[D0]: ...
@overload
def randint(
    low: int, high: int, size: tuple[Size[D0], Size[D1]], /, *, dtype: DTypeLike = None, device: str | None = None
) -> Tensor[D0, D1]: ...
@overload
def randint(
    low: int, high: int, size: tuple[int, ...], /, *, dtype: DTypeLike = None, device: str | None = None
) -> AnyTensor: ...
def randint(*args: Any, dtype: DTypeLike = None, device: str | None = None) -> AnyTensor:
    """Integers uniform in ``[low, high)`` (``low`` defaults to 0), int64, seeded by ``tt.manual_seed``.

    >>> import typedtorch as tt
    >>> tt.randint(10, (3,)).shape
    (3,)
    """
    if len(args) == 2:
        low, high, size = 0, args[0], args[1]
    elif len(args) == 3:
        low, high, size = args
    else:
        raise TypeError("randint: expected (high, size) or (low, high, size)")
    if not isinstance(size, tuple | list):
        raise TypeError(f"randint: size must be a tuple of ints, got {type(size).__name__}")
    if not (isinstance(low, int) and isinstance(high, int)) or high <= low:
        raise ValueError(f"randint: need ints low < high, got low={low!r}, high={high!r}")
    shape = tuple(size)
    for n in shape:
        if not isinstance(n, int) or n < 0:
            raise ValueError(f"randint: sizes must be non-negative ints, got {shape}")
    backend = get_backend(device)
    name = dtype_name(dtype) if dtype is not None else "int64"
    host = host_integers(low, high, shape)
    return make(backend.xp.astype(backend.from_host(host), native(backend, name)), backend, None)


def _like(
    name: str, x: Tensor[*S], fill: _Fill, dtype: DTypeLike, device: str | None, requires_grad: bool
) -> Tensor[*S]:
    check_tensor(x, name)
    dname = dtype_name(dtype) if dtype is not None else x._backend.dtype_name(x._data)
    out: Tensor[*S] = _build(name, fill, x.shape, dname, device if device is not None else x.device, requires_grad)
    return out


def zeros_like(
    x: Tensor[*S], *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False
) -> Tensor[*S]:
    """Zeros of ``x``'s shape, dtype and device."""
    return _like("zeros_like", x, _zeros, dtype, device, requires_grad)


def ones_like(
    x: Tensor[*S], *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False
) -> Tensor[*S]:
    """Ones of ``x``'s shape, dtype and device."""
    return _like("ones_like", x, _ones, dtype, device, requires_grad)


def full_like(x: Tensor[*S], fill_value: float, *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False) -> Tensor[*S]:  # fmt: skip
    """``fill_value`` in ``x``'s shape, dtype and device."""
    return _like("full_like", x, _constant(fill_value), dtype, device, requires_grad)


def randn_like(
    x: Tensor[*S], *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False
) -> Tensor[*S]:
    """Standard normal draws in ``x``'s shape (a floating dtype), seeded by ``tt.manual_seed``."""
    return _like("randn_like", x, _normal, dtype, device, requires_grad)


def rand_like(
    x: Tensor[*S], *, dtype: DTypeLike = None, device: str | None = None, requires_grad: bool = False
) -> Tensor[*S]:
    """Uniform draws in ``[0, 1)`` in ``x``'s shape."""
    return _like("rand_like", x, _uniform, dtype, device, requires_grad)
