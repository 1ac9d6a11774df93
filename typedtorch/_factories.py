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

from ._backend import Array, Backend, get_backend, host_array, host_random, is_host_array
from ._backend import from_dlpack as _from_dlpack
from ._dims import D0, D1, D2, D3, D4, D5
from ._tensor import AnyTensor, Tensor, adopt, make

_Fill = Callable[[Backend, tuple[int, ...], Any], Array]


class _ShapeFactory:
    """``zeros``, ``ones``, ``randn`` and ``rand`` share one typed signature.

    One overload per rank (0 to 6) keeps each size's literal type; higher ranks are
    still allowed and typed ``Tensor[*tuple[Any, ...]]``.
    """

    def __init__(self, name: str, fill: _Fill, doc: str) -> None:
        self.__name__ = self.__qualname__ = name
        self.__doc__ = doc
        self._fill = fill

    def __repr__(self) -> str:
        return f"<typedtorch.{self.__name__}>"

    @overload
    def __call__(
        self, *, dtype: str | None = None, device: str | None = None, requires_grad: bool = False
    ) -> Tensor[()]: ...
    @overload
    def __call__(
        self, d0: D0, /, *, dtype: str | None = None, device: str | None = None, requires_grad: bool = False
    ) -> Tensor[D0]: ...
    @overload
    def __call__(
        self, d0: D0, d1: D1, /, *, dtype: str | None = None, device: str | None = None, requires_grad: bool = False
    ) -> Tensor[D0, D1]: ...
    @overload
    def __call__(
        self,
        d0: D0,
        d1: D1,
        d2: D2,
        /,
        *,
        dtype: str | None = None,
        device: str | None = None,
        requires_grad: bool = False,
    ) -> Tensor[D0, D1, D2]: ...
    @overload
    def __call__(
        self,
        d0: D0,
        d1: D1,
        d2: D2,
        d3: D3,
        /,
        *,
        dtype: str | None = None,
        device: str | None = None,
        requires_grad: bool = False,
    ) -> Tensor[D0, D1, D2, D3]: ...
    @overload
    def __call__(
        self,
        d0: D0,
        d1: D1,
        d2: D2,
        d3: D3,
        d4: D4,
        /,
        *,
        dtype: str | None = None,
        device: str | None = None,
        requires_grad: bool = False,
    ) -> Tensor[D0, D1, D2, D3, D4]: ...
    @overload
    def __call__(
        self,
        d0: D0,
        d1: D1,
        d2: D2,
        d3: D3,
        d4: D4,
        d5: D5,
        /,
        *,
        dtype: str | None = None,
        device: str | None = None,
        requires_grad: bool = False,
    ) -> Tensor[D0, D1, D2, D3, D4, D5]: ...
    @overload
    def __call__(
        self, *shape: int, dtype: str | None = None, device: str | None = None, requires_grad: bool = False
    ) -> AnyTensor: ...
    def __call__(self, *shape: int, dtype: str | None = None, device: str | None = None, requires_grad: bool = False) -> AnyTensor:  # fmt: skip
        for s in shape:
            if not isinstance(s, int) or s < 0:
                raise ValueError(f"{self.__name__}: sizes must be non-negative ints, got {shape}")
        backend = get_backend(device)
        t = make(self._fill(backend, shape, dtype or "float32"), backend, None)
        t.requires_grad = requires_grad
        return t


def _constant(value: float) -> _Fill:
    def fill(backend: Backend, shape: tuple[int, ...], dtype: Any) -> Array:
        return backend.xp.full(shape, value, dtype=backend.dtype(dtype), device=backend.native_device)

    return fill


def _random(kind: str) -> _Fill:
    # Drawn on the host so one seed gives the same numbers on every device.
    def fill(backend: Backend, shape: tuple[int, ...], dtype: Any) -> Array:
        return backend.from_host(host_random(kind, shape, None).astype(dtype, copy=False))

    return fill


zeros = _ShapeFactory("zeros", _constant(0.0), "A tensor of zeros: ``zeros(4, 2)`` is ``Matrix[L[4], L[2]]``.")
ones = _ShapeFactory("ones", _constant(1.0), "A tensor of ones: ``ones(3)`` is ``Vector[L[3]]``.")
randn = _ShapeFactory(
    "randn",
    _random("normal"),
    "Standard normal draws (seeded by ``tt.manual_seed``): ``randn(3, requires_grad=True)``.",
)
rand = _ShapeFactory(
    "rand", _random("uniform"), "Uniform draws in [0, 1) (seeded by ``tt.manual_seed``): ``rand(2, 2)``."
)


@overload
def full(
    shape: tuple[()],
    fill_value: float,
    *,
    dtype: str | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Tensor[()]: ...
@overload
def full(
    shape: tuple[D0],
    fill_value: float,
    *,
    dtype: str | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Tensor[D0]: ...
@overload
def full(
    shape: tuple[D0, D1],
    fill_value: float,
    *,
    dtype: str | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Tensor[D0, D1]: ...
@overload
def full(
    shape: tuple[D0, D1, D2],
    fill_value: float,
    *,
    dtype: str | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Tensor[D0, D1, D2]: ...
@overload
def full(
    shape: tuple[int, ...],
    fill_value: float,
    *,
    dtype: str | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> AnyTensor: ...
def full(shape: tuple[int, ...], fill_value: float, *, dtype: str | None = None, device: str | None = None, requires_grad: bool = False) -> AnyTensor:  # fmt: skip
    """A tensor filled with one value, shaped like ``torch.full``: ``full((2, 3), 0.5)``."""
    backend = get_backend(device)
    if dtype is None:
        dtype = "int64" if isinstance(fill_value, int) and not isinstance(fill_value, bool) else "float32"
    t = make(_constant(fill_value)(backend, tuple(shape), dtype), backend, None)
    t.requires_grad = requires_grad
    return t


@overload
def arange(end: D0, /, *, dtype: str | None = None, device: str | None = None) -> Tensor[D0]: ...
@overload
def arange(end: float, /, *, dtype: str | None = None, device: str | None = None) -> Tensor[Any]: ...
@overload
def arange(
    start: float, end: float, step: float = 1, /, *, dtype: str | None = None, device: str | None = None
) -> Tensor[Any]: ...
def arange(start: float, end: float | None = None, step: float = 1, /, *, dtype: str | None = None, device: str | None = None) -> AnyTensor:  # fmt: skip
    """``start, start + step, ...`` below ``end``; ``arange(5)`` is ``Vector[L[5]]`` of int64."""
    if end is None:
        start, end = 0, start
    if dtype is None:
        dtype = "int64" if all(isinstance(v, int) for v in (start, end, step)) else "float32"
    backend = get_backend(device)
    data = backend.xp.arange(start, end, step, dtype=backend.dtype(dtype), device=backend.native_device)
    return make(data, backend, None)


def tensor(data: object, *, dtype: str | None = None, device: str | None = None, requires_grad: bool = False) -> AnyTensor:  # fmt: skip
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
