"""``RMSprop`` and ``Adadelta``, as ``torch.optim`` computes them."""

from __future__ import annotations

from typing import Any

from ._adam import lerp_
from ._optimizer import Optimizer, ParamGroup, Params, check_bool, check_number, new_state, state_array


class RMSprop(Optimizer):
    """Divide the gradient by a running root mean square (Hinton), with PyTorch's options.

    Per step, for parameter ``p`` with gradient ``g``::

        g = -g  (maximize);   g = g + weight_decay * p
        v = alpha * v + (1 - alpha) * g * g
        avg = sqrt(v - mean_g**2) + eps   with mean_g = mean_g + (1 - alpha) (g - mean_g)  (centered)
              sqrt(v) + eps                                                               (otherwise)
        buf = momentum * buf + g / avg;  p = p - lr * buf      (momentum > 0)
        p = p - lr * g / avg                                  (otherwise)

    State per parameter: ``step``, ``square_avg``, ``momentum_buffer`` (momentum > 0),
    ``grad_avg`` (centered).

    >>> import typedtorch as tt
    >>> from typedtorch import optim
    >>> w = tt.tensor([1.0], requires_grad=True)
    >>> opt = optim.RMSprop([w], lr=0.01)
    >>> w.grad = tt.tensor([2.0]); opt.step()
    >>> round(w.item(), 4)   # 1 - 0.01 * 2 / sqrt(0.01 * 4)
    0.9
    """

    def __init__(
        self,
        params: Params,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "alpha": alpha,
            "eps": eps,
            "weight_decay": weight_decay,
            "momentum": momentum,
            "centered": centered,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _check_group(self, group: ParamGroup) -> None:
        super()._check_group(group)
        check_number(self, group, "alpha", "alpha")
        check_number(self, group, "eps", "eps")
        check_number(self, group, "weight_decay", "weight_decay")
        check_number(self, group, "momentum", "momentum")
        check_bool(self, group, "centered")
        check_bool(self, group, "maximize")

    def _state_spec(self, group: ParamGroup) -> tuple[frozenset[str], frozenset[str]]:
        keys = {"step", "square_avg"}
        if group["momentum"] > 0:
            keys.add("momentum_buffer")
        if group["centered"]:
            keys.add("grad_avg")
        return frozenset(keys), frozenset({"momentum_buffer", "grad_avg"})

    def _update(self, group: ParamGroup) -> None:
        lr, alpha, eps, wd = group["lr"], group["alpha"], group["eps"], group["weight_decay"]
        momentum, centered, maximize = group["momentum"], group["centered"], group["maximize"]
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
                st["square_avg"] = new_state(p)
            for key, wanted in (("momentum_buffer", momentum > 0), ("grad_avg", centered)):
                if wanted and key not in st:
                    st[key] = new_state(p)
            st["step"] += 1
            if wd != 0.0:
                g = g + wd * p._data
            v = state_array(st, "square_avg", p)
            v *= alpha
            v += (1.0 - alpha) * g * g
            if centered:
                mean_g = state_array(st, "grad_avg", p)
                lerp_(xp, mean_g, g, 1.0 - alpha)
                avg = xp.sqrt(v + (-1.0 * mean_g) * mean_g)
            else:
                avg = xp.sqrt(v)
            avg += eps
            if momentum > 0:
                buf = state_array(st, "momentum_buffer", p)
                buf *= momentum
                buf += g / avg
                p._data += -lr * buf
            else:
                p._data += (-lr * g) / avg


class Adadelta(Optimizer):
    """Adadelta (Zeiler): step sizes from running averages of squared gradients and of squared updates.

    Per step, for parameter ``p`` with gradient ``g`` (PyTorch's defaults ``lr=1.0``,
    ``rho=0.9``, ``eps=1e-6``)::

        g = -g  (maximize);   g = g + weight_decay * p
        v = rho * v + (1 - rho) * g * g
        delta = sqrt(u + eps) / sqrt(v + eps) * g
        u = rho * u + (1 - rho) * delta * delta
        p = p - lr * delta

    State per parameter: ``step``, ``square_avg`` (v), ``acc_delta`` (u).

    >>> import typedtorch as tt
    >>> from typedtorch import optim
    >>> w = tt.tensor([1.0], requires_grad=True)
    >>> opt = optim.Adadelta([w])
    >>> w.grad = tt.tensor([1.0]); opt.step()
    >>> round(w.item(), 5)   # 1 - sqrt(1e-6) / sqrt(0.1 + 1e-6)
    0.99684
    """

    def __init__(
        self,
        params: Params,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay, "maximize": maximize}
        super().__init__(params, defaults)

    def _check_group(self, group: ParamGroup) -> None:
        super()._check_group(group)
        check_number(self, group, "rho", "rho", 0.0, 1.0)
        check_number(self, group, "eps", "eps")
        check_number(self, group, "weight_decay", "weight_decay")
        check_bool(self, group, "maximize")

    def _state_spec(self, group: ParamGroup) -> tuple[frozenset[str], frozenset[str]]:
        return frozenset({"step", "square_avg", "acc_delta"}), frozenset()

    def _update(self, group: ParamGroup) -> None:
        lr, rho, eps, wd, maximize = group["lr"], group["rho"], group["eps"], group["weight_decay"], group["maximize"]
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
                st["square_avg"] = new_state(p)
                st["acc_delta"] = new_state(p)
            st["step"] += 1
            if wd != 0.0:
                g = g + wd * p._data
            v = state_array(st, "square_avg", p)
            u = state_array(st, "acc_delta", p)
            v *= rho
            v += (1.0 - rho) * g * g
            std = xp.sqrt(v + eps)
            delta = xp.sqrt(u + eps)
            delta /= std
            delta *= g
            u *= rho
            u += (1.0 - rho) * delta * delta
            p._data += -lr * delta
