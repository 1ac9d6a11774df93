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
    from ._engine import enable_grad as enable_grad
    from ._engine import no_grad as no_grad
    from ._errors import DeviceError as DeviceError
    from ._errors import ShapeError as ShapeError
    from ._factories import arange as arange
    from ._factories import from_dlpack as from_dlpack
    from ._factories import from_numpy as from_numpy
    from ._factories import full as full
    from ._factories import ones as ones
    from ._factories import rand as rand
    from ._factories import randn as randn
    from ._factories import tensor as tensor
    from ._factories import zeros as zeros
    from ._functional import cat as cat
    from ._functional import exp as exp
    from ._functional import flatten as flatten
    from ._functional import log as log
    from ._functional import log_softmax as log_softmax
    from ._functional import maximum as maximum
    from ._functional import relu as relu
    from ._functional import reshape as reshape
    from ._functional import sigmoid as sigmoid
    from ._functional import softmax as softmax
    from ._functional import stack as stack
    from ._functional import tanh as tanh
    from ._functional import where as where
    from ._import_hook import install_import_hook as install_import_hook
    from ._tensor import Matrix as Matrix
    from ._tensor import Scalar as Scalar
    from ._tensor import Tensor as Tensor
    from ._tensor import Vector as Vector

__version__ = "0.1.0"

__all__ = [
    "DeviceError",
    "Matrix",
    "Scalar",
    "ShapeError",
    "Tensor",
    "Vector",
    "arange",
    "cat",
    "checked",
    "enable_grad",
    "exp",
    "flatten",
    "from_dlpack",
    "from_numpy",
    "full",
    "grad",
    "install_import_hook",
    "log",
    "log_softmax",
    "manual_seed",
    "maximum",
    "no_grad",
    "ones",
    "rand",
    "randn",
    "relu",
    "reshape",
    "sigmoid",
    "softmax",
    "stack",
    "tanh",
    "tensor",
    "where",
    "zeros",
]

# Where each public name lives: loaded on first use. Keep it equal to the imports above
# (tests/test_mypy_plugin.py checks that it is).
_LAZY = {
    "grad": "._autograd",
    "manual_seed": "._backend",
    "checked": "._checked",
    "enable_grad": "._engine",
    "no_grad": "._engine",
    "DeviceError": "._errors",
    "ShapeError": "._errors",
    "arange": "._factories",
    "from_dlpack": "._factories",
    "from_numpy": "._factories",
    "full": "._factories",
    "ones": "._factories",
    "rand": "._factories",
    "randn": "._factories",
    "tensor": "._factories",
    "zeros": "._factories",
    "cat": "._functional",
    "exp": "._functional",
    "flatten": "._functional",
    "log": "._functional",
    "log_softmax": "._functional",
    "maximum": "._functional",
    "relu": "._functional",
    "reshape": "._functional",
    "sigmoid": "._functional",
    "softmax": "._functional",
    "stack": "._functional",
    "tanh": "._functional",
    "where": "._functional",
    "install_import_hook": "._import_hook",
    "Matrix": "._tensor",
    "Scalar": "._tensor",
    "Tensor": "._tensor",
    "Vector": "._tensor",
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
    for name, module in _LAZY.items():
        if name not in namespace:
            loaded = import_module(module, __name__)
            namespace[name] = loaded if module == "." + name else getattr(loaded, name)
