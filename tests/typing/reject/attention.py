"""The attention bugs, each a mypy error naming the dims (mypy with the plugin)."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Generic, TypeVar
from typing import Literal as L

import typedtorch as tt
from typedtorch import Tensor, nn
from typedtorch._dims import Size
from typedtorch.nn import functional as F

B = TypeVar("B")
T = TypeVar("T")
E = TypeVar("E", bound=int | L[0])
H = TypeVar("H", bound=int | L[0])

n_embd = 128
n_head = 4
block_size = 64


class CausalSelfAttention(nn.Module):
    bias: Tensor[L[1], L[1], L[64], L[64]]

    def __init__(self) -> None:
        super().__init__()
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)
        self.register_buffer("bias", tt.tril(tt.ones(block_size, block_size)).view(1, 1, block_size, block_size))

    def forward(self, x: Tensor[B, T, L[128]]) -> None:
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(n_embd, dim=2)
        k = k.view(B, T, n_head, C // 4).transpose(1, 2)
        q = q.view(B, T, n_head, C // 4).transpose(1, 2)
        v = v.view(B, T, n_head, C // 4).transpose(1, 2)
        # Scores without the transpose of the keys.
        q @ k  # E: matmul: inner dimensions differ: Tensor[B, 4, T, 32] @ Tensor[B, 4, T, 32] (32 != T)
        # The query left in the (B, T, H, D) layout, the keys in (B, H, T, D).
        x.view(B, T, n_head, C // 4) @ k.transpose(-2, -1)  # E: matmul: batch dimensions do not broadcast: Tensor[B, T, 4, 32] @ Tensor[B, 4, 32, T] (last dim: T != 4)
        # A head split that does not divide the width.
        x.view(B, T, 5, -1)  # E: view: cannot reshape Tensor[B, T, 128] into (B, T, 5, -1): the sizes it shares with the tensor leave 128 elements per item, not a multiple of 5
        att = q @ k.transpose(-2, -1)
        # The causal buffer not cut to the sequence length; a mask of the embedding's size.
        att.masked_fill(self.bias == 0, float("-inf"))  # E: masked_fill: shapes do not broadcast: Tensor[B, 4, T, T] with Tensor[1, 1, 64, 64] (dim 2: T != 64)
        att.masked_fill(tt.tril(tt.ones(C, C)) == 0, float("-inf"))  # E: masked_fill: shapes do not broadcast: Tensor[B, 4, T, T] with Tensor[128, 128] (dim 2: T != 128)
        # The values of another layout after the softmax.
        F.softmax(att, dim=-1) @ v.transpose(1, 2)  # E: matmul: inner dimensions differ: Tensor[B, 4, T, T] @ Tensor[B, T, 4, 32] (T != 4)


# A head count that does not divide the embedding.
nn.MultiheadAttention(100, 3)  # E: MultiheadAttention[100, 3, Literal[False]]: the sizes must satisfy E % H == 0, but E = 100, H = 3


# Embeddings and norms of the wrong width.
idx = tt.zeros(8, 64, dtype=tt.int64)
x = nn.Embedding(65, 128)(idx)
nn.LayerNorm(100)(x)  # E: LayerNorm[100]: input is Tensor[8, 64, 128], expected Tensor[8, 64, 100] (last dim: 128 != 100)
nn.LayerNorm(128)(nn.Embedding(65, 64)(idx))  # E: LayerNorm[128]: input is Tensor[8, 64, 64], expected Tensor[8, 64, 128] (last dim: 64 != 128)
x + nn.Embedding(64, 32)(tt.arange(64))  # E: add: shapes do not broadcast: Tensor[8, 64, 128] + Tensor[64, 32] (last dim: 128 != 32)
x + nn.Embedding(32, 128)(tt.arange(32))  # E: add: shapes do not broadcast: Tensor[8, 64, 128] + Tensor[32, 128] (dim 1: 64 != 32)

# Keys of another head size: mypy's own message (the plugin does not solve this call yet).
F.scaled_dot_product_attention(tt.randn(8, 4, 64, 32), tt.randn(8, 4, 64, 16), tt.randn(8, 4, 64, 32))  # E: Cannot infer value of type parameter "E" of "scaled_dot_product_attention"


class Block(nn.Module, Generic[E, H]):
    def __init__(self, dim: Size[E], heads: Size[H]) -> None:
        self.ln = nn.LayerNorm(heads)
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)

    def forward(self, x: Tensor[B, T, E]) -> Tensor[B, T, E]:
        h = self.ln(x)  # E: LayerNorm[H]: input is Tensor[B, T, E], expected Tensor[B, T, H] (last dim: E != H)
        a, _ = self.attn(h, h, h, need_weights=False)
        return x + a


# Batch-first data given to PyTorch's default (L, B, E) layout: the weights come out
# (T, B, B), and a (B, T) padding mask does not fit.
def default_layout(mha: nn.MultiheadAttention[L[128], L[4], L[False]], x: Tensor[B, T, L[128]], pad: Tensor[B, T]) -> Tensor[B, T, T]:
    mha(x, x, x, key_padding_mask=pad)  # E: Cannot infer value of type parameter "B" of "__call__" of "MultiheadAttention"
    _, weights = mha(x, x, x)
    return weights  # E: Incompatible return value type (got "Tensor[T, B, B]", expected "Tensor[B, T, T]")


# Not caught yet (see the plugin gaps in the README's Attention section):
#   y.contiguous().view(B, T, C) on y: Tensor[B, 4, T, 32] (the heads merged without the
#     transpose back: the element counts agree, the layout does not);
#   x.view(B, T, 5, C // 5) (no -1: the shared sizes are not compared, 125 != 128);
#   F.scaled_dot_product_attention(q, k, v) with q (B, T, H, D) and k, v (B, H, T, D)
#     (an overload lets the leading dims broadcast, and the plugin does not check it);
#   a generic block's head split x.view(B, T, H, E // H): E // H is not a dim, so the
#     head size is Any and `q @ k` without the transpose passes.
