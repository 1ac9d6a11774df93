"""Conv output sizes computed from the formula, then used to size the classifier.

Style: module-level constants and integer arithmetic (``(H + 2 * P - K) // S + 1``),
``padding=1``/``stride=2``, ``nn.Linear(C2 * H2 * H2, 10)``.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor, nn

B = TypeVar("B")

H = 32
K, P, S = 3, 1, 2
H1 = (H + 2 * P - K) // S + 1  # 16
H2 = (H1 + 2 * P - K) // S + 1  # 8
C1, C2 = 16, 32


class Encoder(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, C1, K, stride=S, padding=P)
        self.conv2 = nn.Conv2d(C1, C2, K, stride=S, padding=P)
        self.fc = nn.Linear(C2 * H2 * H2, 10)

    def forward(self, x: Tensor[B, L[3], L[32], L[32]]) -> Tensor[B, L[10]]:
        h1 = tt.relu(self.conv1(x))
        h2 = tt.relu(self.conv2(h1))
        return self.fc(h2.flatten(1))


tt.manual_seed(0)
enc = Encoder()
out = enc(tt.randn(2, 3, 32, 32))
print(H1, H2, tuple(out.shape))
