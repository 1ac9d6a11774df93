"""Centering each row by its mean, with the mean's dim dropped.

Bug: ``x.mean(dim=1)`` is ``(64,)``; subtracting it from ``(64, 5)`` lines it up with the
5 columns. ``keepdim=True`` was meant.
"""

import typedtorch as tt

tt.manual_seed(0)
features = tt.randn(64, 5)
centered = features - features.mean(dim=1)  # BUG: (64, 5) - (64,): keepdim=True forgotten
print(tuple(centered.shape))
