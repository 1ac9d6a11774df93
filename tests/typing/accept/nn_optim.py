"""Optimizers take any iterable of tensors, of any shapes."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import reveal_type

import typedtorch as tt
from typedtorch import nn, optim

model = nn.Linear(784, 128) >> nn.ReLU() >> nn.Linear(128, 10)
sgd = optim.SGD(model.parameters(), lr=0.1)
reveal_type(sgd)  # R: typedtorch.optim._sgd.SGD
reveal_type(optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4))  # R: typedtorch.optim._sgd.SGD
reveal_type(optim.SGD(model.parameters(), 0.1, 0.9, nesterov=True))  # R: typedtorch.optim._sgd.SGD
reveal_type(optim.Adam(model.parameters()))  # R: typedtorch.optim._adam.Adam
reveal_type(optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.99), eps=1e-7, weight_decay=0.01))  # R: typedtorch.optim._adam.Adam

# Explicit lists of differently shaped tensors (TypeVarTuple arguments are covariant).
w = tt.randn(3, 4, requires_grad=True)
b = tt.zeros(4, requires_grad=True)
opt: optim.Optimizer = optim.Adam([w, b], lr=0.01)
reveal_type(opt.step())  # R: None
reveal_type(opt.zero_grad())  # R: None
reveal_type(opt.lr)  # R: float
opt.lr = 0.001  # schedules change it in place
optim.SGD((p for p in model.parameters()), lr=0.1).step()
