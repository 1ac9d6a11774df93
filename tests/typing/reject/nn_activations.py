"""Shape-preserving layers keep the exact shape, so a different one is an error; ``Flatten`` keeps only the batch dim.

mypy solves a generic ``__call__`` against the expected result type, so most of these
report the argument (the layer would need that input to give that output).
"""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Matrix, Tensor, nn

B = TypeVar("B")

x = tt.zeros(64, 128)
a: Matrix[L[64], L[10]] = nn.ReLU()(x)  # E: Argument 1 to "__call__" of "ReLU" has incompatible type "Tensor[Literal[64], Literal[128]]"; expected "Tensor[Literal[64], Literal[10]]"
b: Matrix[L[64], L[128]] = nn.Sigmoid()(tt.zeros(64, 12))  # E: Argument 1 to "__call__" of "Sigmoid" has incompatible type "Tensor[Literal[64], Literal[12]]"; expected "Tensor[Literal[64], Literal[128]]"  [arg-type]
c: Tensor[L[64]] = nn.Softmax()(x)  # E: Argument 1 to "__call__" of "Softmax" has incompatible type "Tensor[Literal[64], Literal[128]]"; expected "Tensor[Literal[64]]"
d: Matrix[L[128], L[64]] = nn.Dropout(0.5)(x)  # E: Argument 1 to "__call__" of "Dropout" has incompatible type "Tensor[Literal[64], Literal[128]]"; expected "Tensor[Literal[128], Literal[64]]"
nn.Flatten(start_dim=2)  # E: Argument "start_dim" to "Flatten" has incompatible type "Literal[2]"; expected "Literal[1]"
nn.Flatten()(tt.zeros())  # E: Flatten: input is Tensor[()], expected at least 1 dim, got 0 (rule 'B *R -> B prod(R)')  [shape]
e: Tensor[L[64], L[28], L[28]] = nn.Flatten()(tt.zeros(64, 28, 28))  # E: Incompatible types in assignment
nn.Dropout("0.5")  # E: Argument 1 to "Dropout" has incompatible type "str"; expected "float"
nn.Softmax(dim=None)  # E: Argument "dim" to "Softmax" has incompatible type "None"; expected "int"


def wrong(h: Matrix[B, L[32]]) -> Matrix[B, L[16]]:
    return nn.Tanh()(h)  # E: Argument 1 to "__call__" of "Tanh" has incompatible type "Tensor[B, Literal[32]]"; expected "Tensor[B, Literal[16]]"


def batch_swapped(h: Matrix[B, L[32]]) -> Matrix[L[32], B]:
    return nn.LogSoftmax()(h)  # E: Argument 1 to "__call__" of "LogSoftmax" has incompatible type "Tensor[B, Literal[32]]"; expected "Tensor[Literal[32], B]"
