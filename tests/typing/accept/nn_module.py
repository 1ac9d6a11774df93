"""A ``Module`` subclass writes a typed ``__call__``; the base's methods are typed too."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L
from typing import TypeVar, reveal_type

import typedtorch as tt
from typedtorch import Matrix, nn

B = TypeVar("B")


class Net(nn.Module):
    def __init__(self, hidden: int) -> None:
        self.fc1 = nn.Linear(784, hidden)
        self.fc2 = nn.Linear(hidden, 10)
        self.drop = nn.Dropout(0.2)

    def __call__(self, x: Matrix[B, L[784]]) -> Matrix[B, L[10]]:
        return self.fc2(self.drop(self.fc1(x).relu()))


net = Net(128)
reveal_type(net(tt.zeros(32, 784)))  # R: typedtorch._tensor.Tensor[Literal[32], Literal[10]]
reveal_type(net.fc1)  # R: typedtorch.nn._linear.Linear[Literal[784], Any]
reveal_type(net.train())  # R: accept.nn_module.Net
reveal_type(net.eval())  # R: accept.nn_module.Net
reveal_type(net.to("cpu"))  # R: accept.nn_module.Net
reveal_type(net.train(False).to("cpu")(tt.zeros(2, 784)))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[10]]
reveal_type(net.parameters())  # R: typing.Iterator[typedtorch._tensor.Tensor[*tuple[Any, ...]]]
reveal_type(net.named_parameters())  # R: typing.Iterator[tuple[str, typedtorch._tensor.Tensor[*tuple[Any, ...]]]]
reveal_type(net.state_dict())  # R: dict[str, typedtorch._tensor.Tensor[*tuple[Any, ...]]]
reveal_type(net.training)  # R: bool
net.load_state_dict(net.state_dict())
net.zero_grad()

# Gradients keep the parameter's shape.
reveal_type(net.fc2.weight.grad)  # R: typedtorch._tensor.Tensor[Any, Literal[10]] | None


# Children in lists and dicts are found by named_parameters at run time; typing is unaffected.
class Tower(nn.Module):
    def __init__(self) -> None:
        self.blocks = [nn.Linear(8, 8) for _ in range(3)]
        self.heads = {"a": nn.Linear(8, 1), "b": nn.Linear(8, 1)}

    def __call__(self, x: Matrix[B, L[8]]) -> Matrix[B, L[1]]:
        for block in self.blocks:
            x = block(x).tanh()
        return self.heads["a"](x) + self.heads["b"](x)


reveal_type(Tower()(tt.zeros(4, 8)))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[1]]
