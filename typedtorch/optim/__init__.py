"""Optimizers and learning-rate schedulers: ``typedtorch.optim``.

``SGD``, ``Adam``, ``AdamW``, ``RMSprop``, ``Adadelta`` with PyTorch's formulas,
defaults, parameter groups and ``state_dict()`` layout; ``optim.lr_scheduler`` holds
the schedulers. ``Optimizer`` is the base class to write one's own (see its module).

>>> from typedtorch import nn, optim
>>> model = nn.Linear(2, 1)
>>> opt = optim.Adam(model.parameters(), lr=1e-3)
>>> scheduler = optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)
>>> opt.zero_grad()
"""

from . import lr_scheduler as lr_scheduler
from ._adam import Adam as Adam
from ._adam import AdamW as AdamW
from ._optimizer import Optimizer as Optimizer
from ._rmsprop import Adadelta as Adadelta
from ._rmsprop import RMSprop as RMSprop
from ._sgd import SGD as SGD

__all__ = ["SGD", "Adadelta", "Adam", "AdamW", "Optimizer", "RMSprop", "lr_scheduler"]
