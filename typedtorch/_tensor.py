# pyright: reportInvalidTypeForm=false
"""``Tensor[*Shape]``: the one tensor class, with its shape in its type.

The overloads below are the static view mypy and pyright read: each states how the
shape of a result follows from the shapes of the operands where plain typing can say
it, and falls back to ``Tensor[*tuple[Any, ...]]`` (a tensor of unknown shape, which
flows anywhere) where it cannot, so a correct program never gets a false error. The
mypy plugin computes the rest from the same rules the run time checks
(``typedtorch._oprules``). The bodies are the run-time view: thin calls into the op
families of ``typedtorch._ops``, where arrays are computed and the graph recorded.

``Scalar``, ``Vector[N]`` and ``Matrix[M, N]`` are aliases of ``Tensor``, not
subclasses: a ``Matrix`` *is* a rank-2 ``Tensor``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Generic, Literal, NamedTuple, TypeAlias, overload

from . import _runtime_types
from ._backend import Array, Backend, HostArray, backend_of, get_backend, host_array
from ._dims import D0, A, K, M, N, P, R, S, Size, W, X, Z
from ._dtypes import NAMES as _DTYPE_NAMES
from ._dtypes import DType, DTypeLike, as_dtype, dtype_name, native
from ._engine import FREED, Function, grad_mode, next_seq, run_backward
from ._errors import DeviceError, ShapeError

if TYPE_CHECKING:
    from types import EllipsisType

AnyTensor: TypeAlias = "Tensor[*tuple[Any, ...]]"
# The class defines methods named `int`, `float` and `bool` (PyTorch's casts), which
# would shadow the builtins in its annotations: those say `_int`, `_float`, `_bool`.
_int = int
_float = float
_bool = bool
Number: TypeAlias = "int | float"


class Tensor(Generic[*S]):
    """An n-dimensional array that records how it was computed.

    >>> import typedtorch as tt
    >>> x = tt.ones(4, 2, requires_grad=True)   # Tensor[Literal[4], Literal[2]]
    >>> loss = (x * 3).sum()                     # Tensor[()]
    >>> loss.backward()
    >>> x.grad.shape
    (4, 2)
    """

    __slots__ = ("_data", "_backend", "_node", "_grad", "requires_grad", "_version", "_uses", "__weakref__")

    # numpy defers to our reflected operators (`np.float32(2) * x` calls
    # `x.__rmul__`) instead of converting the tensor and dropping its graph.
    __array_ufunc__ = None

    if not TYPE_CHECKING:
        # Run time only (mypy keeps Generic's subscription): `Tensor[B, Literal[784]]`,
        # and the aliases built from it, are shape types that isinstance, beartype and
        # @tt.checked check against a tensor's shape. See _runtime_types.py.
        def __class_getitem__(cls, params):
            return _runtime_types.tensor_type(cls, params)

    _data: Array
    _backend: Backend
    # The op that produced this tensor (None for leaves and untracked results).
    _node: Function | None
    _grad: Array | None
    requires_grad: _bool
    # [n]: bumped by every in-place change; shared with views (see _engine).
    _version: list[_int]
    # How many recorded ops took this tensor as an input (see _ops/inplace.py).
    _uses: _int

    def __init__(
        self: Tensor[*tuple[Any, ...]],
        data: object,
        *,
        dtype: DTypeLike = None,
        device: str | None = None,
        requires_grad: _bool = False,
    ) -> None:
        """Same as :func:`typedtorch.tensor`."""
        if isinstance(data, Tensor):
            data = data.numpy()
        backend = get_backend(device)
        self._data = backend.from_host(host_array(data, dtype, copy=True))
        self._backend = backend
        self._node = None
        self._grad = None
        self._version = [0]
        self._uses = 0
        if requires_grad and not backend.is_floating(self._data.dtype):
            raise TypeError(
                f"tensor: only floating-point tensors can require grad, got {backend.dtype_name(self._data)}"
            )
        self.requires_grad = requires_grad

    # ------------------------------------------------------------------ introspection

    @property
    def shape(self) -> tuple[_int, ...]:
        """The sizes, as a tuple (``B, T, C = x.shape``)."""
        return tuple(self._data.shape)

    def size(self, dim: _int | None = None) -> Any:
        """``x.size()`` is ``x.shape``; ``x.size(d)`` the size of dim ``d`` (negative counts from the end).

        Statically ``tuple[int, ...]`` / ``int``; the mypy plugin types each size.
        """
        shape = self._data.shape
        if dim is None:
            return tuple(shape)
        if not -len(shape) <= dim < len(shape) or not shape:
            raise IndexError(f"size: dim {dim} is out of range for a tensor of shape {tuple(shape)}")
        return int(shape[dim])

    @property
    def ndim(self) -> _int:
        return int(self._data.ndim)

    def dim(self) -> _int:
        """The number of dims (``x.ndim``)."""
        return int(self._data.ndim)

    @property
    def dtype(self) -> DType:
        """``tt.float32``, ``tt.int64``, ... (compares equal to its name and to numpy's dtype)."""
        return as_dtype(self._backend.dtype_name(self._data))

    @property
    def device(self) -> str:
        """``"cpu"``, ``"cuda:0"``, ... (``"strict"`` for the array-api-strict test backend)."""
        return self._backend.device

    @property
    def is_leaf(self) -> _bool:
        return self._node is None

    @property
    def grad(self) -> Tensor[*S] | None:
        """The accumulated gradient, same shape as this tensor; ``None`` until backward."""
        g = self._grad
        if g is None:
            return None
        if not self._backend.is_writeable(g):
            # A broadcast view from backward: give it its own memory, so that in-place
            # changes through `.grad` (`p.grad.zero_()`) reach the gradient itself.
            g = self._grad = self._backend.xp.asarray(g, copy=True)
        return make(g, self._backend, None)

    @grad.setter
    def grad(self, value: Tensor[*S] | None) -> None:
        if value is None:
            self._grad = None
            return
        if not isinstance(value, Tensor):
            raise TypeError(f"grad: expected a Tensor or None, got {type(value).__name__}")
        if value.shape != self.shape:
            raise ShapeError(f"grad: shape {value.shape} does not match tensor shape {self.shape}")
        if value._backend is not self._backend:
            raise DeviceError(f"grad: gradient on {value.device} for a tensor on {self.device}")
        if value._data.dtype != self._data.dtype:
            # As PyTorch: an int64 or float64 gradient would change the dtype of every
            # optimizer step (and clip_grad_norm_'s norm) silently.
            mine, theirs = self._backend.dtype_name(self._data), self._backend.dtype_name(value._data)
            raise TypeError(
                f"grad: the gradient is {theirs} but the tensor is {mine}; convert it first (.to(tt.{mine}))"
            )
        self._grad = value._data

    @property
    def data(self) -> Tensor[*S]:
        """The values, cut from the graph (shares memory and the version counter)."""
        t = make(self._data, self._backend, None)
        t._version = self._version
        return t

    @data.setter
    def data(self, value: Tensor[*S]) -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"data: expected a Tensor, got {type(value).__name__}")
        if value._backend is not self._backend:
            raise DeviceError(f"data: a tensor on {value.device} for a tensor on {self.device}")
        self._data = value._data
        self._version[0] += 1

    def numel(self) -> _int:
        """The number of elements."""
        return math.prod(self._data.shape)

    def element_size(self) -> _int:
        return as_dtype(self._backend.dtype_name(self._data)).itemsize

    def is_floating_point(self) -> _bool:
        return self._backend.is_floating(self._data.dtype)

    def __len__(self) -> _int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return int(self._data.shape[0])

    def __iter__(self: Tensor[A, *R]) -> Iterator[Tensor[*R]]:
        """Rows along the first dim (as PyTorch)."""
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        for i in range(int(self._data.shape[0])):
            yield _ops.getitem(self, i)

    def __repr__(self) -> str:
        body = repr(self.numpy().tolist()) if self.numel() <= 64 else "..."
        extra = ", requires_grad=True" if self.requires_grad else ""
        return f"Tensor({body}, shape={self.shape}, dtype={self._backend.dtype_name(self._data)}, device={self.device!r}{extra})"

    def __deepcopy__(self, memo: dict[int, object]) -> Tensor[*S]:
        """A copy with its own memory (``copy.deepcopy(model)`` for EMA or a best checkpoint).

        As in PyTorch, only leaves can be deep-copied: a tensor in the middle of a graph
        would drag the graph along.
        """
        if self._node is not None:
            raise RuntimeError(
                "deepcopy: only leaf tensors (not results of recorded ops) can be deep-copied; use .detach() first"
            )
        xp = self._backend.xp
        t = make(xp.asarray(self._data, copy=True), self._backend, None)
        t.requires_grad = self.requires_grad
        if self._grad is not None:
            t._grad = xp.asarray(self._grad, copy=True)
        memo[id(self)] = t
        return t

    # Tensors hash by identity (as in PyTorch): `==` is elementwise, so it cannot be
    # what dicts and sets use. The engine keys its gradients by tensor.
    def __hash__(self) -> _int:
        return id(self)

    def __bool__(self) -> _bool:
        n = self.numel()
        if n != 1:
            what = "no values" if n == 0 else f"{n} elements (shape {self.shape})"
            raise RuntimeError(
                f"the truth value of a tensor with {what} is ambiguous; use .any() or .all() (or .item() for one element)"
            )
        return bool(self.item())

    # ---------------------------------------------------------------- host and devices

    def numpy(self) -> HostArray:
        """The values as a numpy array: shared memory on the CPU, a copy from a GPU."""
        return self._backend.to_host(self._data)

    def item(self) -> Any:
        """The value of a one-element tensor as a Python number (or bool)."""
        if self.numel() != 1:
            raise ShapeError(f"item() needs a tensor with one element, got shape {self.shape}")
        return self.numpy().reshape(()).item()

    def tolist(self) -> Any:
        return self.numpy().tolist()

    def __array__(self, dtype: Any = None, copy: _bool | None = None) -> HostArray:
        if not self._backend.is_host:
            raise TypeError(f"refusing an implicit host copy of a tensor on {self.device}; call .numpy() to copy it")
        arr = self._backend.to_host(self._data)
        if dtype is not None:
            arr = arr.astype(dtype, copy=False)
        return arr.copy() if copy else arr

    def __dlpack__(self, **kwargs: Any) -> Any:
        return self._data.__dlpack__(**kwargs)

    def __dlpack_device__(self) -> tuple[_int, _int]:
        return self._data.__dlpack_device__()  # type: ignore[no-any-return]

    def __float__(self) -> _float:
        return float(self.item())

    def __int__(self) -> _int:
        return int(self.item())

    @overload
    def to(self, device: str, dtype: DTypeLike = None) -> Tensor[*S]: ...
    @overload
    def to(self, dtype: DType, /) -> Tensor[*S]: ...
    @overload
    def to(self, *, dtype: DTypeLike, device: str | None = None) -> Tensor[*S]: ...
    def to(self, device: Any = None, dtype: DTypeLike = None) -> Tensor[*S]:
        """This tensor on ``device`` and/or as ``dtype`` (itself if nothing changes); differentiable.

        >>> import typedtorch as tt
        >>> tt.zeros(2).to("cpu").device, tt.zeros(2).to(tt.float64).dtype
        ('cpu', typedtorch.float64)
        """
        out: Tensor[*S] = self
        if isinstance(device, DType) or (device is not None and not isinstance(device, str)):
            device, dtype = None, device
        elif isinstance(device, str) and device in _DTYPE_NAMES:
            device, dtype = None, device  # `x.to("float64")`: no device has a dtype's name
        if device is not None:
            target = get_backend(device)
            if target is not self._backend:
                data = target.from_host(self._backend.to_host(self._data))
                if self.requires_grad and grad_mode.enabled:
                    node = _ops.ToDevice(self._backend, target)
                    node.parents, node.needs = (self,), (True,)
                    node.seq = next_seq()
                    out = make(data, target, node)
                else:
                    out = make(data, target, None)
        if dtype is not None:
            out = out.astype(dtype)
        return out

    def cpu(self) -> Tensor[*S]:
        return self.to("cpu")

    def cuda(self, device: _int | None = None) -> Tensor[*S]:
        return self.to("cuda" if device is None else f"cuda:{device}")

    # ----------------------------------------------------------------------- dtypes

    def astype(self, dtype: DTypeLike) -> Tensor[*S]:
        """A copy converted to ``dtype`` (``tt.float32``, ``"int64"``, ``numpy.bool_``, ...); differentiable."""
        name = dtype_name(dtype)
        backend = self._backend
        if backend.dtype_name(self._data) == name:
            return self
        target = native(backend, name)
        if not backend.is_floating(target):
            # An integer or boolean result has no gradient (it cannot require grad).
            return make(backend.xp.astype(self._data, target), backend, None)
        return _ops.apply1(_ops.AsType(target), self)

    def type(self, dtype: DTypeLike) -> Tensor[*S]:
        return self.astype(dtype)

    def float(self) -> Tensor[*S]:
        """As float32 (PyTorch's ``.float()``)."""
        return self.astype("float32")

    def double(self) -> Tensor[*S]:
        return self.astype("float64")

    def half(self) -> Tensor[*S]:
        return self.astype("float16")

    def long(self) -> Tensor[*S]:
        return self.astype("int64")

    def int(self) -> Tensor[*S]:
        return self.astype("int32")

    def bool(self) -> Tensor[*S]:
        return self.astype("bool")

    # -------------------------------------------------------------------------- graph

    def detach(self) -> Tensor[*S]:
        """The same values, cut from the graph (shares memory and the version counter)."""
        t = make(self._data, self._backend, None)
        t._version = self._version
        return t

    def clone(self) -> Tensor[*S]:
        """A copy with its own memory, still in the graph."""
        return _ops.apply1(_ops.Clone(), self)

    def contiguous(self) -> Tensor[*S]:
        """This tensor if its memory is in row-major order, else a copy that is (as
        PyTorch): what ``view`` needs after a ``transpose`` or ``permute``.

        >>> import typedtorch as tt
        >>> tt.arange(6).view(2, 3).T.contiguous().view(6).tolist()
        [0, 3, 1, 4, 2, 5]
        """
        if self._backend.is_contiguous(self._data):
            return self
        return _ops.apply1(_ops.Contiguous(), self)

    def requires_grad_(self, requires_grad: _bool = True) -> Tensor[*S]:
        """Mark a leaf as wanting a gradient; returns itself."""
        if self._node is not None and not requires_grad:
            raise RuntimeError("requires_grad_(False) on a non-leaf tensor; use .detach()")
        if requires_grad and not self._backend.is_floating(self._data.dtype):
            raise TypeError(f"requires_grad_: only floating-point tensors can require grad, got {self.dtype}")
        self.requires_grad = requires_grad
        return self

    def backward(self: Tensor[()], retain_graph: _bool = False) -> None:
        """Accumulate d(self)/d(leaf) into ``.grad`` of every leaf that requires grad.

        Only a ``Scalar`` has a gradient to start from: mypy rejects ``backward()`` on
        other shapes, and at run time they raise ``ShapeError``. The graph is freed
        afterwards unless ``retain_graph=True``.
        """
        if self._data.ndim != 0:
            raise ShapeError(f"backward() needs a scalar (shape ()), got shape {tuple(self._data.shape)}")
        if not self.requires_grad:
            raise RuntimeError("backward() on a tensor that does not require grad and has no graph")
        if self._node is FREED:
            raise RuntimeError(
                "backward() through a graph that was already freed: a previous backward() "
                "released it; call backward(retain_graph=True) the first time to keep it"
            )
        run_backward(self, retain_graph)

    # -------------------------------------------------------------------- arithmetic
    # The broadcasting rule (typedtorch._oprules.broadcast): equal shapes, a size-1 dim
    # stretching, a lower-rank operand gaining leading dims; never the hidden outer
    # product. Plain typing spells out the common cases; the plugin computes the rest.

    @overload
    def __add__(self, other: Tensor[*S] | Tensor[()] | Number) -> Tensor[*S]: ...
    @overload
    def __add__(self: Tensor[*P, N], other: Tensor[N]) -> Tensor[*P, N]: ...
    @overload
    def __add__(self: Tensor[N], other: Tensor[*P, N]) -> Tensor[*P, N]: ...
    @overload
    def __add__(self: Tensor[()], other: Tensor[*P]) -> Tensor[*P]: ...
    @overload
    def __add__(self, other: AnyTensor) -> AnyTensor: ...  # type: ignore[overload-cannot-match]
    def __add__(self, other: AnyTensor | Number) -> AnyTensor:
        return _ops.apply2(_ops.Add(), self, other)

    @overload
    def __sub__(self, other: Tensor[*S] | Tensor[()] | Number) -> Tensor[*S]: ...
    @overload
    def __sub__(self: Tensor[*P, N], other: Tensor[N]) -> Tensor[*P, N]: ...
    @overload
    def __sub__(self: Tensor[N], other: Tensor[*P, N]) -> Tensor[*P, N]: ...
    @overload
    def __sub__(self: Tensor[()], other: Tensor[*P]) -> Tensor[*P]: ...
    @overload
    def __sub__(self, other: AnyTensor) -> AnyTensor: ...  # type: ignore[overload-cannot-match]
    def __sub__(self, other: AnyTensor | Number) -> AnyTensor:
        return _ops.apply2(_ops.Sub(), self, other)

    @overload
    def __mul__(self, other: Tensor[*S] | Tensor[()] | Number) -> Tensor[*S]: ...
    @overload
    def __mul__(self: Tensor[*P, N], other: Tensor[N]) -> Tensor[*P, N]: ...
    @overload
    def __mul__(self: Tensor[N], other: Tensor[*P, N]) -> Tensor[*P, N]: ...
    @overload
    def __mul__(self: Tensor[()], other: Tensor[*P]) -> Tensor[*P]: ...
    @overload
    def __mul__(self, other: AnyTensor) -> AnyTensor: ...  # type: ignore[overload-cannot-match]
    def __mul__(self, other: AnyTensor | Number) -> AnyTensor:
        return _ops.apply2(_ops.Mul(), self, other)

    @overload
    def __truediv__(self, other: Tensor[*S] | Tensor[()] | Number) -> Tensor[*S]: ...
    @overload
    def __truediv__(self: Tensor[*P, N], other: Tensor[N]) -> Tensor[*P, N]: ...
    @overload
    def __truediv__(self: Tensor[N], other: Tensor[*P, N]) -> Tensor[*P, N]: ...
    @overload
    def __truediv__(self: Tensor[()], other: Tensor[*P]) -> Tensor[*P]: ...
    @overload
    def __truediv__(self, other: AnyTensor) -> AnyTensor: ...  # type: ignore[overload-cannot-match]
    def __truediv__(self, other: AnyTensor | Number) -> AnyTensor:
        return _ops.apply2(_ops.Div(), self, other)

    @overload
    def __floordiv__(self, other: Tensor[*S] | Tensor[()] | Number) -> Tensor[*S]: ...
    @overload
    def __floordiv__(self: Tensor[*P, N], other: Tensor[N]) -> Tensor[*P, N]: ...
    @overload
    def __floordiv__(self: Tensor[N], other: Tensor[*P, N]) -> Tensor[*P, N]: ...
    @overload
    def __floordiv__(self: Tensor[()], other: Tensor[*P]) -> Tensor[*P]: ...
    @overload
    def __floordiv__(self, other: AnyTensor) -> AnyTensor: ...  # type: ignore[overload-cannot-match]
    def __floordiv__(self, other: AnyTensor | Number) -> AnyTensor:
        """``x // y``: the quotient rounded toward minus infinity; its gradient is zero (a step)."""
        return _ops.apply2(_ops.FloorDivide(), self, other)

    @overload
    def __mod__(self, other: Tensor[*S] | Tensor[()] | Number) -> Tensor[*S]: ...
    @overload
    def __mod__(self: Tensor[*P, N], other: Tensor[N]) -> Tensor[*P, N]: ...
    @overload
    def __mod__(self: Tensor[N], other: Tensor[*P, N]) -> Tensor[*P, N]: ...
    @overload
    def __mod__(self: Tensor[()], other: Tensor[*P]) -> Tensor[*P]: ...
    @overload
    def __mod__(self, other: AnyTensor) -> AnyTensor: ...  # type: ignore[overload-cannot-match]
    def __mod__(self, other: AnyTensor | Number) -> AnyTensor:
        """``x % y`` with the sign of ``y``, as Python and ``torch.remainder``."""
        return _ops.apply2(_ops.Remainder(), self, other)

    # Python numbers on the left: `2 * x`, `1 - x`.
    def __radd__(self, other: Number) -> Tensor[*S]:
        return _ops.apply2(_ops.Add(), other, self)

    def __rsub__(self, other: Number) -> Tensor[*S]:
        return _ops.apply2(_ops.Sub(), other, self)

    def __rmul__(self, other: Number) -> Tensor[*S]:
        return _ops.apply2(_ops.Mul(), other, self)

    def __rtruediv__(self, other: Number) -> Tensor[*S]:
        return _ops.apply2(_ops.Div(), other, self)

    def __rfloordiv__(self, other: Number) -> Tensor[*S]:
        return _ops.apply2(_ops.FloorDivide(), other, self)

    def __rmod__(self, other: Number) -> Tensor[*S]:
        return _ops.apply2(_ops.Remainder(), other, self)

    @overload
    def floor_divide(self, other: Tensor[*S] | Tensor[()] | Number) -> Tensor[*S]: ...
    @overload
    def floor_divide(self: Tensor[*P, N], other: Tensor[N]) -> Tensor[*P, N]: ...
    @overload
    def floor_divide(self: Tensor[N], other: Tensor[*P, N]) -> Tensor[*P, N]: ...
    @overload
    def floor_divide(self: Tensor[()], other: Tensor[*P]) -> Tensor[*P]: ...
    @overload
    def floor_divide(self, other: AnyTensor) -> AnyTensor: ...  # type: ignore[overload-cannot-match]
    def floor_divide(self, other: AnyTensor | Number) -> AnyTensor:
        """``self // other`` (``torch.floor_divide``): rounded toward minus infinity.

        >>> import typedtorch as tt
        >>> tt.tensor([7, -7]).floor_divide(2).tolist()
        [3, -4]
        """
        return self // other

    @overload
    def remainder(self, other: Tensor[*S] | Tensor[()] | Number) -> Tensor[*S]: ...
    @overload
    def remainder(self: Tensor[*P, N], other: Tensor[N]) -> Tensor[*P, N]: ...
    @overload
    def remainder(self: Tensor[N], other: Tensor[*P, N]) -> Tensor[*P, N]: ...
    @overload
    def remainder(self: Tensor[()], other: Tensor[*P]) -> Tensor[*P]: ...
    @overload
    def remainder(self, other: AnyTensor) -> AnyTensor: ...  # type: ignore[overload-cannot-match]
    def remainder(self, other: AnyTensor | Number) -> AnyTensor:
        """``self % other`` (``torch.remainder``): the sign of ``other``.

        >>> import typedtorch as tt
        >>> tt.tensor([7, -7]).remainder(3).tolist()
        [1, 2]
        """
        return self % other

    def __neg__(self) -> Tensor[*S]:
        return _ops.apply1(_ops.Neg(), self)

    def __pos__(self) -> Tensor[*S]:
        return self

    def __abs__(self) -> Tensor[*S]:
        return self.abs()

    @overload
    def __pow__(self, exponent: Number) -> Tensor[*S]: ...
    @overload
    def __pow__(self, exponent: Tensor[*S] | Tensor[()]) -> Tensor[*S]: ...
    @overload
    def __pow__(self, exponent: AnyTensor) -> AnyTensor: ...  # type: ignore[overload-cannot-match]
    def __pow__(self, exponent: AnyTensor | Number) -> AnyTensor:
        """``x ** p`` for a number or a tensor ``p``."""
        if isinstance(exponent, Tensor):
            return _ops.apply2(_ops.PowTensor(), self, exponent)
        exponent = _ops.host_number(exponent)  # np.int64(2) is a number
        if not isinstance(exponent, int | float):
            raise TypeError(f"pow: exponent must be a number or a tensor, got {type(exponent).__name__}")
        return _ops.apply1(_ops.Pow(_ops._number(exponent)), self)

    def __rpow__(self, base: Number) -> Tensor[*S]:
        """``c ** x`` for a Python number ``c``."""
        base = _ops.host_number(base)
        if not isinstance(base, int | float):
            raise TypeError(f"pow: base must be a number, got {type(base).__name__}")
        return _ops.apply1(_ops.RPow(_ops._number(base)), self)

    def pow(self, exponent: Number) -> Tensor[*S]:
        """``x ** exponent``."""
        return self**exponent

    @overload  # a stack of matrices (or one matrix) times one matrix: `Tensor[B, T, D] @ Matrix[D, H]`
    def __matmul__(self: Tensor[*P, M, K], other: Tensor[K, N]) -> Tensor[*P, M, N]: ...
    @overload  # stacks with the same batch dims: `Tensor[B, H, T, D] @ Tensor[B, H, D, T]`
    def __matmul__(self: Tensor[*P, M, K], other: Tensor[*P, K, N]) -> Tensor[*P, M, N]: ...
    @overload
    def __matmul__(self: Tensor[M, K], other: Tensor[K]) -> Tensor[M]: ...
    @overload
    def __matmul__(self: Tensor[K], other: Tensor[K]) -> Tensor[()]: ...
    @overload
    def __matmul__(self: Tensor[K], other: Tensor[K, N]) -> Tensor[N]: ...
    def __matmul__(self, other: AnyTensor) -> AnyTensor:
        """Matrix product; ``nn.Linear`` stores its weight ``(in, out)`` so layers need no transpose."""
        if not isinstance(other, Tensor):
            raise TypeError(f"matmul: unsupported operand type {type(other).__name__}; wrap arrays with tt.tensor()")
        return _ops.apply2(_ops.MatMul(), self, other)

    def mm(self: Tensor[M, K], other: Tensor[K, N]) -> Tensor[M, N]:
        """Matrix times matrix (``torch.mm``): both rank 2."""
        if self.ndim != 2 or not isinstance(other, Tensor) or other.ndim != 2:
            oshape = other.shape if isinstance(other, Tensor) else type(other).__name__
            raise ShapeError(f"mm: needs two matrices, got {self.shape} and {oshape}")
        return self @ other

    @property
    def T(self: Tensor[M, N]) -> Tensor[N, M]:
        """The transpose of a matrix (a view); other ranks use ``.mT`` or ``transpose``."""
        return _ops.permute_op(self, "T")

    @property
    def mT(self: Tensor[*P, M, N]) -> Tensor[*P, N, M]:
        """The last two dims swapped (a view): ``k.mT`` for attention scores."""
        return _ops.permute_op(self, "mT")

    # ----------------------------------------------------------------- comparisons
    # Elementwise, giving boolean tensors that never require grad.

    def __eq__(self, other: object) -> Tensor[*S]:  # type: ignore[override]
        if other is None:
            return NotImplemented  # `x == None` is False (Python's fallback), as in PyTorch
        return _ops.compare("eq", self, other)

    def __ne__(self, other: object) -> Tensor[*S]:  # type: ignore[override]
        if other is None:
            return NotImplemented  # `x != None` is True, as in PyTorch
        return _ops.compare("ne", self, other)

    def __gt__(self, other: AnyTensor | Number) -> Tensor[*S]:
        return _ops.compare("gt", self, other)

    def __ge__(self, other: AnyTensor | Number) -> Tensor[*S]:
        return _ops.compare("ge", self, other)

    def __lt__(self, other: AnyTensor | Number) -> Tensor[*S]:
        return _ops.compare("lt", self, other)

    def __le__(self, other: AnyTensor | Number) -> Tensor[*S]:
        return _ops.compare("le", self, other)

    def eq(self, other: AnyTensor | Number) -> Tensor[*S]:
        """Elementwise equality as a boolean tensor (the same as ``==``)."""
        return _ops.compare("eq", self, other)

    def ne(self, other: AnyTensor | Number) -> Tensor[*S]:
        return _ops.compare("ne", self, other)

    def lt(self, other: AnyTensor | Number) -> Tensor[*S]:
        return _ops.compare("lt", self, other)

    def le(self, other: AnyTensor | Number) -> Tensor[*S]:
        return _ops.compare("le", self, other)

    def gt(self, other: AnyTensor | Number) -> Tensor[*S]:
        return _ops.compare("gt", self, other)

    def ge(self, other: AnyTensor | Number) -> Tensor[*S]:
        return _ops.compare("ge", self, other)

    def __and__(self, other: AnyTensor | Number) -> Tensor[*S]:
        return _ops.logical("and", self, other)

    def __or__(self, other: AnyTensor | Number) -> Tensor[*S]:
        return _ops.logical("or", self, other)

    def __xor__(self, other: AnyTensor | Number) -> Tensor[*S]:
        return _ops.logical("xor", self, other)

    def __rand__(self, other: Number) -> Tensor[*S]:
        return _ops.logical("and", other, self)

    def __ror__(self, other: Number) -> Tensor[*S]:
        return _ops.logical("or", other, self)

    def __invert__(self) -> Tensor[*S]:
        """``~mask``: logical not of a boolean tensor (bitwise not of an integer one)."""
        return _ops.invert(self)

    def logical_not(self) -> Tensor[*S]:
        return _ops.invert(self.bool())

    # ------------------------------------------------------------- elementwise maths

    def relu(self) -> Tensor[*S]:
        return _ops.apply1(_ops.ReLU(), self)

    def sigmoid(self) -> Tensor[*S]:
        return _ops.apply1(_ops.Sigmoid(), self)

    def tanh(self) -> Tensor[*S]:
        return _ops.apply1(_ops.Tanh(), self)

    def gelu(self, approximate: Literal["none", "tanh"] = "none") -> Tensor[*S]:
        """Gaussian error linear unit, ``x * Phi(x)`` (``approximate="tanh"``: the tanh form)."""
        return _ops.gelu(self, approximate)

    def exp(self) -> Tensor[*S]:
        return _ops.apply1(_ops.Exp(), self)

    def log(self) -> Tensor[*S]:
        return _ops.apply1(_ops.Log(), self)

    def log1p(self) -> Tensor[*S]:
        return _ops.apply1(_ops.Log1p(), self)

    def sqrt(self) -> Tensor[*S]:
        return _ops.apply1(_ops.Sqrt(), self)

    def rsqrt(self) -> Tensor[*S]:
        return _ops.apply1(_ops.Rsqrt(), self)

    def abs(self) -> Tensor[*S]:
        return _ops.apply1(_ops.Abs(), self)

    def sin(self) -> Tensor[*S]:
        return _ops.apply1(_ops.Sin(), self)

    def cos(self) -> Tensor[*S]:
        return _ops.apply1(_ops.Cos(), self)

    def square(self) -> Tensor[*S]:
        return self * self

    def sign(self) -> Tensor[*S]:
        """-1, 0 or 1 elementwise (no gradient)."""
        return _ops.nondiff(self, "sign")

    def floor(self) -> Tensor[*S]:
        return _ops.nondiff(self, "floor")

    def ceil(self) -> Tensor[*S]:
        return _ops.nondiff(self, "ceil")

    def round(self) -> Tensor[*S]:
        return _ops.nondiff(self, "round")

    def isnan(self) -> Tensor[*S]:
        return _ops.nondiff(self, "isnan")

    def isfinite(self) -> Tensor[*S]:
        return _ops.nondiff(self, "isfinite")

    def clamp(self, min: AnyTensor | Number | None = None, max: AnyTensor | Number | None = None) -> Tensor[*S]:
        """``x`` limited to ``[min, max]`` (either may be omitted, a number or a tensor)."""
        return _ops.clamp(self, min, max)

    clip = clamp

    @overload
    def maximum(self, other: Tensor[*S] | Tensor[()] | Number) -> Tensor[*S]: ...
    @overload
    def maximum(self: Tensor[*P, N], other: Tensor[N]) -> Tensor[*P, N]: ...
    @overload
    def maximum(self: Tensor[N], other: Tensor[*P, N]) -> Tensor[*P, N]: ...
    @overload
    def maximum(self: Tensor[()], other: Tensor[*P]) -> Tensor[*P]: ...
    @overload
    def maximum(self, other: AnyTensor) -> AnyTensor: ...  # type: ignore[overload-cannot-match]
    def maximum(self, other: AnyTensor | Number) -> AnyTensor:
        """Elementwise maximum; at ties each side gets half the gradient."""
        if not isinstance(other, Tensor):
            if not isinstance(other, _int | _float):
                raise TypeError(
                    f"maximum: unsupported operand type {type(other).__name__}; wrap arrays with tt.tensor()"
                )
            return _ops.clamp(self, other, None)
        return _ops.apply2(_ops.Maximum(), self, other)

    @overload
    def minimum(self, other: Tensor[*S] | Tensor[()] | Number) -> Tensor[*S]: ...
    @overload
    def minimum(self: Tensor[*P, N], other: Tensor[N]) -> Tensor[*P, N]: ...
    @overload
    def minimum(self: Tensor[N], other: Tensor[*P, N]) -> Tensor[*P, N]: ...
    @overload
    def minimum(self: Tensor[()], other: Tensor[*P]) -> Tensor[*P]: ...
    @overload
    def minimum(self, other: AnyTensor) -> AnyTensor: ...  # type: ignore[overload-cannot-match]
    def minimum(self, other: AnyTensor | Number) -> AnyTensor:
        """Elementwise minimum; at ties each side gets half the gradient."""
        if not isinstance(other, Tensor):
            if not isinstance(other, _int | _float):
                raise TypeError(
                    f"minimum: unsupported operand type {type(other).__name__}; wrap arrays with tt.tensor()"
                )
            return _ops.clamp(self, None, other)
        return _ops.apply2(_ops.Minimum(), self, other)

    def softmax(self, dim: _int = -1) -> Tensor[*S]:
        return _ops.apply1(_ops.Softmax(dim), self)

    def log_softmax(self, dim: _int = -1) -> Tensor[*S]:
        return _ops.apply1(_ops.LogSoftmax(dim), self)

    def masked_fill(self, mask: AnyTensor, value: Number | Tensor[()]) -> Tensor[*S]:
        """``value`` where the boolean ``mask`` (broadcast to this shape) is true:
        ``scores.masked_fill(~causal, float("-inf"))``."""
        return _ops.masked_fill(self, mask, value)

    def where(self, condition: AnyTensor, other: AnyTensor | Number) -> Tensor[*S]:
        """``self`` where ``condition`` holds, else ``other`` (``torch.Tensor.where``)."""
        return _ops.where(condition, self, other)

    def tril(self, diagonal: _int = 0) -> Tensor[*S]:
        """The lower triangle of the last two dims (the rest 0)."""
        return _ops.apply1(_ops.Tri(True, diagonal), self)

    def triu(self, diagonal: _int = 0) -> Tensor[*S]:
        """The upper triangle of the last two dims (the rest 0)."""
        return _ops.apply1(_ops.Tri(False, diagonal), self)

    # -------------------------------------------------------------------- reductions
    # A literal `dim` removes (or, with keepdim=True, shrinks to 1) that dim in the type;
    # the plugin also types tuple dims and other positions.

    @overload
    def sum(self, dim: None = None, keepdim: Literal[False] = False, *, dtype: DTypeLike = None) -> Tensor[()]: ...
    @overload
    def sum(
        self: Tensor[A, *R], dim: Literal[0], keepdim: Literal[False] = False, *, dtype: DTypeLike = None
    ) -> Tensor[*R]: ...
    @overload
    def sum(
        self: Tensor[A, *R], dim: Literal[0], keepdim: Literal[True], *, dtype: DTypeLike = None
    ) -> Tensor[Literal[1], *R]: ...
    @overload
    def sum(
        self: Tensor[A, Z, *R], dim: Literal[1], keepdim: Literal[False] = False, *, dtype: DTypeLike = None
    ) -> Tensor[A, *R]: ...
    @overload
    def sum(
        self: Tensor[A, Z, *R], dim: Literal[1], keepdim: Literal[True], *, dtype: DTypeLike = None
    ) -> Tensor[A, Literal[1], *R]: ...
    @overload
    def sum(
        self: Tensor[*R, Z], dim: Literal[-1], keepdim: Literal[False] = False, *, dtype: DTypeLike = None
    ) -> Tensor[*R]: ...
    @overload
    def sum(
        self: Tensor[*R, Z], dim: Literal[-1], keepdim: Literal[True], *, dtype: DTypeLike = None
    ) -> Tensor[*R, Literal[1]]: ...
    @overload
    def sum(
        self, dim: _int | tuple[_int, ...] | None = None, keepdim: _bool = False, *, dtype: DTypeLike = None
    ) -> AnyTensor: ...
    def sum(
        self, dim: _int | tuple[_int, ...] | None = None, keepdim: _bool = False, *, dtype: DTypeLike = None
    ) -> AnyTensor:
        """Sum of all elements, or along ``dim`` (an int or a tuple; ``keepdim`` keeps them as size 1)."""
        x = self if dtype is None else self.astype(dtype)
        return _ops.apply1(_ops.Sum(dim, keepdim), x)

    @overload
    def mean(self, dim: None = None, keepdim: Literal[False] = False) -> Tensor[()]: ...
    @overload
    def mean(self: Tensor[A, *R], dim: Literal[0], keepdim: Literal[False] = False) -> Tensor[*R]: ...
    @overload
    def mean(self: Tensor[A, *R], dim: Literal[0], keepdim: Literal[True]) -> Tensor[Literal[1], *R]: ...
    @overload
    def mean(self: Tensor[A, Z, *R], dim: Literal[1], keepdim: Literal[False] = False) -> Tensor[A, *R]: ...
    @overload
    def mean(self: Tensor[A, Z, *R], dim: Literal[1], keepdim: Literal[True]) -> Tensor[A, Literal[1], *R]: ...
    @overload
    def mean(self: Tensor[*R, Z], dim: Literal[-1], keepdim: Literal[False] = False) -> Tensor[*R]: ...
    @overload
    def mean(self: Tensor[*R, Z], dim: Literal[-1], keepdim: Literal[True]) -> Tensor[*R, Literal[1]]: ...
    @overload
    def mean(self, dim: _int | tuple[_int, ...] | None = None, keepdim: _bool = False) -> AnyTensor: ...
    def mean(self, dim: _int | tuple[_int, ...] | None = None, keepdim: _bool = False) -> AnyTensor:
        """Mean of all elements, or along ``dim`` (an int or a tuple)."""
        return _ops.apply1(_ops.Mean(dim, keepdim), self)

    @overload
    def amax(self, dim: None = None, keepdim: Literal[False] = False) -> Tensor[()]: ...
    @overload
    def amax(self: Tensor[A, *R], dim: Literal[0], keepdim: Literal[False] = False) -> Tensor[*R]: ...
    @overload
    def amax(self: Tensor[A, *R], dim: Literal[0], keepdim: Literal[True]) -> Tensor[Literal[1], *R]: ...
    @overload
    def amax(self: Tensor[A, Z, *R], dim: Literal[1], keepdim: Literal[False] = False) -> Tensor[A, *R]: ...
    @overload
    def amax(self: Tensor[A, Z, *R], dim: Literal[1], keepdim: Literal[True]) -> Tensor[A, Literal[1], *R]: ...
    @overload
    def amax(self: Tensor[*R, Z], dim: Literal[-1], keepdim: Literal[False] = False) -> Tensor[*R]: ...
    @overload
    def amax(self: Tensor[*R, Z], dim: Literal[-1], keepdim: Literal[True]) -> Tensor[*R, Literal[1]]: ...
    @overload
    def amax(self, dim: _int | tuple[_int, ...] | None = None, keepdim: _bool = False) -> AnyTensor: ...
    def amax(self, dim: _int | tuple[_int, ...] | None = None, keepdim: _bool = False) -> AnyTensor:
        """The largest values along ``dim`` (values only; ties share the gradient)."""
        return _ops.apply1(_ops.AMax(dim, keepdim, True), self)

    @overload
    def amin(self, dim: None = None, keepdim: Literal[False] = False) -> Tensor[()]: ...
    @overload
    def amin(self: Tensor[A, *R], dim: Literal[0], keepdim: Literal[False] = False) -> Tensor[*R]: ...
    @overload
    def amin(self: Tensor[A, *R], dim: Literal[0], keepdim: Literal[True]) -> Tensor[Literal[1], *R]: ...
    @overload
    def amin(self: Tensor[A, Z, *R], dim: Literal[1], keepdim: Literal[False] = False) -> Tensor[A, *R]: ...
    @overload
    def amin(self: Tensor[A, Z, *R], dim: Literal[1], keepdim: Literal[True]) -> Tensor[A, Literal[1], *R]: ...
    @overload
    def amin(self: Tensor[*R, Z], dim: Literal[-1], keepdim: Literal[False] = False) -> Tensor[*R]: ...
    @overload
    def amin(self: Tensor[*R, Z], dim: Literal[-1], keepdim: Literal[True]) -> Tensor[*R, Literal[1]]: ...
    @overload
    def amin(self, dim: _int | tuple[_int, ...] | None = None, keepdim: _bool = False) -> AnyTensor: ...
    def amin(self, dim: _int | tuple[_int, ...] | None = None, keepdim: _bool = False) -> AnyTensor:
        """The smallest values along ``dim`` (values only)."""
        return _ops.apply1(_ops.AMax(dim, keepdim, False), self)

    @overload
    def max(self) -> Tensor[()]: ...
    @overload
    def max(self: Tensor[A, *R], dim: Literal[0], keepdim: Literal[False] = False) -> ValuesIndices[*R]: ...
    @overload
    def max(self: Tensor[A, *R], dim: Literal[0], keepdim: Literal[True]) -> ValuesIndices[Literal[1], *R]: ...
    @overload
    def max(self: Tensor[A, Z, *R], dim: Literal[1], keepdim: Literal[False] = False) -> ValuesIndices[A, *R]: ...
    @overload
    def max(self: Tensor[A, Z, *R], dim: Literal[1], keepdim: Literal[True]) -> ValuesIndices[A, Literal[1], *R]: ...
    @overload
    def max(self: Tensor[*R, Z], dim: Literal[-1], keepdim: Literal[False] = False) -> ValuesIndices[*R]: ...
    @overload
    def max(self: Tensor[*R, Z], dim: Literal[-1], keepdim: Literal[True]) -> ValuesIndices[*R, Literal[1]]: ...
    @overload
    def max(self, dim: _int, keepdim: _bool = False) -> ValuesIndices[*tuple[Any, ...]]: ...
    @overload
    def max(self, other: Tensor[*S], /) -> Tensor[*S]: ...
    def max(self, dim: Any = None, keepdim: _bool = False) -> Any:
        """The largest element (a ``Scalar``); with ``dim``, ``(values, indices)`` as PyTorch
        (so ``x.max(1)[1]`` is the argmax); with a tensor, the elementwise maximum."""
        if dim is None:
            return _ops.apply1(_ops.AMax(None, False, True, "max"), self)
        if isinstance(dim, Tensor):
            return self.maximum(dim)
        return ValuesIndices(*_ops.max_dim(self, dim, keepdim, True))

    @overload
    def min(self) -> Tensor[()]: ...
    @overload
    def min(self: Tensor[A, *R], dim: Literal[0], keepdim: Literal[False] = False) -> ValuesIndices[*R]: ...
    @overload
    def min(self: Tensor[A, *R], dim: Literal[0], keepdim: Literal[True]) -> ValuesIndices[Literal[1], *R]: ...
    @overload
    def min(self: Tensor[A, Z, *R], dim: Literal[1], keepdim: Literal[False] = False) -> ValuesIndices[A, *R]: ...
    @overload
    def min(self: Tensor[A, Z, *R], dim: Literal[1], keepdim: Literal[True]) -> ValuesIndices[A, Literal[1], *R]: ...
    @overload
    def min(self: Tensor[*R, Z], dim: Literal[-1], keepdim: Literal[False] = False) -> ValuesIndices[*R]: ...
    @overload
    def min(self: Tensor[*R, Z], dim: Literal[-1], keepdim: Literal[True]) -> ValuesIndices[*R, Literal[1]]: ...
    @overload
    def min(self, dim: _int, keepdim: _bool = False) -> ValuesIndices[*tuple[Any, ...]]: ...
    @overload
    def min(self, other: Tensor[*S], /) -> Tensor[*S]: ...
    def min(self, dim: Any = None, keepdim: _bool = False) -> Any:
        """The smallest element; with ``dim``, ``(values, indices)``; with a tensor, the elementwise minimum."""
        if dim is None:
            return _ops.apply1(_ops.AMax(None, False, False, "min"), self)
        if isinstance(dim, Tensor):
            return self.minimum(dim)
        return ValuesIndices(*_ops.max_dim(self, dim, keepdim, False))

    @overload
    def argmax(self, dim: None = None, keepdim: Literal[False] = False) -> Tensor[()]: ...
    @overload
    def argmax(self: Tensor[A, *R], dim: Literal[0], keepdim: Literal[False] = False) -> Tensor[*R]: ...
    @overload
    def argmax(self: Tensor[A, Z, *R], dim: Literal[1], keepdim: Literal[False] = False) -> Tensor[A, *R]: ...
    @overload
    def argmax(self: Tensor[*R, Z], dim: Literal[-1], keepdim: Literal[False] = False) -> Tensor[*R]: ...
    @overload
    def argmax(self, dim: _int | None = None, keepdim: _bool = False) -> AnyTensor: ...
    def argmax(self, dim: _int | None = None, keepdim: _bool = False) -> AnyTensor:
        """Index of the largest element (of the flattened tensor when ``dim`` is None), as int64."""
        return _ops.argext(self, dim, keepdim, True)

    @overload
    def argmin(self, dim: None = None, keepdim: Literal[False] = False) -> Tensor[()]: ...
    @overload
    def argmin(self: Tensor[A, *R], dim: Literal[0], keepdim: Literal[False] = False) -> Tensor[*R]: ...
    @overload
    def argmin(self: Tensor[A, Z, *R], dim: Literal[1], keepdim: Literal[False] = False) -> Tensor[A, *R]: ...
    @overload
    def argmin(self: Tensor[*R, Z], dim: Literal[-1], keepdim: Literal[False] = False) -> Tensor[*R]: ...
    @overload
    def argmin(self, dim: _int | None = None, keepdim: _bool = False) -> AnyTensor: ...
    def argmin(self, dim: _int | None = None, keepdim: _bool = False) -> AnyTensor:
        """Index of the smallest element, as int64."""
        return _ops.argext(self, dim, keepdim, False)

    @overload
    def var(
        self,
        dim: None = None,
        *,
        correction: _float = 1,
        keepdim: Literal[False] = False,
        unbiased: _bool | None = None,
    ) -> Tensor[()]: ...
    @overload
    def var(
        self: Tensor[*R, Z],
        dim: Literal[-1],
        *,
        correction: _float = 1,
        keepdim: Literal[False] = False,
        unbiased: _bool | None = None,
    ) -> Tensor[*R]: ...
    @overload
    def var(
        self: Tensor[*R, Z],
        dim: Literal[-1],
        *,
        correction: _float = 1,
        keepdim: Literal[True],
        unbiased: _bool | None = None,
    ) -> Tensor[*R, Literal[1]]: ...
    @overload
    def var(
        self,
        dim: _int | tuple[_int, ...] | None = None,
        *,
        correction: _float = 1,
        keepdim: _bool = False,
        unbiased: _bool | None = None,
    ) -> AnyTensor: ...
    def var(
        self,
        dim: _int | tuple[_int, ...] | None = None,
        *,
        correction: _float = 1,
        keepdim: _bool = False,
        unbiased: _bool | None = None,
    ) -> AnyTensor:
        """Variance with Bessel's correction (``correction=1``, PyTorch's default; ``unbiased=False`` is 0)."""
        if unbiased is not None:
            correction = 1 if unbiased else 0
        return _ops.apply1(_ops.Var(dim, correction, keepdim), self)

    @overload
    def std(
        self,
        dim: None = None,
        *,
        correction: _float = 1,
        keepdim: Literal[False] = False,
        unbiased: _bool | None = None,
    ) -> Tensor[()]: ...
    @overload
    def std(
        self: Tensor[*R, Z],
        dim: Literal[-1],
        *,
        correction: _float = 1,
        keepdim: Literal[False] = False,
        unbiased: _bool | None = None,
    ) -> Tensor[*R]: ...
    @overload
    def std(
        self: Tensor[*R, Z],
        dim: Literal[-1],
        *,
        correction: _float = 1,
        keepdim: Literal[True],
        unbiased: _bool | None = None,
    ) -> Tensor[*R, Literal[1]]: ...
    @overload
    def std(
        self,
        dim: _int | tuple[_int, ...] | None = None,
        *,
        correction: _float = 1,
        keepdim: _bool = False,
        unbiased: _bool | None = None,
    ) -> AnyTensor: ...
    def std(
        self,
        dim: _int | tuple[_int, ...] | None = None,
        *,
        correction: _float = 1,
        keepdim: _bool = False,
        unbiased: _bool | None = None,
    ) -> AnyTensor:
        """Standard deviation: the square root of :meth:`var` (gradient 0 where it is 0, as PyTorch)."""
        if unbiased is not None:
            correction = 1 if unbiased else 0
        return _ops.apply1(_ops.Std(dim, correction, keepdim), self)

    @overload
    def logsumexp(self: Tensor[*R, Z], dim: Literal[-1], keepdim: Literal[False] = False) -> Tensor[*R]: ...
    @overload
    def logsumexp(self: Tensor[*R, Z], dim: Literal[-1], keepdim: Literal[True]) -> Tensor[*R, Literal[1]]: ...
    @overload
    def logsumexp(self: Tensor[A, Z, *R], dim: Literal[1], keepdim: Literal[False] = False) -> Tensor[A, *R]: ...
    @overload
    def logsumexp(self, dim: _int | tuple[_int, ...], keepdim: _bool = False) -> AnyTensor: ...
    def logsumexp(self, dim: _int | tuple[_int, ...], keepdim: _bool = False) -> AnyTensor:
        """``log(sum(exp(x)))`` along ``dim``, computed stably."""
        return _ops.apply1(_ops.LogSumExp(dim, keepdim), self)

    @overload
    def prod(self, dim: None = None, keepdim: Literal[False] = False) -> Tensor[()]: ...
    @overload
    def prod(self, dim: _int, keepdim: _bool = False) -> AnyTensor: ...
    def prod(self, dim: _int | None = None, keepdim: _bool = False) -> AnyTensor:
        """The product of all elements, or along ``dim``."""
        return _ops.apply1(_ops.Prod(dim, keepdim), self)

    @overload
    def all(self, dim: None = None, keepdim: Literal[False] = False) -> Tensor[()]: ...
    @overload
    def all(self, dim: _int | tuple[_int, ...], keepdim: _bool = False) -> AnyTensor: ...
    def all(self, dim: _int | tuple[_int, ...] | None = None, keepdim: _bool = False) -> AnyTensor:
        """Whether every element is true (non-zero), overall or along ``dim``."""
        return _ops.all_any(self, dim, keepdim, True)

    @overload
    def any(self, dim: None = None, keepdim: Literal[False] = False) -> Tensor[()]: ...
    @overload
    def any(self, dim: _int | tuple[_int, ...], keepdim: _bool = False) -> AnyTensor: ...
    def any(self, dim: _int | tuple[_int, ...] | None = None, keepdim: _bool = False) -> AnyTensor:
        """Whether some element is true (non-zero), overall or along ``dim``."""
        return _ops.all_any(self, dim, keepdim, False)

    @overload
    def topk(
        self: Tensor[*R, Z], k: Size[D0], dim: Literal[-1] = -1, largest: _bool = True, sorted: _bool = True
    ) -> ValuesIndices[*R, D0]: ...
    @overload
    def topk(
        self, k: _int, dim: _int = -1, largest: _bool = True, sorted: _bool = True
    ) -> ValuesIndices[*tuple[Any, ...]]: ...
    def topk(
        self, k: _int, dim: _int = -1, largest: _bool = True, sorted: _bool = True
    ) -> ValuesIndices[*tuple[Any, ...]]:
        """The ``k`` largest (or smallest) elements along ``dim`` and their indices."""
        return ValuesIndices(*_ops.topk(self, k, dim, largest, sorted))

    # ------------------------------------------------------------ shapes and indexing

    @overload
    def reshape(self, shape: tuple[_int, ...], /) -> AnyTensor: ...
    @overload
    def reshape(self, *shape: _int) -> AnyTensor: ...
    def reshape(self, *shape: Any) -> AnyTensor:
        """The same elements in a new shape; one size may be ``-1`` (inferred).

        Statically ``Tensor[*tuple[Any, ...]]``; the mypy plugin computes the shape.
        """
        return _ops.reshape_op(self, shape, "reshape")

    @overload
    def view(self, shape: tuple[_int, ...], /) -> AnyTensor: ...
    @overload
    def view(self, *shape: _int) -> AnyTensor: ...
    def view(self, *shape: Any) -> AnyTensor:
        """:meth:`reshape` under PyTorch's other name (``x.view(B, T, H, C // H)``)."""
        return _ops.reshape_op(self, shape, "view")

    def view_as(self, other: Tensor[*R]) -> Tensor[*R]:
        """This tensor in ``other``'s shape (same element count)."""
        if not isinstance(other, Tensor):
            raise TypeError(f"view_as: expected a Tensor, got {type(other).__name__}")
        return _ops.reshape_op(self, (other.shape,), "view_as")

    def reshape_as(self, other: Tensor[*R]) -> Tensor[*R]:
        return self.view_as(other)

    @overload
    def flatten(self, start_dim: Literal[0] = 0, end_dim: Literal[-1] = -1) -> Tensor[Any]: ...
    @overload
    def flatten(self: Tensor[A, *R], start_dim: Literal[1], end_dim: Literal[-1] = -1) -> Tensor[A, Any]: ...
    @overload
    def flatten(self, start_dim: _int = 0, end_dim: _int = -1) -> AnyTensor: ...
    def flatten(self, start_dim: _int = 0, end_dim: _int = -1) -> AnyTensor:
        """Merge dims ``start_dim..end_dim`` into one (``torch.flatten``'s rule)."""
        return _ops.flatten_op(self, start_dim, end_dim)

    @overload
    def transpose(self: Tensor[*P, A, Z], dim0: Literal[-2], dim1: Literal[-1]) -> Tensor[*P, Z, A]: ...
    @overload
    def transpose(self: Tensor[*P, A, Z], dim0: Literal[-1], dim1: Literal[-2]) -> Tensor[*P, Z, A]: ...
    @overload
    def transpose(self: Tensor[A, Z, *R], dim0: Literal[0], dim1: Literal[1]) -> Tensor[Z, A, *R]: ...
    @overload
    def transpose(self: Tensor[A, Z, *R], dim0: Literal[1], dim1: Literal[0]) -> Tensor[Z, A, *R]: ...
    @overload
    def transpose(self: Tensor[A, Z, W, *R], dim0: Literal[1], dim1: Literal[2]) -> Tensor[A, W, Z, *R]: ...
    @overload
    def transpose(self: Tensor[A, Z, W, *R], dim0: Literal[2], dim1: Literal[1]) -> Tensor[A, W, Z, *R]: ...
    @overload
    def transpose(self: Tensor[A, Z, W, *R], dim0: Literal[0], dim1: Literal[2]) -> Tensor[W, Z, A, *R]: ...
    @overload
    def transpose(self, dim0: _int, dim1: _int) -> AnyTensor: ...
    def transpose(self, dim0: _int, dim1: _int) -> AnyTensor:
        """Swap two dims (a view): ``k.transpose(-2, -1)``, ``q.transpose(1, 2)``."""
        return _ops.transpose_op(self, dim0, dim1)

    @overload
    def permute(self: Tensor[A, Z, W], d0: Literal[0], d1: Literal[2], d2: Literal[1], /) -> Tensor[A, W, Z]: ...
    @overload
    def permute(self: Tensor[A, Z, W], d0: Literal[1], d1: Literal[0], d2: Literal[2], /) -> Tensor[Z, A, W]: ...
    @overload
    def permute(self: Tensor[A, Z, W], d0: Literal[1], d1: Literal[2], d2: Literal[0], /) -> Tensor[Z, W, A]: ...
    @overload
    def permute(self: Tensor[A, Z, W], d0: Literal[2], d1: Literal[0], d2: Literal[1], /) -> Tensor[W, A, Z]: ...
    @overload
    def permute(self: Tensor[A, Z, W], d0: Literal[2], d1: Literal[1], d2: Literal[0], /) -> Tensor[W, Z, A]: ...
    @overload
    def permute(
        self: Tensor[A, Z, W, X], d0: Literal[0], d1: Literal[2], d2: Literal[1], d3: Literal[3], /
    ) -> Tensor[A, W, Z, X]: ...
    @overload
    def permute(
        self: Tensor[A, Z, W, X], d0: Literal[0], d1: Literal[2], d2: Literal[3], d3: Literal[1], /
    ) -> Tensor[A, W, X, Z]: ...
    @overload
    def permute(
        self: Tensor[A, Z, W, X], d0: Literal[0], d1: Literal[3], d2: Literal[1], d3: Literal[2], /
    ) -> Tensor[A, X, Z, W]: ...
    @overload
    def permute(
        self: Tensor[A, Z, W, X], d0: Literal[0], d1: Literal[1], d2: Literal[3], d3: Literal[2], /
    ) -> Tensor[A, Z, X, W]: ...
    @overload
    def permute(self, *dims: _int) -> AnyTensor: ...
    def permute(self, *dims: Any) -> AnyTensor:
        """Reorder the dims (a view): ``Tensor[B, C, H, W].permute(0, 2, 3, 1)`` is ``Tensor[B, H, W, C]``."""
        if len(dims) == 1 and isinstance(dims[0], tuple | list):
            dims = tuple(dims[0])
        return _ops.permute_dims_op(self, dims)

    @overload
    def unsqueeze(self, dim: Literal[0]) -> Tensor[Literal[1], *S]: ...
    @overload
    def unsqueeze(self, dim: Literal[-1]) -> Tensor[*S, Literal[1]]: ...
    @overload
    def unsqueeze(self: Tensor[A, *R], dim: Literal[1]) -> Tensor[A, Literal[1], *R]: ...
    @overload
    def unsqueeze(self: Tensor[A, Z, *R], dim: Literal[2]) -> Tensor[A, Z, Literal[1], *R]: ...
    @overload
    def unsqueeze(self, dim: _int) -> AnyTensor: ...
    def unsqueeze(self, dim: _int) -> AnyTensor:
        """A new dim of size 1 at ``dim`` (a view)."""
        return _ops.unsqueeze_op(self, dim)

    @overload
    def squeeze(self: Tensor[Literal[1], *R], dim: Literal[0]) -> Tensor[*R]: ...
    @overload
    def squeeze(self: Tensor[*R, Literal[1]], dim: Literal[-1]) -> Tensor[*R]: ...
    @overload
    def squeeze(self: Tensor[A, Literal[1], *R], dim: Literal[1]) -> Tensor[A, *R]: ...
    @overload
    def squeeze(self, dim: _int | tuple[_int, ...] | None = None) -> AnyTensor: ...
    def squeeze(self, dim: _int | tuple[_int, ...] | None = None) -> AnyTensor:
        """Remove dim ``dim``, which must have size 1 (a ``ShapeError`` otherwise, where
        PyTorch silently returns the tensor unchanged); ``squeeze()`` removes every size-1 dim."""
        return _ops.squeeze_op(self, dim)

    @overload
    def expand(self, sizes: tuple[_int, ...], /) -> AnyTensor: ...
    @overload
    def expand(self, *sizes: _int) -> AnyTensor: ...
    def expand(self, *sizes: Any) -> AnyTensor:
        """Stretch size-1 dims (and add leading ones) without copying; ``-1`` keeps a dim."""
        if len(sizes) == 1 and isinstance(sizes[0], tuple | list):
            sizes = tuple(sizes[0])
        return _ops.expand_op(self, sizes)

    def expand_as(self, other: Tensor[*R]) -> Tensor[*R]:
        if not isinstance(other, Tensor):
            raise TypeError(f"expand_as: expected a Tensor, got {type(other).__name__}")
        return _ops.expand_op(self, other.shape)

    def split(self, split_size_or_sections: _int | Sequence[_int], dim: _int = 0) -> tuple[AnyTensor, ...]:
        """Pieces along ``dim`` of ``split_size`` (the last may be smaller) or of the given sizes."""
        return _ops.split_op(self, split_size_or_sections, dim)

    def chunk(self, chunks: _int, dim: _int = 0) -> tuple[AnyTensor, ...]:
        """``chunks`` pieces along ``dim`` (PyTorch's rule: each ``ceil(size / chunks)``)."""
        return _ops.chunk_op(self, chunks, dim)

    def unbind(self, dim: _int = 0) -> tuple[AnyTensor, ...]:
        """The slices along ``dim``, that dim removed."""
        n = self.shape[dim] if self.ndim else 0
        return tuple(_ops.select(self, dim, i) for i in range(n))

    @overload
    def __getitem__(self: Tensor[A, *R], key: _int) -> Tensor[*R]: ...
    @overload
    def __getitem__(self: Tensor[A, *R], key: slice) -> Tensor[Any, *R]: ...
    @overload
    def __getitem__(self, key: None) -> Tensor[Literal[1], *S]: ...
    @overload
    def __getitem__(self: Tensor[A, *R], key: Tensor[N]) -> Tensor[N, *R]: ...
    @overload
    def __getitem__(self, key: tuple[Any, ...] | list[_int] | AnyTensor | EllipsisType) -> AnyTensor: ...
    def __getitem__(self, key: Any) -> AnyTensor:
        """``x[0]``, ``x[1:]``, ``x[:, None]``, ``x[..., -1]``, ``x[idx]`` (a gather), ``x[mask]``."""
        return _ops.getitem(self, key)

    def __setitem__(self, key: Any, value: AnyTensor | Number) -> None:
        """``x[key] = value`` in place (``value`` broadcast to the indexed part)."""
        _ops.setitem(self, key, value)

    # ------------------------------------------------------------------- in place
    # Each modifies this tensor's memory and bumps its version counter (see _ops/inplace.py).

    def __iadd__(self, other: AnyTensor | Number) -> Tensor[*S]:  # type: ignore[misc]
        return _ops.iop(self, "add_", _ops.Add, other)

    def __isub__(self, other: AnyTensor | Number) -> Tensor[*S]:  # type: ignore[misc]
        return _ops.iop(self, "sub_", _ops.Sub, other)

    def __imul__(self, other: AnyTensor | Number) -> Tensor[*S]:  # type: ignore[misc]
        return _ops.iop(self, "mul_", _ops.Mul, other)

    def __itruediv__(self, other: AnyTensor | Number) -> Tensor[*S]:  # type: ignore[misc]
        return _ops.iop(self, "div_", _ops.Div, other)

    def __ifloordiv__(self, other: AnyTensor | Number) -> Tensor[*S]:  # type: ignore[misc]
        return _ops.iop(self, "floor_divide_", _ops.FloorDivide, other)

    def __imod__(self, other: AnyTensor | Number) -> Tensor[*S]:  # type: ignore[misc]
        return _ops.iop(self, "remainder_", _ops.Remainder, other)

    def add_(self, other: AnyTensor | Number, *, alpha: Number = 1) -> Tensor[*S]:
        """``self += alpha * other`` in place."""
        return _ops.iop(self, "add_", _ops.Add, other if alpha == 1 else _scaled(other, alpha))

    def sub_(self, other: AnyTensor | Number, *, alpha: Number = 1) -> Tensor[*S]:
        return _ops.iop(self, "sub_", _ops.Sub, other if alpha == 1 else _scaled(other, alpha))

    def mul_(self, other: AnyTensor | Number) -> Tensor[*S]:
        return _ops.iop(self, "mul_", _ops.Mul, other)

    def div_(self, other: AnyTensor | Number) -> Tensor[*S]:
        return _ops.iop(self, "div_", _ops.Div, other)

    def floor_divide_(self, other: AnyTensor | Number) -> Tensor[*S]:
        return _ops.iop(self, "floor_divide_", _ops.FloorDivide, other)

    def remainder_(self, other: AnyTensor | Number) -> Tensor[*S]:
        return _ops.iop(self, "remainder_", _ops.Remainder, other)

    def addcmul_(self, t1: AnyTensor, t2: AnyTensor, *, value: Number = 1) -> Tensor[*S]:
        """``self += value * t1 * t2`` in place (optimizers)."""
        return _ops.iop(self, "addcmul_", _ops.Add, (t1 * t2) * value if value != 1 else t1 * t2)

    def addcdiv_(self, t1: AnyTensor, t2: AnyTensor, *, value: Number = 1) -> Tensor[*S]:
        """``self += value * t1 / t2`` in place (optimizers)."""
        return _ops.iop(self, "addcdiv_", _ops.Add, (t1 / t2) * value if value != 1 else t1 / t2)

    def zero_(self) -> Tensor[*S]:
        """Set every element to 0 in place."""
        return _ops.fill(self, 0, "zero_")

    def fill_(self, value: Number | Tensor[()]) -> Tensor[*S]:
        """Set every element to ``value`` in place."""
        return _ops.fill(self, value, "fill_")

    def copy_(self, src: AnyTensor) -> Tensor[*S]:
        """Copy ``src``'s values (broadcast to this shape, cast to this dtype, moved to this device) in place."""
        return _ops.copy_(self, src)

    def clamp_(self, min: AnyTensor | Number | None = None, max: AnyTensor | Number | None = None) -> Tensor[*S]:
        """:meth:`clamp` in place."""
        return _ops.inplace(self, "clamp_", lambda x: _ops.clamp(x, min, max), min if isinstance(min, Tensor) else max)

    def masked_fill_(self, mask: AnyTensor, value: Number | Tensor[()]) -> Tensor[*S]:
        """:meth:`masked_fill` in place."""
        return _ops.inplace(
            self, "masked_fill_", lambda x: _ops.masked_fill(x, mask, value), value, needs_old_values=False
        )

    def relu_(self) -> Tensor[*S]:
        """:meth:`relu` in place (``nn.ReLU(inplace=True)``)."""
        return _ops.inplace(self, "relu_", lambda x: x.relu(), needs_old_values=False)

    def neg_(self) -> Tensor[*S]:
        return _ops.inplace(self, "neg_", lambda x: -x, needs_old_values=False)

    def pow_(self, exponent: Number) -> Tensor[*S]:
        return _ops.inplace(self, "pow_", lambda x: x**exponent)

    def sqrt_(self) -> Tensor[*S]:
        return _ops.inplace(self, "sqrt_", lambda x: x.sqrt(), needs_old_values=False)

    def uniform_(self, a: _float = 0.0, b: _float = 1.0) -> Tensor[*S]:
        """Fill with uniform draws in ``[a, b)`` from the generator ``tt.manual_seed`` seeds."""
        return _ops.random_fill(self, "uniform_", a, b)

    def normal_(self, mean: _float = 0.0, std: _float = 1.0) -> Tensor[*S]:
        """Fill with normal draws from the generator ``tt.manual_seed`` seeds."""
        return _ops.random_fill(self, "normal_", mean, std)


class ValuesIndices(NamedTuple, Generic[*S]):
    """``(values, indices)`` of ``max``/``min``/``topk`` along a dim, as ``torch.return_types``."""

    values: Tensor[*S]
    indices: Tensor[*S]


Scalar: TypeAlias = Tensor[()]
"""A rank-0 tensor: what a loss is, and what ``backward()`` starts from."""
Vector: TypeAlias = Tensor[N]
"""``Vector[N]`` is ``Tensor[N]``."""
Matrix: TypeAlias = Tensor[M, N]
"""``Matrix[M, N]`` is ``Tensor[M, N]``."""


_new = object.__new__


def make(data: Array, backend: Backend, node: Function | None) -> AnyTensor:
    """Wrap an array without copying; ``node`` is the op that made it, if recorded."""
    t: AnyTensor = _new(Tensor)
    t._data = data
    t._backend = backend
    t._node = node
    t._grad = None
    t.requires_grad = node is not None
    t._version = [0]
    t._uses = 0
    return t


def adopt(array: Array, requires_grad: bool = False) -> AnyTensor:
    """Wrap an existing array of any backend (numpy, cupy, array-api-strict)."""
    t = make(array, backend_of(array), None)
    t.requires_grad = requires_grad
    return t


def _scaled(other: AnyTensor | Number, alpha: Number) -> AnyTensor | Number:
    return other * alpha


# Ops build Tensors and Tensor methods call ops, so the op package is bound last.
from . import _ops  # noqa: E402
