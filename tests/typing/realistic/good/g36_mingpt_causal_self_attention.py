"""minGPT's ``CausalSelfAttention``, nearly verbatim: one projection to q, k, v, heads by view + transpose.

Style: ``B, T, C = x.size()``, ``split(n_embd, dim=2)``, ``view(B, T, nh, C // nh).transpose(1, 2)``,
``q @ k.transpose(-2, -1)``, a ``tril`` buffer sliced ``[:, :, :T, :T]`` with
``masked_fill``, ``transpose(1, 2).contiguous().view(B, T, C)``; sizes are constructor
arguments; the buffer is declared for the type checker.
"""

import math

import typedtorch as tt
from typedtorch import nn
from typedtorch.nn import functional as F


class CausalSelfAttention(nn.Module):
    bias: tt.Tensor

    def __init__(self, n_embd: int, n_head: int, block_size: int, dropout: float = 0.1) -> None:
        super().__init__()
        assert n_embd % n_head == 0
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)
        self.c_proj = nn.Linear(n_embd, n_embd)
        self.attn_dropout = nn.Dropout(dropout)
        self.resid_dropout = nn.Dropout(dropout)
        mask = tt.tril(tt.ones(block_size, block_size)).view(1, 1, block_size, block_size)
        self.register_buffer("bias", mask)
        self.n_head = n_head
        self.n_embd = n_embd

    def forward(self, x: tt.Tensor) -> tt.Tensor:
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, nh, T, hs)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, nh, T, hs)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, nh, T, hs)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float("-inf"))
        att = F.softmax(att, dim=-1)
        att = self.attn_dropout(att)
        y = att @ v  # (B, nh, T, T) x (B, nh, T, hs) -> (B, nh, T, hs)
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.resid_dropout(self.c_proj(y))


tt.manual_seed(0)
attn = CausalSelfAttention(n_embd=32, n_head=4, block_size=16)
out = attn(tt.randn(2, 10, 32))  # T=10 < block_size
out.sum().backward()
print(tuple(out.shape))
