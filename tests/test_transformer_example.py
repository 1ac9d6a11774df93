"""examples/transformer.py, quickly: a tiny run end to end, and mypy on it and on wrong copies.

The full run (default settings, >= 99% of held-out sequences sorted exactly in under
60 s) is too slow for the suite; the README gives the command and the measured runs.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from _scripts import load_file, run_mypy, write_variants

import typedtorch as tt

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "transformer.py"


@pytest.fixture(scope="module")
def example() -> ModuleType:
    return load_file(EXAMPLE, "transformer_example", keep_environ=True)


def test_quick_run(example: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    """End to end on a tiny task: a line per epoch, the generated examples, the last line."""
    status = example.main(["--length", "3", "--digits", "3", "--dim", "16", "--heads", "2", "--layers", "1",
                           "--epochs", "2", "--batch-size", "8"])  # fmt: skip
    out = capsys.readouterr().out.strip().splitlines()
    assert status == 0  # not the default settings: no promise, no failure status
    assert out[-1].startswith("test accuracy ") and 0.0 <= float(out[-1].split()[-1]) <= 1.0
    assert sum(line.startswith("epoch ") for line in out) == 2
    assert sum(" -> " in line for line in out) == 4


def test_one_pass_accuracy_is_greedy_generation(example: ModuleType) -> None:
    """The one-pass accuracy equals greedy generation's, on an untrained model too."""
    tt.manual_seed(1)
    model = example.GPT(3, 16, 2, 1, max_len=5)
    inputs = np.random.default_rng(0).integers(0, 3, (200, 3))
    generated = example.generate(model, inputs, 3)
    by_generation = float(np.mean(np.all(generated == np.sort(inputs, axis=1), axis=1)))
    assert example.accuracy(model, inputs, 3) == by_generation


def test_below_the_promise_exits_1(example: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    """With the default settings (any seed) an accuracy under 0.99 is a failure status."""
    assert example.exit_status(example.parse_args([]), 0.9898) == 1
    assert "FAILED: test accuracy 0.9898 is below the promised 0.99" in capsys.readouterr().err
    assert example.exit_status(example.parse_args(["--seed", "3"]), 0.9898) == 1
    assert example.exit_status(example.parse_args([]), 0.99) == 0
    assert example.exit_status(example.parse_args(["--epochs", "2"]), 0.5) == 0  # other settings: no promise


def test_a_batch_larger_than_the_training_set_is_refused(
    example: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        example.parse_args(["--length", "2", "--digits", "3", "--batch-size", "8"])
    assert "--batch-size 8 is larger than the 7 training sequences" in capsys.readouterr().err


# A wrong size in a copy of the example: mypy reports it where the sizes meet, naming the dims.
VARIANTS = {
    "position_width": (
        "self.pos = nn.Embedding(max_len, dim)",
        "self.pos = nn.Embedding(max_len, vocab)",
        "x = self.tok(idx) + self.pos(tt.arange(t))",
        "add: shapes do not broadcast: Tensor[B, T, D] + Tensor[T, V] (last dim: D != V)",
    ),
    "head_swapped": (
        "self.head = nn.Linear(dim, vocab, bias=False)",
        "self.head = nn.Linear(vocab, dim, bias=False)",
        "return self.head(self.ln(x))",
        "Linear[V, D]: input is Tensor[..., D], expected Tensor[..., V] (last dim: D != V)",
    ),
    "mlp_output": (
        "self.fc2 = nn.Linear(4 * dim, dim)",
        "self.fc2 = nn.Linear(4 * dim, heads)",
        "return x + self.fc2(self.gelu(self.fc1(self.ln2(x))))",
        "add: shapes do not broadcast: Tensor[B, T, D] + Tensor[B, T, H] (last dim: D != H)",
    ),
}


def test_example_type_checks_and_each_wrong_size_is_an_error_naming_the_dims(tmp_path: Path) -> None:
    copies = write_variants(EXAMPLE, VARIANTS, tmp_path, "transformer")
    status, output = run_mypy(EXAMPLE, *copies)
    assert status == 1, output
    errors = [ln for ln in output.splitlines() if ": error:" in ln]
    assert not [e for e in errors if "examples/transformer.py" in e], output
    for copy, (line, message) in copies.items():
        mine = [e for e in errors if f"{copy.name}:" in e]
        assert mine and all(f"{copy.name}:{line}: error:" in e for e in mine), output
        assert any(message in e for e in mine), output
