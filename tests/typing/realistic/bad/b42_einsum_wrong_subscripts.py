"""A batched product written with ``einsum`` whose subscripts contract the wrong dims.

Bug: ``"bij,bjk->bik"`` contracts ``j`` = 4 (of ``a``) with ``j`` = 5 (of ``b``); the
second operand is ``(B, K, J)`` and needed ``"bij,bkj->bik"``.
"""

import typedtorch as tt

tt.manual_seed(0)
a = tt.randn(2, 3, 4)
b = tt.randn(2, 5, 4)
out = tt.einsum("bij,bjk->bik", a, b)  # BUG: j is 4 in a and 5 in b
print(tuple(out.shape))
