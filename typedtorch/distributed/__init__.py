"""Data-parallel training over MPI (mpi4py): the same typed model on several processes.

    mpiexec -n 2 python train.py

>>> import typedtorch as tt, typedtorch.distributed as dist, typedtorch.data as ttd
>>> from typedtorch import nn, optim
>>> dist.init()                                         # once per process
>>> ddp = dist.DistributedDataParallel(nn.Linear(4, 2))  # rank 0's weights everywhere, shapes checked
>>> opt = dist.DistributedOptimizer(optim.SGD(ddp.parameters(), lr=0.1), ddp)
>>> x, y = tt.randn(64, 4), tt.randn(64, 2)
>>> loader = ttd.DataLoader(x, y, batch_size=16 // dist.world_size(), shuffle=True, seed=0,
...                         num_shards=dist.world_size(), shard=dist.rank())
>>> for xb, yb in loader:
...     opt.zero_grad()
...     nn.mse_loss(ddp(xb), yb).backward()
...     opt.step()                                      # averages the gradients, then steps

Needs the ``mpi`` extra (``pip install 'typedtorch[mpi]'``: mpi4py and the MPICH
wheel, which brings ``mpiexec``). Started without ``mpiexec``, a program is a world
of one process and runs as before.
"""

from ._ddp import DistributedDataParallel as DistributedDataParallel
from ._ddp import DistributedOptimizer as DistributedOptimizer
from ._world import abort as abort
from ._world import all_reduce as all_reduce
from ._world import barrier as barrier
from ._world import broadcast as broadcast
from ._world import get_rank as get_rank
from ._world import get_world_size as get_world_size
from ._world import init as init
from ._world import is_available as is_available
from ._world import is_initialized as is_initialized
from ._world import is_main as is_main
from ._world import rank as rank
from ._world import world_size as world_size

__all__ = [
    "DistributedDataParallel",
    "DistributedOptimizer",
    "abort",
    "all_reduce",
    "barrier",
    "broadcast",
    "get_rank",
    "get_world_size",
    "init",
    "is_available",
    "is_initialized",
    "is_main",
    "rank",
    "world_size",
]
