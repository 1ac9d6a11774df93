"""The hand-written numpy reference: forward, backward and SGD written out by hand.

The same arithmetic typedtorch's fused ops do (``x @ W + b`` with ``W`` stored
``(in, out)``, a stable softmax cross-entropy, ``(softmax - onehot) * (1/B)``), so the
two produce identical losses and the timing difference is pure framework overhead.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from workloads import Workload, data, weights


def make_step(w: Workload) -> Callable[[int], float]:
    params = [(wt.copy(), b.copy()) for wt, b in weights(w)]
    x_all, y_all, batches = data(w)
    lr = w.lr
    classes = w.sizes[-1]
    arange = np.arange(classes)

    def step(i: int) -> float:
        if w.loss == "mse":
            x, y = x_all, y_all
        else:
            idx = batches[i % len(batches)]
            x, y = np.take(x_all, idx, axis=0), np.take(y_all, idx, axis=0)
        acts = [x]
        for wt, b in params[:-1]:
            h = x @ wt
            h += b
            x = np.maximum(h, 0.0)
            acts.append(x)
        out = x @ params[-1][0]
        out += params[-1][1]
        if w.loss == "mse":
            diff = out - y
            loss = np.sum(diff * diff) / diff.size
            g = diff * np.float32(2.0 / diff.size)
        else:
            onehot = (y.reshape(-1, 1) == arange).astype(out.dtype)
            shifted = out - np.max(out, axis=1, keepdims=True)
            e = np.exp(shifted)
            total = np.sum(e, axis=1, keepdims=True)
            loss = np.sum(onehot * (np.log(total) - shifted)) / out.shape[0]
            g = e / total
            g -= onehot
            g *= np.float32(1.0 / out.shape[0])
        for layer in range(len(params) - 1, -1, -1):
            wt, b = params[layer]
            a = acts[layer]
            gw = a.T @ g
            gb = np.sum(g, axis=0)
            if layer > 0:
                g = (g @ wt.T) * (a > 0)
            wt -= lr * gw
            b -= lr * gb
        return float(loss)

    return step
