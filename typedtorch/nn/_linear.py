# pyright: reportInvalidTypeForm=false
"""``Linear``: the affine layer, generic in its input and output sizes."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Generic, Literal, TypeVar

from typing_extensions import TypeVarTuple

from typedtorch._backend import get_backend, host_uniform
from typedtorch._dims import MypyOnly, Size
from typedtorch._errors import ShapeError
from typedtorch._oprules import RUNTIME, show
from typedtorch._ops.linear import linear
from typedtorch._ops.losses import check_float
from typedtorch._tensor import Tensor, make

from ._compose import Sequential, chain
from ._module import Module

# A bound that mentions a Literal makes mypy keep `Literal[784]` for an argument 784
# instead of widening it to `int`, so `Linear(784, 128)` needs no annotation.
In = TypeVar("In", bound=int | Literal[0])
Out = TypeVar("Out", bound=int | Literal[0])
# The same TypeVars as run-time values, for `__typedtorch_dims__`.
_IN: object = In
_OUT: object = Out
P = TypeVarTuple("P")
B = TypeVar("B")
Z = TypeVar("Z")


class Linear(Module, Generic[In, Out]):
    """``y = x @ weight + bias``, mapping ``Tensor[*P, In]`` to ``Tensor[*P, Out]``.

    ``Linear(784, 128)`` is a ``Linear[Literal[784], Literal[128]]`` without any
    annotation, so mypy rejects calling it on a ``Matrix[B, Literal[100]]``; at run
    time it checks its input too. ``weight`` is stored ``(in, out)`` so the forward
    pass needs no transpose. Both parameters start uniform in
    ``[-1/sqrt(in), 1/sqrt(in)]`` (PyTorch's default Kaiming-uniform init), drawn on the
    host from ``seed``, or from the generator ``tt.manual_seed`` seeds when ``seed`` is
    ``None``.

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> fc = nn.Linear(784, 128, seed=0)
    >>> fc(tt.zeros(64, 784)).shape
    (64, 128)
    >>> fc.weight.shape
    (784, 128)
    """

    in_features: In
    out_features: Out
    weight: Tensor[In, Out]
    bias: Tensor[Out] | None

    def __init__(
        self,
        in_features: Size[In],
        out_features: Size[Out],
        bias: bool = True,
        *,
        device: str | None = None,
        dtype: str = "float32",
        seed: int | None = None,
    ) -> None:
        for what, n in (("in_features", in_features), ("out_features", out_features)):
            if not isinstance(n, int) or isinstance(n, bool) or n < 0:
                raise ValueError(f"Linear: {what} must be a non-negative int, got {n!r}")
        self.in_features = in_features
        self.out_features = out_features
        bound = 1.0 / math.sqrt(in_features) if in_features > 0 else 0.0
        n_weight = in_features * out_features
        # One draw for both parameters, so a seed fixes all of them without reusing a stream.
        host = host_uniform(-bound, bound, (n_weight + (out_features if bias else 0),), seed).astype(dtype)
        backend = get_backend(device)
        self.weight = _leaf(backend.from_host(host[:n_weight].reshape(in_features, out_features)), backend)
        self.bias = _leaf(backend.from_host(host[n_weight:]), backend) if bias else None

    def __typedtorch_dims__(self) -> dict[object, int]:
        """Sizes for ``@tt.checked``: any checked method of a ``Linear`` (a subclass's
        ``__call__``, or ``tt.checked(nn.Linear.__call__)``) starts with ``In`` and
        ``Out`` bound to this layer's sizes, so a wrong input fails the annotation."""
        return {_IN: self.in_features, _OUT: self.out_features}

    # Not decorated with @tt.checked by default: the explicit test below gives the same
    # guarantee for this one annotation at a tenth of the cost, on every training step.
    def __call__(self, x: Tensor[*P, In]) -> Tensor[*P, Out]:
        check_float(x, "Linear", "input")  # a list would fail below with an AttributeError, ints would promote
        shape = tuple(x._data.shape)
        if not shape or shape[-1] != self.in_features:
            # The words of the mypy plugin's error for the same call.
            name, got = f"Linear[{self.in_features}, {self.out_features}]", show(shape, RUNTIME)
            if not shape:
                raise ShapeError(f"{name}: input is {got}, expected at least 1 dim (the {self.in_features} features)")
            want = show((*shape[:-1], self.in_features), RUNTIME)
            raise ShapeError(f"{name}: input is {got}, expected {want} (last dim: {shape[-1]} != {self.in_features})")
        return linear(x, self.weight, self.bias)

    def __rshift__(self, other: MypyOnly[Callable[[Tensor[B, Out]], Tensor[B, Z]]]) -> Sequential[In, Z]:
        """``Linear(784, 128) >> ReLU() >> Linear(128, 10)``: a ``Sequential[L[784], L[10]]``."""
        return chain(self, other)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


def _leaf(data: Any, backend: Any) -> Any:
    t = make(data, backend, None)
    t.requires_grad = True
    return t
