"""A typed classifier function reused at two batch sizes.

Style: fully annotated; a ``TypeVar`` batch dim bound once per call; literal feature
sizes; results annotated with the sizes the caller expects.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

B = TypeVar("B")

tt.manual_seed(0)
fc1 = nn.Linear(784, 128)
fc2 = nn.Linear(128, 10)


def classify(x: Tensor[B, L[784]]) -> Tensor[B, L[10]]:
    return fc2(tt.relu(fc1(x)))


def predict(x: Tensor[B, L[784]]) -> Tensor[B]:
    return classify(x).argmax(dim=1)


batch: Tensor[L[32], L[10]] = classify(tt.randn(32, 784))
single: Tensor[L[1], L[10]] = classify(tt.randn(1, 784))
labels: Tensor[L[32]] = predict(tt.randn(32, 784))
print(tuple(batch.shape), tuple(single.shape), tuple(labels.shape))
