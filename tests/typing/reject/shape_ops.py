"""Shape ops that cannot apply: each error names the dims (mypy with the plugin)."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
from typedtorch import Tensor

B = TypeVar("B")
T = TypeVar("T")

x = tt.zeros(2, 3, 4, 5)
m = tt.zeros(4, 3)
x.permute(0, 2, 1)  # E: permute: (0, 2, 1) names 3 dims but Tensor[2, 3, 4, 5] has 4
x.permute(0, 1, 1, 2)  # E: permute: (0, 1, 1, 2) is not a permutation of the 4 dims of Tensor[2, 3, 4, 5]
x.transpose(0, 4)  # E: transpose: dim 4 is out of range for Tensor[2, 3, 4, 5] (rank 4: dims -4 to 3)
m.squeeze(0)  # E: squeeze: dim 0 of Tensor[4, 3] is 4, not 1 (typedtorch refuses what PyTorch silently ignores)
m.unsqueeze(3)  # E: unsqueeze: dim 3 is out of range for Tensor[4, 3] (rank 2: dims -3 to 2)
x.view(7, -1)  # E: view: cannot reshape Tensor[2, 3, 4, 5] (120 elements) into (7, -1): 120 is not a multiple of 7
x.view(6, 21)  # E: view: cannot reshape Tensor[2, 3, 4, 5] (120 elements) into (6, 21) (126 elements)
m.expand(4, 7)  # E: expand: dim 1 of Tensor[4, 3] is 3, which cannot expand to 7 (only size-1 dims stretch)
tt.zeros(4, 10).split([3, 6], dim=1)  # E: split: sizes (3, 6) add up to 9, but dim 1 of Tensor[4, 10] is 10
tt.tril(tt.zeros(5))  # E: tril: needs at least 2 dims, got Tensor[5]
tt.einsum("bij,bjk->bik", tt.zeros(2, 3, 4), tt.zeros(2, 5, 6))  # E: einsum: 'j' is 4 in operand 0 but 5 in operand 1 of 'bij,bjk->bik'
tt.einsum("ij,jk->ik", tt.zeros(2, 3, 4), tt.zeros(4, 5))  # E: einsum: operand 0 is Tensor[2, 3, 4] but 'ij' names 2 dims in 'ij,jk->ik'
m.masked_fill(tt.zeros(2, 4, 3) > 0, 0.0)  # E: masked_fill: the mask Tensor[2, 4, 3] would change the shape of Tensor[4, 3] to Tensor[2, 4, 3]
m.masked_fill(tt.zeros(3, 4) > 0, 0.0)  # E: masked_fill: shapes do not broadcast: Tensor[4, 3] with Tensor[3, 4] (dim 0: 4 != 3)
m[0, 0, 0]  # E: index: 3 indices for Tensor[4, 3] (rank 2)
m[4]  # E: index: index 4 is out of range for dim 0 of Tensor[4, 3] (size 4)
m.sum(dim=(0, 2))  # E: sum: dim 2 is out of range for Tensor[4, 3] (rank 2: dims -2 to 1)
m.mean(dim=(1, 1))  # E: mean: dim 1 appears twice in dim=(1, 1)
_ = m == tt.zeros(4)  # E: eq: shapes do not broadcast: Tensor[4, 3] == Tensor[4] (last dim: 3 != 4)
tt.zeros(5) * tt.zeros(5, 1)  # E: mul: hidden outer product: Tensor[5] * Tensor[5, 1] would stretch dim 1 of Tensor[5, 1] (size 1) across 5 while adding a dim to Tensor[5]
tt.where(m > 0, m, tt.zeros(3, 4))  # E: where: shapes do not broadcast: Tensor[4, 3] and Tensor[3, 4] (dim 0: 4 != 3)


# The attention bug: scores without the transpose of the keys.
def scores(x: Tensor[B, T, L[128]]) -> None:
    b, t, c = x.size()
    q = x.view(b, t, 4, c // 4).transpose(1, 2)
    q @ q  # E: matmul: inner dimensions differ: Tensor[B, 4, T, 32] @ Tensor[B, 4, T, 32] (32 != T)
    q.view(b, t, 5, -1)  # E: view: cannot reshape Tensor[B, 4, T, 32] into (B, T, 5, -1): the sizes it shares with the tensor leave 128 elements per item, not a multiple of 5


def head_split(x: Tensor[B, T, L[128]]) -> Tensor[B, L[4], T, L[32]]:
    b, t, c = x.size()
    return x.view(b, t, 4, c // 4).transpose(1, 3)  # E: Incompatible return value type (got "Tensor[B, Literal[32], Literal[4], T]", expected "Tensor[B, Literal[4], T, Literal[32]]")
