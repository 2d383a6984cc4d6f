"""Random tensors, drawn from NumPy's legacy global random state
(``np.random.seed`` / :func:`seed` make them reproducible).

>>> import mygrad as mg
>>> mg.random.seed(0)
>>> mg.random.rand(2).shape
(2,)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mygrad._core.tensor import Tensor

__all__ = ["rand", "randn", "random", "random_sample", "ranf", "sample", "randint", "seed"]


def _wrap(arr: Any, constant: bool | None) -> Tensor:
    return Tensor(np.asarray(arr), constant=constant, copy=False)


def rand(*shape: int, constant: bool | None = None) -> Tensor:
    """Uniform samples in ``[0, 1)`` of the given shape (float64)."""
    return _wrap(np.random.rand(*shape), constant)


def randn(*shape: int, constant: bool | None = None) -> Tensor:
    """Standard-normal samples of the given shape (float64)."""
    return _wrap(np.random.randn(*shape), constant)


def random(shape: Any = None, *, constant: bool | None = None) -> Tensor:
    """Uniform samples in ``[0, 1)``; ``shape=None`` gives a 0-d tensor."""
    return _wrap(np.random.random(shape), constant)


def random_sample(shape: Any = None, *, constant: bool | None = None) -> Tensor:
    """Same as :func:`random`."""
    return _wrap(np.random.random_sample(shape), constant)


def ranf(shape: Any = None, *, constant: bool | None = None) -> Tensor:
    """Same as :func:`random`."""
    return _wrap(np.random.random_sample(shape), constant)


def sample(shape: Any = None, *, constant: bool | None = None) -> Tensor:
    """Same as :func:`random`."""
    return _wrap(np.random.random_sample(shape), constant)


def randint(low: int, high: int | None = None, shape: Any = None, dtype: Any = int) -> Tensor:
    """Random integers in ``[low, high)`` (or ``[0, low)``); always constant."""
    return _wrap(np.random.randint(low, high, size=shape, dtype=dtype), True)


def seed(seed_number: Any) -> None:
    """Seed NumPy's global random state."""
    np.random.seed(seed_number)
