"""Optimizers take any iterable of tensors, of any shapes."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from collections.abc import Iterable
from typing import Any, reveal_type

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

# The other optimizers, with PyTorch's argument order.
reveal_type(optim.AdamW(model.parameters(), 1e-3, (0.9, 0.95), 1e-8, 0.1, True))  # R: typedtorch.optim._adam.AdamW
reveal_type(optim.RMSprop(model.parameters(), lr=0.01, alpha=0.9, momentum=0.9, centered=True))  # R: typedtorch.optim._rmsprop.RMSprop
reveal_type(optim.Adadelta(model.parameters()))  # R: typedtorch.optim._rmsprop.Adadelta
reveal_type(optim.SGD(model.parameters(), 0.1, 0.9, 0.0, 1e-4, True, maximize=False))  # R: typedtorch.optim._sgd.SGD
reveal_type(optim.Adam(model.parameters(), amsgrad=True, maximize=True))  # R: typedtorch.optim._adam.Adam

# Parameter groups: a list of dicts that schedulers (and users) change.
groups = optim.SGD([{"params": [w]}, {"params": [b], "lr": 0.01}], lr=0.1, momentum=0.9)
reveal_type(groups.param_groups)  # R: list[dict[str, Any]]
groups.param_groups[1]["lr"] = 0.001
groups.add_param_group({"params": [tt.zeros(2, requires_grad=True)], "lr": 0.5})
reveal_type(groups.state_dict())  # R: dict[str, Any]
groups.load_state_dict(groups.state_dict())
groups.zero_grad(set_to_none=False)

# step(closure) returns what the closure returns.
def closure() -> tt.Scalar:
    return (w * w).sum()


reveal_type(groups.step(closure))  # R: typedtorch._tensor.Tensor[()]

# Schedulers.
from typedtorch.optim import lr_scheduler  # noqa: E402

sched = lr_scheduler.StepLR(sgd, step_size=30, gamma=0.1)
reveal_type(sched.get_last_lr())  # R: list[float]
sched.step()
reveal_type(lr_scheduler.MultiStepLR(sgd, milestones=[30, 80]))  # R: typedtorch.optim.lr_scheduler.MultiStepLR
reveal_type(lr_scheduler.ExponentialLR(sgd, 0.9))  # R: typedtorch.optim.lr_scheduler.ExponentialLR
reveal_type(lr_scheduler.CosineAnnealingLR(sgd, T_max=100, eta_min=1e-5))  # R: typedtorch.optim.lr_scheduler.CosineAnnealingLR
reveal_type(lr_scheduler.OneCycleLR(sgd, max_lr=0.1, epochs=10, steps_per_epoch=100))  # R: typedtorch.optim.lr_scheduler.OneCycleLR
reveal_type(lr_scheduler.LambdaLR(sgd, lambda epoch: 0.95**epoch))  # R: typedtorch.optim.lr_scheduler.LambdaLR
state = sched.state_dict()
sched.load_state_dict(state)
scheduler: lr_scheduler.LRScheduler = sched


# A custom optimizer: subclass Optimizer, pass the defaults, write step().
class SignSGD(optim.Optimizer):
    def __init__(self, params: Iterable[tt.Tensor[*tuple[Any, ...]]], lr: float = 0.01) -> None:
        super().__init__(params, {"lr": lr})

    def step(self, closure: None = None) -> None:  # type: ignore[override]
        with tt.no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        self.state[p]["seen"] = True


custom: optim.Optimizer = SignSGD(model.parameters())
