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


def _weighted_sum(f: Callable, arrays: Sequence[np.ndarray], seed: Any, kwargs: dict) -> float:
    with mg.no_autodiff:
        out = f(*(mg.tensor(a) for a in arrays), **kwargs)
    if isinstance(out, (list, tuple)):  # several results: sum(<seed_i, result_i>) over the seeded ones
        if not isinstance(seed, (list, tuple)) or len(seed) != len(out):
            raise ValueError(f"f returned {len(out)} results: give one seed per result (None to leave one out)")
        return float(sum(np.sum(np.asarray(o, dtype=np.float64) * s) for o, s in zip(out, seed) if s is not None))
    out = np.asarray(out, dtype=np.float64)
    return float(np.sum(out if seed is None else out * seed))


def numerical_gradient(f: Callable, *arrays: Any, seed: Any = None, h: float = 1e-6,
                       kwargs: dict | None = None, wrt: Sequence[int] | None = None) -> list:
    """Central-difference gradients of ``sum(seed * f(*arrays))`` with respect
    to every array (or to the arrays at the indices ``wrt``; the others, e.g.
    integer or boolean inputs, are passed unchanged and get ``None``),
    computed in float64 (``f`` receives tensors).

    If ``f`` returns several results (a tuple or list), ``seed`` is a list
    with one seed per result (``None`` to leave a result out, e.g. an integer
    one) and the differentiated function is ``sum_i sum(seed_i * result_i)``.

    >>> import numpy as np, mygrad as mg
    >>> from mygrad.testing import numerical_gradient
    >>> gx, gn = numerical_gradient(lambda x, n: x ** n, np.array([2.0]), np.array([3]), wrt=[0])
    >>> gx.round(6), gn
    (array([12.]), None)
    """
    kwargs = kwargs or {}
    wrt = range(len(arrays)) if wrt is None else wrt
    # (C-ordered copies: their flat views below are the arrays themselves, whatever the inputs' layout)
    work = [np.array(a, dtype=np.float64, copy=True, order="C") if i in wrt else a for i, a in enumerate(arrays)]
    grads: list = [None] * len(arrays)
    for i in wrt:
        a = work[i]
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
        grads[i] = g
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
