"""Shape ops with literal and symbolic dims: exact result types (mypy with the plugin)."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L
from typing import TypeVar, reveal_type

import typedtorch as tt
from typedtorch import Tensor

B = TypeVar("B")
T = TypeVar("T")

x = tt.zeros(2, 3, 4, 5)
m = tt.zeros(4, 3)
reveal_type(x.permute(0, 2, 3, 1))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[4], Literal[5], Literal[3]]
reveal_type(x.permute(3, 2, 1, 0))  # R: typedtorch._tensor.Tensor[Literal[5], Literal[4], Literal[3], Literal[2]]
reveal_type(tt.permute(x, (0, 2, 1, 3)))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[4], Literal[3], Literal[5]]
reveal_type(x.transpose(-2, -1))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[3], Literal[5], Literal[4]]
reveal_type(x.transpose(1, 3))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[5], Literal[4], Literal[3]]
reveal_type(tt.transpose(m, 0, 1))  # R: typedtorch._tensor.Tensor[Literal[3], Literal[4]]
reveal_type(x.mT)  # R: typedtorch._tensor.Tensor[Literal[2], Literal[3], Literal[5], Literal[4]]
reveal_type(m.T)  # R: typedtorch._tensor.Tensor[Literal[3], Literal[4]]
reveal_type(m.unsqueeze(0))  # R: typedtorch._tensor.Tensor[Literal[1], Literal[4], Literal[3]]
reveal_type(m.unsqueeze(1))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[1], Literal[3]]
reveal_type(m.unsqueeze(-1))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[3], Literal[1]]
reveal_type(m[:, None])  # R: typedtorch._tensor.Tensor[Literal[4], Literal[1], Literal[3]]
reveal_type(m[None])  # R: typedtorch._tensor.Tensor[Literal[1], Literal[4], Literal[3]]
reveal_type(tt.zeros(4, 1, 3).squeeze(1))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[3]]
reveal_type(tt.zeros(1, 4, 1).squeeze())  # R: typedtorch._tensor.Tensor[Literal[4]]
reveal_type(x.view(6, 20))  # R: typedtorch._tensor.Tensor[Literal[6], Literal[20]]
reveal_type(x.view(2, -1))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[60]]
reveal_type(x.reshape(-1))  # R: typedtorch._tensor.Tensor[Literal[120]]
reveal_type(tt.zeros(4, 1).expand(4, 7))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[7]]
reveal_type(tt.zeros(3).expand(2, -1))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[3]]
reveal_type(m.view_as(tt.zeros(2, 6)))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[6]]
reveal_type(tt.zeros(4, 12).split(4, dim=1))  # R: tuple[typedtorch._tensor.Tensor[Literal[4], Literal[4]], typedtorch._tensor.Tensor[Literal[4], Literal[4]], typedtorch._tensor.Tensor[Literal[4], Literal[4]]]
reveal_type(tt.zeros(4, 10).chunk(3, dim=-1))  # R: tuple[typedtorch._tensor.Tensor[Literal[4], Literal[4]], typedtorch._tensor.Tensor[Literal[4], Literal[4]], typedtorch._tensor.Tensor[Literal[4], Literal[2]]]
reveal_type(tt.zeros(4, 10).split([3, 7], dim=1))  # R: tuple[typedtorch._tensor.Tensor[Literal[4], Literal[3]], typedtorch._tensor.Tensor[Literal[4], Literal[7]]]
reveal_type(tt.tril(tt.ones(8, 8)))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[8]]
reveal_type(tt.einsum("bij,bjk->bik", tt.zeros(2, 3, 4), tt.zeros(2, 4, 5)))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[3], Literal[5]]
reveal_type(tt.einsum("ij->ji", m))  # R: typedtorch._tensor.Tensor[Literal[3], Literal[4]]
reveal_type(tt.einsum("i,j->ij", tt.zeros(3), tt.zeros(5)))  # R: typedtorch._tensor.Tensor[Literal[3], Literal[5]]
reveal_type(tt.one_hot(tt.zeros(8, dtype=tt.int64), 10))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[10]]
reveal_type(m.masked_fill(m > 0, 0.0))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[3]]
reveal_type(tt.matmul(m, tt.zeros(3, 7)))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[7]]
reveal_type(x[0, :, 1:3])  # R: typedtorch._tensor.Tensor[Literal[3], Literal[2], Literal[5]]
reveal_type(x[..., -1])  # R: typedtorch._tensor.Tensor[Literal[2], Literal[3], Literal[4]]
reveal_type(x[:, :, ::2])  # R: typedtorch._tensor.Tensor[Literal[2], Literal[3], Literal[2], Literal[5]]
reveal_type(m[[0, 0, 1]])  # R: typedtorch._tensor.Tensor[Literal[3], Literal[3]]


# Reductions: an int or a tuple of dims, keepdim; max/min with a dim give (values, indices).
reveal_type(x.sum(dim=(1, 2)))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[5]]
reveal_type(x.mean(dim=(-1, 0), keepdim=True))  # R: typedtorch._tensor.Tensor[Literal[1], Literal[3], Literal[4], Literal[1]]
reveal_type(m - m.amax(dim=1, keepdim=True))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[3]]
reveal_type(m.var(dim=0))  # R: typedtorch._tensor.Tensor[Literal[3]]
reveal_type(m.std(dim=1, keepdim=True))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[1]]
reveal_type(m.logsumexp(dim=-1))  # R: typedtorch._tensor.Tensor[Literal[4]]
reveal_type(m.argmax(dim=1))  # R: typedtorch._tensor.Tensor[Literal[4]]
reveal_type(m.max(1)[1])  # R: typedtorch._tensor.Tensor[Literal[4]]
values, indices = m.min(dim=0)
reveal_type(indices)  # R: typedtorch._tensor.Tensor[Literal[3]]
reveal_type(m.topk(2, dim=-1).values)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[2]]
reveal_type(m.all(dim=1))  # R: typedtorch._tensor.Tensor[Literal[4]]


# Comparisons are elementwise and broadcast by the one rule.
reveal_type(m == 0)  # R: typedtorch._tensor.Tensor[Literal[4], Literal[3]]
reveal_type(m > tt.zeros(3))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[3]]
reveal_type(tt.zeros(4, 1) < tt.zeros(1, 5))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[5]]


# Sizes read off a tensor keep its dims: the nanoGPT head split, typed through.
def heads(x: Tensor[B, T, L[128]]) -> Tensor[B, L[4], T, T]:
    b, t, c = x.size()
    q = x.view(b, t, 4, c // 4).transpose(1, 2)
    reveal_type(q)  # R: typedtorch._tensor.Tensor[B, Literal[4], T, Literal[32]]
    scores = q @ q.transpose(-2, -1)
    reveal_type(scores)  # R: typedtorch._tensor.Tensor[B, Literal[4], T, T]
    mask = tt.tril(tt.ones(t, t))
    reveal_type(mask)  # R: typedtorch._tensor.Tensor[T, T]
    return scores.masked_fill(mask == 0, float("-inf")).softmax(dim=-1)


def merge(y: Tensor[B, L[4], T, L[32]]) -> Tensor[B, T, L[128]]:
    b, h, t, d = y.shape
    return y.transpose(1, 2).contiguous().view(b, t, h * d)


# Integer arithmetic on known sizes, and constants assigned once.
N, D_in, H, D_out = 64, 1000, 100, 10
reveal_type(tt.randn(N, D_in))  # R: typedtorch._tensor.Tensor[Literal[64], Literal[1000]]
reveal_type(tt.nn.Linear(32 * 32, H))  # R: typedtorch.nn._linear.Linear[Literal[1024], Literal[100]]
side = 28
reveal_type(tt.zeros(side - 3 + 1, side // 2))  # R: typedtorch._tensor.Tensor[Literal[26], Literal[14]]
