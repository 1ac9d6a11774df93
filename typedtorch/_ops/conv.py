"""Convolution (``conv1d``, ``conv2d``): one GEMM per call, written once against the array API.

Layout. Tensors are NCHW as in PyTorch and weights ``(out, in/groups, kH, kW)``, but
inside the kernel the batch comes last, ``(C, H, W, N)`` ("CHWN"). There im2col is
the K*K strided slices of the input stacked along a new leading axis -- one copy,
written sequentially, read in runs of ``Wo * N`` contiguous numbers (in a
batch-inner layout a row of the window is a long contiguous block, where
``(C, N, H, W)`` gives runs of ``Wo`` numbers, 12 to 26 here, and the per-run
overhead of every copy and shifted add dominated) -- and one GEMM
``W (O, K*K*C) @ cols (K*K*C, Ho*Wo*N)`` yields ``(O, Ho, Wo, N)`` directly. The
output tensor is the NCHW *view* of that array (``permute_dims``, no copy), so the
next convolution, pooling or batch norm, which permutes back, finds its input
contiguous in the layout it wants: along a conv/relu/pool chain the layout costs
nothing, and a ``flatten`` into a ``Linear`` pays one copy.

Backward. The weight gradient is one GEMM against the saved columns; the input
gradient is one GEMM back to columns followed by K*K shifted adds of slices into the
(padded) input gradient -- col2im by slices, no scatter (``np.add.at``).

The big work arrays (the columns and their gradient) are reused between steps
through :class:`Scratch`. The same code runs on numpy, cupy and array-api-strict;
the numpy namespace adds ``matmul_into`` (``np.matmul(..., out=)``, see
``_backend._NumpyNamespace``) so that the column gradient lands in a reused array too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from typedtorch._backend import Array
from typedtorch._engine import Function, grad_mode, next_seq
from typedtorch._errors import DeviceError, ShapeError
from typedtorch._tensor import AnyTensor, make


def out_size(size: int, kernel: int, stride: int, pad_lo: int, pad_hi: int, dilation: int) -> int:
    """``(size + pads - dilation * (kernel - 1) - 1) // stride + 1``: PyTorch's (and the shape rule's) formula."""
    return (size + pad_lo + pad_hi - dilation * (kernel - 1) - 1) // stride + 1


@dataclass(frozen=True, slots=True)
class ConvGeometry:
    """Everything but the data: kernel, stride, dilation, per-side padding, groups, sizes."""

    kh: int
    kw: int
    sh: int
    sw: int
    dh: int
    dw: int
    top: int
    bottom: int
    left: int
    right: int
    groups: int
    ho: int  # output height and width
    wo: int

    def windows(self) -> list[tuple[slice, slice]]:
        """For each kernel position (row-major), the strided slices of the padded input it reads."""
        hspan, wspan = (self.ho - 1) * self.sh + 1, (self.wo - 1) * self.sw + 1
        return [
            (slice(i * self.dh, i * self.dh + hspan, self.sh), slice(j * self.dw, j * self.dw + wspan, self.sw))
            for i in range(self.kh)
            for j in range(self.kw)
        ]

    @property
    def padded(self) -> bool:
        return bool(self.top or self.bottom or self.left or self.right)


class Scratch:
    """Large work arrays kept for reuse, per namespace, shape, dtype and device.

    A training step allocates the same few big arrays every time (the columns of each
    convolution: 42 MB for the second layer of the pytorch/examples net, and their
    gradient). Fresh allocations of that size come from the operating system as
    untouched pages, and faulting them in costs about as much as filling them. So the
    columns go back to this pool when their node dies (after ``backward()``, or at
    once under ``no_grad``), and the next step fills them again. Nothing outside the
    op ever sees these arrays. The pool holds at most ``limit`` bytes.
    """

    def __init__(self, limit: int = 512 * 2**20) -> None:
        self.limit = limit
        self.held = 0
        self._free: dict[tuple[int, tuple[int, ...], str, str], list[Array]] = {}

    @staticmethod
    def _key(xp: Any, shape: tuple[int, ...], dtype: Any, device: Any) -> tuple[int, tuple[int, ...], str, str]:
        # `float64` whether given as a numpy dtype, a numpy scalar type or an array-api-strict dtype.
        name = getattr(dtype, "name", None)
        if not isinstance(name, str):
            name = str(dtype).rsplit(".", 1)[-1].rstrip("'>")
        return (id(xp), shape, name, str(device))

    def take(self, xp: Any, shape: tuple[int, ...], dtype: Any, device: Any) -> Array:
        """An array of ``shape`` with arbitrary contents (a reused one when the pool has one)."""
        free = self._free.get(self._key(xp, shape, dtype, device))
        if free:
            try:
                arr = free.pop()
            except IndexError:  # another thread took it
                pass
            else:
                self.held -= _nbytes(arr)
                return arr
        return xp.empty(shape, dtype=dtype, device=device)

    def give(self, xp: Any, arr: Array) -> None:
        """Return an array taken from :meth:`take` that nothing references any more."""
        size = _nbytes(arr)
        if self.held + size > self.limit:
            return
        self._free.setdefault(self._key(xp, tuple(arr.shape), arr.dtype, arr.device), []).append(arr)
        self.held += size

    def clear(self) -> None:
        """Drop every pooled array (their memory goes back to the allocator)."""
        self._free.clear()
        self.held = 0


def _nbytes(arr: Array) -> int:
    n = 1
    for s in arr.shape:
        n *= s
    return n * arr.dtype.itemsize if hasattr(arr.dtype, "itemsize") else n * 8


scratch = Scratch()


def im2col(xp: Any, xg: Array, geom: ConvGeometry) -> Array:
    """``(G, Cg, Hp, Wp, N)`` to ``(G, K*K, Cg, Ho, Wo, N)``: every kernel position's slice, one copy.

    The result comes from :data:`scratch`; give it back when done.
    """
    groups, cg, n = xg.shape[0], xg.shape[1], xg.shape[4]
    cols = scratch.take(xp, (groups, geom.kh * geom.kw, cg, geom.ho, geom.wo, n), xg.dtype, xg.device)
    for p, (hs, ws) in enumerate(geom.windows()):
        cols[:, p, ...] = xg[:, :, hs, ws, :]
    return cols


def is_contiguous(arr: Array) -> bool:
    """Whether ``arr`` is C-contiguous, where the array type says so (numpy and cupy do);
    ``False`` where it cannot tell (array-api-strict), which only costs a copy."""
    flags = getattr(arr, "flags", None)
    return bool(getattr(flags, "c_contiguous", False))


def _pad_into_scratch(xp: Any, xk: Array, g: ConvGeometry) -> Array:
    """``xk`` (C, H, W, N) zero-padded, in a contiguous scratch array (the borders are zeroed each time).

    Without padding the same copy makes an input that is not CHWN-contiguous (the
    first layer's NCHW data) contiguous, so that im2col reads long runs.
    """
    c, h, w, n = xk.shape
    hp, wp = h + g.top + g.bottom, w + g.left + g.right
    xpad = scratch.take(xp, (c, hp, wp, n), xk.dtype, xk.device)
    if g.top:
        xpad[:, : g.top, ...] = 0.0
    if g.bottom:
        xpad[:, g.top + h :, ...] = 0.0
    if g.left:
        xpad[:, g.top : g.top + h, : g.left, :] = 0.0
    if g.right:
        xpad[:, g.top : g.top + h, g.left + w :, :] = 0.0
    xpad[:, g.top : g.top + h, g.left : g.left + w, :] = xk
    return xpad


class ConvFn(Function):
    """``conv2d`` (and ``conv1d`` as a height-1 ``conv2d``) as one node."""

    __slots__ = ("xp", "geom", "rank", "cols", "owned", "wmat", "x_shape", "w_shape", "has_bias")
    xp: Any
    geom: ConvGeometry
    rank: int  # 1 for conv1d, 2 for conv2d
    cols: Array  # (G, K*K*Cg, Ho*Wo*N), kept for the weight gradient
    owned: Array | None  # the scratch array behind `cols`, returned to the pool when this node dies
    wmat: Array  # (G, Og, K*K*Cg), kept for the input gradient
    x_shape: tuple[int, ...]  # (N, C, H, W) as the kernel sees it (H = 1 for conv1d)
    w_shape: tuple[int, ...]
    has_bias: bool

    def forward(self, x: Array, w: Array, b: Array | None) -> Array:
        xp, g = self.xp, self.geom
        if self.rank == 1:
            x = xp.reshape(x, (x.shape[0], x.shape[1], 1, x.shape[2]))
            w = xp.reshape(w, (w.shape[0], w.shape[1], 1, w.shape[2]))
        n, c, h, wd = x.shape
        o = w.shape[0]
        groups, kk = g.groups, g.kh * g.kw
        cg, og = c // groups, o // groups
        hp, wp = h + g.top + g.bottom, wd + g.left + g.right
        m = n * g.ho * g.wo
        self.x_shape, self.w_shape, self.has_bias = (n, c, h, wd), tuple(w.shape), b is not None

        xk = xp.permute_dims(x, (1, 2, 3, 0))  # (C, H, W, N): free when x came out of a convolution
        one_by_one = kk == 1 and g.sh == 1 and g.sw == 1
        copied = g.padded or (not one_by_one and not is_contiguous(xk))
        xpad = _pad_into_scratch(xp, xk, g) if copied else xk
        xg = xp.reshape(xpad, (groups, cg, hp, wp, n))
        self.owned = None
        if one_by_one:
            cols = xp.reshape(xg, (groups, cg, m))  # 1x1: the input is its own column matrix
            if copied:
                cols = xp.asarray(cols, copy=True)  # not the scratch array, which goes back now
        else:
            self.owned = im2col(xp, xg, g)
            cols = xp.reshape(self.owned, (groups, kk * cg, m))
        if copied:
            scratch.give(xp, xpad)
        # (O, Cg, kh, kw) -> (G, Og, kh, kw, Cg) -> (G, Og, K*K*Cg): the (position, channel) order of `cols`.
        wmat = xp.reshape(
            xp.permute_dims(xp.reshape(w, (groups, og, cg, g.kh, g.kw)), (0, 1, 3, 4, 2)), (groups, og, kk * cg)
        )
        self.cols, self.wmat = cols, wmat
        out = wmat[0, ...] @ cols[0, ...] if groups == 1 else xp.reshape(wmat @ cols, (o, m))
        if b is not None:
            out += xp.reshape(b, (o, 1))  # a fresh array nothing else holds
        if self.rank == 1:
            return xp.permute_dims(xp.reshape(out, (o, g.wo, n)), (2, 0, 1))
        return xp.permute_dims(xp.reshape(out, (o, g.ho, g.wo, n)), (3, 0, 1, 2))

    def backward(self, grad: Array) -> tuple[Array | None, ...]:
        xp, g, needs = self.xp, self.geom, self.needs
        n, c, h, wd = self.x_shape
        o = self.w_shape[0]
        groups, kk = g.groups, g.kh * g.kw
        cg, og = c // groups, o // groups
        m = n * g.ho * g.wo
        if self.rank == 1:
            grad = xp.reshape(grad, (n, o, 1, g.wo))
        gc = xp.reshape(xp.permute_dims(grad, (1, 2, 3, 0)), (groups, og, m))  # a view along a conv chain
        gx = gw = gb = None
        if self.has_bias and needs[2]:
            gb = xp.sum(xp.reshape(gc, (o, m)), axis=1)
        if needs[1]:
            cols = self.cols
            gwm = gc[0, ...] @ cols[0, ...].mT if groups == 1 else gc @ cols.mT
            gw = xp.reshape(
                xp.permute_dims(xp.reshape(gwm, (groups, og, g.kh, g.kw, cg)), (0, 1, 4, 2, 3)), self.w_shape
            )
            if self.rank == 1:
                gw = xp.reshape(gw, (o, cg, g.kw))
        if needs[0]:
            wmat = self.wmat
            hp, wp = h + g.top + g.bottom, wd + g.left + g.right
            if kk == 1 and g.sh == 1 and g.sw == 1:
                gcols = wmat[0, ...].mT @ gc[0, ...] if groups == 1 else wmat.mT @ gc
                gxpad = xp.reshape(gcols, (c, hp, wp, n))
            else:
                parts = self._column_gradient(gc)
                gxg = xp.zeros((groups, cg, hp, wp, n), dtype=gc.dtype, device=gc.device)
                for p, (hs, ws) in enumerate(g.windows()):
                    gxg[:, :, hs, ws, :] += parts[:, p, ...]
                scratch.give(xp, parts)
                gxpad = xp.reshape(gxg, (c, hp, wp, n))
            if g.padded:
                gxpad = gxpad[:, g.top : g.top + h, g.left : g.left + wd, :]
            gx = xp.permute_dims(gxpad, (3, 0, 1, 2))
            if self.rank == 1:
                gx = xp.reshape(gx, (n, c, wd))
        if not self.has_bias:
            return (gx, gw)
        return (gx, gw, gb)

    def _column_gradient(self, gc: Array) -> Array:
        """``W.T @ grad``, ``(G, K*K, Cg, Ho, Wo, N)``, in a scratch array where the namespace can write into one."""
        xp, g, wmat = self.xp, self.geom, self.wmat
        groups, kk, cg = wmat.shape[0], g.kh * g.kw, wmat.shape[2] // (g.kh * g.kw)
        n = self.x_shape[0]
        into = getattr(xp, "matmul_into", None)  # numpy: np.matmul(..., out=)
        if into is None:
            gcols = wmat[0, ...].mT @ gc[0, ...] if groups == 1 else wmat.mT @ gc
            return xp.reshape(gcols, (groups, kk, cg, g.ho, g.wo, n))
        parts = scratch.take(xp, (groups, kk, cg, g.ho, g.wo, n), gc.dtype, gc.device)
        flat = xp.reshape(parts, (groups, kk * cg, n * g.ho * g.wo))  # a view: `parts` is contiguous
        if groups == 1:
            into(wmat[0, ...].mT, gc[0, ...], flat[0, ...])
        else:
            into(wmat.mT, gc, flat)
        return parts

    def __del__(self) -> None:
        # The columns go back to the pool once nothing can read them (see Scratch).
        try:
            owned = self.owned
        except AttributeError:  # never ran forward
            return
        if owned is not None:
            self.owned = None
            try:
                scratch.give(self.xp, owned)
            except Exception:  # interpreter shutdown: the module's globals may be gone
                pass


def conv(
    x: AnyTensor,
    weight: AnyTensor,
    bias: AnyTensor | None,
    stride: tuple[int, int],
    padding: tuple[int, int, int, int],
    dilation: tuple[int, int],
    groups: int,
    *,
    rank: int,
    who: str,
) -> AnyTensor:
    """The convolution of ``x`` (``(N, C, H, W)``, or ``(N, C, L)`` with ``rank=1``) by ``weight``.

    Arguments are normalised by the caller: ``padding`` is ``(top, bottom, left, right)``
    (for ``rank=1`` only left and right count), and ``who`` names the caller in errors.

    >>> import typedtorch as tt
    >>> from typedtorch._ops.conv import conv
    >>> conv(tt.ones(2, 3, 5, 5), tt.ones(4, 3, 3, 3), None, (1, 1), (0, 0, 0, 0), (1, 1), 1, rank=2, who="conv2d").shape
    (2, 4, 3, 3)
    """
    backend = x._backend
    for t in (weight, bias):
        if t is not None and t._backend is not backend:
            raise DeviceError(f"{who}: input on {backend.device} but parameters on {t._backend.device}")
    xd, wd = x._data, weight._data
    if not backend.xp.isdtype(xd.dtype, "real floating"):
        raise TypeError(f"{who}: input must be a floating-point tensor, got {backend.dtype_name(xd)}")
    if wd.dtype != xd.dtype:
        raise TypeError(
            f"{who}: input is {backend.dtype_name(xd)} but weight is {backend.dtype_name(wd)}; convert one of them"
        )
    dims = "(N, C, L)" if rank == 1 else "(N, C, H, W)"
    if xd.ndim != rank + 2:
        raise ShapeError(f"{who}: expected a {rank + 2}-D input {dims}, got shape {tuple(xd.shape)}")
    if wd.ndim != rank + 2:
        raise ShapeError(f"{who}: expected a {rank + 2}-D weight, got shape {tuple(wd.shape)}")
    c = xd.shape[1]
    o = wd.shape[0]
    if groups < 1 or c % groups or o % groups:
        raise ValueError(
            f"{who}: groups={groups} must be positive and divide both input channels ({c}) and output channels ({o})"
        )
    if wd.shape[1] * groups != c:
        raise ShapeError(
            f"{who}: input has {c} channels but weight shape {tuple(wd.shape)} expects {wd.shape[1] * groups} "
            f"(weight.shape[1] * groups = {wd.shape[1]} * {groups})"
        )
    if bias is not None and tuple(bias._data.shape) != (o,):
        raise ShapeError(f"{who}: bias shape {tuple(bias._data.shape)} does not match {o} output channels")
    if rank == 1:
        kh, kw = 1, wd.shape[2]
        h, w = 1, xd.shape[2]
        sh, sw, dh, dw = 1, stride[1], 1, dilation[1]
        top = bottom = 0
        left, right = padding[2], padding[3]
    else:
        kh, kw = wd.shape[2], wd.shape[3]
        h, w = xd.shape[2], xd.shape[3]
        (sh, sw), (dh, dw) = stride, dilation
        top, bottom, left, right = padding
    ho = out_size(h, kh, sh, top, bottom, dh)
    wo = out_size(w, kw, sw, left, right, dw)
    if ho <= 0 or wo <= 0:
        if rank == 1:
            detail = f"length {w} (padded {w + left + right}) gives output length {wo}"
            window = f"kernel {kw}, stride {sw}, dilation {dw}"
        else:
            detail = f"size {h} x {w} (padded {h + top + bottom} x {w + left + right}) gives output size {ho} x {wo}"
            window = f"kernel {kh} x {kw}, stride {sh} x {sw}, dilation {dh} x {dw}"
        raise ShapeError(f"{who}: input of shape {tuple(xd.shape)} is too small: {detail} ({window})")
    fn = ConvFn()
    fn.xp = backend.xp
    fn.rank = rank
    fn.geom = ConvGeometry(kh, kw, sh, sw, dh, dw, top, bottom, left, right, groups, ho, wo)
    out = fn.forward(xd, wd, None if bias is None else bias._data)
    needs = (x.requires_grad, weight.requires_grad) + (() if bias is None else (bias.requires_grad,))
    if any(needs) and grad_mode.enabled:
        fn.parents = (x, weight) if bias is None else (x, weight, bias)
        fn.needs = needs
        fn.seq = next_seq()
        return make(out, backend, fn)
    return make(out, backend, None)
