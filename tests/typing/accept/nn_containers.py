"""``ModuleList`` and ``ModuleDict`` keep their element type; ``Parameter``, buffers, ``apply``, ``init``, ``utils``."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L
from typing import TypeVar, reveal_type

import typedtorch as tt
import typedtorch.nn.functional as F
from typedtorch import Matrix, Tensor, nn

B = TypeVar("B")

blocks = nn.ModuleList([nn.Linear(8, 8) for _ in range(3)])
reveal_type(blocks)  # R: typedtorch.nn._containers.ModuleList[typedtorch.nn._linear.Linear[Literal[8], Literal[8]]]
reveal_type(blocks[0])  # R: typedtorch.nn._linear.Linear[Literal[8], Literal[8]]
reveal_type(blocks[1:])  # R: typedtorch.nn._containers.ModuleList[typedtorch.nn._linear.Linear[Literal[8], Literal[8]]]
reveal_type(blocks[0](tt.zeros(4, 8)))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[8]]
for block in blocks:
    reveal_type(block)  # R: typedtorch.nn._linear.Linear[Literal[8], Literal[8]]
blocks.append(nn.Linear(8, 8))
reveal_type(len(blocks))  # R: int

heads = nn.ModuleDict({"cls": nn.Linear(4, 3), "reg": nn.Linear(4, 3)})
reveal_type(heads["cls"])  # R: typedtorch.nn._linear.Linear[Literal[4], Literal[3]]
reveal_type(heads["reg"](tt.zeros(2, 4)))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[3]]
for _name, head in heads.items():
    reveal_type(head)  # R: typedtorch.nn._linear.Linear[Literal[4], Literal[3]]
reveal_type("cls" in heads)  # R: bool

mixed: nn.ModuleList[nn.Module] = nn.ModuleList([nn.Linear(2, 2), nn.ReLU()])
reveal_type(mixed[1])  # R: typedtorch.nn._module.Module


class Tower(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(8, 8), nn.Linear(8, 8)])
        self.scale = nn.Parameter(tt.ones(8))
        self.register_buffer("mask", tt.ones(8), persistent=False)

    def forward(self, x: Matrix[B, L[8]]) -> Matrix[B, L[8]]:
        for layer in self.layers:
            x = F.relu(layer(x))
        return x * self.scale


reveal_type(nn.Parameter(tt.zeros(3, 4)))  # R: typedtorch.nn._parameter.Parameter[Literal[3], Literal[4]]
p: Tensor[L[3], L[4]] = nn.Parameter(tt.zeros(3, 4), requires_grad=False)
tower = Tower()
reveal_type(tower.apply(lambda m: None))  # R: accept.nn_containers.Tower
reveal_type(list(tower.buffers()))  # R: list[typedtorch._tensor.Tensor[*tuple[Any, ...]]]
reveal_type(tower.named_buffers())  # R: typing.Iterator[tuple[str, typedtorch._tensor.Tensor[*tuple[Any, ...]]]]
reveal_type(tower.load_state_dict(tower.state_dict(), strict=False))  # R: tuple[list[str], list[str], fallback=typedtorch.nn._module.IncompatibleKeys]
tower.zero_grad(set_to_none=False)
reveal_type(tower.requires_grad_(False))  # R: accept.nn_containers.Tower

# nn.init keeps the tensor's type; nn.utils clips gradients.
w = tt.zeros(784, 128)
reveal_type(nn.init.kaiming_uniform_(w, a=5**0.5))  # R: typedtorch._tensor.Tensor[Literal[784], Literal[128]]
reveal_type(nn.init.xavier_normal_(w, gain=nn.init.calculate_gain("tanh")))  # R: typedtorch._tensor.Tensor[Literal[784], Literal[128]]
reveal_type(nn.init.zeros_(tt.zeros(5)))  # R: typedtorch._tensor.Tensor[Literal[5]]
reveal_type(nn.utils.clip_grad_norm_(tower.parameters(), max_norm=1.0, norm_type=float("inf")))  # R: typedtorch._tensor.Tensor[*tuple[Any, ...]]
nn.utils.clip_grad_value_(tower.parameters(), 0.5)

# nn.functional: activations keep the shape.
reveal_type(F.softmax(tt.zeros(2, 5), dim=1))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[5]]
reveal_type(F.dropout(tt.zeros(2, 5), 0.1, training=False))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[5]]
reveal_type(F.cross_entropy(tt.zeros(2, 5), tt.zeros(2, dtype="int64"), reduction="none"))  # R: typedtorch._tensor.Tensor[Literal[2]]
