"""``SGD``: stochastic gradient descent with PyTorch's momentum and weight decay."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from typedtorch._backend import Array
from typedtorch._tensor import Tensor

from ._optimizer import Optimizer


class SGD(Optimizer):
    """``p -= lr * g``, with PyTorch's optional momentum, dampening, Nesterov and L2 decay.

    Per step, for each parameter ``p`` with gradient ``g`` (``torch.optim.SGD``'s rule)::

        g = g + weight_decay * p
        buf = g  (first step)   or   buf = momentum * buf + (1 - dampening) * g
        g = g + momentum * buf  (nesterov)   or   g = buf
        p = p - lr * g

    >>> import typedtorch as tt
    >>> from typedtorch import optim
    >>> w = tt.tensor([1.0, 2.0], requires_grad=True)
    >>> opt = optim.SGD([w], lr=0.5)
    >>> (w * w).sum().backward(); opt.step()
    >>> w.tolist()
    [0.0, 0.0]
    """

    def __init__(
        self,
        params: Iterable[Tensor[*tuple[Any, ...]]],
        lr: float,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        *,
        dampening: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(params, lr)
        if momentum < 0.0:
            raise ValueError(f"SGD: invalid momentum {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"SGD: invalid weight_decay {weight_decay}")
        if nesterov and (momentum <= 0.0 or dampening != 0.0):
            raise ValueError("SGD: nesterov needs a positive momentum and zero dampening")
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.dampening = dampening
        self.nesterov = nesterov
        self._buffers: list[Array | None] = [None] * len(self.params)

    def step(self) -> None:
        """Apply one update to every parameter that has a gradient, in place."""
        lr, momentum, wd = self.lr, self.momentum, self.weight_decay
        buffers = self._buffers
        for i, p in enumerate(self.params):
            g = p._grad
            if g is None:
                continue
            if wd != 0.0:
                g = g + wd * p._data  # a new array: the gradient itself stays untouched
            if momentum != 0.0:
                buf = buffers[i]
                if buf is None:
                    buf = buffers[i] = p._backend.xp.asarray(g, copy=True)
                else:
                    buf *= momentum
                    buf += g if self.dampening == 0.0 else (1.0 - self.dampening) * g
                g = g + momentum * buf if self.nesterov else buf
            p._data -= lr * g
