"""XOR the way the Hasktorch tutorial writes it: data from plain lists, two layers by hand.

Style: gradual data (``tt.tensor`` of nested lists, shape unknown statically), layers
applied by hand, ``nn.mse_loss``, SGD; barely annotated (a script).
"""

import typedtorch as tt
from typedtorch import nn, optim

x = tt.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
y = tt.tensor([[0.0], [1.0], [1.0], [0.0]])

tt.manual_seed(0)
fc1 = nn.Linear(2, 8)
fc2 = nn.Linear(8, 1)
opt = optim.SGD([*fc1.parameters(), *fc2.parameters()], lr=0.1)

for step in range(50):
    opt.zero_grad()
    loss = nn.mse_loss(fc2(tt.relu(fc1(x))), y)
    loss.backward()
    opt.step()
    if step % 10 == 0:
        print(f"step {step} loss {loss.item():.4f}")
