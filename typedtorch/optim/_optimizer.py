"""``Optimizer``: parameter groups, per-parameter state and checkpoints, as ``torch.optim.Optimizer``.

An optimizer holds ``param_groups``, a list of dicts (``{"params": [tensors], "lr":
0.1, ...}``) that schedulers and users may change between steps, and ``state``, a
dict from each parameter to its own state (``{"step": 3, "exp_avg": Tensor}``).
``state_dict()`` gives both in PyTorch's layout, with parameters replaced by their
position; ``load_state_dict()`` checks everything before it changes anything.

Writing your own optimizer
--------------------------
Subclass ``Optimizer``, pass the defaults of your hyperparameters to
``super().__init__``, and write ``step`` with the in-place tensor ops under
``tt.no_grad()`` (they run on every device)::

    class DecayedSGD(optim.Optimizer):
        def __init__(self, params, lr=0.01, weight_decay=0.0):
            super().__init__(params, {"lr": lr, "weight_decay": weight_decay})

        def step(self, closure=None):
            with tt.no_grad():
                for group in self.param_groups:
                    for p in group["params"]:
                        if p.grad is not None:
                            p.mul_(1 - group["lr"] * group["weight_decay"])
                            p -= group["lr"] * p.grad      # in place: p.sub_(...)

Per-parameter state goes in ``self.state[p]`` (a dict, created empty on first use);
tensors there are saved by ``state_dict()`` and moved to the parameter's device and
dtype by ``load_state_dict()``. (The library's own optimizers update the arrays
directly, which is the same thing without the per-op overhead.)
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeAlias, TypeVar, overload

from typedtorch._engine import enable_grad
from typedtorch._errors import ShapeError
from typedtorch._tensor import AnyTensor, Tensor, make

ParamGroup: TypeAlias = dict[str, Any]
Params: TypeAlias = "Iterable[AnyTensor | dict[str, Any]]"
_L = TypeVar("_L")

# Keys the schedulers add to a group (``initial_lr``, ``OneCycleLR``'s bounds): allowed in
# ``add_param_group`` besides the optimizer's own hyperparameters.
_SCHEDULER_KEYS = frozenset({"initial_lr", "max_lr", "min_lr", "max_momentum", "base_momentum"})


class Optimizer:
    """Base class of every optimizer, and the type to annotate one with.

    ``params`` is an iterable of tensors, or of dicts (parameter groups), each with a
    ``"params"`` entry and any hyperparameters that differ from ``defaults``:

    >>> import typedtorch as tt
    >>> from typedtorch import nn, optim
    >>> model = nn.Linear(2, 1)
    >>> opt = optim.SGD([{"params": [model.weight]}, {"params": [model.bias], "lr": 0.01}], lr=0.1)
    >>> [g["lr"] for g in opt.param_groups]
    [0.1, 0.01]
    >>> len(opt.params)
    2

    Subclasses implement ``step()``; see the module docstring for writing one.
    """

    defaults: dict[str, Any]
    param_groups: list[ParamGroup]
    state: defaultdict[AnyTensor, dict[str, Any]]

    def __init__(self, params: Params, defaults: Mapping[str, Any]) -> None:
        name = type(self).__name__
        if isinstance(params, Tensor):
            raise TypeError(f"{name}: params must be an iterable of tensors, got a single Tensor (wrap it in a list)")
        if isinstance(params, dict):
            raise TypeError(
                f"{name}: params must be an iterable of tensors or of dicts, got a dict (wrap it in a list)"
            )
        if isinstance(params, set | frozenset):
            raise TypeError(
                f"{name}: params must be an ordered collection (a list), not a set: the order must be stable"
            )
        if not isinstance(params, Iterable):
            raise TypeError(f"{name}: params must be an iterable of tensors, got {type(params).__name__}")
        if not isinstance(defaults, Mapping):
            raise TypeError(f"{name}: defaults must be a dict of hyperparameters, got {type(defaults).__name__}")
        self.defaults = dict(defaults)
        self.state = defaultdict(dict)
        self.param_groups = []
        groups: list[Any] = list(params)
        if not groups:
            raise ValueError(f"{name} got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    # ---------------------------------------------------------------- groups

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group (``{"params": [...], "lr": ...}``); options it leaves out take the defaults.

        Refuses unknown options (a misspelt ``"learning_rate"`` would otherwise be
        ignored and the default used) and parameters already in another group.
        """
        name = type(self).__name__
        index = len(self.param_groups)
        if not isinstance(param_group, dict):
            raise TypeError(f"{name}: parameter group {index} must be a dict, got {type(param_group).__name__}")
        if "params" not in param_group:
            raise ValueError(f"{name}: parameter group {index} has no 'params'")
        unknown = [k for k in param_group if k != "params" and k not in self.defaults and k not in _SCHEDULER_KEYS]
        if unknown:
            known = ", ".join(sorted(self.defaults))
            raise ValueError(f"{name}: unknown option {unknown[0]!r} in parameter group {index} (known: {known})")
        params = _param_list(param_group["params"], f"{name}: parameter group {index}")
        taken = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in taken for p in params):
            raise ValueError(f"{name}: some parameters appear in more than one parameter group")
        group: ParamGroup = {"params": params}
        for key, default in self.defaults.items():
            group[key] = param_group.get(key, default)
        for key in _SCHEDULER_KEYS & param_group.keys():
            group[key] = param_group[key]
        self._check_group(group)
        self.param_groups.append(group)

    def _check_group(self, group: ParamGroup) -> None:
        """Validate a group's hyperparameters (subclasses add theirs); ``ValueError`` naming the bad one."""
        if "lr" in group:
            check_number(self, group, "lr", "learning rate")

    @property
    def params(self) -> list[AnyTensor]:
        """Every parameter, group by group (a typedtorch convenience; PyTorch has only ``param_groups``)."""
        return [p for g in self.param_groups for p in g["params"]]

    @property
    def lr(self) -> float:
        """The learning rate of every group (a typedtorch convenience; an error when groups differ).

        Setting it sets every group's ``"lr"``, as a scheduler does.
        """
        rates = [g["lr"] for g in self.param_groups]
        if any(r != rates[0] for r in rates):
            raise ValueError(
                f"{type(self).__name__}.lr: the parameter groups have different learning rates {rates}; "
                "use optimizer.param_groups[i]['lr']"
            )
        return rates[0]  # type: ignore[no-any-return]

    @lr.setter
    def lr(self, value: float) -> None:
        check_number(self, {"lr": value}, "lr", "learning rate")
        for group in self.param_groups:
            group["lr"] = value

    # ------------------------------------------------------------------ steps

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient (``.grad`` becomes ``None``, PyTorch's default).

        ``set_to_none=False`` sets each existing gradient to zeros (a fresh array:
        backward may share one gradient array between leaves).
        """
        for group in self.param_groups:
            for p in group["params"]:
                g = p._grad
                if g is not None:
                    p._grad = None if set_to_none else p._backend.xp.zeros_like(g)

    @overload
    def step(self, closure: None = None) -> None: ...
    @overload
    def step(self, closure: Callable[[], _L]) -> _L: ...
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; with ``closure``, first re-evaluate the loss and return it.

        Parameters without a gradient are skipped; gradient arrays are never
        written into (backward may share them between tensors).
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            self._update(group)
            # The updates write the parameters' arrays in place: bump their version
            # counters, so a graph that saved the old values refuses to backpropagate.
            for p in group["params"]:
                if p._grad is not None:
                    p._version[0] += 1
        return loss

    def _update(self, group: ParamGroup) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement step()")

    # ------------------------------------------------------------- checkpoints

    def _state_spec(self, group: ParamGroup) -> tuple[frozenset[str], frozenset[str]] | None:
        """``(required, optional)`` per-parameter state keys for ``load_state_dict``; None skips the check."""
        return None

    def state_dict(self) -> dict[str, Any]:
        """``{"state": {index: {...}}, "param_groups": [{..., "params": [indices]}]}``, PyTorch's layout.

        Parameters are numbered in group order. Tensors in the state are detached and
        share memory with the optimizer (as in PyTorch: save or copy before stepping
        on); everything else is a Python number, bool or tuple.

        >>> import typedtorch as tt
        >>> from typedtorch import optim
        >>> w = tt.ones(2, requires_grad=True)
        >>> opt = optim.Adam([w], lr=0.1)
        >>> (w * w).sum().backward(); opt.step()
        >>> sd = opt.state_dict()
        >>> sorted(sd["state"][0]), sd["param_groups"][0]["params"], sd["param_groups"][0]["lr"]
        (['exp_avg', 'exp_avg_sq', 'step'], [0], 0.1)
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            ids = []
            for p in group["params"]:
                ids.append(index.setdefault(id(p), len(index)))
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = ids
            groups.append(packed)
        state: dict[int, dict[str, Any]] = {}
        for group in self.param_groups:
            for p in group["params"]:
                entry = self.state.get(p)
                if entry:
                    state[index[id(p)]] = {
                        k: make(v._data, v._backend, None) if isinstance(v, Tensor) else v for k, v in entry.items()
                    }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore groups and state from :meth:`state_dict` (or PyTorch's, converted to typedtorch tensors).

        Checks everything first: the number of groups and of parameters in each,
        every hyperparameter, and every state tensor's shape against its parameter;
        on any error nothing changes. State tensors are copied onto each
        parameter's device and, when floating, converted to its dtype; ``"step"``
        may be a number or a 0-d tensor.
        """
        name = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, Mapping) or "state" not in state_dict or "param_groups" not in state_dict:
            raise ValueError(f"{name}: expected a dict with 'state' and 'param_groups' (from state_dict())")
        saved_groups = state_dict["param_groups"]
        saved_state = state_dict["state"]
        if not isinstance(saved_groups, list | tuple) or not all(isinstance(g, Mapping) for g in saved_groups):
            raise ValueError(f"{name}: 'param_groups' must be a list of dicts")
        if not isinstance(saved_state, Mapping):
            raise ValueError(f"{name}: 'state' must be a dict from parameter index to its state")
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"{name}: the state has {len(saved_groups)} parameter groups, the optimizer {len(self.param_groups)}"
            )
        id_map: dict[int, tuple[AnyTensor, ParamGroup]] = {}
        new_groups: list[ParamGroup] = []
        for i, (ours, saved) in enumerate(zip(self.param_groups, saved_groups, strict=True)):
            saved_ids = saved.get("params")
            if not isinstance(saved_ids, list | tuple) or not all(_is_index(s) for s in saved_ids):
                raise ValueError(f"{name}: group {i}: 'params' must be a list of parameter indices")
            if len(saved_ids) != len(ours["params"]):
                raise ValueError(
                    f"{name}: group {i} has {len(saved_ids)} parameters in the state, "
                    f"{len(ours['params'])} in the optimizer"
                )
            group: ParamGroup = {k: v for k, v in saved.items() if k != "params"}
            missing = [k for k in self.defaults if k not in group]
            if missing:
                raise ValueError(f"{name}: group {i} has no {missing[0]!r}")
            if isinstance(group.get("betas"), list):  # a JSON round trip turns tuples into lists
                group["betas"] = tuple(group["betas"])
            group["params"] = ours["params"]
            try:
                self._check_group(group)
            except ValueError as e:
                raise ValueError(f"{name}: group {i}: {e}") from None
            new_groups.append(group)
            for sid, p in zip(saved_ids, ours["params"], strict=True):
                if int(sid) in id_map:
                    raise ValueError(f"{name}: parameter index {sid} appears twice in 'param_groups'")
                id_map[int(sid)] = (p, group)
        new_state: dict[AnyTensor, dict[str, Any]] = {}
        for key, entry in saved_state.items():
            if not _is_index(key) or int(key) not in id_map:
                raise ValueError(f"{name}: state for parameter {key!r}, which is in no parameter group")
            if not isinstance(entry, Mapping):
                raise ValueError(f"{name}: the state of parameter {key} must be a dict, got {type(entry).__name__}")
            p, group = id_map[int(key)]
            new_state[p] = self._load_entry(name, int(key), p, group, entry)
        # Everything checked: now change the optimizer, all at once. The list object is
        # kept, so anything holding `optimizer.param_groups` sees the loaded groups.
        self.param_groups[:] = new_groups
        self.state = defaultdict(dict, new_state)

    def _load_entry(
        self, name: str, index: int, p: AnyTensor, group: ParamGroup, entry: Mapping[str, Any]
    ) -> dict[str, Any]:
        spec = self._state_spec(group)
        out: dict[str, Any] = {}
        for k, v in entry.items():
            if k == "step":
                out[k] = _step_value(name, index, v)
            elif isinstance(v, Tensor):
                if spec is not None and v.shape != p.shape:
                    raise ShapeError(
                        f"{name}: state {k!r} of parameter {index} has shape {v.shape}, but the parameter has {p.shape}"
                    )
                out[k] = make(_copy_like(v, p), p._backend, None)
            elif v is None and spec is not None:
                continue  # PyTorch writes None for a momentum buffer it never made
            else:
                out[k] = v
        if spec is not None:
            required, optional = spec
            unknown = sorted(set(out) - required - optional)
            if unknown:
                raise ValueError(f"{name}: unexpected state {unknown[0]!r} for parameter {index}")
            if out:
                missing = sorted(required - set(out))
                if missing:
                    raise ValueError(f"{name}: the state of parameter {index} has no {missing[0]!r}")
                for k in out:
                    if k != "step" and not isinstance(out[k], Tensor):
                        raise ValueError(f"{name}: state {k!r} of parameter {index} must be a Tensor")
        return out

    # -------------------------------------------------------------------- repr

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(k for k in group if k != "params"):
                lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)


# ------------------------------------------------------------------------- helpers


def _param_list(params: object, where: str) -> list[AnyTensor]:
    if isinstance(params, Tensor):
        params = [params]
    elif isinstance(params, set | frozenset):
        raise TypeError(f"{where}: parameters must be an ordered collection (a list), not a set")
    elif not isinstance(params, Iterable):
        raise TypeError(f"{where}: 'params' must be an iterable of tensors, got {type(params).__name__}")
    unique: list[AnyTensor] = []
    seen: set[int] = set()
    for p in params:
        if not isinstance(p, Tensor):
            raise TypeError(f"{where}: expected tensors, got {type(p).__name__}")
        if p._node is not None:
            raise ValueError(f"{where}: can only optimize leaf tensors, got one computed by an op")
        if id(p) not in seen:  # listed twice, updated once
            seen.add(id(p))
            unique.append(p)
    return unique


def check_number(
    opt: Optimizer,
    group: Mapping[str, Any],
    key: str,
    what: str,
    low: float = 0.0,
    high: float | None = None,
    high_open: bool = False,
) -> None:
    """``group[key]`` is a finite number in ``[low, high]`` (or ``[low, high)``), else a ``ValueError``.

    Comparisons are written so that nan fails them (PyTorch accepts ``lr=nan``).
    """
    value = group[key]
    name = type(opt).__name__
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name}: {what} ({key}) must be a number, got {type(value).__name__}")
    ok = math.isfinite(value) and value >= low
    if high is not None:
        ok = ok and (value < high if high_open else value <= high)
    if not ok:
        bound = f">= {low}" if high is None else f"in [{low}, {high}{')' if high_open else ']'}"
        raise ValueError(f"{name}: invalid {what} {value} (must be a finite number {bound})")


def check_bool(opt: Optimizer, group: Mapping[str, Any], key: str) -> None:
    if not isinstance(group[key], bool):
        raise TypeError(f"{type(opt).__name__}: {key} must be a bool, got {type(group[key]).__name__}")


def _is_index(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value >= 0
    return isinstance(value, str) and value.isdigit()  # keys that went through JSON


def _step_value(name: str, index: int, value: object) -> int:
    if isinstance(value, Tensor):
        if value.numel() != 1:
            raise ValueError(f"{name}: 'step' of parameter {index} must be a number, got shape {value.shape}")
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name}: 'step' of parameter {index} must be a whole number >= 0, got {value!r}")
    return value


def _copy_like(value: AnyTensor, p: AnyTensor) -> Any:
    """``value``'s array, copied onto ``p``'s device (and dtype, when floating)."""
    src = value._data
    if value._backend is not p._backend:
        src = p._backend.from_host(value._backend.to_host(src))
    xp = p._backend.xp
    if xp.isdtype(src.dtype, "real floating") and src.dtype != p._data.dtype:
        return xp.astype(src, p._data.dtype)
    return xp.asarray(src, copy=True)


def state_array(state: dict[str, Any], key: str, p: AnyTensor) -> Any:
    """The array of state tensor ``key``, moved to ``p``'s device first if ``Module.to()`` moved ``p``."""
    t: AnyTensor = state[key]
    if t._backend is not p._backend:
        t._data = p._backend.from_host(t._backend.to_host(t._data))
        t._backend = p._backend
    return t._data


def new_state(p: AnyTensor, value: Any = None) -> AnyTensor:
    """A state tensor on ``p``'s device: zeros like ``p``, or a copy of the array ``value``."""
    xp = p._backend.xp
    data = xp.zeros_like(p._data) if value is None else xp.asarray(value, copy=True)
    return make(data, p._backend, None)
