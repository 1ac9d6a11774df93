"""examples/xor.py: it solves XOR reliably, it type-checks, and a wrong layer size does not."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from _scripts import load_file, run_mypy

import typedtorch as tt
from typedtorch import nn

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "xor.py"
MODEL_LINE = "    return nn.Linear(2, 16) >> nn.ReLU() >> nn.Linear(16, 1)\n"


def load_example() -> ModuleType:
    return load_file(EXAMPLE, "xor_example")


def test_example_runs_and_solves_xor() -> None:
    proc = subprocess.run([sys.executable, str(EXAMPLE)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert re.search(r"^step    1  loss \d\.\d{6}$", out, re.M)
    assert "solved: every prediction is within 0.1 of its target" in out
    for line in ("xor(0, 0) =", "xor(0, 1) =", "xor(1, 0) =", "xor(1, 1) ="):
        assert line in out
    seconds = float(re.search(r"trained 500 steps in ([\d.]+) s", out)[1])  # type: ignore[index]
    assert seconds < 1.0


def test_twenty_seeds_all_solve_it() -> None:
    """The example's choice (16 hidden units, lr 0.1, 500 SGD steps) is not a lucky seed."""
    xor = load_example()
    solved = []
    for seed in range(20):
        model = xor.train(seed=seed)
        with tt.no_grad():
            solved.append(xor.solved(model(xor.X)))
    assert sum(solved) == 20, [s for s, ok in enumerate(solved) if not ok]


def test_exits_nonzero_when_not_solved(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    xor = load_example()
    monkeypatch.setattr(xor, "STEPS", 1)
    monkeypatch.setattr(xor, "train", lambda log_every=0: xor.make_model(0))  # untrained
    assert xor.main() == 1
    assert "FAILED" in capsys.readouterr().err


def test_seed_solution_is_exact() -> None:
    """Hasktorch's hand-made solution: relu(x W1 + c1) w2 + b2 is exactly XOR, zero MSE."""
    hidden, out = nn.Linear(2, 2), nn.Linear(2, 1)
    hidden.load_state_dict({"weight": tt.tensor([[1.0, 1.0], [1.0, 1.0]]), "bias": tt.tensor([0.0, -1.0])})
    # Weights are stored (in, out): w2 = [1, -2] is a column.
    out.load_state_dict({"weight": tt.tensor([[1.0], [-2.0]]), "bias": tt.tensor([0.0])})
    model = hidden >> nn.ReLU() >> out
    xor = load_example()
    pred = model(xor.X)
    np.testing.assert_array_equal(pred.numpy(), [[0.0], [1.0], [1.0], [0.0]])
    assert nn.mse_loss(pred, xor.Y).item() == 0.0
    assert xor.solved(pred)


def test_example_type_checks() -> None:
    status, output = run_mypy(EXAMPLE)
    assert status == 0, output


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("nn.Linear(16, 1)", "nn.Linear(15, 1)"),  # the second layer's input no longer fits
        ("nn.Linear(16, 1)", "nn.Linear(16, 2)"),  # the output no longer matches the targets
        ("nn.Linear(2, 16)", "nn.Linear(3, 16)"),  # the input no longer matches the data
    ],
)
def test_changing_one_layer_size_fails_mypy_on_that_line(tmp_path: Path, old: str, new: str) -> None:
    source = EXAMPLE.read_text()
    assert source.count(MODEL_LINE) == 1
    changed = tmp_path / "xor.py"
    changed.write_text(source.replace(MODEL_LINE, MODEL_LINE.replace(old, new)))
    line = source[: source.index(MODEL_LINE)].count("\n") + 1
    status, output = run_mypy(changed)
    assert status == 1, output
    errors = [ln for ln in output.splitlines() if ": error:" in ln]
    assert errors, output
    assert all(f"xor.py:{line}: error:" in e for e in errors), output
