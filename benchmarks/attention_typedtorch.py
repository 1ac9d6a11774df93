"""The benchmark block in typedtorch, written as a user would (layers, loss, optimizer).

Two ways to write the attention, both typed (``forward()`` modules):

- ``Block`` (``--impls typedtorch``): ``nn.MultiheadAttention(batch_first=True)``, as
  ``examples/transformer.py``; its fused op reads the heads out of the packed
  ``(B, T, 3D)`` projection itself (``need_weights=False``, ``is_causal=True``). Its
  arithmetic is the numpy reference's, so the losses are identical.
- ``WrittenOut`` (``--impls typedtorch-ops``): the block as ``attention_torch.py`` writes
  it (and nanoGPT): a ``qkv`` ``nn.Linear``, ``split``, ``view`` + ``transpose`` to
  heads, ``F.scaled_dot_product_attention(is_causal=True)``, ``transpose`` +
  ``contiguous`` + ``view`` back, an output ``nn.Linear``: the core's shape ops on the
  hot path. Its products run on other memory layouts, so its losses differ from the
  reference's in the last bits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, TypeVar

from attention_workload import Config, data, weights

import typedtorch as tt
from typedtorch import nn, optim
from typedtorch.nn import functional as F

B = TypeVar("B")
T = TypeVar("T")


class Block(nn.Module):
    def __init__(self, c: Config) -> None:
        super().__init__()
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

    def forward(self, idx: tt.Tensor[B, T]) -> tt.Tensor[B, T, Any]:
        _, t = idx.size()
        x = self.tok(idx) + self.pos(tt.arange(t))
        h = self.ln1(x)
        a, _ = self.attn(h, h, h, need_weights=False, is_causal=True)
        x = x + a
        x = x + self.fc2(self.gelu(self.fc1(self.ln2(x))))
        return self.head(self.lnf(x))


class WrittenOut(nn.Module):
    def __init__(self, c: Config) -> None:
        super().__init__()
        self.dim, self.heads = c.dim, c.heads
        self.tok = nn.Embedding(c.vocab, c.dim)
        self.pos = nn.Embedding(c.seq, c.dim)
        self.ln1 = nn.LayerNorm(c.dim)
        self.qkv = nn.Linear(c.dim, 3 * c.dim)
        self.proj = nn.Linear(c.dim, c.dim)
        self.ln2 = nn.LayerNorm(c.dim)
        self.fc1 = nn.Linear(c.dim, c.hidden)
        self.fc2 = nn.Linear(c.hidden, c.dim)
        self.lnf = nn.LayerNorm(c.dim)
        self.head = nn.Linear(c.dim, c.vocab, bias=False)

    def forward(self, idx: tt.Tensor[B, T]) -> tt.Tensor[B, T, Any]:
        b, t = idx.size()
        x = self.tok(idx) + self.pos(tt.arange(t))
        q, k, v = self.qkv(self.ln1(x)).split(self.dim, dim=2)
        q = q.view(b, t, self.heads, -1).transpose(1, 2)
        k = k.view(b, t, self.heads, -1).transpose(1, 2)
        v = v.view(b, t, self.heads, -1).transpose(1, 2)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.proj(y.transpose(1, 2).contiguous().view(b, t, self.dim))
        x = x + self.fc2(F.gelu(self.fc1(self.ln2(x))))
        return self.head(self.lnf(x))


def make_step(c: Config, variant: Literal["layer", "ops"] = "layer") -> Callable[[int], float]:
    w = weights(c)
    model: nn.Module
    if variant == "layer":
        model = Block(c)
        state = w
    else:
        model = WrittenOut(c)
        # nn.Linear stores (in, out); the attention's weights are kept (out, in).
        renamed = {"attn.in_proj_weight": "qkv.weight", "attn.in_proj_bias": "qkv.bias"}
        renamed |= {"attn.out_proj.weight": "proj.weight", "attn.out_proj.bias": "proj.bias"}
        state = {renamed.get(k, k): v for k, v in w.items()}
        state["qkv.weight"] = state["qkv.weight"].T.copy()
        state["proj.weight"] = state["proj.weight"].T.copy()
    model.load_state_dict({k: tt.from_numpy(v) for k, v in state.items()})
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
