"""The README's demo runs and actually learns."""

import importlib.util
from pathlib import Path

import numpy as np

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo.py"


def _load():
    spec = importlib.util.spec_from_file_location("mygrad_demo", DEMO)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_demo_trains_and_prints(capsys):
    demo = _load()
    demo.main(steps=100)
    out = capsys.readouterr().out
    assert "step   0  loss 0.6931" in out
    assert "decision boundary" in out


def test_demo_gradients_lower_the_loss():
    import mygrad as mg

    demo = _load()
    X, y, _, _ = demo.make_data(np.random.default_rng(1), n=100)
    w, b = mg.tensor(np.zeros(2)), mg.tensor(0.0)
    first = None
    for _ in range(30):
        loss = demo.bce(demo.model(X, w, b), y)
        loss.backward()
        first = loss.item() if first is None else first
        w.data -= 0.5 * w.grad
        b.data -= 0.5 * b.grad
    assert loss.item() < first - 0.1
