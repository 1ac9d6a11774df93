"""Optimizers need an iterable of tensors and numeric hyperparameters."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

import typedtorch as tt
from typedtorch import nn, optim

model = nn.Linear(784, 10)
optim.SGD(model.parameters())  # E: Missing positional argument "lr" in call to "SGD"
optim.SGD(model, lr=0.1)  # E: Argument 1 to "SGD" has incompatible type "Linear[Literal[784], Literal[10]]"; expected "Iterable[Tensor[*tuple[Any, ...]]]"
optim.SGD([1.0, 2.0], lr=0.1)  # E: List item 0 has incompatible type "float"; expected "Tensor[*tuple[Any, ...]]"
optim.SGD(model.parameters(), lr="0.1")  # E: Argument "lr" to "SGD" has incompatible type "str"; expected "float"
optim.SGD(model.parameters(), 0.1, 0.9, 0.0, 0.0)  # E: Too many positional arguments for "SGD"
optim.Adam(model.parameters(), betas=0.9)  # E: Argument "betas" to "Adam" has incompatible type "float"; expected "tuple[float, float]"
optim.Adam(model.parameters(), momentum=0.9)  # E: Unexpected keyword argument "momentum" for "Adam"
opt = optim.Adam(model.parameters())
opt.step(tt.zeros(3))  # E: Too many arguments for "step" of "Adam"
