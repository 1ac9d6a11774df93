"""Turning scores into probabilities by dividing by a row sum that lost its dim.

Bug: ``e.sum(dim=1)`` is ``(4,)``; ``(4, 10) / (4,)`` lines it up with the 10 columns.
``keepdim=True`` was meant.
"""

import typedtorch as tt

tt.manual_seed(0)
logits = tt.randn(4, 10)
e = (logits - logits.amax(dim=1, keepdim=True)).exp()
probs = e / e.sum(dim=1)  # BUG: (4, 10) / (4,): keepdim=True forgotten
print(tuple(probs.shape))
