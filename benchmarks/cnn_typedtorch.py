"""The convolutional benchmark models in typedtorch, written as a user would.

``nll_loss`` and ``Adadelta`` are not in typedtorch yet (they are being added): until
then this file carries private stand-ins, ``_nll_loss`` and ``_Adadelta``, with the
public names' signatures and PyTorch's arithmetic, and uses the public ones as soon
as they exist. (The numpy reference mirrors the stand-ins; if the public versions
round differently, the loss check in ``cnn_step.py`` will say so.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Literal, TypeVar

from cnn_workloads import DROPOUT_SEED, ConvNet, data, weights

import typedtorch as tt
from typedtorch import nn, optim
from typedtorch._engine import Function, grad_mode, next_seq
from typedtorch._tensor import make
from typedtorch.nn import _functional_conv as F

B = TypeVar("B")
AnyTensor = tt.Tensor[*tuple[Any, ...]]


# ------------------------------------------------------------ stand-ins until they land


class _NLLFn(Function):
    __slots__ = ("onehot", "scale")

    def backward(self, g: Any) -> tuple[Any, ...]:
        return (self.onehot * (g * -self.scale), None)


def _nll_loss(input: AnyTensor, target: AnyTensor) -> AnyTensor:
    """``F.nll_loss(log_probs, labels)``: the mean of ``-log_probs[i, label_i]``."""
    xp = input._backend.xp
    logp, labels = input._data, target._data
    batch, classes = logp.shape
    onehot = xp.astype(xp.reshape(labels, (batch, 1)) == xp.arange(classes, dtype=labels.dtype), logp.dtype)
    loss = -xp.sum(onehot * logp) / batch
    if input.requires_grad and grad_mode.enabled:
        fn = _NLLFn()
        fn.onehot, fn.scale = onehot, 1.0 / batch
        fn.parents, fn.needs, fn.seq = (input, target), (True, False), next_seq()
        return make(loss, input._backend, fn)
    return make(loss, input._backend, None)


class _Adadelta(optim.Optimizer):
    """``torch.optim.Adadelta``'s update (no weight decay), in place."""

    def __init__(self, params: Iterable[AnyTensor], lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6) -> None:
        super().__init__(params, lr)
        self.rho, self.eps = rho, eps
        self._square: list[Any] = [None] * len(self.params)
        self._delta: list[Any] = [None] * len(self.params)

    def step(self) -> None:
        rho, eps, lr = self.rho, self.eps, self.lr
        for i, p in enumerate(self.params):
            g = p._grad
            if g is None:
                continue
            xp = p._backend.xp
            if self._square[i] is None:
                self._square[i], self._delta[i] = xp.zeros_like(p._data), xp.zeros_like(p._data)
            square, acc = self._square[i], self._delta[i]
            square *= rho
            square += (1.0 - rho) * g * g
            std = xp.sqrt(square + eps)
            delta = xp.sqrt(acc + eps)
            delta /= std
            delta *= g
            acc *= rho
            acc += (1.0 - rho) * delta * delta
            p._data -= lr * delta


nll_loss: Callable[[AnyTensor, AnyTensor], AnyTensor] = getattr(nn, "nll_loss", _nll_loss)
Adadelta: Any = getattr(optim, "Adadelta", _Adadelta)


# ------------------------------------------------------------------------- the models


class NetA(nn.Module):
    """The pytorch/examples MNIST network."""

    def __init__(self) -> None:
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def __call__(self, x: tt.Tensor[B, Literal[1], Literal[28], Literal[28]]) -> tt.Tensor[B, Literal[10]]:
        h = self.conv1(x).relu()
        h = self.conv2(h).relu()
        h = F.max_pool2d(h, 2)
        h = self.dropout1(h)
        flat = self.fc1(h.flatten(1)).relu()
        return self.fc2(self.dropout2(flat)).log_softmax(1)


class NetB(nn.Module):
    """LeNet-style: two 5x5 convolutions with padding 2, each followed by a 2x2 max-pool."""

    def __init__(self) -> None:
        self.conv1 = nn.Conv2d(1, 16, 5, padding=2)
        self.conv2 = nn.Conv2d(16, 32, 5, padding=2)
        self.pool = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(1568, 10)

    def __call__(self, x: tt.Tensor[B, Literal[1], Literal[28], Literal[28]]) -> tt.Tensor[B, Literal[10]]:
        h = self.pool(self.conv1(x).relu())
        h = self.pool(self.conv2(h).relu())
        return self.fc1(h.flatten(1))


def make_step(w: ConvNet) -> Callable[[int], float]:
    model: NetA | NetB = NetA() if w.optimizer == "adadelta" else NetB()
    state = {
        # Linear stores (in, out): transpose torch's (out, in) once.
        k: tt.from_numpy(v.T.copy() if k.startswith("fc") and k.endswith("weight") else v)
        for k, v in weights(w).items()
    }
    model.load_state_dict(state)
    opt: optim.Optimizer = (
        Adadelta(model.parameters(), lr=w.lr)
        if w.optimizer == "adadelta"
        else optim.SGD(model.parameters(), lr=w.lr, momentum=w.momentum)
    )
    x_np, y_np, batches_np = data(w)
    x_all, y_all = tt.from_numpy(x_np), tt.from_numpy(y_np)
    batches = [tt.from_numpy(i) for i in batches_np]
    tt.manual_seed(DROPOUT_SEED)  # the dropout masks: the same stream as the other implementations

    def step(i: int) -> float:
        idx = batches[i % len(batches)]
        x, y = x_all[idx], y_all[idx]
        opt.zero_grad()
        out = model(x)
        loss = nll_loss(out, y) if w.loss == "nll" else nn.cross_entropy(out, y)
        loss.backward()
        opt.step()
        return loss  # type: ignore[return-value]  # read with float() only when checked

    return step
