"""End to end: a small typed model trains with every call shape-checked.

The model is written with plain tensors (weights with ``requires_grad``, ``x @ w + b``,
``relu``, a mean-squared loss, SGD by hand on ``p._data`` / ``p._grad``), once with
``@tt.checked`` and once as a module imported through ``tt.install_import_hook``.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from typing import Any, TypeVar
from typing import Literal as L

import pytest

import typedtorch as tt
from typedtorch import Matrix, Scalar, Tensor, Vector

B = TypeVar("B")
H = TypeVar("H")


@tt.checked
def forward(
    x: Matrix[B, L[2]], w1: Matrix[L[2], H], b1: Vector[H], w2: Matrix[H, L[1]], b2: Vector[L[1]]
) -> Matrix[B, L[1]]:
    return (x @ w1 + b1).relu() @ w2 + b2


@tt.checked
def mse(pred: Matrix[B, L[1]], target: Matrix[B, L[1]]) -> Scalar:
    d = pred - target
    return (d * d).mean()


@tt.checked
def sgd_step(params: tuple[Tensor[*tuple[Any, ...]], ...], lr: float) -> None:
    for p in params:
        assert p._grad is not None
        p._data = p._data - lr * p._grad
        p._grad = None


def xor_data(device: str) -> tuple[Matrix[L[4], L[2]], Matrix[L[4], L[1]]]:
    x = tt.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], device=device)
    y = tt.tensor([[0.0], [1.0], [1.0], [0.0]], device=device)
    return x, y  # type: ignore[return-value]


def init(device: str, hidden: int = 16) -> tuple[Any, ...]:
    tt.manual_seed(0)
    w1 = tt.randn(2, hidden, device=device) * 0.8
    w2 = tt.randn(hidden, 1, device=device) * 0.5
    params = (w1.detach(), tt.zeros(hidden, device=device), w2.detach(), tt.zeros(1, device=device))
    for p in params:
        p.requires_grad_()
    return params


def test_typed_model_trains_with_checks_on(device: str) -> None:
    x, y = xor_data(device)
    params = init(device)
    losses = []
    for _ in range(150):
        loss = mse(forward(x, *params), y)
        loss.backward()
        sgd_step(params, 0.2)
        losses.append(loss.item())
    assert losses[-1] < 0.25 * losses[0]
    # The same functions still reject a wrongly shaped batch mid-training.
    with pytest.raises(tt.ShapeError, match=r"forward\(\) parameter 'x': expected Matrix\[B, 2\], got shape \(4, 3\)"):
        forward(tt.zeros(4, 3, device=device), *params)
    with pytest.raises(tt.ShapeError, match=r"mse\(\) parameter 'target'.*dim 0 is 3, but B=4"):
        mse(forward(x, *params), y[:3])


MODEL = """
from __future__ import annotations

from typing import Any, TypeVar
from typing import Literal as L

import typedtorch as tt
from typedtorch import Matrix, Scalar, Tensor, Vector

B = TypeVar("B")
H = TypeVar("H")


class MLP:
    def __init__(self, hidden: int, device: str) -> None:
        tt.manual_seed(0)
        self.w1 = (tt.randn(2, hidden, device=device) * 0.8).detach().requires_grad_()
        self.b1 = tt.zeros(hidden, device=device, requires_grad=True)
        self.w2 = (tt.randn(hidden, 1, device=device) * 0.5).detach().requires_grad_()
        self.b2 = tt.zeros(1, device=device, requires_grad=True)

    def params(self) -> tuple[Tensor[*tuple[Any, ...]], ...]:
        return (self.w1, self.b1, self.w2, self.b2)

    def __call__(self, x: Matrix[B, L[2]]) -> Matrix[B, L[1]]:
        h: Matrix[B, Any] = (x @ self.w1 + self.b1).relu()
        return h @ self.w2 + self.b2


def mse(pred: Matrix[B, L[1]], target: Matrix[B, L[1]]) -> Scalar:
    d = pred - target
    return (d * d).mean()


def train(model: MLP, x: Matrix[B, L[2]], y: Matrix[B, L[1]], steps: int, lr: float) -> list[float]:
    losses: list[float] = []
    for _ in range(steps):
        loss: Scalar = mse(model(x), y)
        loss.backward()
        for p in model.params():
            p._data = p._data - lr * p._grad
            p._grad = None
        losses.append(loss.item())
    return losses
"""


def test_typed_model_trains_under_the_import_hook(tmp_path: Path, device: str) -> None:
    name = f"ttmodel_{device.replace(':', '_')}"
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(MODEL))
    sys.path.insert(0, str(tmp_path))
    try:
        with tt.install_import_hook(name):
            mod = __import__(name)
        assert mod.train.__typedtorch_checked__
        x, y = xor_data(device)
        model = mod.MLP(16, device)
        losses = mod.train(model, x, y, 150, 0.2)
        assert losses[-1] < 0.25 * losses[0]
        with pytest.raises(
            tt.ShapeError, match=r"^train\(\) parameter 'y': expected Matrix\[B, 1\], got shape \(3, 1\)"
        ):
            mod.train(model, x, y[:3], 1, 0.2)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop(name, None)
