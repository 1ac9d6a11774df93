"""Pooling: ``max_pool2d``, ``avg_pool2d``, ``adaptive_avg_pool2d``, through the array API only.

Like the convolutions (see ``conv``), the kernels work on the ``(C, H, W, N)`` view
of an NCHW tensor, which is contiguous when the tensor came out of a convolution,
and return the NCHW view of a CHWN result (with the batch innermost, a strided view
of a window position still reads runs of ``N`` contiguous numbers). A window of ``K x K`` positions is K*K
strided *views* of the (padded) input, one per kernel position: pooling is K*K - 1
elementwise ``maximum`` (or ``+``) calls, with no reshape; where the stride equals the
kernel and nothing is padded those views tile the input exactly (the reshape trick,
without the reshape).

Max-pool gradients go to the **first** maximum of each window in row-major order,
as PyTorch routes them: MNIST's flat background makes ties common, and a plain
``x == max`` mask would hand every tied position the full gradient. For 2x2 windows
the forward pass keeps three boolean choices (right or left in each row, lower or
upper row) made with strict ``>``; for other windows the backward pass walks the
positions in order and hands each the part that no earlier position has claimed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from typedtorch._backend import Array
from typedtorch._engine import Function, grad_mode, next_seq
from typedtorch._errors import ShapeError
from typedtorch._tensor import AnyTensor, make


def pool_out_size(size: int, kernel: int, stride: int, pad: int, dilation: int, ceil_mode: bool) -> int:
    """PyTorch's ``pooling_output_shape``: floor (or ceil) of the window count; with
    ``ceil_mode`` the last window must start inside the input or its left padding."""
    span = size + 2 * pad - dilation * (kernel - 1) - 1
    out = (span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1
    return out


@dataclass(frozen=True, slots=True)
class PoolGeometry:
    kh: int
    kw: int
    sh: int
    sw: int
    ph: int
    pw: int
    dh: int
    dw: int
    h: int
    w: int
    ho: int
    wo: int

    @property
    def hp(self) -> int:
        """Padded height: the left padding, the input, and whatever the last window reaches past it."""
        return max(self.h + 2 * self.ph, (self.ho - 1) * self.sh + self.dh * (self.kh - 1) + 1)

    @property
    def wp(self) -> int:
        return max(self.w + 2 * self.pw, (self.wo - 1) * self.sw + self.dw * (self.kw - 1) + 1)

    @property
    def padded(self) -> bool:
        return self.hp != self.h or self.wp != self.w

    @property
    def tiles(self) -> bool:
        """Whether the windows cover every element of the padded input exactly once (2x2 pooling of an even size)."""
        return (
            self.disjoint
            and self.sh == self.kh
            and self.sw == self.kw
            and (self.ho * self.sh == self.hp and self.wo * self.sw == self.wp)
        )

    @property
    def disjoint(self) -> bool:
        """Whether no input element lies in two windows (the gradient can be assigned, not added)."""
        return self.dh == 1 and self.dw == 1 and self.sh >= self.kh and self.sw >= self.kw

    def windows(self) -> list[tuple[slice, slice]]:
        hspan, wspan = (self.ho - 1) * self.sh + 1, (self.wo - 1) * self.sw + 1
        return [
            (slice(i * self.dh, i * self.dh + hspan, self.sh), slice(j * self.dw, j * self.dw + wspan, self.sw))
            for i in range(self.kh)
            for j in range(self.kw)
        ]


def _padded(xp: Any, xk: Array, g: PoolGeometry, fill: float) -> Array:
    if not g.padded:
        return xk
    c, n = xk.shape[0], xk.shape[3]
    xpad = xp.full((c, g.hp, g.wp, n), fill, dtype=xk.dtype, device=xk.device)
    xpad[:, g.ph : g.ph + g.h, g.pw : g.pw + g.w, :] = xk
    return xpad


def _unpadded(gpad: Array, g: PoolGeometry) -> Array:
    return gpad[:, g.ph : g.ph + g.h, g.pw : g.pw + g.w, :] if g.padded else gpad


def _to_chwn(xp: Any, x: Array) -> Array:
    """The ``(C, H, W, N)`` view of an NCHW array."""
    return xp.permute_dims(x, (1, 2, 3, 0))


def _to_nchw(xp: Any, x: Array) -> Array:
    """The NCHW view of a ``(C, H, W, N)`` array."""
    return xp.permute_dims(x, (3, 0, 1, 2))


def _gradient_buffer(xp: Any, shape: tuple[int, ...], like: Array, g: PoolGeometry) -> Array:
    """Where the input gradient is assembled: uninitialised when the windows tile it (every
    element is assigned), zeros otherwise."""
    if g.tiles:
        return xp.empty(shape, dtype=like.dtype, device=like.device)
    return xp.zeros(shape, dtype=like.dtype, device=like.device)


class MaxPool2dFn(Function):
    """Max over each window; the gradient goes to the first maximum (row-major), as in PyTorch."""

    __slots__ = ("xp", "geom", "stacked", "out", "choice", "padded_shape")
    # Windows other than 2x2 compare against the output in backward: with the core's
    # version counters, modifying the output in place before backward() is then refused.
    saves_output = True
    xp: Any
    geom: PoolGeometry
    stacked: Array  # (K*K, C, Ho, Wo, N): each window position's values, contiguous
    out: Array  # (C, Ho, Wo, N)
    choice: tuple[Array, Array, Array]  # 2x2 windows: which position holds the first maximum
    padded_shape: tuple[int, ...]

    def forward(self, x: Array) -> Array:
        xp, g = self.xp, self.geom
        xpad = _padded(xp, _to_chwn(xp, x), g, -float("inf"))
        self.padded_shape = tuple(xpad.shape)
        views = [xpad[:, hs, ws, :] for hs, ws in g.windows()]
        if g.kh == 2 and g.kw == 2:
            # The common 2x2 window as a little tournament: the maximum of each row, then
            # of the two rows, and three boolean choices that say where the first
            # maximum is (strict `>`: a tie stays with the earlier position, as in PyTorch).
            a, b, c, d = views
            top, bottom = xp.maximum(a, b), xp.maximum(c, d)
            self.choice = (b > a, d > c, bottom > top)
            out = xp.maximum(top, bottom)
        else:
            # Other windows: one copy gathers each position's values into a contiguous
            # block, so the passes below (and in backward) run at full speed.
            self.stacked = stacked = xp.stack(views, axis=0)
            out = stacked[0, ...] if stacked.shape[0] == 1 else xp.maximum(stacked[0, ...], stacked[1, ...])
            for p in range(2, stacked.shape[0]):
                out = xp.maximum(out, stacked[p, ...])
        self.out = out
        return _to_nchw(xp, out)

    def backward(self, grad: Array) -> tuple[Array | None, ...]:
        xp, g = self.xp, self.geom
        gc = _to_chwn(xp, grad)
        gpad = _gradient_buffer(xp, self.padded_shape, grad, g)
        windows = g.windows()
        # Multiplies by 0/1 masks, not `where`: ties make the masks unpredictable, and
        # numpy's `where` is several times slower on such masks.
        if g.kh == 2 and g.kw == 2:
            right_top, right_bottom, lower = (xp.astype(c, gc.dtype) for c in self.choice)
            g_lower = gc * lower
            g_upper = gc - g_lower  # exact: gc - gc is 0, gc - 0 is gc
            g_b, g_d = g_upper * right_top, g_lower * right_bottom
            parts = [g_upper - g_b, g_b, g_lower - g_d, g_d]
        else:
            stacked, out = self.stacked, self.out
            parts = []
            claimed = None  # windows whose maximum an earlier position already holds
            for p in range(len(windows)):
                hit = stacked[p, ...] == out
                first = hit if claimed is None else hit & ~claimed
                if p < len(windows) - 1:
                    claimed = hit if claimed is None else claimed | hit
                parts.append(gc * xp.astype(first, gc.dtype))
        for (hs, ws), part in zip(windows, parts, strict=True):
            if g.disjoint:
                gpad[:, hs, ws, :] = part
            else:
                gpad[:, hs, ws, :] += part
        return (_to_nchw(xp, _unpadded(gpad, g)),)


class AvgPool2dFn(Function):
    """Mean over each window; ``divisor`` is a number or a ``(Ho, Wo)`` array (PyTorch's counts)."""

    __slots__ = ("xp", "geom", "divisor", "padded_shape")
    xp: Any
    geom: PoolGeometry
    divisor: Array | float  # a number, or (Ho, Wo, 1) counts that broadcast over (C, Ho, Wo, N)
    padded_shape: tuple[int, ...]

    def forward(self, x: Array) -> Array:
        xp, g = self.xp, self.geom
        xpad = _padded(xp, _to_chwn(xp, x), g, 0.0)
        self.padded_shape = tuple(xpad.shape)
        views = [xpad[:, hs, ws, :] for hs, ws in g.windows()]
        total = xp.asarray(views[0], copy=True) if len(views) == 1 else views[0] + views[1]
        for v in views[2:]:
            total += v
        return _to_nchw(xp, total / self.divisor)

    def backward(self, grad: Array) -> tuple[Array | None, ...]:
        xp, g = self.xp, self.geom
        share = _to_chwn(xp, grad) / self.divisor
        gpad = _gradient_buffer(xp, self.padded_shape, grad, g)
        for hs, ws in g.windows():
            if g.disjoint:
                gpad[:, hs, ws, :] = share
            else:
                gpad[:, hs, ws, :] += share
        return (_to_nchw(xp, _unpadded(gpad, g)),)


def _avg_counts(size: int, out: int, kernel: int, stride: int, pad: int, include_pad: bool) -> list[int]:
    """How many elements each window along one axis averages: PyTorch's ``avg_pool2d`` counts."""
    counts = []
    for o in range(out):
        start = o * stride - pad
        end = min(start + kernel, size + pad)
        with_pad = end - start
        start, end = max(start, 0), min(end, size)
        counts.append(with_pad if include_pad else end - start)
    return counts


def _check_input(x: AnyTensor, who: str) -> Any:
    xd = x._data
    if xd.ndim != 4:
        raise ShapeError(f"{who}: expected a 4-D input (N, C, H, W), got shape {tuple(xd.shape)}")
    if not x._backend.xp.isdtype(xd.dtype, "real floating"):
        raise TypeError(f"{who}: input must be a floating-point tensor, got {x._backend.dtype_name(xd)}")
    return xd


def _geometry(
    xd: Any,
    kernel: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    dilation: tuple[int, int],
    ceil_mode: bool,
    who: str,
) -> PoolGeometry:
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = kernel, stride, padding, dilation
    h, w = xd.shape[2], xd.shape[3]
    ho = pool_out_size(h, kh, sh, ph, dh, ceil_mode)
    wo = pool_out_size(w, kw, sw, pw, dw, ceil_mode)
    if ho <= 0 or wo <= 0:
        raise ShapeError(
            f"{who}: input of shape {tuple(xd.shape)} is too small: size {h} x {w} (padded "
            f"{h + 2 * ph} x {w + 2 * pw}) gives output size {ho} x {wo} (kernel {kh} x {kw}, stride {sh} x {sw}, "
            f"dilation {dh} x {dw})"
        )
    return PoolGeometry(kh, kw, sh, sw, ph, pw, dh, dw, h, w, ho, wo)


def _record(fn: Function, x: AnyTensor, out: Array) -> AnyTensor:
    if x.requires_grad and grad_mode.enabled:
        fn.parents, fn.needs, fn.seq = (x,), (True,), next_seq()
        return make(out, x._backend, fn)
    return make(out, x._backend, None)


def max_pool2d(
    x: AnyTensor,
    kernel: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    dilation: tuple[int, int],
    ceil_mode: bool,
    who: str = "max_pool2d",
) -> AnyTensor:
    """Max pooling of an ``(N, C, H, W)`` tensor (arguments normalised to pairs by the caller).

    >>> import typedtorch as tt
    >>> from typedtorch._ops.pool import max_pool2d
    >>> max_pool2d(tt.ones(2, 3, 5, 5), (2, 2), (2, 2), (0, 0), (1, 1), False).shape
    (2, 3, 2, 2)
    """
    xd = _check_input(x, who)
    fn = MaxPool2dFn()
    fn.xp = x._backend.xp
    fn.geom = _geometry(xd, kernel, stride, padding, dilation, ceil_mode, who)
    return _record(fn, x, fn.forward(xd))


def avg_pool2d(
    x: AnyTensor,
    kernel: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    ceil_mode: bool,
    count_include_pad: bool,
    divisor_override: int | None,
    who: str = "avg_pool2d",
) -> AnyTensor:
    """Average pooling with PyTorch's divisor rules (``count_include_pad``, ``ceil_mode``, ``divisor_override``).

    >>> import typedtorch as tt
    >>> from typedtorch._ops.pool import avg_pool2d
    >>> avg_pool2d(tt.ones(1, 1, 4, 4), (2, 2), (2, 2), (0, 0), False, True, None).tolist()
    [[[[1.0, 1.0], [1.0, 1.0]]]]
    """
    xd = _check_input(x, who)
    xp = x._backend.xp
    g = _geometry(xd, kernel, stride, padding, (1, 1), ceil_mode, who)
    fn = AvgPool2dFn()
    fn.xp, fn.geom = xp, g
    if divisor_override is not None:
        fn.divisor = float(divisor_override)
    else:
        hc = _avg_counts(g.h, g.ho, g.kh, g.sh, g.ph, count_include_pad)
        wc = _avg_counts(g.w, g.wo, g.kw, g.sw, g.pw, count_include_pad)
        if len(set(hc)) == 1 and len(set(wc)) == 1:
            fn.divisor = float(hc[0] * wc[0])
        else:
            fn.divisor = xp.asarray([[[a * b] for b in wc] for a in hc], dtype=xd.dtype, device=xd.device)
    return _record(fn, x, fn.forward(xd))


class AdaptiveAvgPool2dFn(Function):
    """``Ph @ x @ Pw.T`` with averaging matrices: windows of any size, overlapping where PyTorch's do."""

    __slots__ = ("xp", "ph", "pw")
    xp: Any
    ph: Array  # (Ho, H)
    pw: Array  # (Wo, W)

    def forward(self, x: Array) -> Array:
        xp = self.xp
        xc = xp.permute_dims(x, (1, 0, 2, 3))
        return xp.permute_dims(self.ph @ xc @ self.pw.mT, (1, 0, 2, 3))

    def backward(self, grad: Array) -> tuple[Array | None, ...]:
        xp = self.xp
        gc = xp.permute_dims(grad, (1, 0, 2, 3))
        return (xp.permute_dims(self.ph.mT @ gc @ self.pw, (1, 0, 2, 3)),)


def _averaging_matrix(xp: Any, size: int, out: int, like: Array) -> Array:
    # PyTorch's adaptive windows: [floor(i * size / out), ceil((i + 1) * size / out)).
    rows = []
    for i in range(out):
        start, end = (i * size) // out, -((-(i + 1) * size) // out)
        rows.append([1.0 / (end - start) if start <= j < end else 0.0 for j in range(size)])
    return xp.asarray(rows, dtype=like.dtype, device=like.device)


def adaptive_avg_pool2d(x: AnyTensor, output_size: tuple[int, int], who: str = "adaptive_avg_pool2d") -> AnyTensor:
    """Average pooling to a fixed ``(Ho, Wo)``, whatever the input size.

    >>> import typedtorch as tt
    >>> from typedtorch._ops.pool import adaptive_avg_pool2d
    >>> adaptive_avg_pool2d(tt.ones(2, 3, 7, 5), (1, 1)).shape
    (2, 3, 1, 1)
    """
    xd = _check_input(x, who)
    h, w = xd.shape[2], xd.shape[3]
    if h == 0 or w == 0:
        raise ShapeError(f"{who}: input of shape {tuple(xd.shape)} has an empty spatial dim")
    xp = x._backend.xp
    fn = AdaptiveAvgPool2dFn()
    fn.xp = xp
    fn.ph = _averaging_matrix(xp, h, output_size[0], xd)
    fn.pw = _averaging_matrix(xp, w, output_size[1], xd)
    return _record(fn, x, fn.forward(xd))
