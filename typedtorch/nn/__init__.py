"""Typed layers, composition and losses: ``typedtorch.nn``.

>>> import typedtorch as tt
>>> from typedtorch import nn
>>> model = nn.Linear(784, 128) >> nn.ReLU() >> nn.Linear(128, 10)
>>> nn.cross_entropy(model(tt.zeros(32, 784)), tt.zeros(32, dtype="int64")).shape
()
"""

from ._activations import LogSoftmax as LogSoftmax
from ._activations import ReLU as ReLU
from ._activations import Sigmoid as Sigmoid
from ._activations import Softmax as Softmax
from ._activations import Tanh as Tanh
from ._attention import MultiheadAttention as MultiheadAttention
from ._compose import Sequential as Sequential
from ._compose import ShapePreserving as ShapePreserving
from ._dropout import Dropout as Dropout
from ._embedding import Embedding as Embedding
from ._flatten import Flatten as Flatten
from ._gelu import GELU as GELU
from ._layernorm import LayerNorm as LayerNorm
from ._linear import Linear as Linear
from ._losses import BCELoss as BCELoss
from ._losses import CrossEntropyLoss as CrossEntropyLoss
from ._losses import MSELoss as MSELoss
from ._losses import binary_cross_entropy as binary_cross_entropy
from ._losses import cross_entropy as cross_entropy
from ._losses import mse_loss as mse_loss
from ._module import Module as Module

__all__ = [
    "BCELoss",
    "CrossEntropyLoss",
    "Dropout",
    "Embedding",
    "Flatten",
    "GELU",
    "LayerNorm",
    "Linear",
    "LogSoftmax",
    "MSELoss",
    "MultiheadAttention",
    "Module",
    "ReLU",
    "Sequential",
    "ShapePreserving",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "binary_cross_entropy",
    "cross_entropy",
    "mse_loss",
]
