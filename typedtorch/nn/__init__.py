"""Typed layers, composition and losses: ``typedtorch.nn``.

>>> import typedtorch as tt
>>> from typedtorch import nn
>>> model = nn.Linear(784, 128) >> nn.ReLU() >> nn.Linear(128, 10)
>>> nn.cross_entropy(model(tt.zeros(32, 784)), tt.zeros(32, dtype="int64")).shape
()

Submodules: ``nn.functional`` (losses and activations as functions, ``import
typedtorch.nn.functional as F``), ``nn.init`` (in-place initializers) and
``nn.utils`` (gradient clipping).
"""

from . import functional as functional
from . import init as init
from . import utils as utils
from ._activations import LogSoftmax as LogSoftmax
from ._activations import ReLU as ReLU
from ._activations import Sigmoid as Sigmoid
from ._activations import Softmax as Softmax
from ._activations import Tanh as Tanh
from ._attention import MultiheadAttention as MultiheadAttention
from ._batchnorm import BatchNorm1d as BatchNorm1d
from ._batchnorm import BatchNorm2d as BatchNorm2d
from ._batchnorm import Dropout2d as Dropout2d
from ._compose import Sequential as Sequential
from ._compose import ShapePreserving as ShapePreserving
from ._containers import ModuleDict as ModuleDict
from ._containers import ModuleList as ModuleList
from ._conv import Conv1d as Conv1d
from ._conv import Conv2d as Conv2d
from ._dropout import Dropout as Dropout
from ._embedding import Embedding as Embedding
from ._flatten import Flatten as Flatten
from ._gelu import GELU as GELU
from ._layernorm import LayerNorm as LayerNorm
from ._linear import Linear as Linear
from ._losses import BCELoss as BCELoss
from ._losses import BCEWithLogitsLoss as BCEWithLogitsLoss
from ._losses import CrossEntropyLoss as CrossEntropyLoss
from ._losses import HuberLoss as HuberLoss
from ._losses import L1Loss as L1Loss
from ._losses import MSELoss as MSELoss
from ._losses import NLLLoss as NLLLoss
from ._losses import SmoothL1Loss as SmoothL1Loss
from ._losses import binary_cross_entropy as binary_cross_entropy
from ._losses import binary_cross_entropy_with_logits as binary_cross_entropy_with_logits
from ._losses import cross_entropy as cross_entropy
from ._losses import huber_loss as huber_loss
from ._losses import l1_loss as l1_loss
from ._losses import mse_loss as mse_loss
from ._losses import nll_loss as nll_loss
from ._losses import smooth_l1_loss as smooth_l1_loss
from ._module import IncompatibleKeys as IncompatibleKeys
from ._module import Module as Module
from ._parameter import Parameter as Parameter
from ._pool import AdaptiveAvgPool2d as AdaptiveAvgPool2d
from ._pool import AvgPool2d as AvgPool2d
from ._pool import MaxPool2d as MaxPool2d

__all__ = [
    "AdaptiveAvgPool2d",
    "AvgPool2d",
    "BCELoss",
    "BCEWithLogitsLoss",
    "BatchNorm1d",
    "BatchNorm2d",
    "Conv1d",
    "Conv2d",
    "CrossEntropyLoss",
    "Dropout",
    "Dropout2d",
    "Embedding",
    "Flatten",
    "GELU",
    "HuberLoss",
    "IncompatibleKeys",
    "L1Loss",
    "LayerNorm",
    "Linear",
    "LogSoftmax",
    "MSELoss",
    "MaxPool2d",
    "Module",
    "ModuleDict",
    "ModuleList",
    "MultiheadAttention",
    "NLLLoss",
    "Parameter",
    "ReLU",
    "Sequential",
    "ShapePreserving",
    "Sigmoid",
    "SmoothL1Loss",
    "Softmax",
    "Tanh",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "functional",
    "huber_loss",
    "init",
    "l1_loss",
    "mse_loss",
    "nll_loss",
    "smooth_l1_loss",
    "utils",
]
