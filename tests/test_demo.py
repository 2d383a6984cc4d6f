"""The README's demo (examples/demo.py) runs, learns, and saves its plot.

The demo's data set comes with scikit-learn (the `demo` extra): the tests that
need it are skipped when it is not installed; its model, training loop and
progress bar are also checked on synthetic data, which needs nothing extra.
"""

import importlib.util
import io
from pathlib import Path

import numpy as np
import pytest

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo.py"


def _load():
    spec = importlib.util.spec_from_file_location("mygrad_demo", DEMO)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _needs_sklearn():
    pytest.importorskip("sklearn", reason='the demo\'s data set needs scikit-learn: pip install "mygrad[demo]"')


class _Quiet:
    def update(self, *args, **kwargs):
        pass


def _synthetic(n=240, seed=0):
    """Three Gaussian blobs in 64 dimensions, split into train and test."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(3, 64)).astype(np.float32)
    y = rng.integers(0, 3, n)
    X = (centres[y] + 0.8 * rng.normal(size=(n, 64))).astype(np.float32)
    return X[:200], y[:200], X[200:], y[200:]


def test_demo_trains_reaches_95_percent_and_saves_the_plot(capsys, tmp_path):
    _needs_sklearn()
    demo = _load()
    png = tmp_path / "curves.png"
    history = demo.main(["--epochs", "6", "--plot", str(png)])
    out = capsys.readouterr().out
    assert "epoch  6/6" in out and "test accuracy" in out
    assert history["test_acc"][-1] >= 0.95
    if importlib.util.find_spec("matplotlib") is not None:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert str(png) in out
    else:
        assert "matplotlib is not installed" in out


def test_demo_data_split():
    _needs_sklearn()
    X_train, y_train, X_test, y_test = _load().load_digits_split()
    assert X_train.shape[1] == 64 and X_train.dtype == np.float32
    assert len(y_train) + len(y_test) == 1797 and 0 <= X_train.min() and X_train.max() <= 1
    assert set(np.unique(y_test)) == set(range(10))


def test_mlp_training_loop_learns_on_synthetic_data():
    demo = _load()
    data = _synthetic()
    model = demo.MLP(64, 16, 3, np.random.default_rng(0))
    before = demo.evaluate(model, *data[2:])
    history = demo.train(model, data, epochs=3, batch_size=32, progress=_Quiet())
    assert history["train_loss"][-1] < before[0] / 4
    assert history["test_acc"][-1] >= 0.95
    assert all(p.grad is not None for p in model.parameters)  # trained through backprop


def test_progress_bar_prints_one_line_per_epoch_off_a_terminal():
    demo = _load()
    stream = io.StringIO()
    bar = demo.Progress(stream, width=10)
    bar.update("  epoch 1/2", 0.5, "loss 1.0")
    bar.update("  epoch 1/2", 1.0, "loss 0.5", done=True)
    assert stream.getvalue() == "  epoch 1/2 [##########] 100% loss 0.5\n"
