"""``io.save``/``io.load`` take an object with a state (or a dict of them) and a path; a loaded model keeps its shapes."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

import typedtorch as tt
from typedtorch import io, nn

io.save(tt.zeros(3), "m.safetensors")  # E: [arg-type]
io.load({"weight": tt.zeros(3)}, "m.safetensors")  # E: [dict-item]
io.save({"model": nn.Linear(2, 3), "epoch": 3}, "m.safetensors")  # E: [dict-item]
io.save(nn.Linear(2, 3), 42)  # E: [arg-type]

loaded = io.load(nn.Linear(784, 10), "m.safetensors")
loaded(tt.zeros(8, 100))  # E: expected Tensor[8, 784] (last dim: 100 != 784)  [shape]
