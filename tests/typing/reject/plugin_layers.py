"""Plugin: a layer called on the wrong shape names the dims; so does a rule layer."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Any, Final, Generic, Literal, TypeVar

import typedtorch as tt
from typedtorch import Matrix, Tensor, nn

B = TypeVar("B")
CIn = TypeVar("CIn", bound=int | Literal[0])
COut = TypeVar("COut", bound=int | Literal[0])
K = TypeVar("K", bound=int | Literal[0])


class Conv1d(nn.Module, Generic[CIn, COut, K]):
    __shape_rule__: Final = "B CIn L -> B COut (L - K + 1)"

    def __init__(self, in_channels: CIn, out_channels: COut, kernel_size: K) -> None:
        self.kernel_size = kernel_size

    def __call__(self, x: Tensor[B, CIn, Any]) -> Tensor[B, COut, Any]:
        raise NotImplementedError


class Broken(nn.Module):
    __shape_rule__: Final = "B -> B C"

    def __call__(self, x: Tensor[B]) -> Tensor[B, Any]:
        raise NotImplementedError


conv = Conv1d(3, 16, 5)
conv(tt.zeros(8, 4, 28))  # E: Conv1d[3, 16, 5]: input is Tensor[8, 4, 28], dim 1 is 4, expected CIn = 3 (rule 'B CIn L -> B COut (L - K + 1)')  [shape]
conv(tt.zeros(8, 3, 3))  # E: Conv1d[3, 16, 5]: input is Tensor[8, 3, 3], output dim 2 would be -1
conv(tt.zeros(3, 28))  # E: Conv1d[3, 16, 5]: input is Tensor[3, 28], expected 3 dims, got 2
nn.Linear(400, 10)(nn.Flatten()(conv(tt.zeros(8, 3, 28))))  # E: Linear[400, 10]: input is Tensor[8, 384], expected Tensor[8, 400] (last dim: 384 != 400)
Broken()(tt.zeros(3))  # E: Broken.__shape_rule__ = 'B -> B C' is invalid: C is neither bound on the left nor a type parameter of the layer

fc = nn.Linear(784, 128)
fc(tt.zeros(64, 100))  # E: Linear[784, 128]: input is Tensor[64, 100], expected Tensor[64, 784] (last dim: 100 != 784)  [shape]
fc(tt.zeros())  # E: Linear[784, 128]: input is Tensor[()], expected Tensor[*P, 784] (0 dims, expected at least 1)


def hidden(x: Matrix[B, Literal[100]]) -> None:
    fc(x)  # E: Linear[784, 128]: input is Tensor[B, 100], expected Tensor[B, 784] (last dim: 100 != 784)


class Net(nn.Module):
    def __call__(self, x: Matrix[B, Literal[784]]) -> Matrix[B, Literal[10]]:
        raise NotImplementedError


Net()(tt.zeros(32, 100))  # E: Net: input is Tensor[32, 100], expected Tensor[32, 784] (last dim: 100 != 784)
Net()(tt.zeros(32, 784), 1)  # E: Too many arguments for "__call__" of "Net"
