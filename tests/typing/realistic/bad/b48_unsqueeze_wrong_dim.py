"""A per-class scale turned into a column where a row was meant.

Bug: ``scale.unsqueeze(1)`` is ``(10, 1)``; against ``(32, 10)`` logits the first dims
32 and 10 do not broadcast. ``unsqueeze(0)`` (or plain ``scale``) was meant.
"""

import typedtorch as tt

tt.manual_seed(0)
logits = tt.randn(32, 10)
scale = tt.rand(10) + 0.5
calibrated = logits * scale.unsqueeze(1)  # BUG: (32, 10) * (10, 1)
print(tuple(calibrated.shape))
