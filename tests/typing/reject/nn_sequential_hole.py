"""``Sequential(...)`` where plain mypy had a hole: mismatches are still errors.

Plain mypy rejected some correct chains (shape-preserving layers on both sides of a
size change) and typed them ``Sequential[Any, Any]``; the typedtorch mypy plugin
types them exactly (accept/nn_sequential_hole.py). A mismatch in the same patterns
stays an error, reported on the layer that does not fit, and the model a correct
chain builds checks its input.
"""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

import typedtorch as tt
from typedtorch import nn

mlp = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10), nn.ReLU())
mlp(tt.zeros(8, 100))  # E: Sequential[784, 10]: input is Tensor[8, 100], expected Tensor[8, 784] (last dim: 100 != 784)  [shape]

nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(100, 10), nn.ReLU())  # E: Sequential: layer 2 (Linear[100, 10]) cannot take Tensor[B, 128] from layer 1 (ReLU): expected Tensor[B, 100] (last dim: 128 != 100)  [shape]
nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(60, 10))  # E: Sequential: layer 4 (Linear[60, 10]) cannot take Tensor[B, 64] from layer 3 (ReLU): expected Tensor[B, 60] (last dim: 64 != 60)  [shape]
nn.Sequential(nn.Dropout(0.1), nn.Linear(784, 10), nn.Dropout(0.1), nn.Linear(100, 2))  # E: Sequential: layer 3 (Linear[100, 2]) cannot take Tensor[B, 10] from layer 2 (Dropout)
