"""Inverted dropout: ``dropout``."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from mygrad.plugin import composite_op, function_op

__all__ = ["dropout", "DECLARATIONS"]


def _scaled_grad(g, out, x, mask=None):
    return g if mask is None else g * mask


@function_op(grads=[_scaled_grad], name="dropout", namespaces=())
def _apply_mask(x, mask=None):
    """``x * mask`` (a copy of ``x`` without a mask)."""
    return np.array(x, copy=True) if mask is None else np.multiply(x, mask)


def random_source(rng: Any) -> Any:
    """``rng`` as something to draw from: a NumPy ``Generator`` (or
    ``RandomState``) as is, an int seed as a new ``Generator``, None as
    NumPy's global random state (the ``np.random`` module)."""
    if rng is None or rng is np.random:
        return np.random
    if isinstance(rng, (numbers.Integral, np.integer)) and not isinstance(rng, (bool, np.bool_)):
        return np.random.default_rng(int(rng))
    if isinstance(rng, (np.random.Generator, np.random.RandomState)):
        return rng
    raise TypeError(f"`rng` must be a numpy.random.Generator, a RandomState, an int seed or None, got {rng!r}")


def draw_uniform(rng: Any, shape: tuple) -> np.ndarray:
    """Floats in [0, 1) of ``shape`` from ``rng`` (see :func:`random_source`)."""
    return random_source(rng).random(shape)


def keep_mask(rng: Any, shape: tuple, p: float, dtype: Any) -> np.ndarray:
    """A mask of ``shape`` that is ``1 / (1 - p)`` with probability ``1 - p``
    and 0 otherwise, of ``dtype``."""
    keep = draw_uniform(rng, shape) >= p
    if p >= 1:
        return np.zeros(shape, dtype=dtype)
    return np.multiply(keep, np.asarray(1 / (1 - p), dtype=dtype), dtype=dtype)


def _dropout(x, p=0.5, *, training=True, rng=None, constant=None):
    """Inverted dropout: zero each element of ``x`` with probability ``p``
    and scale the others by ``1 / (1 - p)``, so that the expected value is
    unchanged.

    Parameters
    ----------
    x : ArrayLike
        The input.
    p : float, optional (default 0.5)
        The probability of zeroing an element, in [0, 1].
    training : bool, optional (default True)
        Without training, dropout is the identity (the result is a new tensor
        equal to ``x``).
    rng : Optional[numpy.random.Generator or int]
        Where the mask is drawn from: a NumPy ``Generator`` (or
        ``RandomState``), an int seed for a new ``Generator``, or None for
        NumPy's global random state (``np.random.seed``).
    constant : Optional[bool]
        Whether the result is a constant tensor.

    Returns
    -------
    mygrad.Tensor
        Same shape as ``x``. The gradient is the same mask: 0 where an
        element was dropped, ``1 / (1 - p)`` elsewhere.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.ones((2, 4))
    >>> y = mg.nnet.dropout(x, p=0.5, rng=0)
    >>> y
    Tensor([[2., 0., 0., 0.],
            [2., 2., 2., 2.]], dtype=float32)
    >>> y.backward()
    >>> x.grad
    array([[2., 0., 0., 0.],
           [2., 2., 2., 2.]], dtype=float32)
    >>> mg.nnet.dropout(x, p=0.5, training=False)
    Tensor([[1., 1., 1., 1.],
            [1., 1., 1., 1.]], dtype=float32)
    """
    if isinstance(p, (bool, np.bool_)) or not isinstance(p, numbers.Real):
        raise TypeError(f"dropout: `p` must be a number in [0, 1], got {p!r}")
    if not 0 <= p <= 1:
        raise ValueError(f"dropout: `p` must be in [0, 1], got {p!r}")
    if not training or p == 0:
        return _apply_mask(x, constant=constant)
    dtype = np.dtype(x.dtype) if hasattr(x, "dtype") else np.asarray(x).dtype
    if dtype.kind != "f":
        dtype = np.dtype(np.float64)
    return _apply_mask(x, keep_mask(rng, np.shape(x), float(p), dtype), constant=constant)


def _reference(x, p=0.5, *, rng=None, training=True):
    """NumPy-only dropout for the conformance check (same mask for the same seed)."""
    keep = np.random.default_rng(rng).random(np.shape(x)) >= p
    return (x * keep / np.asarray(1 - p, dtype=x.dtype)).astype(x.dtype)


dropout = composite_op(
    _dropout,
    name="dropout",
    namespaces=("mygrad.nnet", "mygrad.nnet.layers"),
    reference=_reference,
    conformance={"nin": 1, "kwargs": {"p": [0.0, 0.25, 0.5, 0.9], "rng": [0, 1, 2, 3]}},
)

DECLARATIONS = [dropout]
