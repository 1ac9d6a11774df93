"""Learning-rate schedules and gradient clipping around one small regression model.

Style: ``CosineAnnealingLR``, ``OneCycleLR``, ``LambdaLR`` with a lambda,
``nn.utils.clip_grad_norm_``, parameter groups with their own learning rates, RMSprop.
"""

import typedtorch as tt
from typedtorch import nn, optim
from typedtorch.optim import lr_scheduler

tt.manual_seed(0)
x, y = tt.randn(32, 6), tt.randn(32, 1)


def make() -> nn.Sequential:
    return nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 1))


def train(model: nn.Sequential, opt: optim.Optimizer, sched: lr_scheduler.LRScheduler, steps: int) -> float:
    last = 0.0
    for _ in range(steps):
        opt.zero_grad()
        loss = nn.mse_loss(model(x), y)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        opt.step()
        sched.step()
        last = loss.item()
    return last


m1 = make()
opt1 = optim.SGD(m1.parameters(), lr=0.1, momentum=0.9)
print(train(m1, opt1, lr_scheduler.CosineAnnealingLR(opt1, T_max=10), 10))

m2 = make()
opt2 = optim.Adam(m2.parameters(), lr=1e-3)
print(train(m2, opt2, lr_scheduler.OneCycleLR(opt2, max_lr=1e-2, total_steps=10), 10))

body, out = nn.Linear(6, 16), nn.Linear(16, 1)
m3 = nn.Sequential(body, nn.ReLU(), out)
opt3 = optim.RMSprop([{"params": body.parameters(), "lr": 1e-3}, {"params": out.parameters()}], lr=1e-2)
print(train(m3, opt3, lr_scheduler.LambdaLR(opt3, lambda epoch: 0.95**epoch), 10))
