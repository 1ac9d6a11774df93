"""Shape-preserving layers (non-generic classes, generic ``__call__``) keep any shape; ``Flatten`` keeps the batch dim."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Any, TypeVar, reveal_type
from typing import Literal as L

import typedtorch as tt
from typedtorch import Matrix, Tensor, nn

B = TypeVar("B")

x = tt.zeros(64, 128)
x3 = tt.zeros(2, 3, 4)
relu = nn.ReLU()
reveal_type(relu)  # R: typedtorch.nn._activations.ReLU
reveal_type(relu(x))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[128]]
reveal_type(relu(x3))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[3], Literal[4]]
reveal_type(relu(tt.zeros(5)))  # R: typedtorch._tensor.Tensor[Literal[5]]
reveal_type(nn.Sigmoid()(x))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[128]]
reveal_type(nn.Tanh()(x3))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[3], Literal[4]]
reveal_type(nn.Softmax()(x))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[128]]
reveal_type(nn.Softmax(dim=0)(x))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[128]]
reveal_type(nn.LogSoftmax(dim=-1)(x))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[128]]
reveal_type(nn.Dropout(0.2)(x3))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[3], Literal[4]]
reveal_type(nn.Dropout()(x))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[128]]
reveal_type(nn.Dropout(0.5).eval())  # R: typedtorch.nn._dropout.Dropout

# One instance serves every shape: the class is not generic, its __call__ is.
reveal_type((relu(x), relu(x3)))  # R: tuple[typedtorch._tensor.Tensor[Literal[64], Literal[128]], typedtorch._tensor.Tensor[Literal[2], Literal[3], Literal[4]]]

# Flatten keeps the first dim; plain mypy cannot multiply the rest (Tensor[64, Any]), the mypy plugin does.
reveal_type(nn.Flatten()(tt.zeros(64, 28, 28)))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[784]]
reveal_type(nn.Flatten(start_dim=1)(x))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[128]]


def block(h: Matrix[B, L[32]]) -> Matrix[B, L[32]]:
    return nn.Dropout(0.1)(nn.Tanh()(h))


def images(batch: Tensor[B, L[28], L[28]]) -> Tensor[B, Any]:
    return nn.Flatten()(batch)


reveal_type(block(tt.zeros(8, 32)))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[32]]
