"""The tutorial's third-order polynomial fit to sin(x), with the coefficients in one vector.

Style: scalars from indexing a vector (``p[0]``) broadcast against a vector, powers,
``sin``, manual gradient step under ``no_grad`` with ``p.grad = None``.
"""

import math

import typedtorch as tt

tt.manual_seed(0)
x = tt.rand(2000) * (2 * math.pi) - math.pi
y = tt.sin(x)

p = tt.randn(4, requires_grad=True)
learning_rate = 1e-6
for _ in range(10):
    y_pred = p[0] + p[1] * x + p[2] * x**2 + p[3] * x**3
    loss = (y_pred - y).pow(2).sum()
    loss.backward()
    with tt.no_grad():
        assert p.grad is not None
        p -= learning_rate * p.grad
    p.grad = None
print(f"y = {p[0].item():.3f} + {p[1].item():.3f} x + {p[2].item():.3f} x^2 + {p[3].item():.3f} x^3")
