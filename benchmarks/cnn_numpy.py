"""The hand-written numpy reference for the convolutional workloads: forward, backward and update by hand.

The fastest way we know to write these networks in plain numpy, and the same
arithmetic typedtorch's kernels do, call for call, so the two produce identical
losses and the time difference is pure framework overhead:

* convolutions in the batch-inner ``(C, H, W, N)`` layout: im2col as the K*K strided
  slices of the input copied into one array along a new leading axis (sequential
  writes of long contiguous runs, into an array allocated once and refilled every
  step, like the column gradient), one GEMM ``W (O, K*K*C) @ cols (K*K*C, Ho*Wo*N)``
  whose ``(O, Ho, Wo, N)`` result the next layer reads without a copy; the weight
  gradient is one GEMM against the saved columns, the input gradient one GEMM back to
  columns and K*K shifted adds;
* 2x2 max-pooling on the four strided views of each window (no reshape, no copy) as
  a little tournament whose three boolean choices hand the gradient to the first
  maximum of each window, as PyTorch does; the gradient is assembled in an
  uninitialised array when the windows tile the input;
* Adadelta and SGD with momentum as ``torch.optim`` computes them, in place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from cnn_workloads import DROPOUT_SEED, ConvNet, data, dropout_mask, weights

Array = Any


# ------------------------------------------------------------------------ convolution


# Work arrays allocated once and refilled every step, as a careful numpy program does:
# fresh 40 MB arrays cost as much in page faults as filling them.
_buffers: dict[tuple[str, tuple[int, ...]], Array] = {}


def buffer(name: str, shape: tuple[int, ...]) -> Array:
    key = (name, shape)
    if key not in _buffers:
        _buffers[key] = np.empty(shape, np.float32)
    return _buffers[key]


def conv_forward(x: Array, w: Array, b: Array, pad: int, layer: int) -> tuple[Array, tuple[Any, ...]]:
    """``x`` (N, C, H, W) (any layout) by ``w`` (O, C, k, k), stride 1; returns the NCHW view of a CHWN array."""
    n, c, h, wd = x.shape
    o, _, k, _ = w.shape
    hp, wp = h + 2 * pad, wd + 2 * pad
    ho, wo = hp - k + 1, wp - k + 1
    m = ho * wo * n
    xk = np.transpose(x, (1, 2, 3, 0))
    if pad or not xk.flags.c_contiguous:  # padded, or the first layer's NCHW data: one copy into CHWN
        xpad = buffer(f"pad{layer}", (c, hp, wp, n))
        if pad:
            xpad[:, :pad, ...] = 0.0
            xpad[:, pad + h :, ...] = 0.0
            xpad[:, pad : pad + h, :pad, :] = 0.0
            xpad[:, pad : pad + h, pad + wd :, :] = 0.0
        xpad[:, pad : pad + h, pad : pad + wd, :] = xk
    else:
        xpad = xk
    xg = np.reshape(xpad, (1, c, hp, wp, n))
    cols6 = buffer(f"cols{layer}", (1, k * k, c, ho, wo, n))
    for p in range(k * k):
        i, j = divmod(p, k)
        cols6[:, p, ...] = xg[:, :, i : i + ho, j : j + wo, :]
    cols = np.reshape(cols6, (1, k * k * c, m))
    wmat = np.reshape(np.transpose(np.reshape(w, (1, o, c, k, k)), (0, 1, 3, 4, 2)), (1, o, k * k * c))
    out = wmat[0] @ cols[0]
    out += np.reshape(b, (o, 1))
    return np.transpose(np.reshape(out, (o, ho, wo, n)), (3, 0, 1, 2)), (cols, wmat, x.shape, w.shape, pad, layer)


def conv_backward(g: Array, saved: tuple[Any, ...], need_input: bool) -> tuple[Array | None, Array, Array]:
    cols, wmat, (n, c, h, wd), wshape, pad, layer = saved
    o, _, k, _ = wshape
    ho, wo = g.shape[2], g.shape[3]
    m = ho * wo * n
    gc = np.reshape(np.transpose(g, (1, 2, 3, 0)), (1, o, m))
    gb = np.add.reduce(np.reshape(gc, (o, m)), axis=1)
    gwm = gc[0] @ cols[0].mT
    gw = np.reshape(np.transpose(np.reshape(gwm, (1, o, k, k, c)), (0, 1, 4, 2, 3)), wshape)
    if not need_input:
        return None, gw, gb
    hp, wp = h + 2 * pad, wd + 2 * pad
    parts = buffer(f"gcols{layer}", (1, k * k, c, ho, wo, n))
    np.matmul(wmat[0].mT, gc[0], out=np.reshape(parts, (1, k * k * c, m))[0])
    gxg = np.zeros((1, c, hp, wp, n), dtype=g.dtype)
    for p in range(k * k):
        i, j = divmod(p, k)
        gxg[:, :, i : i + ho, j : j + wo, :] += parts[:, p, ...]
    gxpad = np.reshape(gxg, (c, hp, wp, n))
    if pad:
        gxpad = gxpad[:, pad : pad + h, pad : pad + wd, :]
    return np.transpose(gxpad, (3, 0, 1, 2)), gw, gb


# --------------------------------------------------------------------------- pooling


def _windows(ho: int, wo: int) -> list[tuple[slice, slice]]:
    return [(slice(i, i + 2 * ho - 1, 2), slice(j, j + 2 * wo - 1, 2)) for i in range(2) for j in range(2)]


def pool_forward(x: Array) -> tuple[Array, tuple[Any, ...]]:
    """2x2 max-pool, stride 2, of an NCHW view, on the four strided views of the CHWN input.

    A little tournament: the maximum of each row of the window, then of the two rows;
    three boolean choices (strict ``>``: ties stay with the earlier position, as in
    PyTorch) say where each window's first maximum is.
    """
    xk = np.transpose(x, (1, 2, 3, 0))
    ho, wo = xk.shape[1] // 2, xk.shape[2] // 2
    a, b, c, d = (xk[:, hs, ws, :] for hs, ws in _windows(ho, wo))
    top, bottom = np.maximum(a, b), np.maximum(c, d)
    choice = (b > a, d > c, bottom > top)
    out = np.maximum(top, bottom)
    return np.transpose(out, (3, 0, 1, 2)), (choice, xk.shape)


def pool_backward(g: Array, saved: tuple[Any, ...]) -> Array:
    """Each window's gradient to its first maximum, by 0/1 masks (faster than ``where`` on tie-ridden masks)."""
    choice, shape = saved
    gk = np.transpose(g, (1, 2, 3, 0))
    even = shape[1] % 2 == 0 and shape[2] % 2 == 0  # the windows tile the input: every element is assigned
    gx = np.empty(shape, dtype=g.dtype) if even else np.zeros(shape, dtype=g.dtype)
    right_top, right_bottom, lower = (c.astype(gk.dtype) for c in choice)
    g_lower = gk * lower
    g_upper = gk - g_lower
    g_b, g_d = g_upper * right_top, g_lower * right_bottom
    for (hs, ws), part in zip(
        _windows(gk.shape[1], gk.shape[2]), (g_upper - g_b, g_b, g_lower - g_d, g_d), strict=True
    ):
        gx[:, hs, ws, :] = part
    return np.transpose(gx, (3, 0, 1, 2))


# ----------------------------------------------------------------------- the networks


def make_step(w: ConvNet) -> Callable[[int], float]:
    p = weights(w)
    params: dict[str, Array] = {
        k: np.ascontiguousarray(v.T) if k.startswith("fc") and k.endswith("weight") else v.copy() for k, v in p.items()
    }
    x_all, y_all, batches = data(w)
    rng = np.random.default_rng(DROPOUT_SEED)
    arange = np.arange(10, dtype=np.int64)
    n_fc = len(w.hidden) + 1
    pools = w.pool_after
    p_drop1, p_drop2 = w.dropout
    state: dict[str, list[Array]] = {k: [] for k in params}
    first = [True]

    def dropout(x: Array, p: float) -> tuple[Array, Array | None]:
        if p == 0.0:
            return x, None
        mask = dropout_mask(rng, x.shape, p).astype(x.dtype) * (1.0 / (1.0 - p))
        return x * mask, mask

    def step(i: int) -> float:
        idx = batches[i % len(batches)]
        x, y = np.take(x_all, idx, axis=0), np.take(y_all, idx, axis=0)
        batch = len(idx)
        # ---- forward
        convs, relus, pooled = [], [], []
        h = x
        for layer, pool in enumerate(pools, 1):
            weight, bias = params[f"conv{layer}.weight"], params[f"conv{layer}.bias"]
            h, saved = conv_forward(h, weight, bias, w.convs[layer - 1][2], layer)
            convs.append(saved)
            h = np.maximum(h, 0.0)
            relus.append(h)
            if pool:
                h, psaved = pool_forward(h)
                pooled.append(psaved)
            else:
                pooled.append(None)
        h, mask1 = dropout(h, p_drop1)
        pooled_shape = h.shape
        h = np.reshape(h, (batch, -1))
        fc_in, fc_relu, masks2 = [], [], []
        for layer in range(1, n_fc + 1):
            fc_in.append(h)
            h = h @ params[f"fc{layer}.weight"]
            h += params[f"fc{layer}.bias"]
            if layer < n_fc:
                h = np.maximum(h, 0.0)
                fc_relu.append(h)
                h, m2 = dropout(h, p_drop2)
                masks2.append(m2)
        onehot = (np.reshape(y, (batch, 1)) == arange).astype(h.dtype)
        shifted = h - np.maximum.reduce(h, axis=1, keepdims=True)
        if w.loss == "nll":
            logp = shifted - np.log(np.add.reduce(np.exp(shifted), axis=1, keepdims=True))
            loss = -np.add.reduce(onehot * logp, axis=None) / batch
            # ---- backward: nll, then log_softmax
            g0 = np.ones((), dtype=h.dtype)
            g = onehot * (g0 * -(1.0 / batch))
            g = g - np.exp(logp) * np.add.reduce(g, axis=1, keepdims=True)
        else:
            e = np.exp(shifted)
            total = np.add.reduce(e, axis=1, keepdims=True)
            loss = np.add.reduce(onehot * (np.log(total) - shifted), axis=None) / batch
            g = e / total
            g -= onehot
            g *= np.ones((), dtype=h.dtype) * (1.0 / batch)
        grads: dict[str, Array] = {}
        for layer in range(n_fc, 0, -1):
            wt = params[f"fc{layer}.weight"]
            a = fc_in[layer - 1]
            grads[f"fc{layer}.weight"] = a.mT @ g
            grads[f"fc{layer}.bias"] = np.add.reduce(g, axis=0)
            g = g @ wt.mT
            if layer > 1:
                m2 = masks2[layer - 2]
                if m2 is not None:
                    g = g * m2
                g = g * (fc_relu[layer - 2] > 0).astype(g.dtype)
        g = np.reshape(g, pooled_shape)
        if mask1 is not None:
            g = g * mask1
        for layer in range(len(pools), 0, -1):
            if pooled[layer - 1] is not None:
                g = pool_backward(g, pooled[layer - 1])
            g = g * (relus[layer - 1] > 0).astype(g.dtype)
            gx, gw, gb = conv_backward(g, convs[layer - 1], need_input=layer > 1)
            grads[f"conv{layer}.weight"], grads[f"conv{layer}.bias"] = gw, gb
            if gx is not None:
                g = gx
        # ---- update, as torch.optim computes it
        for name, param in params.items():
            grad = grads[name]
            if w.optimizer == "adadelta":
                rho, eps = 0.9, 1e-6
                if first[0]:
                    state[name] = [np.zeros_like(param), np.zeros_like(param)]
                square, acc = state[name]
                square *= rho
                square += (1.0 - rho) * grad * grad
                std = np.sqrt(square + eps)
                delta = np.sqrt(acc + eps)
                delta /= std
                delta *= grad
                acc *= rho
                acc += (1.0 - rho) * delta * delta
                param -= w.lr * delta
            else:
                if first[0]:
                    state[name] = [np.array(grad, copy=True)]
                else:
                    buf = state[name][0]
                    buf *= w.momentum
                    buf += grad
                param -= w.lr * state[name][0]
        first[0] = False
        return float(loss)

    return step
