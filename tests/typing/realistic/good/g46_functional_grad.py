"""Functional training with ``tt.grad``: parameters in a dict, gradients in the same dict.

Style: ``tt.grad(loss_fn)(params, x, y)`` (the caller's ``.grad`` untouched), a typed
loss function over a dict of tensors, an update by dict comprehension.
"""

from typing import Literal as L

import typedtorch as tt
from typedtorch import Matrix, Scalar, Tensor

Params = dict[str, Tensor]


def predict(params: Params, x: Matrix[L[16], L[3]]) -> tt.Tensor:
    return tt.tanh(x @ params["w1"] + params["b1"]) @ params["w2"] + params["b2"]


def loss_fn(params: Params, x: Matrix[L[16], L[3]], y: Matrix[L[16], L[1]]) -> Scalar:
    return ((predict(params, x) - y) ** 2).mean()


tt.manual_seed(0)
params: Params = {
    "w1": tt.randn(3, 8) * 0.5,
    "b1": tt.zeros(8),
    "w2": tt.randn(8, 1) * 0.5,
    "b2": tt.zeros(1),
}
x = tt.randn(16, 3)
y = x.sum(dim=1, keepdim=True)
grad_fn = tt.grad(loss_fn)
for _ in range(10):
    grads = grad_fn(params, x, y)
    params = {k: p - 0.1 * grads[k] for k, p in params.items()}
print(loss_fn(params, x, y).item())
