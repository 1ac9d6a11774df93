"""``Adam``: adaptive moment estimation, as ``torch.optim.Adam`` computes it."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from typedtorch._backend import Array
from typedtorch._tensor import Tensor

from ._optimizer import Optimizer


class Adam(Optimizer):
    """Adam with bias correction; ``weight_decay`` adds an L2 term to the gradient (not AdamW).

    Per step ``t`` (counted per parameter), for parameter ``p`` with gradient ``g``::

        g = g + weight_decay * p
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        p = p - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)

    >>> import typedtorch as tt
    >>> from typedtorch import optim
    >>> w = tt.tensor([1.0, -1.0], requires_grad=True)
    >>> opt = optim.Adam([w], lr=0.1)
    >>> (w * w).sum().backward(); opt.step()
    >>> [round(v, 4) for v in w.tolist()]   # the first step moves each weight by lr
    [0.9, -0.9]
    """

    def __init__(
        self,
        params: Iterable[Tensor[*tuple[Any, ...]]],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        for i, beta in enumerate(betas):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Adam: invalid beta parameter at index {i}: {beta}")
        if eps < 0.0:
            raise ValueError(f"Adam: invalid eps {eps}")
        if weight_decay < 0.0:
            raise ValueError(f"Adam: invalid weight_decay {weight_decay}")
        self.betas = betas
        self.eps = eps
        self.weight_decay = weight_decay
        n = len(self.params)
        self._steps = [0] * n
        self._m: list[Array | None] = [None] * n
        self._v: list[Array | None] = [None] * n

    def step(self) -> None:
        """Apply one update to every parameter that has a gradient, in place."""
        lr, eps, wd = self.lr, self.eps, self.weight_decay
        beta1, beta2 = self.betas
        for i, p in enumerate(self.params):
            g = p._grad
            if g is None:
                continue
            xp = p._backend.xp
            if wd != 0.0:
                g = g + wd * p._data
            m, v = self._m[i], self._v[i]
            if m is None or v is None:
                m = self._m[i] = xp.zeros_like(p._data)
                v = self._v[i] = xp.zeros_like(p._data)
            t = self._steps[i] = self._steps[i] + 1
            m *= beta1
            m += (1.0 - beta1) * g
            v *= beta2
            v += (1.0 - beta2) * (g * g)
            # PyTorch's arrangement of the bias corrections, so rounding matches too.
            denom = xp.sqrt(v)
            denom /= math.sqrt(1.0 - beta2**t)
            denom += eps
            update = m / denom
            update *= lr / (1.0 - beta1**t)
            p._data -= update
