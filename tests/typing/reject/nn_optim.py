"""Optimizers need an iterable of tensors and numeric hyperparameters."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

import typedtorch as tt
from typedtorch import nn, optim

model = nn.Linear(784, 10)
optim.SGD(model, lr=0.1)  # E: Argument 1 to "SGD" has incompatible type "Linear[Literal[784], Literal[10]]"; expected "Iterable[Tensor[*tuple[Any, ...]] | dict[str, Any]]"
optim.SGD([1.0, 2.0], lr=0.1)  # E: List item 0 has incompatible type "float"; expected "Tensor[*tuple[Any, ...]] | dict[str, Any]"
optim.SGD(model.parameters(), lr="0.1")  # E: Argument "lr" to "SGD" has incompatible type "str"; expected "float"
optim.SGD(model.parameters(), 0.1, 0.9, 0.0, 0.0, False, True)  # E: Too many positional arguments for "SGD"
optim.Adam(model.parameters(), betas=0.9)  # E: Argument "betas" to "Adam" has incompatible type "float"; expected "tuple[float, float]"
optim.Adam(model.parameters(), momentum=0.9)  # E: Unexpected keyword argument "momentum" for "Adam"
opt = optim.Adam(model.parameters())
opt.step(tt.zeros(3))  # E: No overload variant of "step" of "Optimizer" matches argument type "Tensor[Literal[3]]"
optim.RMSprop(model.parameters(), betas=(0.9, 0.99))  # E: Unexpected keyword argument "betas" for "RMSprop"
optim.Adadelta(model.parameters(), momentum=0.9)  # E: Unexpected keyword argument "momentum" for "Adadelta"
optim.AdamW(model.parameters(), decoupled_weight_decay=False)  # E: Unexpected keyword argument "decoupled_weight_decay" for "AdamW"
opt.zero_grad(True, True)  # E: Too many arguments for "zero_grad" of "Optimizer"
opt.param_groups[0] = [0.1]  # E: No overload variant of "__setitem__" of "list" matches argument types
optim.lr_scheduler.StepLR(opt)  # E: Missing positional argument "step_size" in call to "StepLR"
optim.lr_scheduler.StepLR(model, 10)  # E: Argument 1 to "StepLR" has incompatible type "Linear[Literal[784], Literal[10]]"; expected "Optimizer"
optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, anneal_strategy="cosine")  # E: Argument "anneal_strategy" to "OneCycleLR" has incompatible type "Literal['cosine']"
optim.lr_scheduler.LambdaLR(opt, lr_lambda=0.5)  # E: Argument "lr_lambda" to "LambdaLR" has incompatible type "float"
lr: str = optim.lr_scheduler.ExponentialLR(opt, 0.9).get_last_lr()[0]  # E: Incompatible types in assignment (expression has type "float", variable has type "str")
