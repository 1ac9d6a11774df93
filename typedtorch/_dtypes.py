"""dtypes: ``tt.float32``, ``tt.int64``, ... and PyTorch's type promotion.

A :class:`DType` is a name with PyTorch's spelling (``repr`` is ``typedtorch.float32``,
as ``torch.float32``); ``tensor.dtype`` returns one. Everywhere a dtype is accepted,
the same dtype may also be given as a string (``"float32"``) or a numpy dtype
(``numpy.float32``, ``numpy.dtype("float32")``): :func:`dtype_name` reads all three.

Promotion follows PyTorch, not numpy: a Python number never changes a tensor's dtype
(``int64 * 0.5`` is float32, the default float, where numpy gives float64), and a
float tensor with an integer tensor keeps the float's dtype (``float32 + int64`` is
float32; numpy: float64).
"""

from __future__ import annotations

from typing import Any, Final, TypeAlias

DTypeLike: TypeAlias = Any  # a DType, a name such as "float32", or a numpy dtype


class DType:
    """One element type. Compares equal to its name and to numpy's dtype of that name.

    >>> import typedtorch as tt
    >>> tt.zeros(2).dtype
    typedtorch.float32
    >>> tt.zeros(2).dtype == tt.float32 == "float32"
    True
    """

    __slots__ = ("name", "is_floating_point", "is_integer", "itemsize")

    name: str
    is_floating_point: bool
    is_integer: bool
    itemsize: int

    def __init__(self, name: str, itemsize: int) -> None:
        self.name = name
        self.is_floating_point = name.startswith("float")
        self.is_integer = name.startswith(("int", "uint"))
        self.itemsize = itemsize

    def __repr__(self) -> str:
        return f"typedtorch.{self.name}"

    def __str__(self) -> str:
        return f"typedtorch.{self.name}"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DType):
            return other is self
        try:
            return dtype_name(other) == self.name
        except (TypeError, ValueError):
            return False

    def __hash__(self) -> int:
        return hash(self.name)

    def __reduce__(self) -> str:
        return self.name  # pickles as the module-level singleton


float16: Final = DType("float16", 2)
float32: Final = DType("float32", 4)
float64: Final = DType("float64", 8)
int8: Final = DType("int8", 1)
int16: Final = DType("int16", 2)
int32: Final = DType("int32", 4)
int64: Final = DType("int64", 8)
uint8: Final = DType("uint8", 1)
uint16: Final = DType("uint16", 2)
uint32: Final = DType("uint32", 4)
uint64: Final = DType("uint64", 8)
# Public as `tt.bool`; named with an underscore here so this module keeps Python's `bool`.
bool_: Final = DType("bool", 1)

# PyTorch's aliases (`tt.float` and `tt.int` are exported by the package).
half: Final = float16
double: Final = float64
long: Final = int64
short: Final = int16

BY_NAME: Final[dict[str, DType]] = {
    d.name: d for d in (float16, float32, float64, int8, int16, int32, int64, uint8, uint16, uint32, uint64, bool_)
}
NAMES: Final = tuple(BY_NAME)
DEFAULT_FLOAT: Final = "float32"


def dtype_name(dtype: DTypeLike) -> str:
    """The canonical name of ``dtype``: a DType, a name, or a numpy (or cupy) dtype.

    >>> dtype_name("float64"), dtype_name(float32)
    ('float64', 'float32')
    """
    if isinstance(dtype, DType):
        return dtype.name
    if isinstance(dtype, str):
        name = dtype
    else:
        # numpy/cupy scalar types (np.float32) and dtype objects (np.dtype("f4"));
        # array-api-strict dtypes print as "array_api_strict.float32".
        name = getattr(dtype, "__name__", None) or getattr(dtype, "name", None) or str(dtype)
        name = str(name).rsplit(".", 1)[-1]
    if name not in BY_NAME:
        raise TypeError(f"unknown dtype {dtype!r}; expected one of tt.{', tt.'.join(NAMES)} (or their names)")
    return name


def as_dtype(dtype: DTypeLike) -> DType:
    """The :class:`DType` for any accepted spelling."""
    return BY_NAME[dtype_name(dtype)]


def native(backend: Any, dtype: DTypeLike) -> Any:
    """``backend``'s own dtype object for ``dtype``, or a clear error where it has none
    (array-api-strict, the test device, has no float16)."""
    name = dtype_name(dtype)
    try:
        return backend.dtype(name)
    except AttributeError:
        raise TypeError(f"dtype tt.{name} is not available on device {backend.device!r}") from None


def is_float(name: str) -> bool:
    return name.startswith("float")


def promote(a: str, b: str) -> str:
    """The result dtype of a binary op on tensors of dtypes ``a`` and ``b`` (PyTorch's rule).

    >>> promote("float32", "int64"), promote("int32", "int64"), promote("bool", "uint8")
    ('float32', 'int64', 'uint8')
    """
    if a == b:
        return a
    fa, fb = is_float(a), is_float(b)
    if fa != fb:
        return a if fa else b  # the float side wins, whatever the integer's width
    if fa:
        return a if BY_NAME[a].itemsize >= BY_NAME[b].itemsize else b
    if a == "bool":
        return b
    if b == "bool":
        return a
    # Two integer types: the wider; signed and unsigned of one width go to the next signed.
    ua, ub = a.startswith("uint"), b.startswith("uint")
    sa, sb = BY_NAME[a].itemsize, BY_NAME[b].itemsize
    if ua == ub:
        return a if sa >= sb else b
    signed, unsigned = (b, a) if ua else (a, b)
    ss, su = BY_NAME[signed].itemsize, BY_NAME[unsigned].itemsize
    if ss > su:
        return signed
    wider = {1: "int16", 2: "int32", 4: "int64", 8: "int64"}
    return wider[su]


def _category(name: str) -> int:
    return 0 if name == "bool" else 2 if is_float(name) else 1


def promote_dims(a: str, a_scalar: bool, b: str, b_scalar: bool) -> str:
    """As :func:`promote`, with PyTorch's rule for 0-d tensors: a 0-d operand with a
    tensor that has dims acts like a Python number of its kind, so it changes the result
    only when it is of a higher category (bool < integer < floating).

    >>> promote_dims("float32", False, "float64", True), promote_dims("int64", False, "float64", True)
    ('float32', 'float64')
    """
    if a_scalar == b_scalar or a == b:
        return promote(a, b)
    shaped, zero = (b, a) if a_scalar else (a, b)
    return zero if _category(zero) > _category(shaped) else shaped


def with_scalar(tensor: str, scalar: object) -> str:
    """The result dtype of a tensor of dtype ``tensor`` with a Python number.

    A Python ``float`` lifts an integer or boolean tensor to the default float; a Python
    ``int`` lifts a boolean tensor to int64; otherwise the tensor's dtype wins.
    """
    if isinstance(scalar, bool):
        return tensor
    if isinstance(scalar, float) and not is_float(tensor):
        return DEFAULT_FLOAT
    if isinstance(scalar, int) and tensor == "bool":
        return "int64"
    return tensor
