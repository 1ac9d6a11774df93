"""``nn.Parameter``: a leaf tensor that requires grad, written the PyTorch way.

How a module finds its parameters (see ``Module``): every tensor stored in its
attributes (directly, or inside a list, tuple or dict) is a parameter, unless the
attribute was registered as a buffer. ``nn.Parameter`` is therefore not needed to
*register* anything; it exists so that PyTorch code (``self.w = nn.Parameter(
tt.randn(3, 4))``) reads and behaves the same: the result is a leaf that requires
grad and shares memory with the tensor it wraps, and ``isinstance(p, nn.Parameter)``
holds for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from typedtorch._dims import S
from typedtorch._tensor import AnyTensor, Tensor


def _wrap(cls: type, data: object, requires_grad: object, where: str = "Parameter") -> AnyTensor:
    if not isinstance(data, Tensor):
        raise TypeError(
            f"{where}: data must be a typedtorch Tensor, got {type(data).__name__}; wrap it with tt.tensor()"
        )
    if not isinstance(requires_grad, bool):
        raise TypeError(f"{where}: requires_grad must be a bool, got {type(requires_grad).__name__}")
    p: AnyTensor = object.__new__(cls)
    # Shares the array (a view, as torch.nn.Parameter shares storage) and cuts the graph.
    p._data = data._data
    p._version = data._version  # the same memory: the same version counter
    p._uses = 0
    p._backend = data._backend
    p._node = None
    p._grad = None
    p.requires_grad = requires_grad
    return p


if TYPE_CHECKING:

    class Parameter(Tensor[*S]):
        """A leaf tensor that requires grad (see the module docstring)."""

        def __new__(cls, data: Tensor[*S], requires_grad: bool = True) -> Parameter[*S]: ...
        def __init__(self, data: Tensor[*S], requires_grad: bool = True) -> None: ...

else:

    class Parameter(Tensor):
        """A leaf tensor that requires grad, sharing memory with ``data``.

        >>> import typedtorch as tt
        >>> from typedtorch import nn
        >>> w = nn.Parameter(tt.zeros(3, 4))
        >>> w.requires_grad, w.shape, isinstance(w, tt.Tensor)
        (True, (3, 4), True)
        >>> nn.Parameter(tt.zeros(2), requires_grad=False).requires_grad   # a frozen parameter
        False

        Ops on a parameter give plain tensors; ``Module.to()`` and
        ``load_state_dict()`` update a parameter in place, so it stays the same object.
        """

        __slots__ = ()

        def __new__(cls, data: Any = None, requires_grad: Any = True) -> Any:
            if data is None:  # PyTorch's nn.Parameter(): empty; also what copy.deepcopy calls
                from typedtorch._factories import zeros

                data = zeros(0)
            return _wrap(cls, data, requires_grad)

        def __init__(self, data: Any = None, requires_grad: Any = True) -> None:
            pass  # everything happened in __new__ (Tensor.__init__ would copy the data)

        def __repr__(self) -> str:
            return "Parameter containing:\n" + super().__repr__()
