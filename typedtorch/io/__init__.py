"""Checkpoints: ``save(module, path)`` and ``load(module, path)`` in safetensors format.

>>> import os, tempfile
>>> from typedtorch import io, nn
>>> model = nn.Linear(784, 256) >> nn.ReLU() >> nn.Linear(256, 10)
>>> tmp = tempfile.TemporaryDirectory()
>>> path = os.path.join(tmp.name, "mnist.safetensors")
>>> io.save(model, path)
>>> restored = io.load(nn.Linear(784, 256) >> nn.ReLU() >> nn.Linear(256, 10), path)
>>> tmp.cleanup()

safetensors (the ``io`` extra: ``pip install 'typedtorch[io]'``) stores raw arrays
and a JSON header; nothing is ever pickled or unpickled. Loading checks the header
against the module before reading any tensor data: a missing or unexpected
parameter, or a different shape or dtype, is a ``ShapeError`` naming the parameter;
a file that is truncated, corrupted or not a checkpoint is a :class:`CheckpointError`.
On any error the module is unchanged.
"""

from ._checkpoint import load as load
from ._checkpoint import save as save
from ._errors import CheckpointError as CheckpointError

__all__ = ["CheckpointError", "load", "save"]
