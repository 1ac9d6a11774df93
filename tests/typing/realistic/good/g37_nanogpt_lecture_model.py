"""The GPT of the "Let's build GPT" lecture (nanoGPT's ``gpt.py``), at toy size.

Style: module-level hyperparameters, ``Head`` with a ``tril`` buffer and
``masked_fill(self.tril[:T, :T] == 0, ...)``, ``nn.ModuleList`` of heads joined by
``tt.cat(..., dim=-1)``, a feed-forward ``nn.Sequential``, pre-norm ``Block`` with
residuals, token + position embeddings, ``logits.view(B * T, C)`` for the loss.
"""

import typedtorch as tt
from typedtorch import nn
from typedtorch.nn import functional as F

batch_size = 4
block_size = 8
n_embd = 32
n_head = 4
n_layer = 2
dropout = 0.0
vocab_size = 65


class Head(nn.Module):
    """one head of self-attention"""

    tril: tt.Tensor

    def __init__(self, head_size: int) -> None:
        super().__init__()
        self.key = nn.Linear(n_embd, head_size, bias=False)
        self.query = nn.Linear(n_embd, head_size, bias=False)
        self.value = nn.Linear(n_embd, head_size, bias=False)
        self.register_buffer("tril", tt.tril(tt.ones(block_size, block_size)))
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: tt.Tensor) -> tt.Tensor:
        T = x.shape[1]
        k = self.key(x)  # (B,T,hs)
        q = self.query(x)  # (B,T,hs)
        wei = q @ k.transpose(-2, -1) * k.shape[-1] ** -0.5  # (B, T, hs) @ (B, hs, T) -> (B, T, T)
        wei = wei.masked_fill(self.tril[:T, :T] == 0, float("-inf"))  # (B, T, T)
        wei = F.softmax(wei, dim=-1)
        wei = self.dropout(wei)
        v = self.value(x)  # (B,T,hs)
        return wei @ v  # (B, T, T) @ (B, T, hs) -> (B, T, hs)


class MultiHeadAttention(nn.Module):
    """multiple heads of self-attention in parallel"""

    def __init__(self, num_heads: int, head_size: int) -> None:
        super().__init__()
        self.heads = nn.ModuleList([Head(head_size) for _ in range(num_heads)])
        self.proj = nn.Linear(head_size * num_heads, n_embd)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: tt.Tensor) -> tt.Tensor:
        out = tt.cat([h(x) for h in self.heads], dim=-1)
        return self.dropout(self.proj(out))


class FeedForward(nn.Module):
    def __init__(self, n_embd: int) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_embd, 4 * n_embd),
            nn.ReLU(),
            nn.Linear(4 * n_embd, n_embd),
            nn.Dropout(dropout),
        )

    def forward(self, x: tt.Tensor) -> tt.Tensor:
        return self.net(x)


class Block(nn.Module):
    def __init__(self, n_embd: int, n_head: int) -> None:
        super().__init__()
        head_size = n_embd // n_head
        self.sa = MultiHeadAttention(n_head, head_size)
        self.ffwd = FeedForward(n_embd)
        self.ln1 = nn.LayerNorm(n_embd)
        self.ln2 = nn.LayerNorm(n_embd)

    def forward(self, x: tt.Tensor) -> tt.Tensor:
        x = x + self.sa(self.ln1(x))
        x = x + self.ffwd(self.ln2(x))
        return x


class GPTLanguageModel(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.token_embedding_table = nn.Embedding(vocab_size, n_embd)
        self.position_embedding_table = nn.Embedding(block_size, n_embd)
        self.blocks = nn.Sequential(*[Block(n_embd, n_head=n_head) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(n_embd)
        self.lm_head = nn.Linear(n_embd, vocab_size)

    def forward(self, idx: tt.Tensor, targets: tt.Tensor | None = None) -> tuple[tt.Tensor, tt.Tensor | None]:
        B, T = idx.shape
        tok_emb = self.token_embedding_table(idx)  # (B,T,C)
        pos_emb = self.position_embedding_table(tt.arange(T))  # (T,C)
        x = tok_emb + pos_emb  # (B,T,C)
        x = self.blocks(x)
        logits = self.lm_head(self.ln_f(x))  # (B,T,vocab_size)
        if targets is None:
            return logits, None
        B, T, C = logits.shape
        loss = F.cross_entropy(logits.view(B * T, C), targets.view(B * T))
        return logits, loss


tt.manual_seed(1337)
model = GPTLanguageModel()
xb = tt.randint(0, vocab_size, (batch_size, block_size))
yb = tt.randint(0, vocab_size, (batch_size, block_size))
logits, loss = model(xb, yb)
assert loss is not None
loss.backward()
print(tuple(logits.shape), loss.item())
