"""``SGD``: stochastic gradient descent with PyTorch's momentum, dampening, Nesterov and weight decay."""

from __future__ import annotations

from typing import Any

from ._optimizer import Optimizer, ParamGroup, Params, check_bool, check_number, new_state, state_array


class SGD(Optimizer):
    """``p -= lr * g``, with PyTorch's optional momentum, dampening, Nesterov and L2 decay.

    Per step, for each parameter ``p`` with gradient ``g`` (``torch.optim.SGD``'s rule)::

        g = -g  (maximize)
        g = g + weight_decay * p
        buf = g  (first step)   or   buf = momentum * buf + (1 - dampening) * g
        g = g + momentum * buf  (nesterov)   or   g = buf
        p = p - lr * g

    The arguments are PyTorch's, in PyTorch's order (``lr`` defaults to ``1e-3`` as
    there). State per parameter: ``momentum_buffer`` when ``momentum != 0``.

    >>> import typedtorch as tt
    >>> from typedtorch import optim
    >>> w = tt.tensor([1.0, 2.0], requires_grad=True)
    >>> opt = optim.SGD([w], lr=0.5)
    >>> (w * w).sum().backward(); opt.step()
    >>> w.tolist()
    [0.0, 0.0]
    """

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _check_group(self, group: ParamGroup) -> None:
        super()._check_group(group)
        check_number(self, group, "momentum", "momentum")
        check_number(self, group, "dampening", "dampening")
        check_number(self, group, "weight_decay", "weight_decay")
        check_bool(self, group, "nesterov")
        check_bool(self, group, "maximize")
        if group["nesterov"] and (group["momentum"] <= 0.0 or group["dampening"] != 0.0):
            raise ValueError("SGD: nesterov needs a positive momentum and zero dampening")

    def _state_spec(self, group: ParamGroup) -> tuple[frozenset[str], frozenset[str]]:
        return (frozenset({"momentum_buffer"}) if group["momentum"] != 0.0 else frozenset()), frozenset(
            {"momentum_buffer"}
        )

    def _update(self, group: ParamGroup) -> None:
        lr, momentum, wd = group["lr"], group["momentum"], group["weight_decay"]
        dampening, nesterov, maximize = group["dampening"], group["nesterov"], group["maximize"]
        state = self.state
        for p in group["params"]:
            g: Any = p._grad
            if g is None:
                continue
            if maximize:
                g = -g
            if wd != 0.0:
                g = g + wd * p._data  # a new array: the gradient itself stays untouched
            if momentum != 0.0:
                st = state[p]
                if "momentum_buffer" not in st:
                    st["momentum_buffer"] = buf_t = new_state(p, g)
                    buf = buf_t._data
                else:
                    buf = state_array(st, "momentum_buffer", p)
                    buf *= momentum
                    buf += g if dampening == 0.0 else (1.0 - dampening) * g
                g = g + momentum * buf if nesterov else buf
            p._data -= lr * g
