"""Optimizers: ``typedtorch.optim.SGD`` and ``typedtorch.optim.Adam``.

>>> from typedtorch import nn, optim
>>> model = nn.Linear(2, 1)
>>> opt = optim.Adam(model.parameters(), lr=1e-3)
>>> opt.zero_grad()
"""

from ._adam import Adam as Adam
from ._optimizer import Optimizer as Optimizer
from ._sgd import SGD as SGD

__all__ = ["SGD", "Adam", "Optimizer"]
