"""``Optimizer``: the parameter list and ``zero_grad`` that every optimizer shares."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from typedtorch._tensor import Tensor


class Optimizer:
    """Base class: holds the parameters (each tensor once) and clears their gradients.

    Subclasses implement ``step()``, which updates each parameter's array in place from
    its ``.grad`` (parameters without a gradient are skipped) and never writes into a
    gradient array, which backward may share between tensors.

    >>> import typedtorch as tt
    >>> from typedtorch import nn, optim
    >>> opt = optim.SGD(nn.Linear(2, 1).parameters(), lr=0.1)
    >>> len(opt.params)
    2
    """

    def __init__(self, params: Iterable[Tensor[*tuple[Any, ...]]], lr: float) -> None:
        if isinstance(params, Tensor):
            raise TypeError(f"{type(self).__name__}: params must be an iterable of tensors, got a single Tensor")
        if lr < 0.0:
            raise ValueError(f"{type(self).__name__}: invalid learning rate {lr}")
        unique: list[Tensor[*tuple[Any, ...]]] = []
        seen: set[int] = set()
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"{type(self).__name__}: expected tensors, got {type(p).__name__}")
            if p._node is not None:
                raise ValueError(f"{type(self).__name__}: can only optimize leaf tensors, got one computed by an op")
            if id(p) not in seen:
                seen.add(id(p))
                unique.append(p)
        if not unique:
            raise ValueError(f"{type(self).__name__} got an empty parameter list")
        self.params = unique
        self.lr = lr

    def zero_grad(self) -> None:
        """Forget every parameter's gradient (``.grad`` becomes ``None``)."""
        for p in self.params:
            p._grad = None

    def step(self) -> None:
        """Update every parameter that has a gradient."""
        raise NotImplementedError

    def __repr__(self) -> str:
        hyper = ", ".join(f"{k}={v}" for k, v in vars(self).items() if not k.startswith("_") and k != "params")
        return f"{type(self).__name__}({len(self.params)} tensors, {hyper})"
