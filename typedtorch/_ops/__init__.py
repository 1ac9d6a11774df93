"""Differentiable ops, grouped by family; one class per op, forward and backward side by side.

=================  ===========================================================
``_apply``         running an op and recording it (``apply1``, ``apply2``, ``apply_n``)
``elementwise``    ``+ - * /``, ``maximum``, ``where``, one-input maths, dtype casts
``linalg``         ``@``
``reduction``      ``sum``, ``mean``, ``max``
``softmax``        ``softmax``, ``log_softmax``
``shape``          ``reshape``, ``transpose``, ``cat``, ``stack``
``indexing``       slicing and integer gathers
``device``         moving between devices
``linear``         ``x @ W + b`` fused (``nn.Linear``)
``losses``         fused losses (``nn.cross_entropy`` ...)
``dropout``        ``nn.Dropout``
=================  ===========================================================

The engine (``typedtorch._engine``) knows nothing of these: it only calls
``Function.backward``.
"""

from ._apply import _number, apply1, apply2, apply_n
from .device import ToDevice
from .elementwise import Add, AsType, Div, Exp, Log, Maximum, Mul, Neg, Pow, ReLU, Sigmoid, Sub, Tanh, where
from .indexing import GetItem, Take
from .linalg import MatMul
from .reduction import Max, Mean, Sum
from .shape import Cat, Reshape, Stack, Transpose
from .softmax import LogSoftmax, Softmax

__all__ = [
    "Add", "AsType", "Cat", "Div", "Exp", "GetItem", "Log", "LogSoftmax", "Max", "MatMul", "Maximum", "Mean",
    "Mul", "Neg", "Pow", "ReLU", "Reshape", "Sigmoid", "Softmax", "Stack", "Sub", "Sum", "Take", "Tanh",
    "ToDevice", "Transpose", "_number", "apply1", "apply2", "apply_n", "where",
]  # fmt: skip
