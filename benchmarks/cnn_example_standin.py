"""Run the stage-2 draft ``examples/mnist_cnn.py`` before the names it uses are merged.

    python benchmarks/cnn_example_standin.py [the example's arguments]

TEMPORARY (issue 13, stage 1): ``examples/mnist_cnn.py`` is written against
``typedtorch.nn.functional`` (``relu``, ``max_pool2d``, ``log_softmax``, ``nll_loss``),
``optim.Adadelta``, ``optim.lr_scheduler.StepLR`` and ``Module.forward()``, which other
branches are adding. This script installs private stand-ins for whichever of them is
missing (the benchmark's ``_nll_loss`` and ``_Adadelta``, a ``StepLR`` and a
``__call__`` that runs ``forward``) and then runs the example, so its accuracy and
time can be measured now. Delete it once those names are merged.
"""

from __future__ import annotations

import runpy
import sys
import types
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cnn_typedtorch  # noqa: E402

import typedtorch as tt  # noqa: E402
from typedtorch import nn, optim  # noqa: E402
from typedtorch.nn import _functional_conv  # noqa: E402


class _StepLR:
    """``torch.optim.lr_scheduler.StepLR``: the learning rate times ``gamma`` every ``step_size`` steps."""

    def __init__(self, optimizer: Any, step_size: int, gamma: float = 0.1) -> None:
        self.optimizer, self.step_size, self.gamma = optimizer, step_size, gamma
        self.base_lr, self.count = optimizer.lr, 0

    def step(self) -> None:
        self.count += 1
        self.optimizer.lr = self.base_lr * self.gamma ** (self.count // self.step_size)


def install() -> list[str]:
    """Install the missing names; returns what was stood in for."""
    installed = []
    if not hasattr(nn, "functional"):
        functional = types.ModuleType("typedtorch.nn.functional")
        functional.relu = tt.relu  # type: ignore[attr-defined]
        functional.log_softmax = tt.log_softmax  # type: ignore[attr-defined]
        functional.nll_loss = cnn_typedtorch._nll_loss  # type: ignore[attr-defined]
        for name in ("conv1d", "conv2d", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "batch_norm", "dropout2d"):
            setattr(functional, name, getattr(_functional_conv, name))
        sys.modules["typedtorch.nn.functional"] = functional
        nn.functional = functional  # type: ignore[attr-defined]
        installed.append("nn.functional")
    if not hasattr(optim, "Adadelta"):
        optim.Adadelta = cnn_typedtorch._Adadelta  # type: ignore[attr-defined]
        installed.append("optim.Adadelta")
    if not hasattr(optim, "lr_scheduler"):
        optim.lr_scheduler = types.SimpleNamespace(StepLR=_StepLR)  # type: ignore[attr-defined]
        installed.append("optim.lr_scheduler.StepLR")
    if "__call__" not in vars(nn.Module):

        def __call__(self: Any, *args: Any, **kwargs: Any) -> Any:
            return self.forward(*args, **kwargs)

        nn.Module.__call__ = __call__  # type: ignore[attr-defined]
        installed.append("Module.__call__ -> forward")
    return installed


if __name__ == "__main__":
    print(f"stand-ins: {', '.join(install()) or 'none needed'}", file=sys.stderr)
    sys.argv = [str(HERE.parent / "examples" / "mnist_cnn.py"), *sys.argv[1:]]
    runpy.run_path(sys.argv[0], run_name="__main__")
