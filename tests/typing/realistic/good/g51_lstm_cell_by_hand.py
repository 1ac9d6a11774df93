"""An LSTM cell by hand: one matmul for all four gates, split with ``chunk(4, dim=1)``.

Style: ``x @ W_ih + h @ W_hh + b`` of width ``4 * H``, ``chunk``, gate arithmetic of equal
shapes, a cell state carried across steps; a generic step function.
"""

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Matrix

B = TypeVar("B")
N_IN, H = 10, 16

tt.manual_seed(0)
W_ih = tt.randn(N_IN, 4 * H) * 0.1
W_hh = tt.randn(H, 4 * H) * 0.1
b = tt.zeros(4 * H)


def lstm_step(
    x: Matrix[B, L[10]], h: Matrix[B, L[16]], c: Matrix[B, L[16]]
) -> tuple[Matrix[B, L[16]], Matrix[B, L[16]]]:
    gates = x @ W_ih + h @ W_hh + b  # (B, 64)
    i, f, g, o = gates.chunk(4, dim=1)
    c_next = tt.sigmoid(f) * c + tt.sigmoid(i) * tt.tanh(g)
    h_next = tt.sigmoid(o) * tt.tanh(c_next)
    return h_next, c_next


seq = tt.randn(6, 3, N_IN)  # (T, B, I)
h, c = tt.zeros(3, H), tt.zeros(3, H)
for x_t in seq:
    h, c = lstm_step(x_t, h, c)
print(tuple(h.shape), tuple(c.shape))
