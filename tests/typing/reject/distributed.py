"""typedtorch.distributed: a wrapped model refuses the inputs the model refuses; the API's types hold."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from typing import Literal, TypeVar

import typedtorch as tt
import typedtorch.data as ttd
import typedtorch.distributed as dist
from typedtorch import Matrix, nn, optim

B = TypeVar("B")


class MLP(nn.Module):
    def __init__(self) -> None:
        self.fc = nn.Linear(784, 10)

    def __call__(self, x: Matrix[B, Literal[784]]) -> Matrix[B, Literal[10]]:
        return self.fc(x)


ddp = dist.DistributedDataParallel(MLP())
ddp(tt.zeros(32, 783))  # E: MLP: input is Tensor[32, 783], expected Tensor[32, 784] (last dim: 783 != 784)  [shape]
wrong: Matrix[Literal[32], Literal[11]] = ddp(tt.zeros(32, 784))  # E: Incompatible types in assignment
seq = dist.DistributedDataParallel(nn.Linear(784, 128) >> nn.ReLU() >> nn.Linear(128, 10))
seq(tt.zeros(4, 100))  # E: Sequential[784, 10]: input is Tensor[4, 100], expected Tensor[4, 784] (last dim: 100 != 784)  [shape]
dist.DistributedDataParallel(lambda x: x)  # E: Value of type variable "_M" of "DistributedDataParallel" cannot be
dist.DistributedDataParallel(MLP(), bucket_cap_mb="25")  # E: Argument "bucket_cap_mb" to "DistributedDataParallel" has incompatible type "str"; expected "float"
dist.DistributedOptimizer(ddp, ddp)  # E: Value of type variable "_O" of "DistributedOptimizer" cannot be
dist.DistributedOptimizer(optim.SGD(ddp.parameters(), lr=0.1), MLP())  # E: Argument 2 to "DistributedOptimizer" has incompatible type "MLP"
dist.all_reduce(tt.zeros(3), op="max")  # E: Argument "op" to "all_reduce" has incompatible type "Literal['max']"
dist.all_reduce([1.0, 2.0])  # E: Argument 1 to "all_reduce" has incompatible type "list[float]"
dist.broadcast(tt.zeros(3), root="0")  # E: Argument "root" to "broadcast" has incompatible type "str"; expected "int"
ttd.DataLoader(tt.zeros(6, 2), batch_size=2, num_shards="2")  # E: No overload variant of "DataLoader" matches argument types
