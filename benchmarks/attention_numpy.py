"""The hand-written numpy reference: the decoder block's forward, backward and Adam by hand.

The same arithmetic, in the same order, as typedtorch's ops (LayerNorm's fused
backward, the fused causal attention, the float32 GELU of ``_ops/activation.py``
evaluated in cache-sized blocks, the one-hot embedding gradient, the stable
cross-entropy, PyTorch's arrangement of Adam), so the two produce identical losses and
the timing difference is framework overhead. Plain numpy otherwise: views for the
head split, in-place updates where a hand-writer would use them.

``make_step(c, sections)`` fills ``sections`` (a dict) with the seconds spent per part
of the step when given one (``--breakdown``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np
from attention_workload import Config, data, weights

# The float32 GELU of typedtorch/_ops/activation.py (the same fit, the same order).
P32 = 0.3040559159102154
F32 = (
    0.035595401956648176, -0.14933401844151095, 0.18044206424424591, -0.030792275675505222,
    0.11595293652745811, 0.10517486827953264, 0.12166098779050533, 0.1213000675189559,
)  # fmt: skip
# Python floats, never numpy scalars: a float64 scalar would change float32 rounding.
INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
CHUNK = 32768


def gelu_block(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(gelu(x), gelu'(x))`` for a block of float32 values."""
    a = np.minimum(np.abs(x), 1e19)
    t = a * P32
    t += 1.0
    t = 1.0 / t
    q = t * F32[0]
    q += F32[1]
    for c in F32[2:]:
        q *= t
        q += c
    q *= t
    e = a * a
    e *= -0.5
    e = np.exp(e)
    q *= e
    y = np.maximum(x, 0.0)
    y -= a * q
    a *= e
    a *= -INV_SQRT_2PI
    a += q
    s = np.copysign(1.0, x)
    a *= s
    s += 1.0
    s *= 0.5
    s -= a
    return y, s


def gelu(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = x.size
    flat = x.reshape(n)
    y, d = np.empty(n, x.dtype), np.empty(n, x.dtype)
    for start in range(0, n, CHUNK):
        stop = min(start + CHUNK, n)
        y[start:stop], d[start:stop] = gelu_block(flat[start:stop])
    return y.reshape(x.shape), d.reshape(x.shape)


def layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # Row sums as products with ones: BLAS is faster than numpy's sum(axis=1) here.
    n, d = x.shape
    ones_d = np.ones(d, x.dtype)
    inv_d = 1.0 / d
    mu = x @ ones_d
    mu *= inv_d
    xhat = x - mu.reshape(n, 1)
    var = (xhat * xhat) @ ones_d
    var *= inv_d
    var += 1e-5
    rstd = (1.0 / np.sqrt(var)).reshape(n, 1)
    xhat *= rstd
    y = xhat * w
    y += b
    return y, xhat, rstd


def layer_norm_backward(
    g: np.ndarray, xhat: np.ndarray, rstd: np.ndarray, w: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n, d = xhat.shape
    ones_d, ones_n = np.ones(d, g.dtype), np.ones(n, g.dtype)
    inv_d = 1.0 / d
    gh = g * w
    m1 = gh @ ones_d
    m1 *= inv_d
    m2 = (gh * xhat) @ ones_d
    m2 *= inv_d
    gx = gh - m1.reshape(n, 1)
    gx -= xhat * m2.reshape(n, 1)
    gx *= rstd
    return gx, ones_n @ (g * xhat), ones_n @ g


class Adam:
    """typedtorch's (and PyTorch's) Adam arithmetic, in place (``torch.lerp``'s arrangement for the mean)."""

    def __init__(self, params: dict[str, np.ndarray], lr: float) -> None:
        self.params, self.lr, self.t = params, lr, 0
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}

    def step(self, grads: dict[str, np.ndarray]) -> None:
        self.t += 1
        b1, b2, eps = 0.9, 0.999, 1e-8
        step_size, c2 = self.lr / (1.0 - b1**self.t), math.sqrt(1.0 - b2**self.t)
        for k, p in self.params.items():
            g, m, v = grads[k], self.m[k], self.v[k]
            m += (g - m) * (1.0 - b1)
            v *= b2
            v += (1.0 - b2) * g * g
            denom = np.sqrt(v)
            denom /= c2
            denom += eps
            p += (-step_size * m) / denom


def make_step(c: Config, sections: dict[str, float] | None = None) -> Callable[[int], float]:
    p = weights(c)
    opt = Adam(p, c.lr)
    batches = [(x.reshape(-1), y.reshape(-1)) for x, y in data(c)]
    bsz, t_len, d, v_size, heads = c.batch, c.seq, c.dim, c.vocab, c.heads
    n = bsz * t_len
    hd = d // heads
    scale = 1.0 / math.sqrt(hd)
    rows = np.arange(v_size).reshape(v_size, 1)
    pos_rows = np.arange(t_len).reshape(t_len, 1)
    positions = np.arange(t_len)
    classes = np.arange(v_size)
    i_idx, j_idx = np.arange(t_len).reshape(-1, 1), np.arange(t_len).reshape(1, -1)
    causal = np.where(j_idx <= i_idx, np.float32(0.0), np.float32(-np.inf))
    clock = [time.process_time()]

    def tick(name: str) -> None:
        if sections is not None:
            now = time.process_time()
            sections[name] = sections.get(name, 0.0) + now - clock[0]
            clock[0] = now

    def heads_of(a: np.ndarray, k: int) -> np.ndarray:  # (B, T, 3D) -> (B, H, T, hd), a view
        return a.reshape(bsz, t_len, 3 * heads, hd)[:, :, k * heads : (k + 1) * heads, :].transpose(0, 2, 1, 3)

    def step(i: int) -> float:
        idx, target = batches[i % len(batches)]
        clock[0] = time.process_time()
        # ---------------------------------------------------------------- forward
        x0 = p["tok.weight"].take(idx, axis=0).reshape(bsz, t_len, d) + p["pos.weight"].take(positions, axis=0)
        tick("embedding")
        h1, xh1, rs1 = layer_norm(x0.reshape(n, d), p["ln1.weight"], p["ln1.bias"])
        tick("layernorm")
        qkv = h1 @ p["attn.in_proj_weight"].T
        qkv += p["attn.in_proj_bias"]
        qkv = qkv.reshape(bsz, t_len, 3 * d)
        q = heads_of(qkv, 0)
        k = np.ascontiguousarray(heads_of(qkv, 1))  # dense heads: faster products
        v = np.ascontiguousarray(heads_of(qkv, 2))
        qs = q * scale
        s = qs @ k.swapaxes(-1, -2)
        tick("matmul")
        s += causal
        s -= np.maximum.reduce(s, axis=-1, keepdims=True)
        prob = np.exp(s)
        prob /= np.add.reduce(prob, axis=-1, keepdims=True)
        tick("softmax")
        o = (prob @ v).transpose(0, 2, 1, 3).reshape(n, d)
        a = o @ p["attn.out_proj.weight"].T
        a += p["attn.out_proj.bias"]
        a = a.reshape(bsz, t_len, d)
        tick("matmul")
        x1 = x0 + a
        tick("other")
        h2, xh2, rs2 = layer_norm(x1.reshape(n, d), p["ln2.weight"], p["ln2.bias"])
        tick("layernorm")
        # Linear layers as typedtorch's: one 2-D product forward, a batched one for the input's gradient.
        z1 = (h2 @ p["fc1.weight"]).reshape(bsz, t_len, -1)
        z1 += p["fc1.bias"]
        tick("matmul")
        g1, dg1 = gelu(z1)
        tick("gelu")
        z2 = (g1.reshape(n, -1) @ p["fc2.weight"]).reshape(bsz, t_len, d)
        z2 += p["fc2.bias"]
        tick("matmul")
        x2 = x1 + z2
        tick("other")
        h3, xh3, rs3 = layer_norm(x2.reshape(n, d), p["lnf.weight"], p["lnf.bias"])
        tick("layernorm")
        logits = h3 @ p["head.weight"]
        tick("matmul")
        onehot = (target.reshape(n, 1) == classes).astype(np.float32)
        shifted = logits - np.maximum.reduce(logits, axis=1, keepdims=True)
        e = np.exp(shifted)
        total = np.add.reduce(e, axis=1, keepdims=True)
        loss = np.add.reduce(onehot * (np.log(total) - shifted), axis=None) / n
        # --------------------------------------------------------------- backward
        gl = e / total
        gl -= onehot
        gl *= np.float32(1.0) * (1.0 / n)
        tick("loss")
        grads: dict[str, np.ndarray] = {}
        gl3 = gl.reshape(bsz, t_len, v_size)
        gh3 = gl3 @ p["head.weight"].T
        grads["head.weight"] = h3.T @ gl
        tick("matmul")
        g_h3 = gh3.reshape(n, d)
        gx2, grads["lnf.weight"], grads["lnf.bias"] = layer_norm_backward(g_h3, xh3, rs3, p["lnf.weight"])
        tick("layernorm")
        gx2 = gx2.reshape(bsz, t_len, d)
        gz2_2 = gx2.reshape(n, d)
        gg1 = gx2 @ p["fc2.weight"].T
        grads["fc2.weight"] = g1.reshape(n, -1).T @ gz2_2
        grads["fc2.bias"] = np.add.reduce(gz2_2, axis=0)
        tick("matmul")
        gz1 = gg1 * dg1
        tick("gelu")
        gz1_2 = gz1.reshape(n, -1)
        gh2 = gz1 @ p["fc1.weight"].T
        grads["fc1.weight"] = h2.T @ gz1_2
        grads["fc1.bias"] = np.add.reduce(gz1_2, axis=0)
        tick("matmul")
        gx1_ln, grads["ln2.weight"], grads["ln2.bias"] = layer_norm_backward(
            gh2.reshape(n, d), xh2, rs2, p["ln2.weight"]
        )
        tick("layernorm")
        gx1 = gx2 + gx1_ln.reshape(bsz, t_len, d)
        tick("other")
        # out_proj, then the attention
        ga2 = gx1.reshape(n, d)
        go = ga2 @ p["attn.out_proj.weight"]
        grads["attn.out_proj.weight"] = ga2.T @ o
        grads["attn.out_proj.bias"] = np.add.reduce(ga2, axis=0)
        go4 = np.ascontiguousarray(go.reshape(bsz, t_len, heads, hd).transpose(0, 2, 1, 3))
        gv = prob.swapaxes(-1, -2) @ go4
        gp = go4 @ v.swapaxes(-1, -2)
        tick("matmul")
        gp -= np.add.reduce(gp * prob, axis=-1, keepdims=True)
        gp *= prob
        tick("softmax")
        gq = gp @ k
        gq *= scale
        gk = gp.swapaxes(-1, -2) @ qs
        tick("matmul")
        gqkv = np.zeros((bsz, t_len, 3 * d), np.float32)
        heads_of(gqkv, 0)[...] = gq
        heads_of(gqkv, 1)[...] = gk
        heads_of(gqkv, 2)[...] = gv
        tick("other")
        gqkv2 = gqkv.reshape(n, 3 * d)
        gh1 = gqkv2 @ p["attn.in_proj_weight"]
        grads["attn.in_proj_weight"] = gqkv2.T @ h1
        grads["attn.in_proj_bias"] = np.add.reduce(gqkv2, axis=0)
        tick("matmul")
        gx0_ln, grads["ln1.weight"], grads["ln1.bias"] = layer_norm_backward(
            gh1.reshape(n, d), xh1, rs1, p["ln1.weight"]
        )
        tick("layernorm")
        gx0 = gx1 + gx0_ln.reshape(bsz, t_len, d)
        tick("other")
        gx0_2 = gx0.reshape(n, d)
        onehot_tok = (rows == idx.reshape(1, -1)).astype(np.float32)
        grads["tok.weight"] = onehot_tok @ gx0_2
        onehot_pos = (pos_rows == positions.reshape(1, -1)).astype(np.float32)
        grads["pos.weight"] = onehot_pos @ np.add.reduce(gx0, axis=(0,))
        tick("embedding")
        opt.step(grads)
        tick("adam")
        return float(loss)

    return step
