"""``LayerNorm``: normalise each vector over its last dim(s), then scale and shift."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Final, Generic, Literal, TypeVar, overload

from typing_extensions import TypeVarTuple

from typedtorch._backend import get_backend
from typedtorch._dims import Size
from typedtorch._errors import ShapeError
from typedtorch._ops.norm import layer_norm
from typedtorch._rules import output_shape
from typedtorch._tensor import Tensor, make

from ._functional_attention import _norm_shape
from ._module import Module

D = TypeVar("D", bound=int | Literal[0])
S = TypeVarTuple("S")

RULE = "*S D -> *S D"


class LayerNorm(Module, Generic[D]):
    """``(x - mean) / sqrt(var + eps) * weight + bias`` over the last ``normalized_shape`` dims.

    ``LayerNorm(128)`` is a ``LayerNorm[Literal[128]]`` and maps ``Tensor[*S, 128]`` to
    the same shape; an input whose last dim is not 128 is a mypy error and, at run
    time, a ``ShapeError`` naming the sizes. The variance is the biased one, as in
    PyTorch; ``weight`` starts at 1 and ``bias`` at 0. A tuple ``normalized_shape`` of
    several dims normalises over all of them (statically the last one is then
    unknown, checked at run time). The backward pass is one node, written by hand.

    >>> import typedtorch as tt
    >>> from typedtorch import nn
    >>> ln = nn.LayerNorm(128)
    >>> ln(tt.randn(32, 64, 128)).shape
    (32, 64, 128)
    >>> ln(tt.randn(32, 64, 100))
    Traceback (most recent call last):
    ...
    typedtorch.ShapeError: LayerNorm[128]: input is Tensor[32, 64, 100], dim 2 is 100, expected D = 128 (rule '*S D -> *S D')
    """

    # Read by the mypy plugin and, for a one-dim normalized_shape, by __call__ at run time.
    __shape_rule__: Final = RULE

    normalized_shape: tuple[int, ...]
    weight: Tensor[D] | None
    bias: Tensor[D] | None

    @overload
    def __init__(
        self: LayerNorm[D],
        normalized_shape: Size[D],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        *,
        device: str | None = None,
        dtype: str = "float32",
    ) -> None: ...
    @overload
    def __init__(
        self: LayerNorm[D],
        normalized_shape: tuple[Size[D]],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        *,
        device: str | None = None,
        dtype: str = "float32",
    ) -> None: ...
    @overload
    def __init__(  # several dims: the last one is checked at run time only
        self: LayerNorm[Any],
        normalized_shape: Sequence[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        *,
        device: str | None = None,
        dtype: str = "float32",
    ) -> None: ...
    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        *,
        device: str | None = None,
        dtype: str = "float32",
    ) -> None:
        shape = _norm_shape(normalized_shape, "LayerNorm")
        if not eps >= 0.0:
            raise ValueError(f"LayerNorm: eps must be non-negative, got {eps}")
        self.normalized_shape = shape
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        backend = get_backend(device)
        xp = backend.xp
        dt = backend.dtype(dtype)
        self.weight = self.bias = None
        if elementwise_affine:
            self.weight = _leaf(xp.ones(shape, dtype=dt, device=backend.native_device), backend)
            if bias:
                self.bias = _leaf(xp.zeros(shape, dtype=dt, device=backend.native_device), backend)
        # The rule and its sizes for the run-time check; several dims spell theirs out.
        self._who = f"LayerNorm[{shape[0]}]" if len(shape) == 1 else f"LayerNorm[{', '.join(map(str, shape))}]"
        self._rule = RULE if len(shape) == 1 else f"*S {' '.join(map(str, shape))} -> *S {' '.join(map(str, shape))}"
        self._params = {"D": shape[0]} if len(shape) == 1 else {}
        self._d = math.prod(shape)

    def __call__(self, x: Tensor[*S, D]) -> Tensor[*S, D]:
        if not isinstance(x, Tensor):
            raise TypeError(f"{self._who}: expected a Tensor, got {type(x).__name__}")
        shape = x._data.shape
        k = len(self.normalized_shape)
        if tuple(shape[len(shape) - k :]) != self.normalized_shape or len(shape) < k:
            output_shape(self._who, self._rule, tuple(shape), self._params)  # raises with the rule's message
            raise ShapeError(f"{self._who}: input is {tuple(shape)}, expected it to end in {self.normalized_shape}")
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        shape = self.normalized_shape
        return f"{shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


def _leaf(data: Any, backend: Any) -> Any:
    t = make(data, backend, None)
    t.requires_grad = True
    return t
