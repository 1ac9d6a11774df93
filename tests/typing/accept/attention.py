# pyright: reportInvalidTypeForm=false
"""Attention typed end to end: the layers, and a causal self-attention block as PyTorch users write it."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

import math
from typing import Generic, TypeVar, reveal_type
from typing import Literal as L

import typedtorch as tt
from typedtorch import Tensor, nn
from typedtorch._dims import Size
from typedtorch.nn import functional as F

B = TypeVar("B")
T = TypeVar("T")
E = TypeVar("E", bound=int | L[0])
H = TypeVar("H", bound=int | L[0])
V = TypeVar("V", bound=int | L[0])


# ------------------------------------------------------------------ the layers
idx = tt.zeros(8, 64, dtype=tt.int64)
emb = nn.Embedding(65, 128)
reveal_type(emb)  # R: typedtorch.nn._embedding.Embedding[Literal[65], Literal[128]]
reveal_type(emb(idx))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[64], Literal[128]]
reveal_type(emb(tt.arange(64)))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[128]]
reveal_type(emb(idx) + emb(tt.arange(64)))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[64], Literal[128]]
ln = nn.LayerNorm(128)
reveal_type(ln)  # R: typedtorch.nn._layernorm.LayerNorm[Literal[128]]
reveal_type(ln(emb(idx)))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[64], Literal[128]]
reveal_type(nn.GELU()(emb(idx)))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[64], Literal[128]]

x = tt.randn(8, 64, 128)  # (batch, positions, embed)
mha_bf = nn.MultiheadAttention(128, 4, batch_first=True)
reveal_type(mha_bf)  # R: typedtorch.nn._attention.MultiheadAttention[Literal[128], Literal[4], Literal[True]]
reveal_type(mha_bf(x, x, x))  # R: tuple[typedtorch._tensor.Tensor[Literal[8], Literal[64], Literal[128]], typedtorch._tensor.Tensor[Literal[8], Literal[64], Literal[64]]]
reveal_type(mha_bf(x, x, x, need_weights=False, is_causal=True))  # R: tuple[typedtorch._tensor.Tensor[Literal[8], Literal[64], Literal[128]], None]
reveal_type(mha_bf(x, x, x, average_attn_weights=False)[1])  # R: typedtorch._tensor.Tensor[Literal[8], Literal[4], Literal[64], Literal[64]]
memory = tt.randn(8, 10, 128)
reveal_type(mha_bf(x, memory, memory)[1])  # R: typedtorch._tensor.Tensor[Literal[8], Literal[64], Literal[10]]
reveal_type(mha_bf(x, memory, memory, key_padding_mask=tt.zeros(8, 10) > 0)[0])  # R: typedtorch._tensor.Tensor[Literal[8], Literal[64], Literal[128]]

mha = nn.MultiheadAttention(128, 4)  # PyTorch's default layout: (positions, batch, embed)
reveal_type(mha)  # R: typedtorch.nn._attention.MultiheadAttention[Literal[128], Literal[4], Literal[False]]
xs = x.transpose(0, 1)
reveal_type(xs)  # R: typedtorch._tensor.Tensor[Literal[64], Literal[8], Literal[128]]
reveal_type(mha(xs, xs, xs))  # R: tuple[typedtorch._tensor.Tensor[Literal[64], Literal[8], Literal[128]], typedtorch._tensor.Tensor[Literal[8], Literal[64], Literal[64]]]
reveal_type(mha(xs, xs, xs, key_padding_mask=tt.zeros(8, 64) > 0)[0])  # R: typedtorch._tensor.Tensor[Literal[64], Literal[8], Literal[128]]
memory_s = memory.transpose(0, 1)
reveal_type(mha(xs, memory_s, memory_s, key_padding_mask=tt.zeros(8, 10) > 0)[1])  # R: typedtorch._tensor.Tensor[Literal[8], Literal[64], Literal[10]]

q = tt.randn(8, 4, 64, 32)  # (batch, heads, positions, head size)
reveal_type(F.scaled_dot_product_attention(q, q, q, is_causal=True))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[4], Literal[64], Literal[32]]
reveal_type(F.scaled_dot_product_attention(q, tt.randn(8, 4, 10, 32), tt.randn(8, 4, 10, 16)))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[4], Literal[64], Literal[16]]
reveal_type(F.layer_norm(x, (128,)))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[64], Literal[128]]
reveal_type(F.gelu(x))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[64], Literal[128]]
reveal_type(F.embedding(idx, emb.weight))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[64], Literal[128]]


# ------------------------------------- nanoGPT's CausalSelfAttention, written out
n_embd = 128
n_head = 4
block_size = 64
head_size = n_embd // n_head


class CausalSelfAttention(nn.Module):
    bias: Tensor[L[1], L[1], L[64], L[64]]

    def __init__(self) -> None:
        super().__init__()
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)  # key, query, value projections for all heads
        self.c_proj = nn.Linear(n_embd, n_embd)
        self.register_buffer("bias", tt.tril(tt.ones(block_size, block_size)).view(1, 1, block_size, block_size))

    def forward(self, x: Tensor[B, T, L[128]]) -> Tensor[B, T, L[128]]:
        B, T, C = x.size()  # batch, sequence length, embedding dim (sizes with their dims)
        reveal_type(self.c_attn(x))  # R: typedtorch._tensor.Tensor[B, T, Literal[384]]
        q, k, v = self.c_attn(x).split(n_embd, dim=2)
        reveal_type(q)  # R: typedtorch._tensor.Tensor[B, T, Literal[128]]
        k = k.view(B, T, n_head, C // 4).transpose(1, 2)  # (B, nh, T, hs)
        q = q.view(B, T, n_head, C // 4).transpose(1, 2)
        v = v.view(B, T, n_head, head_size).transpose(1, 2)
        reveal_type(k)  # R: typedtorch._tensor.Tensor[B, Literal[4], T, Literal[32]]
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        reveal_type(att)  # R: typedtorch._tensor.Tensor[B, Literal[4], T, T]
        mask = tt.tril(tt.ones(T, T))
        reveal_type(mask)  # R: typedtorch._tensor.Tensor[T, T]
        att = att.masked_fill(mask == 0, float("-inf"))
        att = F.softmax(att, dim=-1)
        reveal_type(att)  # R: typedtorch._tensor.Tensor[B, Literal[4], T, T]
        y = att @ v  # (B, nh, T, T) x (B, nh, T, hs) -> (B, nh, T, hs)
        reveal_type(y)  # R: typedtorch._tensor.Tensor[B, Literal[4], T, Literal[32]]
        y = y.transpose(1, 2).contiguous().view(B, T, C)  # re-assemble all head outputs side by side
        reveal_type(y)  # R: typedtorch._tensor.Tensor[B, T, Literal[128]]
        return self.c_proj(y)


attn = CausalSelfAttention()
reveal_type(attn(x))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[64], Literal[128]] | Any
reveal_type(attn(tt.randn(2, 5, 128)))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[5], Literal[128]] | Any


# The same with the fused function, and the head split by -1 (the size follows).
def flash(c_attn: nn.Linear[L[128], L[384]], x: Tensor[B, T, L[128]]) -> Tensor[B, T, L[128]]:
    b, t, c = x.size()
    q, k, v = c_attn(x).split(c, dim=-1)
    q, k, v = (z.view(b, t, n_head, -1).transpose(1, 2) for z in (q, k, v))
    reveal_type(q)  # R: typedtorch._tensor.Tensor[B, Literal[4], T, Literal[32]]
    y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    reveal_type(y)  # R: typedtorch._tensor.Tensor[B, Literal[4], T, Literal[32]]
    return y.transpose(1, 2).reshape(b, t, c)


# A causal mask from a longer buffer, cut to the sequence; a boolean upper triangle.
def masked(scores: Tensor[B, L[4], T, T], tril: Tensor[L[64], L[64]]) -> Tensor[B, L[4], T, T]:
    t = scores.size(-1)
    reveal_type(t)  # R: typedtorch._dims.Dim[T]
    causal = tt.triu(tt.ones(t, t, dtype=tt.bool), diagonal=1)
    reveal_type(scores.masked_fill(causal, float("-inf")))  # R: typedtorch._tensor.Tensor[B, Literal[4], T, T]
    return scores.masked_fill(tril[:t, :t] == 0, float("-inf")).softmax(dim=-1)


# ------------------------------ a model generic in its sizes, as examples/transformer.py
# (`Size[E]`: literal sizes given to the constructor stay literal for mypy, unknown for pyright)
class Block(nn.Module, Generic[E, H]):
    def __init__(self, dim: Size[E], heads: Size[H]) -> None:
        super().__init__()
        self.ln1 = nn.LayerNorm(dim)
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.ln2 = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, 4 * dim)
        self.fc2 = nn.Linear(4 * dim, dim)
        reveal_type(self.attn)  # R: typedtorch.nn._attention.MultiheadAttention[E, H, Literal[True]]

    def forward(self, x: Tensor[B, T, E]) -> Tensor[B, T, E]:
        h = self.ln1(x)
        a, _ = self.attn(h, h, h, need_weights=False, is_causal=True)
        reveal_type(a)  # R: typedtorch._tensor.Tensor[B, T, E]
        x = x + a
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


class GPT(nn.Module, Generic[V, E]):
    def __init__(self, vocab: Size[V], dim: Size[E], heads: int, layers: int, max_len: int) -> None:
        super().__init__()
        self.tok = nn.Embedding(vocab, dim)
        self.pos = nn.Embedding(max_len, dim)
        self.blocks = nn.ModuleList([Block(dim, heads) for _ in range(layers)])
        self.ln = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, vocab, bias=False)

    def forward(self, idx: Tensor[B, T]) -> Tensor[B, T, V]:
        _, t = idx.size()
        x = self.tok(idx) + self.pos(tt.arange(t))
        reveal_type(x)  # R: typedtorch._tensor.Tensor[B, T, E]
        for block in self.blocks:
            x = block(x)
        return self.head(self.ln(x))


gpt = GPT(65, 128, 4, 2, max_len=64)
reveal_type(gpt)  # R: accept.attention.GPT[Literal[65], Literal[128]]
reveal_type(gpt(idx))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[64], Literal[65]] | Any
logits: Tensor[L[8], L[64], L[65]] = gpt(idx)
loss = F.cross_entropy(logits.view(8 * 64, 65), idx.view(-1))
reveal_type(loss)  # R: typedtorch._tensor.Tensor[()]
