"""The bigram language model of the GPT lecture: data, batches, loss and greedy generation.

Style: characters to ``int64`` ids, ``tt.randint(high, (n,))``, ``tt.stack`` of slices,
an ``nn.Embedding(vocab, vocab)`` as the model, ``logits.view(B * T, C)`` against
``targets.view(B * T)``, generation that ``tt.cat``\\ s one token per step; AdamW.
"""

import typedtorch as tt
from typedtorch import nn, optim
from typedtorch.nn import functional as F

text = "first citizen: before we proceed any further, hear me speak. all: speak, speak."
chars = sorted(set(text))
vocab_size = len(chars)
stoi = {ch: i for i, ch in enumerate(chars)}
data = tt.tensor([stoi[c] for c in text], dtype=tt.int64)
block_size, batch_size = 8, 4


def get_batch() -> tuple[tt.Tensor, tt.Tensor]:
    ix = tt.randint(len(data) - block_size, (batch_size,))
    x = tt.stack([data[i : i + block_size] for i in ix.tolist()])
    y = tt.stack([data[i + 1 : i + block_size + 1] for i in ix.tolist()])
    return x, y


class BigramLanguageModel(nn.Module):
    def __init__(self, vocab_size: int) -> None:
        super().__init__()
        self.token_embedding_table = nn.Embedding(vocab_size, vocab_size)

    def forward(self, idx: tt.Tensor) -> tt.Tensor:
        return self.token_embedding_table(idx)  # (B,T,C)

    def loss(self, idx: tt.Tensor, targets: tt.Tensor) -> tt.Tensor:
        logits = self(idx)
        B, T, C = logits.shape
        return F.cross_entropy(logits.view(B * T, C), targets.view(B * T))

    def generate(self, idx: tt.Tensor, max_new_tokens: int) -> tt.Tensor:
        for _ in range(max_new_tokens):
            logits = self(idx)[:, -1, :]  # (B, C)
            probs = F.softmax(logits, dim=-1)
            idx_next = probs.argmax(dim=-1, keepdim=True)  # (B, 1), greedy
            idx = tt.cat((idx, idx_next), dim=1)  # (B, T+1)
        return idx


tt.manual_seed(1337)
m = BigramLanguageModel(vocab_size)
optimizer = optim.AdamW(m.parameters(), lr=1e-2)
for _ in range(5):
    xb, yb = get_batch()
    loss = m.loss(xb, yb)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
out = m.generate(tt.zeros(1, 1, dtype=tt.int64), max_new_tokens=10)
print("".join(chars[i] for i in out[0].tolist()))
