"""Learning-rate schedulers, as ``torch.optim.lr_scheduler`` computes them.

A scheduler changes ``optimizer.param_groups[i]["lr"]`` when ``step()`` is called
(once per epoch, or once per batch for ``OneCycleLR``), after ``optimizer.step()``:

>>> import typedtorch as tt
>>> from typedtorch import optim
>>> w = tt.zeros(1, requires_grad=True)
>>> opt = optim.SGD([w], lr=1.0)
>>> scheduler = optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
>>> rates = []
>>> for epoch in range(5):
...     opt.step()          # (a training epoch)
...     rates.append(scheduler.get_last_lr()[0])
...     scheduler.step()
>>> rates
[1.0, 1.0, 0.5, 0.5, 0.25]

The values are PyTorch's to the last bit: each ``step()`` uses the same recursive
(chainable) formula PyTorch's ``get_lr`` uses, and ``LambdaLR``/``OneCycleLR`` their
closed forms. ``state_dict()`` holds Python numbers and lists only (``LambdaLR``'s
functions are not saved: they are code, rebuilt by the program that loads).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

from ._optimizer import Optimizer

__all__ = ["CosineAnnealingLR", "ExponentialLR", "LRScheduler", "LambdaLR", "MultiStepLR", "OneCycleLR", "StepLR"]


class LRScheduler:
    """Base class: ``step()``, ``get_last_lr()``, ``state_dict()``/``load_state_dict()``.

    Creating a scheduler records each group's ``initial_lr`` (when ``last_epoch=-1``)
    and sets the rates for epoch 0. Subclasses implement ``get_lr()``: the rates for
    ``self.last_epoch``, given the rates now in the optimizer.
    """

    # Attributes that are configuration or progress, saved by state_dict (subclasses add theirs).
    _saved: tuple[str, ...] = ("base_lrs", "last_epoch", "_step_count", "_last_lr")

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        name = type(self).__name__
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{name}: {type(optimizer).__name__} is not an Optimizer")
        if isinstance(last_epoch, bool) or not isinstance(last_epoch, int) or last_epoch < -1:
            raise ValueError(f"{name}: last_epoch must be an int >= -1, got {last_epoch!r}")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"{name}: param_groups[{i}] has no 'initial_lr': resuming with last_epoch={last_epoch} "
                        "needs the optimizer's state loaded first"
                    )
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self) -> list[float]:
        """The learning rates for ``last_epoch`` (called by ``step()``); use ``get_last_lr()`` to read them."""
        raise NotImplementedError

    def step(self) -> None:
        """Advance one epoch (or batch) and set each group's ``lr``; call it after ``optimizer.step()``."""
        self._step_count += 1
        self.last_epoch += 1
        values = self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, values, strict=True):
            group["lr"] = lr
        self._last_lr: list[float] = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        """The learning rate of each parameter group, as the last ``step()`` set it."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """Progress and configuration as Python numbers and lists (not the optimizer)."""
        return {key: _copy(getattr(self, key)) for key in self._saved}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore what :meth:`state_dict` returned; checks every key and type before changing anything."""
        name = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"{name}: expected a dict, got {type(state_dict).__name__}")
        missing = [k for k in self._saved if k not in state_dict]
        unknown = [k for k in state_dict if k not in self._saved]
        if missing or unknown:
            what = f"missing {missing}" if missing else f"unexpected {unknown}"
            raise ValueError(f"{name}: the state does not fit {type(self).__name__}: {what}")
        groups = len(self.optimizer.param_groups)
        for key in ("base_lrs", "_last_lr"):
            value = state_dict[key]
            if not isinstance(value, list | tuple) or len(value) != groups or not all(_is_number(v) for v in value):
                raise ValueError(f"{name}: {key!r} must be a list of {groups} numbers, got {value!r}")
        for key in ("last_epoch", "_step_count"):
            value = state_dict[key]
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name}: {key!r} must be an int, got {value!r}")
        self._check_state(name, state_dict)
        for key in self._saved:
            setattr(self, key, self._restore(key, _copy(state_dict[key])))

    def _check_state(self, name: str, state_dict: Mapping[str, Any]) -> None:
        """Each subclass key holds the same kind of value as now (a number, a bool, a string or a list)."""
        for key in self._saved[len(LRScheduler._saved) :]:
            now, new = self.state_dict()[key], state_dict[key]
            if isinstance(now, bool) or isinstance(new, bool):
                ok = isinstance(now, bool) and isinstance(new, bool)
            elif _is_number(now):
                ok = _is_number(new)
            elif isinstance(now, list):
                ok = isinstance(new, list | tuple)
            else:
                ok = type(new) is type(now)
            if not ok:
                raise ValueError(f"{name}: {key!r} must be like {now!r}, got {new!r}")

    def _restore(self, key: str, value: Any) -> Any:
        return list(value) if key in ("base_lrs", "_last_lr") else value

    def __repr__(self) -> str:
        return f"{type(self).__name__}(last_epoch={self.last_epoch}, last_lr={self._last_lr})"


class LambdaLR(LRScheduler):
    """``lr = initial_lr * lr_lambda(epoch)``; one function, or one per parameter group.

    >>> import typedtorch as tt
    >>> from typedtorch import optim
    >>> opt = optim.SGD([tt.zeros(1, requires_grad=True)], lr=0.1)
    >>> warmup = optim.lr_scheduler.LambdaLR(opt, lambda epoch: min(1.0, (epoch + 1) / 4))
    >>> opt.param_groups[0]["lr"]
    0.025
    """

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        groups = len(getattr(optimizer, "param_groups", ()))
        if isinstance(lr_lambda, list | tuple):
            if len(lr_lambda) != groups:
                raise ValueError(f"LambdaLR: expected {groups} lr_lambdas (one per group), got {len(lr_lambda)}")
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * groups
        for fn in self.lr_lambdas:
            if not callable(fn):
                raise TypeError(f"LambdaLR: lr_lambda must be callable, got {type(fn).__name__}")
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [base * fn(self.last_epoch) for fn, base in zip(self.lr_lambdas, self.base_lrs, strict=True)]


class StepLR(LRScheduler):
    """Multiply the rate by ``gamma`` every ``step_size`` epochs."""

    _saved = (*LRScheduler._saved, "step_size", "gamma")

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1) -> None:
        if isinstance(step_size, bool) or not isinstance(step_size, int) or step_size < 1:
            raise ValueError(f"StepLR: step_size must be a positive int, got {step_size!r}")
        self.step_size = step_size
        self.gamma = _finite("StepLR", "gamma", gamma)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return [group["lr"] for group in self.optimizer.param_groups]
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]


class MultiStepLR(LRScheduler):
    """Multiply the rate by ``gamma`` at each epoch in ``milestones`` (twice if listed twice)."""

    _saved = (*LRScheduler._saved, "milestones", "gamma")

    def __init__(
        self, optimizer: Optimizer, milestones: Iterable[int], gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        ms = list(milestones)
        if not all(isinstance(m, int) and not isinstance(m, bool) for m in ms):
            raise TypeError(f"MultiStepLR: milestones must be ints, got {ms!r}")
        self.milestones = Counter(ms)
        self.gamma = _finite("MultiStepLR", "gamma", gamma)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch not in self.milestones:
            return [group["lr"] for group in self.optimizer.param_groups]
        return [group["lr"] * self.gamma ** self.milestones[self.last_epoch] for group in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        state = super().state_dict()
        state["milestones"] = sorted(self.milestones.elements())  # a list of ints, not a Counter
        return state

    def _restore(self, key: str, value: Any) -> Any:
        return Counter(value) if key == "milestones" else super()._restore(key, value)


class ExponentialLR(LRScheduler):
    """Multiply the rate by ``gamma`` every epoch."""

    _saved = (*LRScheduler._saved, "gamma")

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = _finite("ExponentialLR", "gamma", gamma)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self._is_initial:
            return [group["lr"] for group in self.optimizer.param_groups]
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]


class CosineAnnealingLR(LRScheduler):
    """Anneal from the initial rate to ``eta_min`` along half a cosine over ``T_max`` epochs (then back up).

    ``eta_min + (initial_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2``, computed
    recursively from the current rate as PyTorch does (so it composes with other
    changes to the rate).
    """

    _saved = (*LRScheduler._saved, "T_max", "eta_min")

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1) -> None:
        if isinstance(T_max, bool) or not isinstance(T_max, int) or T_max < 1:
            raise ValueError(f"CosineAnnealingLR: T_max must be a positive int, got {T_max!r}")
        self.T_max = T_max
        self.eta_min = _finite("CosineAnnealingLR", "eta_min", eta_min)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        groups = self.optimizer.param_groups
        t, T, eta_min = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return [group["lr"] for group in groups]
        if self._step_count == 1 and t > 0:
            return [eta_min + (base - eta_min) * (1 + math.cos(t * math.pi / T)) / 2 for base in self.base_lrs]
        if (t - 1 - T) % (2 * T) == 0:
            return [
                group["lr"] + (base - eta_min) * (1 - math.cos(math.pi / T)) / 2
                for base, group in zip(self.base_lrs, groups, strict=True)
            ]
        return [
            (1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T)) * (group["lr"] - eta_min) + eta_min
            for group in groups
        ]


class OneCycleLR(LRScheduler):
    """The 1cycle policy (Smith): warm up to ``max_lr``, then anneal far below the start; step once per batch.

    Starts at ``max_lr / div_factor``, reaches ``max_lr`` after ``pct_start`` of
    ``total_steps`` (or ``epochs * steps_per_epoch``), ends at ``initial_lr /
    final_div_factor``. With ``cycle_momentum`` the momentum (SGD, RMSprop) or
    ``beta1`` (Adam) moves the opposite way between ``max_momentum`` and
    ``base_momentum``. Stepping past ``total_steps`` is a ``ValueError``.
    """

    _saved = (
        *LRScheduler._saved,
        "total_steps",
        "_phases",
        "_anneal",
        "cycle_momentum",
        "use_beta1",
    )

    def __init__(
        self,
        optimizer: Optimizer,
        max_lr: float | list[float],
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: Literal["cos", "linear"] = "cos",
        cycle_momentum: bool = True,
        base_momentum: float | list[float] = 0.85,
        max_momentum: float | list[float] = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
    ) -> None:
        name = "OneCycleLR"
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{name}: {type(optimizer).__name__} is not an Optimizer")
        if total_steps is not None:
            if isinstance(total_steps, bool) or not isinstance(total_steps, int) or total_steps <= 0:
                raise ValueError(f"{name}: expected a positive int total_steps, got {total_steps!r}")
            self.total_steps = total_steps
        elif epochs is not None and steps_per_epoch is not None:
            for what, n in (("epochs", epochs), ("steps_per_epoch", steps_per_epoch)):
                if isinstance(n, bool) or not isinstance(n, int) or n <= 0:
                    raise ValueError(f"{name}: expected a positive int {what}, got {n!r}")
            self.total_steps = epochs * steps_per_epoch
        else:
            raise ValueError(f"{name}: give total_steps, or epochs and steps_per_epoch")
        if not isinstance(pct_start, float) or not 0.0 <= pct_start <= 1.0:
            raise ValueError(f"{name}: pct_start must be a float in [0, 1], got {pct_start!r}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"{name}: anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}")
        self._anneal: str = anneal_strategy
        n = self.total_steps
        if three_phase:
            self._phases: list[list[Any]] = [
                [float(pct_start * n) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"],
                [float(2 * pct_start * n) - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"],
                [n - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"],
            ]
        else:
            self._phases = [
                [float(pct_start * n) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"],
                [n - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"],
            ]
        groups = optimizer.param_groups
        max_lrs = _per_group(name, "max_lr", max_lr, len(groups))
        div = _finite(name, "div_factor", div_factor)
        final_div = _finite(name, "final_div_factor", final_div_factor)
        self.cycle_momentum = bool(cycle_momentum)
        self.use_beta1 = "betas" in optimizer.defaults
        if self.cycle_momentum and "momentum" not in optimizer.defaults and not self.use_beta1:
            raise ValueError(f"{name}: cycle_momentum needs an optimizer with momentum or betas (or pass False)")
        max_ms = _per_group(name, "max_momentum", max_momentum, len(groups))
        base_ms = _per_group(name, "base_momentum", base_momentum, len(groups))
        if last_epoch == -1:
            for i, group in enumerate(groups):
                group["initial_lr"] = max_lrs[i] / div
                group["max_lr"] = max_lrs[i]
                group["min_lr"] = group["initial_lr"] / final_div
                if self.cycle_momentum:
                    if self.use_beta1:
                        group["betas"] = (max_ms[i], *group["betas"][1:])
                    else:
                        group["momentum"] = max_ms[i]
                    group["max_momentum"] = max_ms[i]
                    group["base_momentum"] = base_ms[i]
        super().__init__(optimizer, last_epoch)

    def _anneal_func(self, start: float, end: float, pct: float) -> float:
        if self._anneal == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self) -> list[float]:
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(f"OneCycleLR: tried to step {step} times; total_steps is {self.total_steps}")
        lrs = []
        for group in self.optimizer.param_groups:
            start_step = 0.0
            lr = momentum = 0.0  # set by the phase the step falls in (the last one catches all)
            for i, (end_step, start_lr, end_lr, start_m, end_m) in enumerate(self._phases):
                if step <= end_step or i == len(self._phases) - 1:
                    pct = (step - start_step) / (end_step - start_step)
                    lr = self._anneal_func(group[start_lr], group[end_lr], pct)
                    if self.cycle_momentum:
                        momentum = self._anneal_func(group[start_m], group[end_m], pct)
                    break
                start_step = end_step
            lrs.append(lr)
            if self.cycle_momentum:
                if self.use_beta1:
                    group["betas"] = (momentum, *group["betas"][1:])
                else:
                    group["momentum"] = momentum
        return lrs

    def _restore(self, key: str, value: Any) -> Any:
        if key == "_phases":
            return [list(p) for p in value]
        return super()._restore(key, value)


# ------------------------------------------------------------------------ helpers


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _finite(cls: str, name: str, value: object) -> float:
    if not _is_number(value) or not math.isfinite(value):  # type: ignore[arg-type]
        raise ValueError(f"{cls}: {name} must be a finite number, got {value!r}")
    return value  # type: ignore[return-value]


def _per_group(cls: str, name: str, value: object, groups: int) -> list[float]:
    values = list(value) if isinstance(value, list | tuple) else [value] * groups
    if len(values) != groups:
        raise ValueError(f"{cls}: expected {groups} values for {name} (one per group), got {len(values)}")
    return [_finite(cls, name, v) for v in values]


def _copy(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_copy(v) for v in value]
    if isinstance(value, Counter):
        return Counter(value)
    return value
