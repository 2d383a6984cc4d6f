"""Helpers for the gradient rules of reductions (``axis``/``keepdims``)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

__all__ = ["unreduce", "reduced_axes"]


def reduced_axes(ndim: int, axis: Any) -> tuple:
    """The axes a reduction over ``axis`` removes from an ``ndim``-d input,
    sorted and non-negative (``axis=None``: all; a 0-d input: none)."""
    if axis is None or ndim == 0:
        return tuple(range(ndim))
    return tuple(sorted(normalize_axis_tuple(axis, ndim)))


def unreduce(g: Any, shape: tuple, axis: Any = None, keepdims: bool = False) -> np.ndarray:
    """The gradient ``g`` of a reduction's output, spread back over the
    input's ``shape``: the reduced axes are put back (unless ``keepdims``
    kept them) and broadcast (a read-only view; multiply it, or copy it).

    A reduction's rule is then one line, and cannot broadcast along the
    wrong axis (the usual bug of a hand-written ``g[..., None]``)::

        @reads()  # (the input's shape only)
        def _sum_grad(g, out, x, axis=None, keepdims=False):
            return unreduce(g, np.shape(x), axis, keepdims)

    >>> import numpy as np
    >>> unreduce(np.array([1., 10.]), (2, 2), axis=1)
    array([[ 1.,  1.],
           [10., 10.]])
    """
    shape = tuple(shape)
    g = np.asarray(g)
    if not keepdims:
        axes = reduced_axes(len(shape), axis)
        if axes:
            g = np.expand_dims(g, axes)
    return np.broadcast_to(g, shape)
