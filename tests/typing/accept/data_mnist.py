"""typedtorch.data: MNIST's split and flatten choices fix the literal sizes; batches keep the feature dims."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal as L
from typing import TypeVar, reveal_type

import typedtorch as tt
import typedtorch.data as ttd
from typedtorch import Matrix, Scalar, Tensor, Vector

B = TypeVar("B")


def mlp(x: Matrix[B, L[784]]) -> Matrix[B, L[10]]:
    return x @ tt.zeros(784, 10)


def splits() -> None:
    reveal_type(ttd.MNIST())  # R: typedtorch.data._mnist.MNIST[Literal[60000], Literal[28], Literal[28]]
    reveal_type(ttd.MNIST(train=True))  # R: typedtorch.data._mnist.MNIST[Literal[60000], Literal[28], Literal[28]]
    reveal_type(ttd.MNIST(flatten=True))  # R: typedtorch.data._mnist.MNIST[Literal[60000], Literal[784]]
    reveal_type(ttd.MNIST(train=False))  # R: typedtorch.data._mnist.MNIST[Literal[10000], Literal[28], Literal[28]]
    reveal_type(ttd.MNIST("data", train=False, flatten=True))  # R: typedtorch.data._mnist.MNIST[Literal[10000], Literal[784]]
    reveal_type(ttd.MNIST(download=True, dtype="uint8", device="cpu", mirrors=["http://127.0.0.1:8000/"]))  # R: typedtorch.data._mnist.MNIST[Literal[60000], Literal[28], Literal[28]]


def chosen_at_run_time(train: bool, flatten: bool) -> None:
    reveal_type(ttd.MNIST(train=train, flatten=flatten))  # R: typedtorch.data._mnist.MNIST[Any, *tuple[Any, ...]]


def tensors() -> None:
    train = ttd.MNIST(flatten=True)
    reveal_type(train.images)  # R: typedtorch._tensor.Tensor[Literal[60000], Literal[784]]
    reveal_type(train.labels)  # R: typedtorch._tensor.Tensor[Literal[60000]]
    reveal_type(train[0])  # R: tuple[typedtorch._tensor.Tensor[Literal[784]], typedtorch._tensor.Tensor[()]]
    images: Matrix[L[60000], L[784]] = train.images
    labels: Vector[L[60000]] = train.labels
    test_images: Tensor[L[10000], L[28], L[28]] = ttd.MNIST(train=False).images
    reveal_type(mlp(train.images))  # R: typedtorch._tensor.Tensor[Literal[60000], Literal[10]]
    reveal_type(ttd.read_idx("labels.idx"))  # R: typedtorch._tensor.Tensor[*tuple[Any, ...]]
    del images, labels, test_images


def batches() -> None:
    train = ttd.MNIST(flatten=True)
    loader = ttd.DataLoader(train.images, train.labels, batch_size=64, shuffle=True, seed=0, drop_last=True)
    reveal_type(loader)  # R: typedtorch.data._loader.DataLoader[tuple[typedtorch._tensor.Tensor[Any, Literal[784]], typedtorch._tensor.Tensor[Any]]]
    for x, y in loader:
        reveal_type(x)  # R: typedtorch._tensor.Tensor[Any, Literal[784]]
        reveal_type(y)  # R: typedtorch._tensor.Tensor[Any]
        reveal_type(mlp(x))  # R: typedtorch._tensor.Tensor[Any, Literal[10]]
        loss: Scalar = mlp(x).sum()
        del loss
    reveal_type(ttd.DataLoader(train, batch_size=64))  # R: typedtorch.data._loader.DataLoader[tuple[typedtorch._tensor.Tensor[Any, Literal[784]], typedtorch._tensor.Tensor[Any]]]
    reveal_type(ttd.DataLoader(ttd.MNIST(train=False)))  # R: typedtorch.data._loader.DataLoader[tuple[typedtorch._tensor.Tensor[Any, Literal[28], Literal[28]], typedtorch._tensor.Tensor[Any]]]
    reveal_type(ttd.DataLoader(train.images, batch_size=8))  # R: typedtorch.data._loader.DataLoader[typedtorch._tensor.Tensor[Any, Literal[784]]]
    reveal_type(ttd.DataLoader(train.images, train.labels, train.labels))  # R: typedtorch.data._loader.DataLoader[tuple[typedtorch._tensor.Tensor[*tuple[Any, ...]], ...]]
    reveal_type(len(loader))  # R: int
    untyped = tt.tensor([[0.0, 1.0]])
    reveal_type(ttd.DataLoader(untyped, tt.tensor([1])))  # R: typedtorch.data._loader.DataLoader[tuple[typedtorch._tensor.Tensor[Any, *tuple[Any, ...]], typedtorch._tensor.Tensor[Any, *tuple[Any, ...]]]]
