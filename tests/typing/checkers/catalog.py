"""What each checker catches: one shape bug per function, each marked with the checkers
that report it (``# catches: plugin plain pyright``; ``plugin`` is mypy with
typedtorch's plugin, ``plain`` is mypy without it, ``pyright`` is pyright's standard
mode). ``tests/test_checkers.py`` runs the three and holds every mark to what they
report: a line no checker flags is an error, and so is a flag on an unmarked line.
The README's table "What each checker catches" is this file. Every bug here also
raises ``tt.ShapeError`` at run time.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

B = TypeVar("B")
T = TypeVar("T")

lin = nn.Linear(784, 10)
conv = nn.Conv2d(1, 32, 3)


def matmul_inner(a: Tensor[B, L[4]], w: Tensor[L[5], L[3]]) -> None:
    _ = a @ w  # catches: plugin plain pyright


def literal_matmul() -> None:
    _ = tt.zeros(4, 2) @ tt.zeros(3, 5)  # catches: plugin plain


def broadcast_last_dim(a: Tensor[B, L[4]], b: Tensor[L[5]]) -> None:
    _ = a + b  # catches: plugin


def hidden_outer_product(a: Tensor[B], b: Tensor[B, L[1]]) -> None:
    _ = a * b  # catches: plugin


def keepdim_forgotten(x: Tensor[B, L[5]]) -> Tensor[B, L[5]]:
    return x - x.sum(dim=1)  # catches: plugin


def layer_width(x: Tensor[B, L[100]]) -> None:
    _ = lin(x)  # catches: plugin plain


def chain_mismatch() -> None:
    _ = (nn.Linear(784, 128) >> nn.ReLU() >> nn.Linear(64, 10))(tt.zeros(2, 784))  # catches: plugin plain


def keys_not_transposed(q: Tensor[B, L[4], T, L[32]], k: Tensor[B, L[4], T, L[32]]) -> Tensor[B, L[4], T, T]:
    return q @ k  # catches: plugin plain pyright


def permute_order(x: Tensor[B, L[3], L[32], L[32]]) -> Tensor[B, L[32], L[32], L[4]]:
    return x.permute(0, 2, 3, 1)  # catches: plugin plain pyright


def unsqueeze_wrong_dim(x: Tensor[B, L[10]], y: Tensor[B, L[5]]) -> None:
    _ = x * y.unsqueeze(1)  # catches: plugin


def view_element_count(x: Tensor[L[8], L[3], L[32], L[32]]) -> None:
    _ = x.view(8, 784)  # catches: plugin


def flatten_then_linear(x: Tensor[B, L[64], L[12], L[12]]) -> None:
    _ = nn.Linear(9126, 128)(tt.flatten(x, 1))  # catches: plugin


def conv_channels(x: Tensor[B, L[3], L[28], L[28]]) -> None:
    _ = conv(x)  # catches: plugin plain


def cat_width(a: Tensor[B, L[16]], b: Tensor[B, L[16]]) -> Tensor[B, L[16]]:
    return tt.cat([a, b], dim=1)  # catches: plugin


def einsum_letters(a: Tensor[L[2], L[3], L[4]], b: Tensor[L[2], L[5], L[6]]) -> None:
    _ = tt.einsum("bij,bjk->bik", a, b)  # catches: plugin


def slice_off_by_one(x: Tensor[L[32], L[8]], y: Tensor[L[32], L[8]]) -> None:
    _ = x[1:] - y  # catches: plugin


def squeeze_not_one(x: Tensor[B, L[3]]) -> None:
    _ = x.squeeze(1)  # catches: plugin


def heads_do_not_divide() -> None:
    _ = nn.MultiheadAttention(30, 4)  # catches: plugin


def loss_shapes(pred: Tensor[B, L[1]], y: Tensor[B]) -> None:
    _ = nn.mse_loss(pred, y)  # catches: plugin plain pyright


def backward_not_scalar(pred: Tensor[B, L[1]]) -> None:
    pred.backward()  # catches: plugin plain pyright
