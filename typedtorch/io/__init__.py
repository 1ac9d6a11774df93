"""Checkpoints: ``save(obj, path)`` and ``load(obj, path)`` in safetensors format, for any object with a state.

>>> import os, tempfile
>>> from typedtorch import io, nn
>>> model = nn.Linear(784, 256) >> nn.ReLU() >> nn.Linear(256, 10)
>>> tmp = tempfile.TemporaryDirectory()
>>> path = os.path.join(tmp.name, "mnist.safetensors")
>>> io.save(model, path)
>>> restored = io.load(nn.Linear(784, 256) >> nn.ReLU() >> nn.Linear(256, 10), path)
>>> tmp.cleanup()

``obj`` is a module, an optimizer, a scheduler (anything with ``state_dict()`` and
``load_state_dict()``) or a dict of them: ``io.save({"model": model, "optimizer":
opt}, path)`` and, to resume, ``io.load({"model": model, "optimizer": opt}, path)``.
The file is plain safetensors (raw arrays and a JSON header, written and read by
typedtorch itself); nothing is ever pickled or unpickled. Loading checks the file
against ``obj.state_dict()`` before anything changes: a missing or unexpected entry,
or a different shape or dtype, is a ``ShapeError`` naming it; a file that is
truncated, corrupted (every tensor has a sha256) or not a checkpoint is a
:class:`CheckpointError`. On any error the object is unchanged.

Files written by the safetensors library load too when names, shapes and dtypes
match; :func:`from_torch` converts a PyTorch ``state_dict`` (``nn.Linear`` weights are
transposed).
"""

from ._checkpoint import Stateful as Stateful
from ._checkpoint import load as load
from ._checkpoint import save as save
from ._errors import CheckpointError as CheckpointError
from ._torch import from_torch as from_torch

__all__ = ["CheckpointError", "Stateful", "from_torch", "load", "save"]
