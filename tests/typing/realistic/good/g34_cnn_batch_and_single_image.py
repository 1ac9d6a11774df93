"""A CNN trained on a batch and then asked about one image (``unsqueeze(0)`` adds the batch).

Style: one model at two batch sizes, a single ``(1, 28, 28)`` image, ``softmax`` over
classes, ``squeeze(0)`` of the batch of one, ``max()`` of the probabilities.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn, optim

B = TypeVar("B")


class SmallCNN(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Conv2d(1, 4, 5) >> nn.ReLU() >> nn.MaxPool2d(2)  # 28 -> 24 -> 12
        self.classifier = nn.Linear(4 * 12 * 12, 10)

    def __call__(self, x: Tensor[B, L[1], L[28], L[28]]) -> Tensor[B, L[10]]:
        return self.classifier(self.features(x).flatten(1))


tt.manual_seed(0)
model = SmallCNN()
opt = optim.SGD(model.parameters(), lr=0.05)
loss = nn.cross_entropy(model(tt.rand(8, 1, 28, 28)), tt.randint(0, 10, (8,)))
loss.backward()
opt.step()

image: Tensor[L[1], L[28], L[28]] = tt.rand(1, 28, 28)
with tt.no_grad():
    probs = tt.softmax(model(image.unsqueeze(0)), dim=1).squeeze(0)  # (10,)
print(f"class {probs.argmax().item()} with p={probs.max().item():.2f}")
