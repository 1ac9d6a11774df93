"""A small classifier trained on data parsed from JSON (shape known only at run time).

Style: gradual data (``tt.tensor(json.loads(...))``), class labels as an int64 tensor,
``>>`` chain, ``nn.cross_entropy``, accuracy with ``argmax``.
"""

import json

import typedtorch as tt
from typedtorch import nn, optim

RAW = """
{"x": [[0.1, 0.2, 0.0, 1.0], [0.9, 0.8, 1.0, 0.0], [0.2, 0.1, 0.1, 0.9],
       [0.8, 0.9, 0.9, 0.1], [0.0, 0.3, 0.2, 0.8], [1.0, 0.7, 0.8, 0.2]],
 "y": [0, 1, 0, 1, 0, 2]}
"""

record = json.loads(RAW)
inputs = tt.tensor(record["x"])
labels = tt.tensor(record["y"], dtype=tt.int64)

tt.manual_seed(0)
model = nn.Linear(4, 16) >> nn.ReLU() >> nn.Linear(16, 3)
opt = optim.SGD(model.parameters(), lr=0.5, momentum=0.9)

for _ in range(20):
    opt.zero_grad()
    logits = model(inputs)
    loss = nn.cross_entropy(logits, labels)
    loss.backward()
    opt.step()

with tt.no_grad():
    predicted = model(inputs).argmax(dim=1)
    accuracy = (predicted == labels).float().mean().item()
print(f"train accuracy {accuracy:.2f}")
