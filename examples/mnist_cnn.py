"""MNIST with a typed convolutional network: ``Tensor[B, 1, 28, 28] -> Tensor[B, 10]``, every size in its type.

    python examples/mnist_cnn.py                            # the light network: >= 99.0% test accuracy
    python examples/mnist_cnn.py --arch pytorch-examples --epochs 3   # the pytorch/examples net: >= 99.2%
    python examples/mnist_cnn.py --save cnn.safetensors --plot cnn.png
    python examples/mnist_cnn.py --load cnn.safetensors     # evaluate a saved model (no training)
    mypy --strict examples/mnist_cnn.py                     # checks every size below before anything runs

Two networks, both written as in PyTorch (``forward()``), with the shape of every
intermediate in its type. mypy, with typedtorch's plugin, computes each output size
from the layers' arguments (``nn.Conv2d(1, 32, 3)`` on ``Tensor[B, 1, 28, 28]`` is
``Tensor[B, 32, 26, 26]``, ``F.max_pool2d(h, 2)`` halves the spatial sizes,
``tt.flatten`` multiplies them out) and checks each annotation against it, and each
``Linear`` against the flattened size it is given (``9216``, not ``9126``).

* ``--arch pytorch-examples``: pytorch/examples ``mnist/main.py`` line for line (conv
  32 3x3, conv 64 3x3, max-pool, dropout 0.25, fc 128, dropout 0.5, fc 10,
  ``log_softmax`` + ``nll_loss``, Adadelta lr 1.0, StepLR gamma 0.7 per epoch,
  batch 64; pytorch/examples trains 14 epochs). Its target is 99.2% after 3 epochs
  (the script exits 1 below it), which this recipe does not reach: measured runs
  gave 98.76 to 99.03% with seeds 0 to 2, and PyTorch itself 98.94 to 99.05% with
  seeds 1 to 3 (README).
* ``--arch light`` (default): a smaller network (conv 16 3x3 padding 1, max-pool,
  conv 32 3x3 padding 1, max-pool, fc 128, fc 10: a tenth of the other's
  arithmetic), trained the same way but for 2 epochs, batch 128, with the rate
  annealed to 0 along a cosine over all steps (``CosineAnnealingLR`` stepped per
  batch), so that the default run meets its target on 2 cores.

Each epoch prints one line (``epoch 2/2 loss=0.0481 acc=0.9851 val_acc=0.9890
31.2s``; ``val_acc`` is on the 10k test digits, which nothing here tunes on); on a
terminal with tqdm installed a progress bar runs meanwhile. The last line is
``test accuracy 0.99xx ...``. With the default hyperparameters of an architecture
(``--epochs``, ``--batch-size``, ``--lr``, ``--gamma``; no ``--limit``; any seed
and device) the script exits with status 1 below that architecture's target.
Optional extras: tqdm (progress bar), matplotlib (``--plot``), safetensors
(``--save``/``--load``).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal as L
from typing import TypeVar

START = time.perf_counter()

# As in examples/mnist.py: BLAS threads spin while waiting, and on a shared 2-core
# machine one thread per process is the steadier choice. An explicit setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import typedtorch as tt  # noqa: E402
import typedtorch.data as ttd  # noqa: E402
from typedtorch import Tensor, io, nn, optim  # noqa: E402
from typedtorch.nn import functional as F  # noqa: E402

B = TypeVar("B")
N = TypeVar("N")
M = TypeVar("M")

# The training pixels' mean and standard deviation (pytorch/examples' Normalize).
PIXEL_MEAN = 0.1307
PIXEL_STD = 0.3081


Schedule = L["step", "cosine"]


@dataclass(frozen=True)
class Recipe:
    """How an architecture trains by default, and the test accuracy those defaults promise."""

    epochs: int
    batch_size: int
    lr: float
    gamma: float  # the rate's factor per epoch ("step" schedule only)
    schedule: Schedule  # "step": StepLR per epoch; "cosine": CosineAnnealingLR to 0, per batch
    target: float


RECIPES = {
    # pytorch/examples' own settings (it trains 14 epochs); 3 epochs reach about 99.0%, here as in PyTorch (README).
    "pytorch-examples": Recipe(epochs=3, batch_size=64, lr=1.0, gamma=0.7, schedule="step", target=0.992),
    # 2 epochs: the cosine's small steps at the end are worth 0.3 points over StepLR's 0.7 here.
    "light": Recipe(epochs=2, batch_size=128, lr=1.0, gamma=0.7, schedule="cosine", target=0.990),
}
SEED = 0


class Net(nn.Module):
    """pytorch/examples' MNIST network, with the shape of every step in its type.

    >>> import typedtorch as tt
    >>> Net()(tt.zeros(2, 1, 28, 28)).shape
    (2, 10)
    """

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x: Tensor[B, L[1], L[28], L[28]]) -> Tensor[B, L[10]]:
        h1: Tensor[B, L[32], L[26], L[26]] = F.relu(self.conv1(x))
        h2: Tensor[B, L[64], L[24], L[24]] = F.relu(self.conv2(h1))
        pooled: Tensor[B, L[64], L[12], L[12]] = F.max_pool2d(h2, 2)
        flat: Tensor[B, L[9216]] = tt.flatten(self.dropout1(pooled), 1)
        hidden: Tensor[B, L[128]] = self.dropout2(F.relu(self.fc1(flat)))
        return F.log_softmax(self.fc2(hidden), dim=1)


class LightNet(nn.Module):
    """Two 3x3 convolutions (16 and 32 channels, padding 1), each followed by a 2x2 max-pool; fc 128; fc 10.

    Each ReLU comes after its pool: max-pooling and ReLU commute (the same values,
    and the same gradients, ties included), and after the pool ReLU touches a
    quarter of the numbers.

    >>> import typedtorch as tt
    >>> LightNet()(tt.zeros(2, 1, 28, 28)).shape
    (2, 10)
    """

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc1 = nn.Linear(32 * 7 * 7, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x: Tensor[B, L[1], L[28], L[28]]) -> Tensor[B, L[10]]:
        c1: Tensor[B, L[16], L[28], L[28]] = self.conv1(x)
        h1: Tensor[B, L[16], L[14], L[14]] = F.relu(F.max_pool2d(c1, 2))
        c2: Tensor[B, L[32], L[14], L[14]] = self.conv2(h1)
        h2: Tensor[B, L[32], L[7], L[7]] = F.relu(F.max_pool2d(c2, 2))
        flat: Tensor[B, L[1568]] = tt.flatten(h2, 1)
        return F.log_softmax(self.fc2(F.relu(self.fc1(flat))), dim=1)


ARCHS: Mapping[str, Callable[[], Net | LightNet]] = {"pytorch-examples": Net, "light": LightNet}


def normalise(images: Tensor[N, L[28], L[28]]) -> Tensor[N, L[1], L[28], L[28]]:
    """Raw pixels in [0, 1] as a one-channel batch, centred as pytorch/examples does.

    >>> import typedtorch as tt
    >>> normalise(tt.zeros(3, 28, 28)).shape
    (3, 1, 28, 28)
    """
    return ((images - PIXEL_MEAN) / PIXEL_STD).reshape(images.shape[0], 1, 28, 28)


@dataclass
class History:
    """Per-epoch training loss and accuracy, test accuracy and seconds."""

    loss: list[float] = field(default_factory=list)
    acc: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


def count_correct(log_probs: Tensor[B, L[10]], labels: Tensor[B]) -> int:
    """How many rows have their largest value at the label."""
    return int(log_probs.argmax(dim=-1).eq(labels).astype("int64").sum().item())


def evaluate(
    model: Net | LightNet, images: Tensor[N, L[1], L[28], L[28]], labels: Tensor[N], batch_size: int = 1000
) -> float:
    """Accuracy of ``model`` on ``images`` in evaluation mode (dropout off), without a graph."""
    was_training = model.training
    model.eval()
    correct = 0
    with tt.no_grad():
        for x, y in ttd.DataLoader(images, labels, batch_size=batch_size):
            correct += count_correct(model(x), y)
    model.train(was_training)
    return correct / max(len(labels), 1)


class _NoBar:
    def set_postfix(self, ordered_dict: Mapping[str, object] | None = None, refresh: bool = True) -> None:
        pass

    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def progress_bar(total: int, desc: str) -> _NoBar:
    """A tqdm bar on terminals (when tqdm is installed), a silent stand-in otherwise."""
    if not sys.stdout.isatty():
        return _NoBar()
    try:
        tqdm = importlib.import_module("tqdm").tqdm
    except ImportError:
        return _NoBar()
    bar: _NoBar = tqdm(
        total=total, desc=desc, unit="img", unit_scale=True, leave=False, file=sys.stdout, dynamic_ncols=True
    )
    return bar


def train(
    arch: str,
    images: Tensor[N, L[1], L[28], L[28]],
    labels: Tensor[N],
    test_images: Tensor[M, L[1], L[28], L[28]],
    test_labels: Tensor[M],
    *,
    recipe: Recipe,
    seed: int = SEED,
    device: str = "cpu",
    log: Callable[[str], None] = print,
) -> tuple[Net | LightNet, History]:
    """pytorch/examples' training loop: Adadelta, and the recipe's learning-rate schedule.

    ``"step"`` multiplies the rate by ``gamma`` after each epoch (``StepLR``);
    ``"cosine"`` anneals it to 0 over all steps (``CosineAnnealingLR``, stepped per batch).

    >>> import typedtorch as tt
    >>> x, y = tt.zeros(8, 1, 28, 28), tt.tensor([i % 10 for i in range(8)])
    >>> recipe = Recipe(epochs=1, batch_size=4, lr=1.0, gamma=0.7, schedule="cosine", target=0.0)
    >>> model, history = train("light", x, y, x, y, recipe=recipe, log=lambda line: None)
    >>> len(history.loss)
    1
    """
    tt.manual_seed(seed)
    model = ARCHS[arch]().to(device)
    opt = optim.Adadelta(model.parameters(), lr=recipe.lr)
    loader = ttd.DataLoader(images, labels, batch_size=recipe.batch_size, shuffle=True, seed=seed)
    per_batch = recipe.schedule == "cosine"
    scheduler: optim.lr_scheduler.LRScheduler = (
        optim.lr_scheduler.CosineAnnealingLR(opt, T_max=recipe.epochs * len(loader))
        if per_batch
        else optim.lr_scheduler.StepLR(opt, step_size=1, gamma=recipe.gamma)
    )
    history = History()
    n = len(labels)
    for epoch in range(recipe.epochs):
        started = time.perf_counter()
        bar = progress_bar(n, f"epoch {epoch + 1}/{recipe.epochs}")
        loss_sum, correct, seen = 0.0, 0, 0
        try:
            for x, y in loader:
                opt.zero_grad()
                log_probs = model(x)
                loss = F.nll_loss(log_probs, y)
                loss.backward()
                opt.step()
                if per_batch:
                    scheduler.step()
                k = len(y)
                loss_sum += loss.item() * k
                correct += count_correct(log_probs, y)
                seen += k
                bar.set_postfix({"loss": f"{loss_sum / seen:.4f}", "acc": f"{correct / seen:.4f}"}, refresh=False)
                bar.update(k)
        finally:
            bar.close()
        if not per_batch:
            scheduler.step()
        val_acc = evaluate(model, test_images, test_labels)
        seconds = time.perf_counter() - started
        history.loss.append(loss_sum / seen)
        history.acc.append(correct / seen)
        history.val_acc.append(val_acc)
        history.seconds.append(seconds)
        log(
            f"epoch {epoch + 1}/{recipe.epochs} loss={history.loss[-1]:.4f} acc={history.acc[-1]:.4f} "
            f"val_acc={val_acc:.4f} {seconds:.1f}s"
        )
    return model, history


def plot(history: History, path: str, arch: str, target: float) -> None:
    """A PNG of the training loss and the accuracies per epoch (matplotlib, imported only here)."""
    figure_module = importlib.import_module("matplotlib.figure")
    epochs = list(range(1, len(history.loss) + 1))
    fig = figure_module.Figure(figsize=(9, 3.6), layout="constrained")
    ax_loss, ax_acc = fig.subplots(1, 2)
    ax_loss.plot(epochs, history.loss, marker="o", color="tab:blue")
    ax_loss.set(title="training loss (nll)", xlabel="epoch", ylabel="mean loss over the epoch", ylim=(0, None))
    ax_acc.plot(epochs, [100 * a for a in history.acc], marker="o", color="tab:gray", label="train (during the epoch)")
    ax_acc.plot(epochs, [100 * a for a in history.val_acc], marker="o", color="tab:orange", label="test")
    ax_acc.axhline(100 * target, color="tab:red", linestyle="--", linewidth=1, label=f"target {100 * target:.1f}%")
    ax_acc.set(title="accuracy", xlabel="epoch", ylabel="accuracy (%)")
    ax_acc.legend(loc="lower right")
    for ax in (ax_loss, ax_acc):
        ax.set_xticks(epochs)
        ax.grid(alpha=0.3)
    fig.suptitle(f"MNIST, typed CNN ({arch}): final test accuracy {100 * history.val_acc[-1]:.2f}%")
    fig.savefig(path, dpi=110)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Train (or evaluate) a typed CNN on MNIST.")
    p.add_argument("--arch", choices=sorted(ARCHS), default="light", help="the network (default light)")
    p.add_argument("--epochs", type=int, help="training epochs (default: the architecture's recipe)")
    p.add_argument("--batch-size", type=int, help="minibatch size (default: the recipe's)")
    p.add_argument("--lr", type=float, help="Adadelta's learning rate (default 1.0)")
    p.add_argument(
        "--gamma", type=float, help="learning-rate factor per epoch, for the step schedule (pytorch-examples; 0.7)"
    )
    p.add_argument(
        "--seed", type=int, default=SEED, help=f"initialisation, dropout and shuffling seed (default {SEED})"
    )
    p.add_argument("--device", default="cpu", help="cpu or cuda (cuda:N); cuda needs cupy (default cpu)")
    p.add_argument("--save", metavar="PATH", help="save the trained model (safetensors)")
    p.add_argument("--load", metavar="PATH", help="evaluate a saved model instead of training")
    p.add_argument("--plot", metavar="PATH", help="write a PNG of loss and accuracy per epoch")
    p.add_argument("--data", metavar="DIR", help="where the MNIST files are (default: the usual search order)")
    p.add_argument("--limit", type=int, metavar="N", help="use only the first N training and test images")
    args = p.parse_args(argv)
    if args.load and (args.save or args.plot):
        p.error("--load only evaluates: --save and --plot need a training run")
    if args.gamma is not None and RECIPES[args.arch].schedule != "step":
        p.error(f"--gamma sets the step schedule's factor; --arch {args.arch} anneals along a cosine")
    for name in ("epochs", "batch_size", "limit"):
        value = getattr(args, name)
        if value is not None and value < 1:
            p.error(f"--{name.replace('_', '-')} must be positive")
    return args


def recipe_of(args: argparse.Namespace) -> tuple[Recipe, bool]:
    """The recipe with the command line's overrides, and whether it is the architecture's default."""
    base = RECIPES[args.arch]
    recipe = Recipe(
        epochs=args.epochs if args.epochs is not None else base.epochs,
        batch_size=args.batch_size if args.batch_size is not None else base.batch_size,
        lr=args.lr if args.lr is not None else base.lr,
        gamma=args.gamma if args.gamma is not None else base.gamma,
        schedule=base.schedule,
        target=base.target,
    )
    return recipe, recipe == base and args.limit is None and args.load is None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    recipe, defaults = recipe_of(args)
    limit = args.limit
    test_set = ttd.MNIST(args.data, train=False, device=args.device)
    test_images, test_labels = normalise(test_set.images[:limit]), test_set.labels[:limit]
    if args.load:
        model = io.load(ARCHS[args.arch]().to(args.device), args.load)
        accuracy = evaluate(model, test_images, test_labels)
        print(f"test accuracy {accuracy:.4f} ({args.load}, {len(test_labels)} test images)")
        return 0
    train_set = ttd.MNIST(args.data, device=args.device)
    images, labels = normalise(train_set.images[:limit]), train_set.labels[:limit]
    schedule = f"gamma {recipe.gamma} per epoch" if recipe.schedule == "step" else "cosine to 0"
    print(
        f"training {args.arch} on {len(labels)} images, {args.device}, {recipe.epochs} epochs, "
        f"batch {recipe.batch_size}, Adadelta lr {recipe.lr}, {schedule}, seed {args.seed}"
    )
    model, history = train(
        args.arch, images, labels, test_images, test_labels, recipe=recipe, seed=args.seed, device=args.device
    )
    accuracy = history.val_acc[-1]
    if args.save:
        io.save(model, args.save)
        print(f"saved {args.save}")
    if args.plot:
        plot(history, args.plot, args.arch, recipe.target)
        print(f"wrote {args.plot}")
    total = time.perf_counter() - START
    print(f"test accuracy {accuracy:.4f} in {total:.1f} s total (imports and data loading included)")
    if defaults and accuracy < recipe.target:
        print(f"FAILED: test accuracy {accuracy:.4f} is below the target {recipe.target}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
