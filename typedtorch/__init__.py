"""typedtorch: tensors whose shape is part of their type.

``Matrix[B, Literal[784]]`` is checked by mypy before the program runs and by
beartype when it runs; a define-by-run backprop engine, layers, losses and
optimizers sit on top, on numpy (CPU) or cupy (NVIDIA GPU).
"""

from ._autograd import grad as grad
from ._backend import manual_seed as manual_seed
from ._checked import checked as checked
from ._engine import enable_grad as enable_grad
from ._engine import no_grad as no_grad
from ._errors import DeviceError as DeviceError
from ._errors import ShapeError as ShapeError
from ._factories import (
    arange as arange,
)
from ._factories import (
    from_dlpack as from_dlpack,
)
from ._factories import (
    from_numpy as from_numpy,
)
from ._factories import (
    full as full,
)
from ._factories import (
    ones as ones,
)
from ._factories import (
    rand as rand,
)
from ._factories import (
    randn as randn,
)
from ._factories import (
    tensor as tensor,
)
from ._factories import (
    zeros as zeros,
)
from ._functional import (
    cat as cat,
)
from ._functional import (
    exp as exp,
)
from ._functional import (
    flatten as flatten,
)
from ._functional import (
    log as log,
)
from ._functional import (
    log_softmax as log_softmax,
)
from ._functional import (
    maximum as maximum,
)
from ._functional import (
    relu as relu,
)
from ._functional import (
    reshape as reshape,
)
from ._functional import (
    sigmoid as sigmoid,
)
from ._functional import (
    softmax as softmax,
)
from ._functional import (
    stack as stack,
)
from ._functional import (
    tanh as tanh,
)
from ._functional import (
    where as where,
)
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

# The subpackages import the core above, so they come last.
from . import nn as nn
from . import optim as optim
