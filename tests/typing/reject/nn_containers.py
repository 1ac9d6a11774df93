"""Containers check what goes in and what comes out; ``init`` and ``functional`` take what they say."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

import typedtorch as tt
import typedtorch.nn.functional as F
from typedtorch import nn

blocks = nn.ModuleList([nn.Linear(8, 8), nn.Linear(8, 8)])
blocks[0](tt.zeros(4, 5))  # E: Linear[8, 8]: input is Tensor[4, 5], expected Tensor[4, 8] (last dim: 5 != 8)  [shape]
blocks["0"]  # E: No overload variant of "__getitem__" of "ModuleList" matches argument type "str"
blocks.append(tt.zeros(3))  # E: Argument 1 to "append" of "ModuleList" has incompatible type "Tensor[Literal[3]]"
nn.ModuleList([tt.zeros(3)])  # E: Value of type variable "M" of "ModuleList" cannot be "Tensor[Literal[3]]"

heads = nn.ModuleDict({"cls": nn.Linear(4, 3)})
heads[0]  # E: Invalid index type "int" for "ModuleDict[Linear[Literal[4], Literal[3]]]"; expected type "str"
heads["cls"](tt.zeros(2, 5))  # E: Linear[4, 3]: input is Tensor[2, 5], expected Tensor[2, 4] (last dim: 5 != 4)  [shape]

nn.Parameter([1.0, 2.0])  # E: Argument 1 to "Parameter" has incompatible type "list[float]"
m = nn.Linear(2, 2)
m.register_buffer("mask", [1.0])  # E: Argument 2 to "register_buffer" of "Module" has incompatible type "list[float]"
m.register_buffer(0, tt.ones(2))  # E: Argument 1 to "register_buffer" of "Module" has incompatible type "int"; expected "str"
m.apply(3)  # E: Argument 1 to "apply" of "Module" has incompatible type "int"
nn.init.kaiming_uniform_(tt.zeros(3, 3), mode="fan_avg")  # E: Argument "mode" to "kaiming_uniform_" has incompatible type "Literal['fan_avg']"
nn.init.xavier_uniform_([1.0])  # E: Argument 1 to "xavier_uniform_" has incompatible type "list[float]"
nn.init.calculate_gain("swish")  # E: Argument 1 to "calculate_gain" has incompatible type "Literal['swish']"
nn.utils.clip_grad_norm_(m.parameters())  # E: Missing positional argument "max_norm" in call to "clip_grad_norm_"
F.softmax(tt.zeros(2, 5))  # E: Missing positional argument "dim" in call to "softmax"
linear = F.linear  # E: Module has no attribute "linear"
