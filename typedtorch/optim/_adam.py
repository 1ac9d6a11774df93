"""``Adam`` and ``AdamW``: adaptive moment estimation, as ``torch.optim.Adam``/``AdamW`` compute it."""

from __future__ import annotations

import math
from typing import Any

from ._optimizer import Optimizer, ParamGroup, Params, check_bool, check_number, new_state, state_array


def lerp_(xp: Any, avg: Any, target: Any, weight: float) -> None:
    """``avg += weight * (target - avg)`` in place, arranged as ``torch.lerp`` arranges it."""
    if abs(weight) < 0.5:
        avg += (target - avg) * weight
    else:
        avg[...] = target - (target - avg) * (1.0 - weight)


class Adam(Optimizer):
    """Adam with bias correction; ``weight_decay`` adds an L2 term to the gradient (``AdamW`` decouples it).

    Per step ``t`` (counted per parameter), for parameter ``p`` with gradient ``g``::

        g = -g  (maximize)
        g = g + weight_decay * p              (Adam)   or   p = p * (1 - lr * weight_decay)   (AdamW)
        m = m + (1 - beta1) * (g - m)
        v = beta2 * v + (1 - beta2) * g * g
        v_max = max(v_max, v)  (amsgrad; used for v below)
        p = p - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)

    State per parameter: ``step``, ``exp_avg``, ``exp_avg_sq`` (and
    ``max_exp_avg_sq`` with ``amsgrad``), PyTorch's names.

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
        params: Params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        decoupled_weight_decay: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)

    def _check_group(self, group: ParamGroup) -> None:
        super()._check_group(group)
        name = type(self).__name__
        betas = group["betas"]
        if not isinstance(betas, tuple) or len(betas) != 2:
            raise TypeError(f"{name}: betas must be a tuple of two numbers, got {betas!r}")
        for i, beta in enumerate(betas):
            check_number(self, {f"betas[{i}]": beta}, f"betas[{i}]", f"beta parameter at index {i}", 0.0, 1.0, True)
        check_number(self, group, "eps", "eps")
        check_number(self, group, "weight_decay", "weight_decay")
        for key in ("amsgrad", "maximize", "decoupled_weight_decay"):
            check_bool(self, group, key)

    def _state_spec(self, group: ParamGroup) -> tuple[frozenset[str], frozenset[str]]:
        keys = {"step", "exp_avg", "exp_avg_sq"}
        if group["amsgrad"]:
            keys.add("max_exp_avg_sq")
        return frozenset(keys), frozenset({"max_exp_avg_sq"})

    def _update(self, group: ParamGroup) -> None:
        lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        amsgrad, maximize, decoupled = group["amsgrad"], group["maximize"], group["decoupled_weight_decay"]
        state = self.state
        for p in group["params"]:
            g: Any = p._grad
            if g is None:
                continue
            xp = p._backend.xp
            if maximize:
                g = -g
            st = state[p]
            if not st:
                st["step"] = 0
                st["exp_avg"] = new_state(p)
                st["exp_avg_sq"] = new_state(p)
                if amsgrad:
                    st["max_exp_avg_sq"] = new_state(p)
            t = st["step"] = st["step"] + 1
            if wd != 0.0:
                if decoupled:
                    p._data *= 1.0 - lr * wd
                else:
                    g = g + wd * p._data
            m = state_array(st, "exp_avg", p)
            v = state_array(st, "exp_avg_sq", p)
            # The arrangement of torch's kernels (lerp, mul then addcmul, addcdiv), so rounding matches too.
            lerp_(xp, m, g, 1.0 - beta1)
            v *= beta2
            v += (1.0 - beta2) * g * g
            if amsgrad:
                if "max_exp_avg_sq" not in st:  # amsgrad switched on after the first steps
                    st["max_exp_avg_sq"] = new_state(p)
                v_max = state_array(st, "max_exp_avg_sq", p)
                v_max[...] = xp.maximum(v_max, v)
                v = v_max
            step_size = lr / (1.0 - beta1**t)
            denom = xp.sqrt(v)
            denom /= math.sqrt(1.0 - beta2**t)
            denom += eps
            p._data += (-step_size * m) / denom


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): ``p *= 1 - lr * weight_decay`` before the Adam step.

    PyTorch's defaults, including ``weight_decay=1e-2``.

    >>> import typedtorch as tt
    >>> from typedtorch import optim
    >>> w = tt.tensor([1.0], requires_grad=True)
    >>> opt = optim.AdamW([w], lr=0.1, weight_decay=0.5)
    >>> w.grad = tt.tensor([0.0]); opt.step()
    >>> round(w.item(), 4)   # only the decay: 1 * (1 - 0.1 * 0.5)
    0.95
    """

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize, decoupled_weight_decay=True)
