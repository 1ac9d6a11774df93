"""The attention benchmark's model and data: one pre-LayerNorm decoder block, shared inputs.

    tokens (B, T) -> token + position embeddings (B, T, D)
    x = x + out_proj(causal_attention(in_proj(LN1(x))))      4 heads
    x = x + fc2(gelu(fc1(LN2(x))))                          MLP 4D, exact GELU
    logits = head(LNf(x))                                    untied, no bias, (B, T, V)
    loss = cross_entropy(logits, next tokens); Adam

Every implementation (hand-written numpy, typedtorch, PyTorch) gets the same float32
weights and the same batches from here, so their losses can be compared step by step.
Weights are stored as each layer keeps them in typedtorch: ``in_proj`` and ``out_proj``
``(out, in)`` as in ``MultiheadAttention`` (and PyTorch), ``fc1``/``fc2``/``head``
``(in, out)`` as typedtorch's ``nn.Linear``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Config:
    vocab: int = 64
    dim: int = 128
    heads: int = 4
    hidden: int = 512
    batch: int = 32
    seq: int = 64
    lr: float = 1e-3
    steps: int = 12  # timed steps per repeat
    batches: int = 8  # distinct batches, cycled


CONFIG = Config()


def weights(c: Config = CONFIG, seed: int = 0) -> dict[str, np.ndarray]:
    """Parameters by typedtorch's names (``nn.MultiheadAttention``'s for the attention)."""
    rng = np.random.default_rng(seed)
    d, v, h = c.dim, c.vocab, c.hidden

    def normal(*shape: int, std: float) -> np.ndarray:
        return (rng.standard_normal(shape) * std).astype(np.float32)

    def uniform(n_in: int, *shape: int) -> np.ndarray:
        bound = 1.0 / np.sqrt(n_in)
        return rng.uniform(-bound, bound, shape).astype(np.float32)

    return {
        "tok.weight": normal(v, d, std=0.02),
        "pos.weight": normal(c.seq, d, std=0.02),
        "ln1.weight": np.ones(d, np.float32),
        "ln1.bias": np.zeros(d, np.float32),
        "attn.in_proj_weight": uniform(d, 3 * d, d),
        "attn.in_proj_bias": uniform(d, 3 * d),
        "attn.out_proj.weight": uniform(d, d, d),
        "attn.out_proj.bias": uniform(d, d),
        "ln2.weight": np.ones(d, np.float32),
        "ln2.bias": np.zeros(d, np.float32),
        "fc1.weight": uniform(d, d, h),
        "fc1.bias": uniform(d, h),
        "fc2.weight": uniform(h, h, d),
        "fc2.bias": uniform(h, d),
        "lnf.weight": np.ones(d, np.float32),
        "lnf.bias": np.zeros(d, np.float32),
        "head.weight": uniform(d, d, v),
    }


def data(c: Config = CONFIG, seed: int = 1) -> list[tuple[np.ndarray, np.ndarray]]:
    """``(tokens, targets)`` int64 ``(B, T)`` batches: targets are the next token of a sequence."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(c.batches):
        seqs = rng.integers(0, c.vocab, (c.batch, c.seq + 1))
        out.append((seqs[:, :-1].copy(), seqs[:, 1:].copy()))
    return out
