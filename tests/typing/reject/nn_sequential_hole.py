"""Plain mypy's hole in ``Sequential(...)``: false errors on correct chains (see accept/nn_sequential_hole.py).

Lines marked FALSE ERROR are correct code that plain mypy rejects. The typedtorch
mypy plugin must accept them: when it lands, move each to accept/nn_sequential_hole.py
with a reveal_type marker of its exact type. The mismatches at the end must stay errors.
"""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import reveal_type

import typedtorch as tt
from typedtorch import nn

# FALSE ERROR (plugin fixes): Linear, ReLU, Linear, ReLU -- a ReLU on both sides of a size change.
mlp = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10), nn.ReLU())  # E: Cannot infer value of type parameter "T1" of "Sequential"
# FALSE ERROR (plugin fixes): the usual hidden-layer MLP.
deep = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))  # E: Cannot infer value of type parameter "T1" of "Sequential"
# FALSE ERROR (plugin fixes): a leading shape-preserving layer and a later one.
lead = nn.Sequential(nn.Dropout(0.1), nn.Linear(784, 10), nn.Dropout(0.1))  # E: Cannot infer value of type parameter "X" of "Sequential"
# FALSE ERROR (plugin fixes): the same with Flatten first.
flat = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))  # E: Cannot infer value of type parameter

# After the false error the result is Sequential[Any, Any]: later misuse goes unreported
# (the runtime check in Linear still catches it). The plugin gives these their real types.
reveal_type(mlp)  # R: typedtorch.nn._compose.Sequential[Any, Any]
reveal_type(mlp(tt.zeros(8, 100)))  # R: typedtorch._tensor.Tensor[Literal[8], Any]

# Real mismatches are rejected in the same patterns, now and with the plugin.
nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(100, 10), nn.ReLU())  # E: Cannot infer value of type parameter
nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(60, 10))  # E: Cannot infer value of type parameter
