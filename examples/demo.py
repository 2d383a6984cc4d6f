"""Train a logistic-regression classifier with mygrad, using plain NumPy calls.

The model is written with NumPy functions (``np.sum``, ``np.exp``, ``np.log``,
``np.mean``) applied to mygrad tensors; ``loss.backward()`` gives the
gradients, and a gradient-descent step updates the parameters in place.

Run it with ``make demo`` (or ``python examples/demo.py`` in the project's venv).
"""

from __future__ import annotations

import numpy as np

import mygrad as mg

SPARK = " ▁▂▃▄▅▆▇█"


def make_data(rng: np.random.Generator, n: int = 400) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Two features; the label is drawn from a logistic model with known weights."""
    true_w, true_b = np.array([2.0, -3.0]), 0.5
    X = rng.normal(size=(n, 2))
    p = 1 / (1 + np.exp(-(X @ true_w + true_b)))
    y = (rng.uniform(size=n) < p).astype(np.float64)
    return X, y, true_w, true_b


def model(X: np.ndarray, w: mg.Tensor, b: mg.Tensor) -> mg.Tensor:
    """P(y = 1 | x): NumPy calls on tensors build a differentiable graph."""
    z = np.sum(X * w, axis=1) + b
    return 1 / (1 + np.exp(-z))


def bce(p: mg.Tensor, y: np.ndarray) -> mg.Tensor:
    """Mean binary cross-entropy."""
    eps = 1e-12
    return -np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))


def sparkline(values: list[float]) -> str:
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    return "".join(SPARK[1 + int((v - lo) / span * (len(SPARK) - 2))] for v in values)


def boundary_plot(X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float, width: int = 48, height: int = 16) -> str:
    """The data (o: class 1, x: class 0) and the learned boundary (#) in text."""
    lim = 3.0
    grid = [[" "] * width for _ in range(height)]
    for (u, v), label in zip(X, y):
        c = int(round((u + lim) / (2 * lim) * (width - 1)))
        r = int(round((lim - v) / (2 * lim) * (height - 1)))
        if 0 <= r < height and 0 <= c < width:
            grid[r][c] = "o" if label else "x"
    for r in range(height):  # the boundary w.x + b = 0, drawn over the data
        v = lim - 2 * lim * r / (height - 1)
        u = -(w[1] * v + b) / w[0] if w[0] else None
        if u is not None and -lim <= u <= lim:
            grid[r][int(round((u + lim) / (2 * lim) * (width - 1)))] = "#"
    return "\n".join("    |" + "".join(row) + "|" for row in grid)


def main(steps: int = 300, lr: float = 0.5) -> None:
    rng = np.random.default_rng(0)
    X, y, true_w, true_b = make_data(rng)
    w = mg.tensor(np.zeros(2))  # parameters: float tensors, so they get gradients
    b = mg.tensor(0.0)
    print(f"mygrad {mg.__version__}: logistic regression on {len(y)} points, gradient descent, lr={lr}\n")
    losses = []
    for step in range(steps + 1):
        p = model(X, w, b)
        loss = bce(p, y)
        loss.backward()  # fills w.grad and b.grad, then frees the graph
        losses.append(loss.item())
        if step % 50 == 0:
            accuracy = np.mean((p.data > 0.5) == y)
            print(f"  step {step:3d}  loss {loss.item():.4f}  accuracy {accuracy:6.1%}  "
                  f"w = [{w.data[0]:+.3f}, {w.data[1]:+.3f}]  b = {b.item():+.3f}")
        # the update writes the arrays directly: the graph is gone, so nothing is locked
        w.data -= lr * w.grad
        b.data -= lr * b.grad
    print(f"\n  loss curve  {sparkline(losses[::6])}")
    print(f"  learned     w = [{w.data[0]:+.3f}, {w.data[1]:+.3f}]  b = {b.item():+.3f}")
    print(f"  true        w = [{true_w[0]:+.3f}, {true_w[1]:+.3f}]  b = {true_b:+.3f}\n")
    print("  data (o: label 1, x: label 0) and the learned decision boundary (#):")
    print(boundary_plot(X, y, w.data, b.item()))


if __name__ == "__main__":
    main()
