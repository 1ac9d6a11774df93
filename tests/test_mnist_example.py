"""examples/mnist.py, quickly: it trains on a slice of MNIST, logs, plots, saves and reloads, and type-checks.

The full run (default hyperparameters, >= 97.8% test accuracy in <= 30 s) is too slow
for the suite; ``python benchmarks/mnist_example.py`` measures it (median of 3 runs).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from _scripts import load_file, run_mypy

import typedtorch as tt
import typedtorch.data as ttd

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "mnist.py"
MODEL_LINE = (
    "        self.layers: nn.Sequential[Literal[784], Literal[10]] = "
    "nn.Linear(784, 512) >> nn.ReLU() >> nn.Linear(512, 10)\n"
)
EPOCH_LINE = re.compile(r"^epoch (\d+)/(\d+) loss=\d+\.\d{4} acc=[01]\.\d{4} val_acc=[01]\.\d{4} \d+\.\ds$")
QUICK = ["--limit", "1500", "--epochs", "1", "--batch-size", "100"]


@pytest.fixture(scope="module")
def mnist() -> ModuleType:
    """The example as a module; importing it must not change this process's environment."""
    return load_file(EXAMPLE, "mnist_example", keep_environ=True)


@pytest.fixture(scope="module")
def data() -> tuple[Any, Any, Any, Any]:
    """The first 2000 training and 1000 test digits, flattened."""
    train, test = ttd.MNIST(flatten=True), ttd.MNIST(train=False, flatten=True)
    return train.images[:2000], train.labels[:2000], test.images[:1000], test.labels[:1000]


def accuracy_line(out: str) -> str:
    match = re.search(r"^test accuracy (\d\.\d{4})", out, re.M)
    assert match, out
    return match[1]


# ----------------------------------------------------------------------- training


def test_train_logs_one_line_per_epoch_and_learns(mnist: ModuleType, data: Any) -> None:
    lines: list[str] = []
    model, history = mnist.train(*data, epochs=2, batch_size=100, log=lines.append)
    assert len(lines) == 2
    for i, line in enumerate(lines, 1):
        assert EPOCH_LINE.match(line), line
        assert line.startswith(f"epoch {i}/2 ")
    assert len(history.loss) == len(history.acc) == len(history.val_acc) == 2
    assert history.loss[1] < history.loss[0]
    assert history.val_acc[-1] > 0.8  # 2000 images, 2 epochs: far above chance
    assert history.val_acc[-1] == mnist.evaluate(model, data[2], data[3])


def test_train_is_reproducible_by_seed(mnist: ModuleType, data: Any) -> None:
    quiet = {"epochs": 1, "batch_size": 200, "log": lambda line: None}
    a, _ = mnist.train(*data, seed=3, **quiet)
    b, _ = mnist.train(*data, seed=3, **quiet)
    c, _ = mnist.train(*data, seed=4, **quiet)
    wa, wb, wc = (m.layers[0].weight.numpy() for m in (a, b, c))
    np.testing.assert_array_equal(wa, wb)
    assert not np.array_equal(wa, wc)


def test_train_on_each_device(mnist: ModuleType, data: Any, device: str) -> None:
    """The example's code is backend-clean: it trains on the strict test backend (and a GPU) too."""
    x, y, tx, ty = (t[:600].to(device) for t in data)
    model, history = mnist.train(x, y, tx, ty, epochs=1, batch_size=100, device=device, log=lambda line: None)
    assert {p.device for p in model.parameters()} == {device}
    assert 0.0 <= history.val_acc[0] <= 1.0


def test_checked_forward_names_the_wrong_input(mnist: ModuleType) -> None:
    model = mnist.MLP()
    with pytest.raises(tt.ShapeError, match=r"forward.*\bx\b.*784"):
        mnist.checked_forward(model, tt.zeros(4, 783))
    # --no-checks: the unchecked function, and the first layer still refuses the input.
    with pytest.raises(tt.ShapeError, match=r"Linear\[784, 512\]: input is Tensor\[.*\], expected Tensor\[.*, 784\]"):
        mnist.forward(model, tt.zeros(4, 783))
    assert mnist.checked_forward(model, tt.zeros(4, 784)).shape == (4, 10)


def test_no_checks_trains_the_same(mnist: ModuleType, data: Any) -> None:
    quiet = {"epochs": 1, "batch_size": 200, "log": lambda line: None}
    _, checked = mnist.train(*data, checks=True, **quiet)
    _, unchecked = mnist.train(*data, checks=False, **quiet)
    assert checked.loss == unchecked.loss and checked.val_acc == unchecked.val_acc


# ---------------------------------------------------------- command line and files


def test_save_then_load_reproduces_the_accuracy(
    mnist: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("safetensors", reason="the io extra (safetensors) is not installed")
    path = tmp_path / "mnist.safetensors"
    assert mnist.main([*QUICK, "--save", str(path)]) == 0
    trained = capsys.readouterr().out
    assert path.read_bytes()[8:9] == b"{"
    assert mnist.main(["--limit", "1500", "--load", str(path)]) == 0
    loaded = capsys.readouterr().out
    assert accuracy_line(loaded) == accuracy_line(trained)
    assert "epoch" not in loaded  # --load does not train


def test_load_of_another_architecture_is_refused(mnist: ModuleType, tmp_path: Path) -> None:
    pytest.importorskip("safetensors", reason="the io extra (safetensors) is not installed")
    from typedtorch import io, nn

    path = tmp_path / "small.safetensors"
    io.save(nn.Linear(784, 256) >> nn.ReLU() >> nn.Linear(256, 10), path)
    with pytest.raises(tt.ShapeError, match=r"does not match MLP: missing 'layers\.0\.weight'"):
        mnist.main(["--limit", "100", "--load", str(path)])


def test_plot_writes_a_png(mnist: ModuleType, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="the plot extra (matplotlib) is not installed")
    history = mnist.History(loss=[0.3, 0.1, 0.05], acc=[0.91, 0.97, 0.98], val_acc=[0.95, 0.97, 0.981])
    path = tmp_path / "curves.png"
    mnist.plot(history, str(path))
    raw = path.read_bytes()
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(raw[16:20], "big"), int.from_bytes(raw[20:24], "big")
    assert (width, height) == (990, 396)  # 9 x 3.6 inches at 110 dpi


def test_main_writes_the_plot_it_reports(mnist: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib", reason="the plot extra (matplotlib) is not installed")
    path = tmp_path / "curves.png"
    assert mnist.main([*QUICK, "--plot", str(path)]) == 0
    assert f"wrote {path}" in capsys.readouterr().out
    assert path.read_bytes()[:4] == b"\x89PNG"


def test_exit_status_when_the_target_is_missed(
    mnist: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With default hyperparameters an accuracy under 97.8% is a failure (training stubbed out here)."""
    poor = mnist.History(loss=[1.0], acc=[0.5], val_acc=[0.9], seconds=[1.0])
    monkeypatch.setattr(mnist, "train", lambda *args, **kwargs: (mnist.MLP(), poor))
    assert mnist.main([]) == 1
    assert "FAILED: test accuracy 0.9000 is below the target 0.978" in capsys.readouterr().err
    # Other hyperparameters make no promise: the accuracy is reported, not judged.
    assert mnist.main(["--epochs", "1"]) == 0


@pytest.mark.parametrize(
    ("argv", "default"),
    [
        ([], True),
        (["--seed", "3", "--device", "cpu", "--no-checks"], True),
        (["--distributed"], True),  # the same hyperparameters, on several processes
        (["--epochs", "2"], False),
        (["--batch-size", "64"], False),
        (["--lr", "0.01"], False),
        (["--limit", "100"], False),
        (["--load", "m.safetensors"], False),
    ],
)
def test_which_runs_use_the_defaults(mnist: ModuleType, argv: list[str], default: bool) -> None:
    assert mnist.uses_defaults(mnist.parse_args(argv)) is default


@pytest.mark.parametrize(
    "argv",
    [
        ["--load", "m.safetensors", "--plot", "p.png"],
        ["--load", "a", "--save", "b"],
        ["--epochs", "0"],
        ["--load", "m.safetensors", "--distributed"],
    ],
)
def test_bad_option_combinations(mnist: ModuleType, argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        mnist.parse_args(argv)
    assert info.value.code == 2
    assert "error:" in capsys.readouterr().err


# ------------------------------------------------------------------ progress bar


def test_no_bar_when_stdout_is_not_a_terminal(mnist: ModuleType) -> None:
    # Under pytest, stdout is captured: not a terminal.
    assert isinstance(mnist.progress_bar(10, "epoch 1/1"), mnist._NoBar)


def test_no_bar_without_tqdm(mnist: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setitem(sys.modules, "tqdm", None)  # `import tqdm` now raises ImportError
    assert isinstance(mnist.progress_bar(10, "epoch 1/1"), mnist._NoBar)


def test_piped_output_is_plain_lines(tmp_path: Path) -> None:
    """A real run with stdout and stderr piped: the epoch line and the summary, no bar, nothing on stderr."""
    proc = subprocess.run([sys.executable, str(EXAMPLE), *QUICK], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stderr == ""
    assert "\r" not in proc.stdout and "img/s" not in proc.stdout
    lines = proc.stdout.splitlines()
    assert len(lines) == 3, proc.stdout
    assert lines[0].startswith("training 784-512-10 on 1500 images, cpu, 1 epochs")
    assert EPOCH_LINE.match(lines[1]), lines[1]
    assert re.match(r"^test accuracy 0\.\d{4} in \d+\.\d s total", lines[2]), lines[2]


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_terminal_output_has_a_bar() -> None:
    """The other side: on a terminal, with tqdm installed, the bar shows throughput and clears itself."""
    pytest.importorskip("tqdm", reason="the progress extra (tqdm) is not installed")
    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    # A fresh pseudo-terminal is 0 columns wide, and tqdm draws nothing in 0 columns.
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    try:
        proc = subprocess.Popen(
            [sys.executable, str(EXAMPLE), *QUICK], stdout=follower, stderr=subprocess.PIPE, cwd=ROOT
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        _, err = proc.communicate(timeout=120)
    finally:
        os.close(leader)
    out = b"".join(chunks).decode(errors="replace")
    assert proc.returncode == 0, out + err.decode()
    assert "epoch 1/1:" in out and "img/s" in out and "loss=" in out  # the bar
    # The plain line, after the carriage return and blanks that erased the bar.
    assert re.search(r"(?:^|\r)epoch 1/1 loss=\S+ acc=\S+ val_acc=\S+ \S+s\r?$", out, re.M), out


# ------------------------------------------------------------------------ typing


VARIANTS = {
    "hidden_mismatch": ("nn.Linear(512, 10)", "nn.Linear(500, 10)"),  # the second layer's input no longer fits
    "wrong_output": ("nn.Linear(512, 10)", "nn.Linear(512, 11)"),  # 11 classes, not the declared 10
    "wrong_input": ("nn.Linear(784, 512)", "nn.Linear(785, 512)"),  # the images have 784 pixels
}


def test_example_type_checks_and_each_wrong_layer_size_fails_on_that_line(tmp_path: Path) -> None:
    """One mypy run over the example and three copies with one layer size changed each."""
    source = EXAMPLE.read_text()
    assert source.count(MODEL_LINE) == 1, "the model line moved; update MODEL_LINE"
    line = source[: source.index(MODEL_LINE)].count("\n") + 1
    copies = []
    for name, (old, new) in VARIANTS.items():
        copy = tmp_path / f"mnist_{name}.py"
        copy.write_text(source.replace(MODEL_LINE, MODEL_LINE.replace(old, new)))
        copies.append(copy)
    status, output = run_mypy(EXAMPLE, *copies)
    assert status == 1, output
    errors = [ln for ln in output.splitlines() if ": error:" in ln]
    assert not [e for e in errors if "examples/mnist.py" in e], output
    for copy in copies:
        mine = [e for e in errors if f"{copy.name}:" in e]
        assert mine, f"no error for {copy.name}:\n{output}"
        assert all(f"{copy.name}:{line}: error:" in e for e in mine), output


def test_docstring_examples_run(mnist: ModuleType) -> None:
    import doctest

    result = doctest.testmod(mnist, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
