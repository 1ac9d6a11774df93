"""``Tensor[*Shape]``: the one tensor class, with its shape in its type.

The overloads below are the static view mypy reads: each operator states how the
shape of its result follows from the shapes of its operands, so a mismatch is a type
error before the program runs. The bodies are the runtime view: thin calls into
``_ops``, where the arrays are computed and the graph is recorded.

``Scalar``, ``Vector[N]`` and ``Matrix[M, N]`` are aliases of ``Tensor``, not
subclasses: a ``Matrix`` *is* a rank-2 ``Tensor``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeAlias, overload

from . import _runtime_types
from ._backend import Array, Backend, HostArray, backend_of, get_backend, host_array
from ._dims import A, K, M, N, P, R, S, Z
from ._engine import FREED, Function, grad_mode, next_seq, run_backward
from ._errors import DeviceError, ShapeError

if TYPE_CHECKING:
    from types import EllipsisType

AnyTensor: TypeAlias = "Tensor[*tuple[Any, ...]]"
Index: TypeAlias = "int | slice | EllipsisType | None"


class Tensor(Generic[*S]):
    """An n-dimensional array that records how it was computed.

    >>> import typedtorch as tt
    >>> x = tt.ones(4, 2, requires_grad=True)   # Tensor[Literal[4], Literal[2]]
    >>> loss = (x * 3).sum()                     # Tensor[()]
    >>> loss.backward()
    >>> x.grad.shape
    (4, 2)
    """

    __slots__ = ("_data", "_backend", "_node", "_grad", "requires_grad")

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
    requires_grad: bool

    def __init__(
        self: Tensor[*tuple[Any, ...]],
        data: object,
        *,
        dtype: str | None = None,
        device: str | None = None,
        requires_grad: bool = False,
    ) -> None:
        """Same as :func:`typedtorch.tensor`."""
        if isinstance(data, Tensor):
            data = data.numpy()
        backend = get_backend(device)
        self._data = backend.from_host(host_array(data, dtype, copy=True))
        self._backend = backend
        self._node = None
        self._grad = None
        self.requires_grad = requires_grad

    # ------------------------------------------------------------------ introspection

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self._data.shape)

    @property
    def ndim(self) -> int:
        return int(self._data.ndim)

    @property
    def dtype(self) -> Any:
        """The backend's dtype object (``numpy.float32`` on the CPU)."""
        return self._data.dtype

    @property
    def device(self) -> str:
        """``"cpu"``, ``"cuda:0"``, ... (``"strict"`` for the array-api-strict test backend)."""
        return self._backend.device

    @property
    def grad(self) -> Tensor[*S] | None:
        """The accumulated gradient, same shape as this tensor; ``None`` until backward."""
        g = self._grad
        return None if g is None else make(g, self._backend, None)

    @grad.setter
    def grad(self, value: Tensor[*S] | None) -> None:
        if value is None:
            self._grad = None
            return
        if value.shape != self.shape:
            raise ShapeError(f"grad: shape {value.shape} does not match tensor shape {self.shape}")
        if value._backend is not self._backend:
            raise DeviceError(f"grad: gradient on {value.device} for a tensor on {self.device}")
        self._grad = value._data

    def numel(self) -> int:
        return math.prod(self._data.shape)

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return int(self._data.shape[0])

    def __repr__(self) -> str:
        body = repr(self.numpy().tolist()) if self.numel() <= 64 else "..."
        extra = ", requires_grad=True" if self.requires_grad else ""
        return f"Tensor({body}, shape={self.shape}, dtype={self._backend.dtype_name(self._data)}, device={self.device!r}{extra})"

    # ---------------------------------------------------------------- host and devices

    def numpy(self) -> HostArray:
        """The values as a numpy array: shared memory on the CPU, a copy from a GPU."""
        return self._backend.to_host(self._data)

    def item(self) -> float:
        """The value of a one-element tensor as a Python number."""
        if self.numel() != 1:
            raise ShapeError(f"item() needs a tensor with one element, got shape {self.shape}")
        return self.numpy().reshape(()).item()  # type: ignore[no-any-return]

    def tolist(self) -> Any:
        return self.numpy().tolist()

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> HostArray:
        if not self._backend.is_host:
            raise TypeError(f"refusing an implicit host copy of a tensor on {self.device}; call .numpy() to copy it")
        arr = self._backend.to_host(self._data)
        if dtype is not None:
            arr = arr.astype(dtype, copy=False)
        return arr.copy() if copy else arr

    def __dlpack__(self, **kwargs: Any) -> Any:
        return self._data.__dlpack__(**kwargs)

    def __dlpack_device__(self) -> tuple[int, int]:
        return self._data.__dlpack_device__()  # type: ignore[no-any-return]

    def __float__(self) -> float:
        return float(self.item())

    def to(self, device: str) -> Tensor[*S]:
        """This tensor on ``device`` (itself if already there); differentiable.

        >>> import typedtorch as tt
        >>> tt.zeros(2).to("cpu").device
        'cpu'
        """
        target = get_backend(device)
        if target is self._backend:
            return self
        data = target.from_host(self._backend.to_host(self._data))
        if self.requires_grad and grad_mode.enabled:
            node = _ops.ToDevice(self._backend, target)
            node.parents, node.needs, node.seq = (self,), (True,), next_seq()
            return make(data, target, node)
        return make(data, target, None)

    # -------------------------------------------------------------------------- graph

    def detach(self) -> Tensor[*S]:
        """The same values, cut from the graph (shares memory)."""
        return make(self._data, self._backend, None)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor[*S]:
        """Mark a leaf as wanting a gradient; returns itself."""
        if self._node is not None and not requires_grad:
            raise RuntimeError("requires_grad_(False) on a non-leaf tensor; use .detach()")
        self.requires_grad = requires_grad
        return self

    def backward(self: Tensor[()], retain_graph: bool = False) -> None:
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

    @overload
    def __add__(self, other: Tensor[*S] | Tensor[()] | float) -> Tensor[*S]: ...
    @overload
    def __add__(self: Tensor[*P, N], other: Tensor[N]) -> Tensor[*P, N]: ...
    @overload
    def __add__(self: Tensor[N], other: Tensor[*P, N]) -> Tensor[*P, N]: ...
    @overload
    def __add__(self: Tensor[()], other: Tensor[*P]) -> Tensor[*P]: ...
    def __add__(self, other: AnyTensor | float) -> AnyTensor:
        return _ops.apply2(_ops.Add(), self, other)

    @overload
    def __sub__(self, other: Tensor[*S] | Tensor[()] | float) -> Tensor[*S]: ...
    @overload
    def __sub__(self: Tensor[*P, N], other: Tensor[N]) -> Tensor[*P, N]: ...
    @overload
    def __sub__(self: Tensor[N], other: Tensor[*P, N]) -> Tensor[*P, N]: ...
    @overload
    def __sub__(self: Tensor[()], other: Tensor[*P]) -> Tensor[*P]: ...
    def __sub__(self, other: AnyTensor | float) -> AnyTensor:
        return _ops.apply2(_ops.Sub(), self, other)

    @overload
    def __mul__(self, other: Tensor[*S] | Tensor[()] | float) -> Tensor[*S]: ...
    @overload
    def __mul__(self: Tensor[*P, N], other: Tensor[N]) -> Tensor[*P, N]: ...
    @overload
    def __mul__(self: Tensor[N], other: Tensor[*P, N]) -> Tensor[*P, N]: ...
    @overload
    def __mul__(self: Tensor[()], other: Tensor[*P]) -> Tensor[*P]: ...
    def __mul__(self, other: AnyTensor | float) -> AnyTensor:
        return _ops.apply2(_ops.Mul(), self, other)

    @overload
    def __truediv__(self, other: Tensor[*S] | Tensor[()] | float) -> Tensor[*S]: ...
    @overload
    def __truediv__(self: Tensor[*P, N], other: Tensor[N]) -> Tensor[*P, N]: ...
    @overload
    def __truediv__(self: Tensor[N], other: Tensor[*P, N]) -> Tensor[*P, N]: ...
    @overload
    def __truediv__(self: Tensor[()], other: Tensor[*P]) -> Tensor[*P]: ...
    def __truediv__(self, other: AnyTensor | float) -> AnyTensor:
        return _ops.apply2(_ops.Div(), self, other)

    # Python numbers on the left: `2 * x`, `1 - x`.
    def __radd__(self, other: float) -> Tensor[*S]:
        return _ops.apply2(_ops.Add(), other, self)

    def __rsub__(self, other: float) -> Tensor[*S]:
        return _ops.apply2(_ops.Sub(), other, self)

    def __rmul__(self, other: float) -> Tensor[*S]:
        return _ops.apply2(_ops.Mul(), other, self)

    def __rtruediv__(self, other: float) -> Tensor[*S]:
        return _ops.apply2(_ops.Div(), other, self)

    def __neg__(self) -> Tensor[*S]:
        return _ops.apply1(_ops.Neg(), self)

    def __pow__(self, exponent: float) -> Tensor[*S]:
        """``x ** p`` for a Python number ``p``."""
        if not isinstance(exponent, int | float):
            raise TypeError(f"pow: exponent must be a Python number, got {type(exponent).__name__}")
        return _ops.apply1(_ops.Pow(_ops._number(exponent)), self)

    @overload
    def __matmul__(self: Tensor[M, K], other: Tensor[K, N]) -> Tensor[M, N]: ...
    @overload
    def __matmul__(self: Tensor[M, K], other: Tensor[K]) -> Tensor[M]: ...
    @overload
    def __matmul__(self: Tensor[K], other: Tensor[K]) -> Tensor[()]: ...
    @overload
    def __matmul__(self: Tensor[K], other: Tensor[K, N]) -> Tensor[N]: ...
    @overload  # a stack of matrices times one matrix: `Tensor[B, T, D] @ Matrix[D, H]`
    def __matmul__(self: Tensor[*P, M, K], other: Tensor[K, N]) -> Tensor[*P, M, N]: ...
    @overload
    def __matmul__(self: Tensor[*P, M, K], other: Tensor[*P, K, N]) -> Tensor[*P, M, N]: ...
    def __matmul__(self, other: AnyTensor) -> AnyTensor:
        """Matrix product; weights are stored ``(in, out)`` so layers need no transpose."""
        if not isinstance(other, Tensor):
            raise TypeError(f"matmul: unsupported operand type {type(other).__name__}")
        return _ops.apply2(_ops.MatMul(), self, other)

    @property
    def T(self: Tensor[M, N]) -> Tensor[N, M]:
        """The transpose of a matrix (a view)."""
        return _ops.apply1(_ops.Transpose(), self)

    # Comparisons give boolean tensors and are never differentiated.
    def __gt__(self, other: Tensor[*S] | float) -> Tensor[*S]:
        return _compare(self, other, "gt")

    def __ge__(self, other: Tensor[*S] | float) -> Tensor[*S]:
        return _compare(self, other, "ge")

    def __lt__(self, other: Tensor[*S] | float) -> Tensor[*S]:
        return _compare(self, other, "lt")

    def __le__(self, other: Tensor[*S] | float) -> Tensor[*S]:
        return _compare(self, other, "le")

    def eq(self, other: Tensor[*S] | float) -> Tensor[*S]:
        """Elementwise equality as a boolean tensor (``==`` keeps Python's meaning)."""
        return _compare(self, other, "eq")

    def astype(self, dtype: str) -> Tensor[*S]:
        """A copy converted to ``dtype`` (``"float32"``, ``"int64"``, ``"bool"``, ...)."""
        return _ops.apply1(_ops.AsType(self._backend.dtype(dtype)), self)

    # ------------------------------------------------------------- elementwise maths

    def relu(self) -> Tensor[*S]:
        return _ops.apply1(_ops.ReLU(), self)

    def sigmoid(self) -> Tensor[*S]:
        return _ops.apply1(_ops.Sigmoid(), self)

    def tanh(self) -> Tensor[*S]:
        return _ops.apply1(_ops.Tanh(), self)

    def exp(self) -> Tensor[*S]:
        return _ops.apply1(_ops.Exp(), self)

    def log(self) -> Tensor[*S]:
        return _ops.apply1(_ops.Log(), self)

    def softmax(self, dim: int = -1) -> Tensor[*S]:
        _check_dim(self, dim, "softmax")
        return _ops.apply1(_ops.Softmax(dim), self)

    def log_softmax(self, dim: int = -1) -> Tensor[*S]:
        _check_dim(self, dim, "log_softmax")
        return _ops.apply1(_ops.LogSoftmax(dim), self)

    def maximum(self, other: Tensor[*S] | float) -> Tensor[*S]:
        return _ops.apply2(_ops.Maximum(), self, other)

    # -------------------------------------------------------------------- reductions
    # A literal `dim` removes (or, with keepdim=True, shrinks to 1) that dim in the type.

    @overload
    def sum(self, dim: None = None, keepdim: Literal[False] = False) -> Tensor[()]: ...
    @overload
    def sum(self: Tensor[A, *R], dim: Literal[0], keepdim: Literal[False] = False) -> Tensor[*R]: ...
    @overload
    def sum(self: Tensor[A, *R], dim: Literal[0], keepdim: Literal[True]) -> Tensor[Literal[1], *R]: ...
    @overload
    def sum(self: Tensor[A, Z, *R], dim: Literal[1], keepdim: Literal[False] = False) -> Tensor[A, *R]: ...
    @overload
    def sum(self: Tensor[A, Z, *R], dim: Literal[1], keepdim: Literal[True]) -> Tensor[A, Literal[1], *R]: ...
    @overload
    def sum(self: Tensor[*R, Z], dim: Literal[-1], keepdim: Literal[False] = False) -> Tensor[*R]: ...
    @overload
    def sum(self: Tensor[*R, Z], dim: Literal[-1], keepdim: Literal[True]) -> Tensor[*R, Literal[1]]: ...
    @overload
    def sum(self, dim: int | None = None, keepdim: bool = False) -> AnyTensor: ...
    def sum(self, dim: int | None = None, keepdim: bool = False) -> AnyTensor:
        """Sum of all elements, or along ``dim`` (``keepdim`` keeps it as size 1)."""
        return _ops.apply1(_ops.Sum(dim, keepdim), self)

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
    def mean(self, dim: int | None = None, keepdim: bool = False) -> AnyTensor: ...
    def mean(self, dim: int | None = None, keepdim: bool = False) -> AnyTensor:
        """Mean of all elements, or along ``dim``."""
        return _ops.apply1(_ops.Mean(dim, keepdim), self)

    @overload
    def max(self, dim: None = None, keepdim: Literal[False] = False) -> Tensor[()]: ...
    @overload
    def max(self: Tensor[A, *R], dim: Literal[0], keepdim: Literal[False] = False) -> Tensor[*R]: ...
    @overload
    def max(self: Tensor[A, *R], dim: Literal[0], keepdim: Literal[True]) -> Tensor[Literal[1], *R]: ...
    @overload
    def max(self: Tensor[A, Z, *R], dim: Literal[1], keepdim: Literal[False] = False) -> Tensor[A, *R]: ...
    @overload
    def max(self: Tensor[A, Z, *R], dim: Literal[1], keepdim: Literal[True]) -> Tensor[A, Literal[1], *R]: ...
    @overload
    def max(self: Tensor[*R, Z], dim: Literal[-1], keepdim: Literal[False] = False) -> Tensor[*R]: ...
    @overload
    def max(self: Tensor[*R, Z], dim: Literal[-1], keepdim: Literal[True]) -> Tensor[*R, Literal[1]]: ...
    @overload
    def max(self, dim: int | None = None, keepdim: bool = False) -> AnyTensor: ...
    def max(self, dim: int | None = None, keepdim: bool = False) -> AnyTensor:
        """Largest element, or the largest along ``dim`` (values only, like ``torch.amax``)."""
        return _ops.apply1(_ops.Max(dim, keepdim), self)

    @overload
    def argmax(self, dim: None = None) -> Tensor[()]: ...
    @overload
    def argmax(self: Tensor[A, *R], dim: Literal[0]) -> Tensor[*R]: ...
    @overload
    def argmax(self: Tensor[A, Z, *R], dim: Literal[1]) -> Tensor[A, *R]: ...
    @overload
    def argmax(self: Tensor[*R, Z], dim: Literal[-1]) -> Tensor[*R]: ...
    @overload
    def argmax(self, dim: int | None = None) -> AnyTensor: ...
    def argmax(self, dim: int | None = None) -> AnyTensor:
        """Index of the largest element (of the flattened tensor when ``dim`` is None)."""
        data = self._data
        xp = self._backend.xp
        if dim is None:
            out = xp.argmax(xp.reshape(data, (-1,)))
        else:
            _check_dim(self, dim, "argmax")
            out = xp.argmax(data, axis=dim)
        return make(xp.astype(out, xp.int64), self._backend, None)

    # ------------------------------------------------------------ shapes and indexing

    @overload
    def reshape(self, shape: tuple[int, ...], /) -> AnyTensor: ...
    @overload
    def reshape(self, *shape: int) -> AnyTensor: ...
    def reshape(self, *shape: int | tuple[int, ...]) -> AnyTensor:
        """The same elements in a new shape; one size may be ``-1`` (inferred).

        Statically ``Tensor[*tuple[Any, ...]]``; the mypy plugin computes the shape.
        """
        if len(shape) == 1 and isinstance(shape[0], tuple):
            return _ops.apply1(_ops.Reshape(shape[0]), self)
        return _ops.apply1(_ops.Reshape(shape), self)  # type: ignore[arg-type]

    @overload
    def flatten(self, start_dim: Literal[0] = 0, end_dim: Literal[-1] = -1) -> Tensor[Any]: ...
    @overload
    def flatten(self: Tensor[A, *R], start_dim: Literal[1], end_dim: Literal[-1] = -1) -> Tensor[A, Any]: ...
    @overload
    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> AnyTensor: ...
    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> AnyTensor:
        """Merge dims ``start_dim..end_dim`` into one (``torch.flatten``'s rule)."""
        shape = self.shape
        nd = max(len(shape), 1)
        start = _norm_dim(start_dim, nd, "flatten")
        end = _norm_dim(end_dim, nd, "flatten")
        if start > end:
            raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
        merged = math.prod(shape[start : end + 1])
        return _ops.apply1(_ops.Reshape((*shape[:start], merged, *shape[end + 1 :])), self)

    @overload
    def __getitem__(self: Tensor[A, *R], key: int) -> Tensor[*R]: ...
    @overload
    def __getitem__(self: Tensor[A, *R], key: slice) -> Tensor[Any, *R]: ...
    @overload
    def __getitem__(self: Tensor[A, *R], key: Tensor[N]) -> Tensor[N, *R]: ...
    @overload
    def __getitem__(self, key: tuple[Index, ...]) -> AnyTensor: ...
    def __getitem__(self, key: Index | AnyTensor | tuple[Index, ...]) -> AnyTensor:
        """Index the first dim with an int, a slice or an integer tensor (a gather).

        Tuples of ints and slices index several dims (statically untyped).
        """
        if isinstance(key, Tensor):
            if key._backend is not self._backend:
                raise DeviceError(f"index: tensor on {self.device} indexed by a tensor on {key.device}")
            if self._data.ndim == 0:
                raise IndexError("index: a 0-d tensor has no first dim")
            if not key._backend.is_integral(key._data.dtype):
                # numpy would read a boolean mask as the indices 0 and 1.
                kind = key._backend.dtype_name(key._data)
                raise TypeError(f"index: an index tensor must hold integers, got {kind} (for a mask use tt.where)")
            if key._data.ndim != 1:
                raise ShapeError(f"index: an index tensor must be 1-D, got shape {key.shape}")
            return _ops.apply1(_ops.Take(key._data), self)
        if not isinstance(key, tuple):
            key = (key, ...)
        elif not any(k is Ellipsis for k in key):
            # The array API (and array-api-strict) wants every dim indexed or an
            # explicit `...`; numpy's implicit trailing `:` made explicit.
            key = (*key, ...)
        return _ops.apply1(_ops.GetItem(key), self)


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
    return t


def adopt(array: Array, requires_grad: bool = False) -> AnyTensor:
    """Wrap an existing array of any backend (numpy, cupy, array-api-strict)."""
    t = make(array, backend_of(array), None)
    t.requires_grad = requires_grad
    return t


def _norm_dim(dim: int, ndim: int, op: str) -> int:
    if not -ndim <= dim < ndim:
        raise IndexError(f"{op}: dim {dim} out of range for a tensor of rank {ndim}")
    return dim % ndim


def _check_dim(t: AnyTensor, dim: int, op: str) -> None:
    _norm_dim(dim, t._data.ndim, op)


def _compare(a: AnyTensor, b: AnyTensor | float, op: str) -> AnyTensor:
    x = a._data
    if isinstance(b, Tensor):
        if b._backend is not a._backend:
            raise DeviceError(f"{op}: tensors on different devices: {a.device} and {b.device}")
        y = b._data
    elif isinstance(b, int | float):
        y = _ops._number(b)
    else:
        raise TypeError(f"{op}: unsupported operand type {type(b).__name__}; wrap arrays with tt.tensor()")
    try:
        if op == "gt":
            out = x > y
        elif op == "ge":
            out = x >= y
        elif op == "lt":
            out = x < y
        elif op == "le":
            out = x <= y
        else:
            out = x == y
    except ValueError as e:
        yshape = tuple(y.shape) if isinstance(b, Tensor) else "scalar"
        raise ShapeError(f"{op}: shapes {tuple(x.shape)} and {yshape} do not broadcast") from e
    return make(out, a._backend, None)


# Ops build Tensors and Tensor methods call ops, so the op module is bound last.
from . import _ops  # noqa: E402
