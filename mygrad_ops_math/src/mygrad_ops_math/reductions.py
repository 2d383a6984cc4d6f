"""Reductions: sum and mean, with NumPy's signatures.

``np.sum(t, ...)`` / ``t.sum(...)`` accept NumPy's arguments (``axis``,
``dtype``, ``keepdims``, ``initial``, ``where``); ``out`` (in NumPy's
position) is handled by the core, so the forward functions never see it.
"""

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from mygrad.plugin import function_op

from mygrad_ops_math._common import NAMESPACES

_NoValue = np._NoValue


def _reduction_kwargs(draw, shapes):
    """Conformance-check arguments: an axis (None, an int or a tuple), keepdims."""
    from hypothesis import strategies as st
    from hypothesis.extra.numpy import valid_tuple_axes

    ndim = len(shapes[0])
    axis = draw(st.none() | valid_tuple_axes(ndim) | (st.integers(-ndim, ndim - 1) if ndim else st.none()))
    return {"axis": axis, "keepdims": draw(st.booleans())}


_CONFORMANCE = {"kwargs": _reduction_kwargs}


def _unreduce(g, shape, axis, keepdims):
    """Broadcast the gradient of a reduction back to the input's ``shape``."""
    if not keepdims and axis is not None and len(shape):
        g = np.expand_dims(g, normalize_axis_tuple(axis, len(shape)))
    return np.broadcast_to(g, shape)


def _sum_grad(g, out, x, axis=None, dtype=None, keepdims=False, initial=_NoValue, where=True):
    grad = _unreduce(g, np.shape(x), axis, keepdims)
    return grad if where is True else grad * where


@function_op(np.sum, grads=[_sum_grad], namespaces=NAMESPACES, methods=("sum",), conformance=_CONFORMANCE)
def sum(x, axis=None, dtype=None, out=None, keepdims=False, initial=_NoValue, where=True):
    """Sum of tensor elements over the given axes (like :func:`numpy.sum`).

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([[1., 2.], [3., 4.]])
    >>> mg.sum(x, axis=0)
    Tensor([4., 6.])
    >>> x.sum().backward()
    >>> x.grad
    array([[1., 1.],
           [1., 1.]])
    """
    return np.sum(x, axis=axis, dtype=dtype, keepdims=keepdims, initial=initial, where=where)


def _count(shape, axis, where):
    if where is not True:
        return np.sum(np.broadcast_to(where, shape), axis=axis, keepdims=True)
    axes = range(len(shape)) if axis is None else normalize_axis_tuple(axis, len(shape))
    n = 1
    for a in axes:
        n *= shape[a]
    return n


def _mean_grad(g, out, x, axis=None, dtype=None, keepdims=False, where=True):
    shape = np.shape(x)
    grad = _unreduce(g, shape, axis, keepdims) / _count(shape, axis, where)
    return grad if where is True else grad * where


@function_op(np.mean, grads=[_mean_grad], namespaces=NAMESPACES, methods=("mean",), conformance=_CONFORMANCE)
def mean(x, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    """Arithmetic mean over the given axes (like :func:`numpy.mean`).

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([1., 2., 3., 4.])
    >>> mg.mean(x).backward()
    >>> x.grad
    array([0.25, 0.25, 0.25, 0.25])
    """
    return np.mean(x, axis=axis, dtype=dtype, keepdims=keepdims, where=where)


DECLARATIONS = [sum, mean]
