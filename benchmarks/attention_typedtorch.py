"""The benchmark block in typedtorch, written as a user would (layers, loss, optimizer).

Stage 1 of the attention work: the core has no ``view``/``transpose`` yet, so the
attention is ``nn.MultiheadAttention(batch_first=True)``, whose fused op reads the heads
out of the packed ``(B, T, 3D)`` projection itself (``need_weights=False``,
``is_causal=True``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, TypeVar

from attention_workload import Config, data, weights

import typedtorch as tt
from typedtorch import nn, optim

B = TypeVar("B")
T = TypeVar("T")


class Block(nn.Module):
    def __init__(self, c: Config) -> None:
        self.tok = nn.Embedding(c.vocab, c.dim)
        self.pos = nn.Embedding(c.seq, c.dim)
        self.ln1 = nn.LayerNorm(c.dim)
        self.attn = nn.MultiheadAttention(c.dim, c.heads, batch_first=True)
        self.ln2 = nn.LayerNorm(c.dim)
        self.fc1 = nn.Linear(c.dim, c.hidden)
        self.gelu = nn.GELU()
        self.fc2 = nn.Linear(c.hidden, c.dim)
        self.lnf = nn.LayerNorm(c.dim)
        self.head = nn.Linear(c.dim, c.vocab, bias=False)

    def __call__(self, idx: tt.Tensor[B, T]) -> tt.Tensor[B, T, Literal[64]]:
        x = self.tok(idx) + self.pos(tt.arange(idx.shape[1]))
        h = self.ln1(x)
        a, _ = self.attn(h, h, h, need_weights=False, is_causal=True)
        x = x + a
        x = x + self.fc2(self.gelu(self.fc1(self.ln2(x))))
        return self.head(self.lnf(x))  # type: ignore[return-value]


def make_step(c: Config) -> Callable[[int], float]:
    model = Block(c)
    model.load_state_dict({k: tt.from_numpy(v) for k, v in weights(c).items()})
    opt = optim.Adam(model.parameters(), lr=c.lr)
    batches = [(tt.from_numpy(x), tt.from_numpy(y.reshape(-1))) for x, y in data(c)]

    def step(i: int) -> float:
        x, y = batches[i % len(batches)]
        opt.zero_grad()
        logits = model(x)
        loss = nn.cross_entropy(logits.reshape(-1, c.vocab), y)
        loss.backward()
        opt.step()
        return loss  # type: ignore[return-value]  # read with float() only when checked

    return step
