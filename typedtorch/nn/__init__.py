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
from ._batchnorm import BatchNorm1d as BatchNorm1d
from ._batchnorm import BatchNorm2d as BatchNorm2d
from ._batchnorm import Dropout2d as Dropout2d
from ._compose import Sequential as Sequential
from ._compose import ShapePreserving as ShapePreserving
from ._conv import Conv1d as Conv1d
from ._conv import Conv2d as Conv2d
from ._dropout import Dropout as Dropout
from ._flatten import Flatten as Flatten
from ._linear import Linear as Linear
from ._losses import BCELoss as BCELoss
from ._losses import CrossEntropyLoss as CrossEntropyLoss
from ._losses import MSELoss as MSELoss
from ._losses import binary_cross_entropy as binary_cross_entropy
from ._losses import cross_entropy as cross_entropy
from ._losses import mse_loss as mse_loss
from ._module import Module as Module
from ._pool import AdaptiveAvgPool2d as AdaptiveAvgPool2d
from ._pool import AvgPool2d as AvgPool2d
from ._pool import MaxPool2d as MaxPool2d

__all__ = [
    "AdaptiveAvgPool2d",
    "AvgPool2d",
    "BCELoss",
    "BatchNorm1d",
    "BatchNorm2d",
    "Conv1d",
    "Conv2d",
    "CrossEntropyLoss",
    "Dropout",
    "Dropout2d",
    "Flatten",
    "Linear",
    "LogSoftmax",
    "MSELoss",
    "MaxPool2d",
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
