"""GELU, exact (``x * Phi(x)``, erf-based, PyTorch's default) and its tanh approximation.

The array API has no ``erf``, so ``Phi`` is computed here, through ``xp`` only, in one
node with its backward. Both dtypes compute ``q = Phi(-|x|) = erfc(|x| / sqrt 2) / 2``,
which is accurate in relative terms however small, and assemble
``x Phi(x) = relu(x) - |x| q`` without a select (see :func:`gelu_exact`):

* float64: W. J. Cody's rational Chebyshev approximations of erf and erfc ("Rational
  Chebyshev approximations for the error function", Math. Comp. 23 (1969) 631-638;
  the coefficient sets of netlib's SPECFUN ``CALERF``), in three ranges of ``|x| /
  sqrt 2``. Within a few units of float64 round-off of ``math.erfc``, times the
  conditioning of ``Phi`` in the lower tail (which grows like ``x^2``); PyTorch's
  ``1 + erf(x / sqrt 2)`` loses that tail to cancellation.
* float32 (and float16, computed in float32): one expression over the whole line,
  ``erfc(z) = exp(-z^2) t P(t)`` with ``t = 1 / (1 + p z)`` and a degree-7 ``P``
  fitted for typedtorch (iteratively reweighted least squares on the relative error
  of ``erfcx(z) = exp(z^2) erfc(z)``, against mpmath, ``p = 0.43``): relative error
  of erfc below 7e-8 for ``|x| <= 7`` (float32 round-off; ``Phi(-7)`` is 1e-12),
  below 7e-5 beyond, and the right asymptote. A third of Cody's arithmetic.
  (PyTorch's float32 CPU kernel uses Abramowitz-Stegun 7.1.26, absolute error 1.5e-7,
  whose relative error in the lower tail reaches several percent.)

When a gradient is wanted, forward also computes ``Phi(x) + x phi(x)`` while the
block is in the cache, and backward is one multiplication.

On the CPU, large inputs are evaluated in blocks that stay in the cache: the
expressions are chains of some thirty elementwise passes, and a pass over a block in
the cache costs a fraction of one streamed from memory. Other devices take one block.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from typedtorch._backend import Array
from typedtorch._engine import Function, grad_mode, next_seq
from typedtorch._tensor import AnyTensor, Tensor, make

SQRT1_2 = 1.0 / math.sqrt(2.0)
INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
TANH_C = 0.044715

# Elements per block on the CPU: 32768 float32 values are 128 KiB, so the handful of
# temporaries an expression needs stay in a 1 MiB L2 cache.
CHUNK = 32768

# ----------------------------------------------------------------- Cody (float64)
# erf(z) = z * A(z^2) / B(z^2)                       for |z| <= 0.46875
# erfc(z) = exp(-z^2) * C(z) / D(z)                  for 0.46875 < z <= 4
# erfc(z) = exp(-z^2) / z * (1/sqrt(pi) + R(1/z^2))  for z > 4, R = z^-2 P(z^-2) / Q(z^-2)
# Highest-degree coefficient first; the denominators are monic (their leading 1 omitted).
_A = (1.85777706184603153e-1, 3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02, 3.20937758913846947e03)  # fmt: skip
_B = (2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03, 2.84423683343917062e03)
_C = (
    2.15311535474403846e-8, 5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
    2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03, 2.05107837782607147e03,
    1.23033935479799725e03,
)  # fmt: skip
_D = (
    1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02, 1.62138957456669019e03,
    3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03, 1.23033935480374942e03,
)  # fmt: skip
_P = (1.63153871373020978e-2, 3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2, 6.58749161529837803e-4)  # fmt: skip
_Q = (2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1, 6.05183413124413191e-2, 2.33520497626869185e-3)  # fmt: skip
_SQRT_PI_INV = 5.6418958354775628695e-1
_THRESH = 0.46875

# --------------------------------------------------------------- float32 fit
# Phi(-|x|) = erfc(|x| / sqrt 2) / 2 = exp(-x^2 / 2) t P(t) with t = 1 / (1 + _P32 |x|):
# the fit's p = 0.43 divided by sqrt(2), and its coefficients halved (highest degree first).
_P32 = 0.3040559159102154
_F32 = (
    0.035595401956648176, -0.14933401844151095, 0.18044206424424591, -0.030792275675505222,
    0.11595293652745811, 0.10517486827953264, 0.12166098779050533, 0.1213000675189559,
)  # fmt: skip


def _horner(coeffs: tuple[float, ...], t: Array, monic: bool = False) -> Array:
    """``c0 t^n + ... + cn`` (or ``t^n + c0 t^(n-1) + ...`` when ``monic``), updated in place."""
    if monic:
        acc = t + coeffs[0]
        rest = coeffs[1:]
    else:
        acc = t * coeffs[0]
        acc += coeffs[1]
        rest = coeffs[2:]
    for c in rest:
        acc *= t
        acc += c
    return acc


def _exp_neg_square(xp: Any, z: Array) -> Array:
    """``exp(-z^2)`` for ``z >= 0`` without the rounding of ``z^2`` in the exponent.

    Cody's split: ``z^2 = zr^2 + (z - zr)(z + zr)`` with ``zr = trunc(16 z) / 16``,
    whose square is exact; the error of a rounded ``z^2`` would be multiplied by up to
    ``z^2`` ~ 700 in ``exp``.
    """
    zr = xp.trunc(z * 16.0) * 0.0625
    return xp.exp(-(zr * zr)) * xp.exp(-((z - zr) * (z + zr)))


def _phi_low_f64(xp: Any, a: Array) -> tuple[Array, Array]:
    """``(Phi(-a), exp(-a^2 / 2))`` for ``a >= 0`` from Cody's erfc, ``Phi(-a) = erfc(a / sqrt 2) / 2``."""
    z = a * SQRT1_2
    e = _exp_neg_square(xp, z)
    small = z <= _THRESH
    zs = xp.where(small, z, 0.0)
    zz = zs * zs
    erfc_small = 1.0 - zs * _horner(_A, zz) / _horner(_B, zz, monic=True)  # 1 - erf(z)
    mid = z <= 4.0
    zm = xp.where(mid, z, 4.0)
    ratio_mid = _horner(_C, zm) / _horner(_D, zm, monic=True)  # erfc(z) exp(z^2), middle range
    zb = xp.where(mid, 4.0, z)
    inv2 = 1.0 / (zb * zb)
    ratio_big = (_SQRT_PI_INV - inv2 * _horner(_P, inv2) / _horner(_Q, inv2, monic=True)) / zb
    erfc = xp.where(small, erfc_small, e * xp.where(mid, ratio_mid, ratio_big))
    return erfc * 0.5, e


def _phi_low_f32(xp: Any, a: Array) -> tuple[Array, Array]:
    """``(Phi(-a), exp(-a^2 / 2))`` for ``a >= 0`` from the float32 fit, in ``a``'s dtype."""
    t = a * _P32
    t += 1.0
    t = 1.0 / t
    q = _horner(_F32, t)
    q *= t
    e = a * a
    e *= -0.5
    e = xp.exp(e)
    q *= e
    return q, e


def gelu_exact(xp: Any, x: Array, grad: bool) -> tuple[Array, ...]:
    """``x Phi(x)`` (and, with ``grad``, its derivative), from ``q = Phi(-|x|)``.

    ``x Phi(x) = relu(x) - |x| q`` on both sides of 0: no select, and no cancellation
    for ``x < 0``, where ``q`` carries the relative accuracy. Likewise the derivative
    ``Phi(x) + x phi(x)`` is ``u`` for ``x < 0`` and ``1 - u`` for ``x > 0``, with
    ``u = q - |x| phi(x)``. ``|x|`` is capped below the dtype's largest value so that
    ``x = +inf`` gives ``inf`` (not ``inf * 0``); ``x = -inf`` gives 0, the limit
    (PyTorch gives ``nan`` there).
    """
    f64 = x.dtype == xp.float64
    a = xp.minimum(xp.abs(x), 1e150 if f64 else 1e19)  # no overflow in a * a
    q, e = _phi_low_f64(xp, a) if f64 else _phi_low_f32(xp, a)
    y = xp.maximum(x, 0.0)
    y -= a * q
    if not grad:
        return (y,)
    a *= e
    a *= -INV_SQRT_2PI
    a += q  # u = q - |x| phi(x)
    s = xp.copysign(1.0, x)  # +-1; at x = +-0 both branches give u = q = 1/2
    a *= s
    s += 1.0
    s *= 0.5
    s -= a  # (1 + s) / 2 - s u
    return y, s


def gelu_tanh(xp: Any, x: Array, grad: bool) -> tuple[Array, ...]:
    """PyTorch's tanh form ``x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) / 2`` (and its derivative)."""
    x2 = x * x
    u = x2 * (TANH_C * SQRT_2_OVER_PI)
    u += SQRT_2_OVER_PI
    u *= x
    th = xp.tanh(u)
    one_plus = th + 1.0
    y = one_plus * x
    y *= 0.5
    if not grad:
        return (y,)
    # dy/dx = (1 + th) / 2 + x (1 - th^2) c (1 + 3 k x^2) / 2, with th = tanh(u), u = c (x + k x^3)
    x2 *= 3.0 * TANH_C
    x2 += 1.0
    x2 *= SQRT_2_OVER_PI
    th *= th
    th *= -1.0
    th += 1.0
    x2 *= th
    x2 *= x
    x2 += one_plus
    x2 *= 0.5
    return y, x2


def _blocks(
    xp: Any, f: Callable[..., tuple[Array, ...]], arrays: tuple[Array, ...], chunk: int | None
) -> tuple[Array, ...]:
    """``f(*arrays)`` in blocks of ``chunk`` elements of the flattened arrays, results reshaped back.

    The arrays share one shape and ``f`` returns arrays of that shape too. With
    ``chunk`` ``None`` (devices other than the CPU) or small arrays, one call.
    """
    first = arrays[0]
    n = math.prod(first.shape)
    if chunk is None or n <= 2 * chunk:
        return f(*arrays)
    flats = [xp.reshape(a, (n,)) for a in arrays]
    outs: list[Array] = []
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)  # the array API leaves out-of-range slice bounds unspecified
        parts = f(*(a[start:stop] for a in flats))
        if not outs:
            outs = [xp.empty((n,), dtype=p.dtype, device=first.device) for p in parts]
        for o, p in zip(outs, parts, strict=True):
            o[start:stop] = p
    return tuple(xp.reshape(o, first.shape) for o in outs)


class GeluFn(Function):
    """GELU as one node: forward computed its derivative, so backward is one product."""

    __slots__ = ("deriv",)
    deriv: Array  # d gelu / dx at the input, in the input's dtype

    def backward(self, g: Array) -> tuple[Array | None, ...]:
        return (g * self.deriv,)


def gelu(x: AnyTensor, approximate: str = "none") -> AnyTensor:
    """``x * Phi(x)`` elementwise (``approximate="tanh"``: PyTorch's tanh form); one graph node.

    >>> import typedtorch as tt
    >>> from typedtorch._ops.activation import gelu
    >>> [round(v, 6) for v in gelu(tt.tensor([-1.0, 0.0, 1.0], dtype="float64")).tolist()]
    [-0.158655, 0.0, 0.841345]
    """
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    if not isinstance(x, Tensor):
        raise TypeError(f"gelu: expected a Tensor, got {type(x).__name__}")
    backend = x._backend
    xp = backend.xp
    xd = x._data
    name = backend.dtype_name(xd)
    if name not in ("float16", "float32", "float64"):
        raise TypeError(f"gelu: expected a floating-point tensor, got dtype {name}")
    work = xd
    if name == "float16":  # too coarse for the polynomial: computed in float32
        work = xp.astype(xd, xp.float32)
    form = gelu_tanh if approximate == "tanh" else gelu_exact
    grad = x.requires_grad and grad_mode.enabled
    parts = _blocks(xp, lambda a: form(xp, a, grad), (work,), CHUNK if backend.is_host else None)
    if name == "float16":
        parts = tuple(xp.astype(a, xd.dtype) for a in parts)
    if grad:
        fn = GeluFn()
        fn.deriv = parts[1]
        fn.parents, fn.needs = (x,), (True,)
        fn.seq = next_seq()
        return make(parts[0], backend, fn)
    return make(parts[0], backend, None)
