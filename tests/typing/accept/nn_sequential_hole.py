"""``Sequential(...)`` where plain mypy has a hole, closed by the typedtorch mypy plugin.

THE HOLE (plain mypy): when two shape-preserving layers (``ReLU``, ``Tanh``,
``Dropout``, ...) stand on both sides of a size-changing layer, as in ``Linear, ReLU,
Linear, ReLU``, plain mypy reports a false ``Cannot infer value of type parameter
"T1" of "Sequential"`` for a correct chain and types the result ``Sequential[Any,
Any]``. Every ``ReLU()`` shares the one generic ``__call__[*S]``, and mypy solves that
``*S`` once for the whole call instead of once per argument, so it demands both
ReLUs see the same size. Measured over every order of up to five Linear/ReLU layers:
a call is typed exactly unless it contains a shape-preserving layer, later a
size-changing one, later a shape-preserving one again.

PLUGIN (enabled in mypy.ini): ``Sequential(...)`` is checked argument by argument,
like ``>>``, so those chains are typed exactly (first block below); mismatches in the
same patterns stay errors (reject/nn_sequential_hole.py). Without the plugin, the
workarounds further down are exact under plain mypy.
"""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L
from typing import reveal_type

import typedtorch as tt
from typedtorch import nn

# Plain mypy's false errors, typed exactly by the plugin.
reveal_type(nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10), nn.ReLU()))  # R: typedtorch.nn._compose.Sequential[Literal[784], Literal[10]]
reveal_type(nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10)))  # R: typedtorch.nn._compose.Sequential[Literal[784], Literal[10]]
reveal_type(nn.Sequential(nn.Dropout(0.1), nn.Linear(784, 10), nn.Dropout(0.1)))  # R: typedtorch.nn._compose.Sequential[Literal[784], Literal[10]]
reveal_type(nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10)))  # R: typedtorch.nn._compose._Chain[*tuple[typedtorch.nn._flatten.Flatten, typedtorch.nn._linear.Linear[Literal[784], Literal[128]], typedtorch.nn._activations.ReLU, typedtorch.nn._linear.Linear[Literal[128], Literal[64]], typedtorch.nn._activations.ReLU, typedtorch.nn._linear.Linear[Literal[64], Literal[10]]]]
mlp = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10), nn.ReLU())
reveal_type(mlp(tt.zeros(8, 784)))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[10]]

# No shape-preserving layer on both sides of a size change: exact even without the plugin.
reveal_type(nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10)))  # R: typedtorch.nn._compose.Sequential[Literal[784], Literal[10]]
reveal_type(nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.ReLU(), nn.Linear(128, 10)))  # R: typedtorch.nn._compose.Sequential[Literal[784], Literal[10]]
reveal_type(nn.Sequential(nn.ReLU(), nn.Dropout(), nn.Linear(784, 10), nn.Linear(10, 2)))  # R: typedtorch.nn._compose.Sequential[Literal[784], Literal[2]]

# Different shape-preserving classes do not share a type variable, so they are fine.
reveal_type(nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.Tanh(), nn.Linear(64, 10)))  # R: typedtorch.nn._compose.Sequential[Literal[784], Literal[10]]

# Without the plugin, workaround 1: `>>` is checked one step at a time and is exact for every order.
reveal_type(nn.Linear(784, 128) >> nn.ReLU() >> nn.Linear(128, 64) >> nn.ReLU() >> nn.Linear(64, 10))  # R: typedtorch.nn._compose.Sequential[Literal[784], Literal[10]]
reveal_type(nn.ReLU() >> nn.Linear(784, 128) >> nn.ReLU())  # R: typedtorch.nn._compose.Sequential[Literal[784], Literal[128]]
reveal_type(nn.Linear(784, 128) >> nn.ReLU() >> nn.Linear(128, 10) >> nn.ReLU())  # R: typedtorch.nn._compose.Sequential[Literal[784], Literal[10]]

# Workaround 2: split the call and continue with `>>`.
reveal_type(nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10)) >> nn.ReLU())  # R: typedtorch.nn._compose.Sequential[Literal[784], Literal[10]]

# A declared type documents the model and is checked against the chain.
model: nn.Sequential[L[784], L[10]] = nn.Linear(784, 128) >> nn.ReLU() >> nn.Linear(128, 10) >> nn.ReLU()
reveal_type(model(tt.zeros(8, 784)))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[10]]
