"""Differentiable ops, grouped by family; one class per op, forward and backward side by side.

=================  ===========================================================
``_apply``         running an op and recording it (``apply1``, ``apply2``, ``apply_n``)
``api``            the functions behind the ``Tensor`` methods (argument checks, then one op)
``elementwise``    ``+ - * / **``, comparisons, ``maximum``, ``where``, ``clamp``, one-input maths
``linalg``         ``@``
``reduction``      ``sum``, ``mean``, ``amax``, ``max(dim)``, ``var``, ``logsumexp``, ``topk``...
``softmax``        ``softmax``, ``log_softmax``
``shape``          ``reshape``/``view``, ``permute``/``transpose``, ``expand``, ``cat``, ``stack``, ``tril``
``indexing``       slicing, integer gathers, masks, ``x[key] = v``
``inplace``        ``add_``, ``zero_``, ``x += y``... and the version counter's rules
``device``         moving between devices
``linear``         ``x @ W + b`` fused (``nn.Linear``)
``losses``         fused losses (``nn.cross_entropy`` ...)
``dropout``        ``nn.Dropout``
=================  ===========================================================

Each op's shape rule lives in ``typedtorch/_oprules.py`` (read by the mypy plugin too);
its typed signature in ``typedtorch/_tensor.py`` (methods) or ``_functional.py``.
The engine (``typedtorch._engine``) knows nothing of these: it only calls
``Function.backward``.
"""

from ._apply import _number, apply1, apply2, apply_n, cast, check_tensor, host_number
from .api import (
    Clone,
    chunk_op,
    compare,
    copy_,
    expand_op,
    fill,
    flatten_op,
    gelu,
    getitem,
    invert,
    iop,
    logical,
    masked_fill,
    nondiff,
    permute_dims_op,
    permute_op,
    random_fill,
    reshape_op,
    select,
    setitem,
    split_op,
    squeeze_op,
    transpose_op,
    unsqueeze_op,
)
from .device import ToDevice
from .elementwise import (
    Abs,
    Add,
    AsType,
    Cos,
    Div,
    Exp,
    FloorDivide,
    Log,
    Log1p,
    Maximum,
    Minimum,
    Mul,
    Neg,
    Pow,
    PowTensor,
    ReLU,
    Remainder,
    RPow,
    Rsqrt,
    Sigmoid,
    Sin,
    Sqrt,
    Sub,
    Tanh,
    clamp,
    where,
)
from .indexing import GetItem, Take
from .inplace import inplace
from .linalg import MatMul
from .reduction import AMax, LogSumExp, Mean, Prod, Std, Sum, Var, all_any, argext, max_dim, topk
from .shape import Cat, Contiguous, Expand, Permute, Reshape, Stack, Tri
from .softmax import LogSoftmax, Softmax

__all__ = [
    "AMax", "Abs", "Add", "AsType", "Cat", "Clone", "Contiguous", "Cos", "Div", "Exp", "Expand", "FloorDivide", "GetItem", "Log", "Log1p",
    "LogSoftmax", "LogSumExp", "MatMul", "Maximum", "Mean", "Minimum", "Mul", "Neg", "Permute", "Pow", "PowTensor",
    "Prod", "RPow", "ReLU", "Remainder", "Reshape", "Rsqrt", "Sigmoid", "Sin", "Softmax", "Sqrt", "Stack", "Std", "Sub", "Sum", "Take",
    "Tanh", "ToDevice", "Tri", "Var", "_number", "all_any", "apply1", "apply2", "apply_n", "argext", "cast", "host_number",
    "check_tensor", "chunk_op", "clamp", "compare", "copy_", "expand_op", "fill", "flatten_op", "gelu", "getitem",
    "inplace", "invert", "iop", "logical", "masked_fill", "max_dim", "nondiff", "permute_dims_op", "permute_op",
    "random_fill", "reshape_op", "select", "setitem", "split_op", "squeeze_op", "topk", "transpose_op",
    "unsqueeze_op", "where",
]  # fmt: skip
