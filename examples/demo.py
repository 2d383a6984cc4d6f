"""Train a small neural network on handwritten digits with mygrad.nnet.

The data is scikit-learn's bundled 8x8 digits (1797 images, 10 classes;
shipped inside scikit-learn, nothing is downloaded). The model is a
multilayer perceptron ``64 -> 128 (relu) -> 10`` trained with
``softmax_crossentropy`` and ``Adam`` from ``mygrad.nnet``; ``--conv`` trains a
small convolutional network instead. Progress is shown on one updating line;
at the end the test accuracy is printed and the loss/accuracy curves are saved
as a PNG.

Run it with ``make demo`` or ``python examples/demo.py [--conv] [--epochs N]``.
It needs the demo extra: ``pip install "mygrad[demo]"`` (scikit-learn for the
data, matplotlib for the plot; without matplotlib the plot is skipped).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path

import numpy as np

import mygrad as mg
from mygrad.nnet import relu, softmax_crossentropy
from mygrad.nnet.initializers import glorot_uniform, he_normal
from mygrad.nnet.optim import Adam

INSTALL_HINT = 'pip install "mygrad[demo]"'


# --------------------------------------------------------------------- data
def load_digits_split(test_fraction: float = 0.2, seed: int = 0):
    """``(X_train, y_train, X_test, y_test)``: pixels scaled to [0, 1] (float32),
    integer labels; a fixed random split."""
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise SystemExit(f"the demo needs scikit-learn for its data set: {INSTALL_HINT}") from None
    digits = load_digits()
    X = (digits.data / 16.0).astype(np.float32)
    y = digits.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(y))
    n_test = int(round(test_fraction * len(y)))
    test, train = order[:n_test], order[n_test:]
    return X[train], y[train], X[test], y[test]


# ------------------------------------------------------------------- models
class MLP:
    """``x @ W1 + b1 -> relu -> @ W2 + b2`` (class scores)."""

    def __init__(self, n_in: int, n_hidden: int, n_out: int, rng: np.random.Generator) -> None:
        # (glorot's fans are symmetric, so the (in, out) layout of `x @ W` is fine)
        self.W1 = glorot_uniform(n_in, n_hidden, rng=rng)
        self.b1 = mg.zeros(n_hidden, dtype=np.float32)
        self.W2 = glorot_uniform(n_hidden, n_out, rng=rng)
        self.b2 = mg.zeros(n_out, dtype=np.float32)

    def __call__(self, x):
        return relu(x @ self.W1 + self.b1) @ self.W2 + self.b2

    @property
    def parameters(self) -> list:
        return [self.W1, self.b1, self.W2, self.b2]


class ConvNet:
    """``conv 3x3 (8 filters, same padding) -> relu -> max-pool 2x2 -> dense``."""

    def __init__(self, n_out: int, rng: np.random.Generator, filters: int = 8) -> None:
        # filter banks are (F, C, kh, kw): he_normal's fan-in is C * kh * kw
        self.filters = he_normal(filters, 1, 3, 3, gain=np.sqrt(2), rng=rng)
        self.W = glorot_uniform(filters * 4 * 4, n_out, rng=rng)
        self.b = mg.zeros(n_out, dtype=np.float32)

    def __call__(self, x):
        images = x.reshape(-1, 1, 8, 8)
        maps = relu(mg.nnet.conv_nd(images, self.filters, stride=1, padding=1))
        pooled = mg.nnet.max_pool(maps, (2, 2), 2)
        return pooled.reshape(len(pooled), -1) @ self.W + self.b

    @property
    def parameters(self) -> list:
        return [self.filters, self.W, self.b]


# ----------------------------------------------------------------- training
class Progress:
    """A plain-text progress bar on one line (rewritten in place on a terminal;
    elsewhere only each epoch's final line is printed)."""

    def __init__(self, stream=None, width: int = 24) -> None:
        self.stream = stream or sys.stdout
        self.width = width
        self.live = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.shown = 0

    def update(self, prefix: str, fraction: float, suffix: str, done: bool = False) -> None:
        filled = int(round(fraction * self.width))
        line = f"{prefix} [{'#' * filled}{'.' * (self.width - filled)}] {fraction:4.0%} {suffix}"
        if self.live:  # (padded: a shorter line must hide the previous one)
            padded = line.ljust(self.shown)
            self.shown = 0 if done else len(line)
            self.stream.write("\r" + padded + ("\n" if done else ""))
            self.stream.flush()
        elif done:
            print(line, file=self.stream)


def evaluate(model, X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """``(mean loss, accuracy)``, without building a graph."""
    with mg.no_autodiff:
        scores = model(X)
        loss = softmax_crossentropy(scores, y)
    return float(loss), float(np.mean(np.argmax(np.asarray(scores), axis=1) == y))


def train(model, data, *, epochs: int, batch_size: int = 64, lr: float = 0.01, seed: int = 0,
          progress: Progress | None = None) -> dict:
    """Mini-batch training with Adam (the learning rate decays linearly to a
    tenth over the run); returns the per-epoch history."""
    X_train, y_train, X_test, y_test = data
    rng = np.random.default_rng(seed)
    steps_per_epoch = -(-len(y_train) // batch_size)
    total = epochs * steps_per_epoch
    opt = Adam(model.parameters, lr=lambda t: lr * (1 - 0.9 * t / total))
    progress = progress or Progress()
    history: dict = {"train_loss": [], "test_loss": [], "train_acc": [], "test_acc": []}
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(y_train))
        running = 0.0
        for i in range(steps_per_epoch):
            batch = order[i * batch_size:(i + 1) * batch_size]
            loss = softmax_crossentropy(model(X_train[batch]), y_train[batch])
            loss.backward()
            opt.step()
            running += loss.item()
            progress.update(f"  epoch {epoch:2d}/{epochs}", (i + 1) / steps_per_epoch,
                            f"loss {running / (i + 1):.4f}")
        train_loss, train_acc = evaluate(model, X_train, y_train)
        test_loss, test_acc = evaluate(model, X_test, y_test)
        for key, value in zip(history, (train_loss, test_loss, train_acc, test_acc)):
            history[key].append(value)
        progress.update(f"  epoch {epoch:2d}/{epochs}", 1.0,
                        f"loss {train_loss:.4f}  train acc {train_acc:6.1%}  test acc {test_acc:6.1%}", done=True)
    return history


def plot(history: dict, path: Path, title: str) -> Path | None:
    """Save the loss and accuracy curves as a PNG (None without matplotlib)."""
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    epochs = np.arange(1, len(history["train_loss"]) + 1)
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
    ax_loss.plot(epochs, history["train_loss"], label="train")
    ax_loss.plot(epochs, history["test_loss"], label="test")
    ax_loss.set(xlabel="epoch", ylabel="softmax cross-entropy", title="loss", yscale="log")
    ax_acc.plot(epochs, np.array(history["train_acc"]) * 100, label="train")
    ax_acc.plot(epochs, np.array(history["test_acc"]) * 100, label="test")
    ax_acc.set(xlabel="epoch", ylabel="accuracy (%)", title="accuracy")
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _single_threaded_blas():
    """One BLAS thread while training: the matrices here are tiny, and a
    multithreaded BLAS spends far more time waking its threads than
    multiplying (on a busy machine, 100x more). Uses threadpoolctl, which
    scikit-learn installs; without it, nothing changes."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conv", action="store_true", help="train a small convolutional network instead of the MLP")
    parser.add_argument("--epochs", type=int, default=None, help="default: 20 (MLP), 15 (conv)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--plot", type=Path, default=Path("demo-training.png"), help="where to save the curves")
    parser.add_argument("--no-plot", action="store_true")
    args = parser.parse_args(argv)
    epochs = args.epochs or (15 if args.conv else 20)

    data = load_digits_split(seed=args.seed)
    rng = np.random.default_rng(args.seed)
    model = ConvNet(10, rng) if args.conv else MLP(64, 128, 10, rng)
    name = "conv 3x3 (8) -> relu -> max-pool 2x2 -> 10" if args.conv else "MLP 64 -> 128 (relu) -> 10"
    print(f"mygrad {mg.__version__}: {name} on scikit-learn's 8x8 digits "
          f"({len(data[1])} train / {len(data[3])} test images), Adam lr={args.lr}, batch {args.batch_size}\n")
    start = time.perf_counter()
    with _single_threaded_blas():
        history = train(model, data, epochs=epochs, batch_size=args.batch_size, lr=args.lr, seed=args.seed)
    seconds = time.perf_counter() - start
    print(f"\n  trained {epochs} epochs in {seconds:.1f} s")
    print(f"  test accuracy: {history['test_acc'][-1]:.1%}")
    if not args.no_plot:
        saved = plot(history, args.plot, f"mygrad.nnet: {name}")
        if saved is None:
            print(f"  (matplotlib is not installed, so no plot: {INSTALL_HINT})")
        else:
            print(f"  loss/accuracy curves saved to {saved.resolve()}")
    return history


if __name__ == "__main__":
    main()
