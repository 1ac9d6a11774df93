"""typedtorch.data: wrong splits, shapes and loader arguments are type errors."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L
from typing import TypeVar

import typedtorch as tt
import typedtorch.data as ttd
from typedtorch import Matrix, Tensor, Vector

B = TypeVar("B")


def mlp(x: Matrix[B, L[784]]) -> Matrix[B, L[10]]:
    return x @ tt.zeros(784, 10)


def wrong_split_or_shape() -> None:
    a: Matrix[L[10000], L[784]] = ttd.MNIST(flatten=True).images  # E: Incompatible types in assignment
    b: Vector[L[60000]] = ttd.MNIST(train=False).labels  # E: Incompatible types in assignment
    c: Tensor[L[60000], L[28], L[28]] = ttd.MNIST(flatten=True).images  # E: Incompatible types in assignment
    d: Matrix[L[60000], L[784]] = ttd.MNIST().images  # E: Incompatible types in assignment
    mlp(ttd.MNIST().images)  # E: [arg-type]
    del a, b, c, d


def wrong_arguments() -> None:
    ttd.MNIST(train="yes")  # E: No overload variant of "MNIST" matches argument type "str"
    ttd.MNIST("data", False)  # E: No overload variant of "MNIST" matches argument types "str", "bool"
    ttd.MNIST(flatten=1)  # E: No overload variant
    ttd.MNIST(device=0)  # E: No overload variant
    ttd.DataLoader(tt.zeros(4, 2), batch_size="64")  # E: No overload variant of "DataLoader" matches
    ttd.DataLoader([1.0, 2.0])  # E: No overload variant of "DataLoader" matches argument type "list[float]"


def batches() -> None:
    train = ttd.MNIST(flatten=True)
    test = ttd.MNIST(train=False, flatten=True)
    ttd.DataLoader(train.images, test.labels)  # E: Cannot infer value of type parameter "N" of "DataLoader"
    for x, _ in ttd.DataLoader(ttd.MNIST(), batch_size=64):
        mlp(x)  # E: Argument 1 to "mlp" has incompatible type "Tensor[Any, Literal[28], Literal[28]]"
    ttd.DataLoader(train, batch_size=64, shuffle=True, seed="0")  # E: No overload variant of "DataLoader" matches
    ttd.DataLoader(train, test)  # E: No overload variant of "DataLoader" matches
