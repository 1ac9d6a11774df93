"""The benchmark block in PyTorch (CPU eager), as it is usually written: a fused ``qkv``
Linear, ``view``/``transpose`` to heads, ``F.scaled_dot_product_attention(is_causal=True)``.

Only when PyTorch is installed; never a dependency.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from attention_workload import Config, data, weights


class Block(torch.nn.Module):
    def __init__(self, c: Config) -> None:
        super().__init__()
        self.c = c
        self.tok = torch.nn.Embedding(c.vocab, c.dim)
        self.pos = torch.nn.Embedding(c.seq, c.dim)
        self.ln1 = torch.nn.LayerNorm(c.dim)
        self.qkv = torch.nn.Linear(c.dim, 3 * c.dim)
        self.proj = torch.nn.Linear(c.dim, c.dim)
        self.ln2 = torch.nn.LayerNorm(c.dim)
        self.fc1 = torch.nn.Linear(c.dim, c.hidden)
        self.fc2 = torch.nn.Linear(c.hidden, c.dim)
        self.lnf = torch.nn.LayerNorm(c.dim)
        self.head = torch.nn.Linear(c.dim, c.vocab, bias=False)
        self.register_buffer("positions", torch.arange(c.seq))

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        c = self.c
        b, t = idx.shape
        x = self.tok(idx) + self.pos(self.positions)
        q, k, v = self.qkv(self.ln1(x)).split(c.dim, dim=2)
        q = q.view(b, t, c.heads, -1).transpose(1, 2)
        k = k.view(b, t, c.heads, -1).transpose(1, 2)
        v = v.view(b, t, c.heads, -1).transpose(1, 2)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.proj(y.transpose(1, 2).contiguous().view(b, t, c.dim))
        x = x + self.fc2(F.gelu(self.fc1(self.ln2(x))))
        return self.head(self.lnf(x))


def make_step(c: Config) -> Callable[[int], float]:
    torch.set_num_threads(1)
    model = Block(c)
    w = weights(c)
    # typedtorch's Linear stores (in, out); torch's (out, in). The attention weights
    # are (out, in) in both (MultiheadAttention keeps PyTorch's layout).
    mapping = {
        "tok.weight": w["tok.weight"], "pos.weight": w["pos.weight"],
        "ln1.weight": w["ln1.weight"], "ln1.bias": w["ln1.bias"],
        "qkv.weight": w["attn.in_proj_weight"], "qkv.bias": w["attn.in_proj_bias"],
        "proj.weight": w["attn.out_proj.weight"], "proj.bias": w["attn.out_proj.bias"],
        "ln2.weight": w["ln2.weight"], "ln2.bias": w["ln2.bias"],
        "fc1.weight": w["fc1.weight"].T, "fc1.bias": w["fc1.bias"],
        "fc2.weight": w["fc2.weight"].T, "fc2.bias": w["fc2.bias"],
        "lnf.weight": w["lnf.weight"], "lnf.bias": w["lnf.bias"],
        "head.weight": w["head.weight"].T,
    }  # fmt: skip
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(torch.from_numpy(mapping[name].copy()))
    opt = torch.optim.Adam(model.parameters(), lr=c.lr)
    batches = [(torch.from_numpy(x), torch.from_numpy(y.reshape(-1))) for x, y in data(c)]

    def step(i: int) -> float:
        x, y = batches[i % len(batches)]
        opt.zero_grad()
        loss = F.cross_entropy(model(x).view(-1, c.vocab), y)
        loss.backward()
        opt.step()
        return loss  # type: ignore[return-value]

    return step
