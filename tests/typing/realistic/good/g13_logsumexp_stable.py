"""Log-probabilities through a stable log-sum-exp, by hand and with ``tt.logsumexp``.

Style: the keepdim idiom on the last dim of a rank-3 tensor (``dim=-1``), a ``(B, T, 1)``
statistic broadcast back over ``(B, T, V)``.
"""

import typedtorch as tt

tt.manual_seed(0)
scores = tt.randn(4, 7, 11) * 5

m = scores.amax(dim=-1, keepdim=True)
lse = m + (scores - m).exp().sum(dim=-1, keepdim=True).log()
log_probs = scores - lse
builtin = tt.logsumexp(scores, dim=-1, keepdim=True)
assert (lse - builtin).abs().amax().item() < 1e-4
assert (log_probs.exp().sum(dim=-1) - 1.0).abs().amax().item() < 1e-4
print(tuple(log_probs.shape))
