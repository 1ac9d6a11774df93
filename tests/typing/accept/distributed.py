"""typedtorch.distributed: the wrapped model keeps its type, so its call is checked as before."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal, TypeVar, reveal_type

import typedtorch as tt
import typedtorch.data as ttd
import typedtorch.distributed as dist
from typedtorch import Matrix, nn, optim

B = TypeVar("B")


class MLP(nn.Module):
    def __init__(self) -> None:
        self.fc1 = nn.Linear(784, 512)
        self.fc2 = nn.Linear(512, 10)

    def __call__(self, x: Matrix[B, Literal[784]]) -> Matrix[B, Literal[10]]:
        return self.fc2(self.fc1(x).relu())


def wrapped() -> None:
    dist.init()
    ddp = dist.DistributedDataParallel(MLP())
    reveal_type(ddp)  # R: typedtorch.distributed._ddp.DistributedDataParallel[accept.distributed.MLP]
    reveal_type(ddp.module)  # R: accept.distributed.MLP
    reveal_type(ddp(tt.zeros(32, 784)))  # R: typedtorch._tensor.Tensor[Literal[32], Literal[10]]
    logits: Matrix[Literal[8], Literal[10]] = ddp(tt.zeros(8, 784))
    assert logits.shape == (8, 10)
    seq = dist.DistributedDataParallel(nn.Linear(784, 128) >> nn.ReLU() >> nn.Linear(128, 10), bucket_cap_mb=4)
    reveal_type(seq(tt.zeros(4, 784)))  # R: typedtorch._tensor.Tensor[Literal[4], Literal[10]]
    reveal_type(seq.train())  # R: typedtorch.distributed._ddp.DistributedDataParallel[typedtorch.nn._compose.Sequential[Literal[784], Literal[10]]]
    reveal_type(dist.DistributedOptimizer(optim.Adam(ddp.parameters(), lr=1e-3), ddp))  # R: typedtorch.optim._adam.Adam
    reveal_type(dist.DistributedOptimizer(optim.SGD(seq.parameters(), lr=0.1), seq))  # R: typedtorch.optim._sgd.SGD
    ddp.sync_gradients()
    ddp.broadcast_buffers()


def collectives() -> None:
    reveal_type(dist.rank())  # R: int
    reveal_type(dist.world_size())  # R: int
    reveal_type(dist.is_main())  # R: bool
    reveal_type(dist.all_reduce(tt.zeros(3, 4)))  # R: typedtorch._tensor.Tensor[Literal[3], Literal[4]]
    reveal_type(dist.all_reduce(tt.zeros(3), op="mean"))  # R: typedtorch._tensor.Tensor[Literal[3]]
    reveal_type(dist.broadcast(tt.zeros(2, 5), root=1))  # R: typedtorch._tensor.Tensor[Literal[2], Literal[5]]
    reveal_type(dist.broadcast(tt.zeros(2), src=0))  # R: typedtorch._tensor.Tensor[Literal[2]]
    dist.barrier()


def sharded(x: tt.Tensor[Literal[600], Literal[784]], y: tt.Tensor[Literal[600]]) -> None:
    loader = ttd.DataLoader(x, y, batch_size=32, shuffle=True, seed=0, num_shards=dist.world_size(), shard=dist.rank())
    reveal_type(loader)  # R: typedtorch.data._loader.DataLoader[tuple[typedtorch._tensor.Tensor[Any, Literal[784]], typedtorch._tensor.Tensor[Any]]]
    loader.set_epoch(3)
    for xb, _ in loader:
        reveal_type(MLP()(xb))  # R: typedtorch._tensor.Tensor[Any, Literal[10]]
