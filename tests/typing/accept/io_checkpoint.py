"""``io.load`` returns what it was given, with its type: a loaded model keeps its shapes; dicts of objects with a state."""
# fmt: off
# (markers are line-sensitive: keep each checked expression on one line)

from collections.abc import Mapping
from pathlib import Path
from typing import Any, reveal_type

import typedtorch as tt
from typedtorch import io, nn

model = nn.Linear(784, 256) >> nn.ReLU() >> nn.Linear(256, 10)


def roundtrip(path: Path) -> None:
    io.save(model, path)
    io.save(nn.ReLU(), "relu.safetensors")
    loaded = io.load(nn.Linear(784, 256) >> nn.ReLU() >> nn.Linear(256, 10), path)
    reveal_type(loaded)  # R: typedtorch.nn._compose.Sequential[Literal[784], Literal[10]]
    reveal_type(loaded(tt.zeros(8, 784)))  # R: typedtorch._tensor.Tensor[Literal[8], Literal[10]]
    reveal_type(io.load(nn.Linear(2, 3), "m.safetensors"))  # R: typedtorch.nn._linear.Linear[Literal[2], Literal[3]]


class Scheduler:
    def state_dict(self) -> dict[str, Any]:
        return {"last_epoch": 0}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        pass


def resume(path: Path) -> None:
    sched = Scheduler()
    io.save({"model": model, "scheduler": sched}, path)
    reveal_type(io.load({"model": model, "scheduler": sched}, path))  # R: typing.Mapping[str, typedtorch.io._checkpoint.Stateful]
    reveal_type(io.load(sched, path))  # R: accept.io_checkpoint.Scheduler
    stateful: io.Stateful = sched
    io.save(stateful, path)


def refused(error: io.CheckpointError) -> ValueError:
    return error
