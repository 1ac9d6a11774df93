"""typedtorch: tensors whose shape is part of their type.

``Matrix[B, Literal[784]]`` is checked by mypy before the program runs and by
beartype when it runs; a define-by-run backprop engine, layers, losses and
optimizers sit on top, on numpy (CPU) or cupy (NVIDIA GPU).

Importing ``typedtorch`` itself is cheap: the public names load on first use (PEP 562),
so tools that only need a corner of the package (``typedtorch.mypy_plugin``, which
mypy imports) do not pull in numpy. mypy reads the imports under ``TYPE_CHECKING``.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from . import nn as nn
    from . import optim as optim
    from ._autograd import grad as grad
    from ._backend import manual_seed as manual_seed
    from ._checked import checked as checked
    from ._dtypes import DType as DType
    from ._dtypes import bool_ as bool
    from ._dtypes import double as double
    from ._dtypes import float16 as float16
    from ._dtypes import float32 as float
    from ._dtypes import float32 as float32
    from ._dtypes import float64 as float64
    from ._dtypes import half as half
    from ._dtypes import int8 as int8
    from ._dtypes import int16 as int16
    from ._dtypes import int32 as int
    from ._dtypes import int32 as int32
    from ._dtypes import int64 as int64
    from ._dtypes import long as long
    from ._dtypes import short as short
    from ._dtypes import uint8 as uint8
    from ._engine import enable_grad as enable_grad
    from ._engine import is_grad_enabled as is_grad_enabled
    from ._engine import no_grad as no_grad
    from ._engine import set_grad_enabled as set_grad_enabled
    from ._errors import DeviceError as DeviceError
    from ._errors import ShapeError as ShapeError
    from ._factories import arange as arange
    from ._factories import empty as empty
    from ._factories import eye as eye
    from ._factories import from_dlpack as from_dlpack
    from ._factories import from_numpy as from_numpy
    from ._factories import full as full
    from ._factories import full_like as full_like
    from ._factories import linspace as linspace
    from ._factories import ones as ones
    from ._factories import ones_like as ones_like
    from ._factories import rand as rand
    from ._factories import rand_like as rand_like
    from ._factories import randint as randint
    from ._factories import randn as randn
    from ._factories import randn_like as randn_like
    from ._factories import tensor as tensor
    from ._factories import zeros as zeros
    from ._factories import zeros_like as zeros_like
    from ._functional import abs as abs
    from ._functional import all as all
    from ._functional import amax as amax
    from ._functional import amin as amin
    from ._functional import any as any
    from ._functional import argmax as argmax
    from ._functional import argmin as argmin
    from ._functional import bmm as bmm
    from ._functional import cat as cat
    from ._functional import chunk as chunk
    from ._functional import clamp as clamp
    from ._functional import clip as clip
    from ._functional import concat as concat
    from ._functional import cos as cos
    from ._functional import einsum as einsum
    from ._functional import exp as exp
    from ._functional import flatten as flatten
    from ._functional import floor_divide as floor_divide
    from ._functional import gelu as gelu
    from ._functional import log as log
    from ._functional import log1p as log1p
    from ._functional import log_softmax as log_softmax
    from ._functional import logsumexp as logsumexp
    from ._functional import masked_fill as masked_fill
    from ._functional import matmul as matmul
    from ._functional import maximum as maximum
    from ._functional import mean as mean
    from ._functional import minimum as minimum
    from ._functional import mm as mm
    from ._functional import one_hot as one_hot
    from ._functional import permute as permute
    from ._functional import relu as relu
    from ._functional import remainder as remainder
    from ._functional import reshape as reshape
    from ._functional import sigmoid as sigmoid
    from ._functional import sin as sin
    from ._functional import softmax as softmax
    from ._functional import split as split
    from ._functional import sqrt as sqrt
    from ._functional import squeeze as squeeze
    from ._functional import stack as stack
    from ._functional import std as std
    from ._functional import sum as sum
    from ._functional import tanh as tanh
    from ._functional import topk as topk
    from ._functional import transpose as transpose
    from ._functional import tril as tril
    from ._functional import triu as triu
    from ._functional import unsqueeze as unsqueeze
    from ._functional import var as var
    from ._functional import where as where
    from ._import_hook import install_import_hook as install_import_hook
    from ._tensor import Matrix as Matrix
    from ._tensor import Scalar as Scalar
    from ._tensor import Tensor as Tensor
    from ._tensor import ValuesIndices as ValuesIndices
    from ._tensor import Vector as Vector

__version__ = "0.1.0"

__all__ = [
    "DType",
    "DeviceError",
    "Matrix",
    "Scalar",
    "ShapeError",
    "Tensor",
    "ValuesIndices",
    "Vector",
    "abs",
    "all",
    "amax",
    "amin",
    "any",
    "arange",
    "argmax",
    "argmin",
    "bmm",
    "bool",
    "cat",
    "checked",
    "chunk",
    "clamp",
    "clip",
    "concat",
    "cos",
    "double",
    "einsum",
    "empty",
    "enable_grad",
    "exp",
    "eye",
    "flatten",
    "floor_divide",
    "float",
    "float16",
    "float32",
    "float64",
    "from_dlpack",
    "from_numpy",
    "full",
    "full_like",
    "gelu",
    "grad",
    "half",
    "install_import_hook",
    "int",
    "int16",
    "int32",
    "int64",
    "int8",
    "is_grad_enabled",
    "linspace",
    "log",
    "log1p",
    "log_softmax",
    "logsumexp",
    "long",
    "manual_seed",
    "masked_fill",
    "matmul",
    "maximum",
    "mean",
    "minimum",
    "mm",
    "no_grad",
    "one_hot",
    "ones",
    "ones_like",
    "permute",
    "rand",
    "rand_like",
    "randint",
    "randn",
    "randn_like",
    "relu",
    "remainder",
    "reshape",
    "set_grad_enabled",
    "short",
    "sigmoid",
    "sin",
    "softmax",
    "split",
    "sqrt",
    "squeeze",
    "stack",
    "std",
    "sum",
    "tanh",
    "tensor",
    "topk",
    "transpose",
    "tril",
    "triu",
    "uint8",
    "unsqueeze",
    "var",
    "where",
    "zeros",
    "zeros_like",
]

# Where each public name lives ("module" or "module:attribute"): loaded on first use.
# Keep it equal to the imports above (tests/test_mypy_plugin.py checks that it is).
_LAZY = {
    "grad": "._autograd",
    "manual_seed": "._backend",
    "checked": "._checked",
    "DType": "._dtypes",
    "double": "._dtypes",
    "float16": "._dtypes",
    "float32": "._dtypes",
    "float64": "._dtypes",
    "half": "._dtypes",
    "int16": "._dtypes",
    "int32": "._dtypes",
    "int64": "._dtypes",
    "int8": "._dtypes",
    "long": "._dtypes",
    "short": "._dtypes",
    "uint8": "._dtypes",
    "enable_grad": "._engine",
    "is_grad_enabled": "._engine",
    "no_grad": "._engine",
    "set_grad_enabled": "._engine",
    "DeviceError": "._errors",
    "ShapeError": "._errors",
    "arange": "._factories",
    "empty": "._factories",
    "eye": "._factories",
    "from_dlpack": "._factories",
    "from_numpy": "._factories",
    "full": "._factories",
    "full_like": "._factories",
    "linspace": "._factories",
    "ones": "._factories",
    "ones_like": "._factories",
    "rand": "._factories",
    "rand_like": "._factories",
    "randint": "._factories",
    "randn": "._factories",
    "randn_like": "._factories",
    "tensor": "._factories",
    "zeros": "._factories",
    "zeros_like": "._factories",
    "abs": "._functional",
    "all": "._functional",
    "amax": "._functional",
    "amin": "._functional",
    "any": "._functional",
    "argmax": "._functional",
    "argmin": "._functional",
    "bmm": "._functional",
    "cat": "._functional",
    "chunk": "._functional",
    "clamp": "._functional",
    "clip": "._functional",
    "concat": "._functional",
    "cos": "._functional",
    "einsum": "._functional",
    "exp": "._functional",
    "flatten": "._functional",
    "floor_divide": "._functional",
    "gelu": "._functional",
    "log": "._functional",
    "log1p": "._functional",
    "log_softmax": "._functional",
    "logsumexp": "._functional",
    "masked_fill": "._functional",
    "matmul": "._functional",
    "maximum": "._functional",
    "mean": "._functional",
    "minimum": "._functional",
    "mm": "._functional",
    "one_hot": "._functional",
    "permute": "._functional",
    "relu": "._functional",
    "remainder": "._functional",
    "reshape": "._functional",
    "sigmoid": "._functional",
    "sin": "._functional",
    "softmax": "._functional",
    "split": "._functional",
    "sqrt": "._functional",
    "squeeze": "._functional",
    "stack": "._functional",
    "std": "._functional",
    "sum": "._functional",
    "tanh": "._functional",
    "topk": "._functional",
    "transpose": "._functional",
    "tril": "._functional",
    "triu": "._functional",
    "unsqueeze": "._functional",
    "var": "._functional",
    "where": "._functional",
    "install_import_hook": "._import_hook",
    "Matrix": "._tensor",
    "Scalar": "._tensor",
    "Tensor": "._tensor",
    "ValuesIndices": "._tensor",
    "Vector": "._tensor",
    "bool": "._dtypes:bool_",
    "float": "._dtypes:float32",
    "int": "._dtypes:int32",
    "nn": ".nn",
    "optim": ".optim",
}

if not TYPE_CHECKING:  # hidden from mypy, which would otherwise accept any attribute

    def __getattr__(name: str) -> object:
        if name not in _LAZY:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        _load()
        return globals()[name]

    def __dir__() -> list[str]:
        return sorted({*globals(), *_LAZY})


def _load() -> None:
    """Import every public name, as an eager ``__init__`` would (the subpackages last: they import the core)."""
    from importlib import import_module

    namespace = globals()
    for name, where in _LAZY.items():
        if name not in namespace:
            module, _, attr = where.partition(":")
            loaded = import_module(module, __name__)
            namespace[name] = loaded if module == "." + name else getattr(loaded, attr or name)
