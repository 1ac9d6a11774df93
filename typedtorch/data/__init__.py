"""Datasets and minibatches: ``MNIST`` from verified IDX files, and ``DataLoader``.

>>> import typedtorch.data as ttd
>>> train = ttd.MNIST(flatten=True)            # MNIST[Literal[60000], Literal[784]]
>>> loader = ttd.DataLoader(train, batch_size=64, shuffle=True, seed=0)
>>> x, y = next(iter(loader))                  # Tensor[Any, Literal[784]], Tensor[Any]
>>> x.shape, y.shape
((64, 784), (64,))

Files are looked for in ``root=``, ``$TYPEDTORCH_DATA``, the user cache
(``$XDG_CACHE_HOME/typedtorch`` or ``~/.cache/typedtorch``), then the copy bundled
with the examples of a source checkout; ``download=True`` fetches missing files from
:data:`MNIST_MIRRORS` into the cache. Anything corrupted, truncated or malformed
raises :class:`DataError` naming the file, before any data is returned.
"""

from ._download import download_verified as download_verified
from ._errors import DataError as DataError
from ._idx import read_idx as read_idx
from ._loader import DataLoader as DataLoader
from ._mnist import MNIST as MNIST
from ._mnist import MNIST_MIRRORS as MNIST_MIRRORS
from ._mnist import cache_dir as cache_dir
from ._mnist import data_dirs as data_dirs

__all__ = [
    "DataError",
    "DataLoader",
    "MNIST",
    "MNIST_MIRRORS",
    "cache_dir",
    "data_dirs",
    "download_verified",
    "read_idx",
]
