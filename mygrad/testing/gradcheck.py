"""Finite-difference gradient checks.

>>> import numpy as np, mygrad as mg
>>> from mygrad.testing import check_grad
>>> check_grad(lambda x, y: x * mg.sin(y), np.array([1., 2.]), np.array([0.5, 1.5]))
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

import mygrad as mg

__all__ = ["numerical_gradient", "analytic_gradient", "check_grad"]


def _weighted_sum(f: Callable, arrays: Sequence[np.ndarray], seed: np.ndarray | None, kwargs: dict) -> float:
    with mg.no_autodiff:
        out = np.asarray(f(*(mg.tensor(a) for a in arrays), **kwargs), dtype=np.float64)
    return float(np.sum(out if seed is None else out * seed))


def numerical_gradient(f: Callable, *arrays: Any, seed: np.ndarray | None = None, h: float = 1e-6,
                       kwargs: dict | None = None) -> list[np.ndarray]:
    """Central-difference gradients of ``sum(seed * f(*arrays))`` with respect
    to every array, computed in float64 (``f`` receives tensors)."""
    kwargs = kwargs or {}
    work = [np.array(a, dtype=np.float64, copy=True) for a in arrays]
    grads = []
    for a in work:
        g = np.zeros_like(a)
        flat, gflat = a.reshape(-1), g.reshape(-1)
        for j in range(flat.size):
            orig = flat[j]
            step = h * max(1.0, abs(orig))
            flat[j] = orig + step
            up = _weighted_sum(f, work, seed, kwargs)
            flat[j] = orig - step
            down = _weighted_sum(f, work, seed, kwargs)
            flat[j] = orig
            gflat[j] = (up - down) / (2 * step)
        grads.append(g)
    return grads


def analytic_gradient(f: Callable, *inputs: Any, seed: np.ndarray | None = None, kwargs: dict | None = None,
                      constant: Sequence[bool] | None = None) -> tuple[Any, list]:
    """``(output, [x.grad, ...])`` from backpropagating ``seed`` (default ones)
    through ``f(*tensors)``; float64 copies of the inputs are used."""
    constant = constant or [False] * len(inputs)
    tensors = [mg.tensor(np.asarray(x, dtype=np.float64), constant=c) for x, c in zip(inputs, constant)]
    out = f(*tensors, **(kwargs or {}))
    out.backward(seed)
    return out, [t.grad for t in tensors]


def check_grad(f: Callable, *arrays: Any, seed: np.ndarray | None = None, kwargs: dict | None = None,
               rtol: float = 1e-4, atol: float = 1e-6, h: float = 1e-6) -> None:
    """Assert that mygrad's gradients of ``sum(seed * f(*arrays))`` match
    central finite differences.

    ``f`` is called with float64 tensors; ``seed`` defaults to ones (any
    array broadcastable to the output's shape is allowed).
    """
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    out, analytic = analytic_gradient(f, *arrays, seed=seed, kwargs=kwargs)
    seed_arr = None if seed is None else np.broadcast_to(np.asarray(seed, dtype=np.float64), np.shape(out))
    numeric = numerical_gradient(f, *arrays, seed=seed_arr, h=h, kwargs=kwargs)
    for i, (a, n) in enumerate(zip(analytic, numeric)):
        assert a is not None, f"input {i} received no gradient"
        assert a.shape == n.shape, f"input {i}: gradient shape {a.shape} != input shape {n.shape}"
        np.testing.assert_allclose(a, n, rtol=rtol, atol=atol, err_msg=f"gradient of input {i}")
