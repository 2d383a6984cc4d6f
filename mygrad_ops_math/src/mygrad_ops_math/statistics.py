"""Statistics: average (optionally weighted), median and ptp, with NumPy's
signatures (``out`` is handled by the core).

Derivative conventions:

* ``average``: built from multiply, sum and divide, so both ``a`` and tensor
  ``weights`` get their exact gradients (``w / sum(w)`` for ``a``,
  ``(a - avg) / sum(w)`` for ``weights``).
* ``median``: each slice's gradient goes to its middle element (odd count),
  or half of it to each of the two middle elements (even count), the middle
  elements being those of a *stable* sort of the slice (so among equal
  values the first in C order comes first). A slice holding a NaN has median
  ``nan`` and its gradient goes to its first NaN.
* ``ptp`` (``max - min``): ``+g`` to each slice's first arg-max, ``-g`` to
  its first arg-min (they cancel when all elements are equal).
"""

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

import mygrad as mg
from mygrad.plugin import Domain, composite_op, function_op, reduced_axes, unreduce

from mygrad_ops_math._common import NAMESPACES
from mygrad_ops_math._reducing import data_of, first_true, from_slices, reduction_kwargs, to_slices
from mygrad_ops_math.arithmetic import divide, multiply, positive
from mygrad_ops_math.reductions import mean
from mygrad_ops_math.reductions import sum as _sum

_NoValue = np._NoValue


# ------------------------------------------------------------------- average
def _weights_for(a_shape, weights, axis):
    """NumPy's checks of ``weights`` against ``a``, and weights shaped to
    broadcast against ``a`` (a differentiable reshape for tensor weights)."""
    w_shape = np.shape(weights)
    if w_shape == a_shape:
        return weights
    if axis is None:
        raise TypeError("Axis must be specified when shapes of a and weights differ.")
    if w_shape != tuple(a_shape[ax] for ax in axis):
        raise ValueError("Shape of weights must be consistent with shape of a along specified axis.")
    # weights' axes follow `axis`'s order: put them in a's order, with 1s elsewhere
    order = tuple(int(i) for i in np.argsort(axis))
    target = tuple(side if i in axis else 1 for i, side in enumerate(a_shape))
    if isinstance(weights, mg.Tensor):
        return mg.reshape(mg.transpose(weights, order), target)
    return np.reshape(np.transpose(weights, order), target)


def _average(a, axis=None, weights=None, returned=False, *, keepdims=_NoValue, constant=None):
    """Weighted average over the given axes (like :func:`numpy.average`).

    ``weights`` (an array-like or a tensor, of ``a``'s shape or of the shape
    of ``a`` along ``axis``) may be differentiable too. With
    ``returned=True`` the result is ``(average, sum_of_weights)``, both
    tensors, the sum of weights broadcast to the average's shape (it is the
    element count per slice when ``weights`` is None).

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([1., 2., 4.])
    >>> w = mg.tensor([1., 1., 2.])
    >>> avg = mg.average(x, weights=w)
    >>> avg
    Tensor(2.75)
    >>> avg.backward()
    >>> x.grad
    array([0.25, 0.25, 0.5 ])
    >>> w.grad
    array([-0.4375, -0.1875,  0.3125])
    >>> mg.average([[1., 2.], [3., 5.]], axis=1, returned=True)
    (Tensor([1.5, 4. ]), Tensor([2., 2.]))
    """
    arr = np.asarray(a)
    keepdims = False if keepdims is _NoValue else keepdims
    if axis is not None:
        axis = normalize_axis_tuple(axis, arr.ndim, argname="axis")
    if weights is None:
        avg = mean(a, axis=axis, keepdims=keepdims, constant=constant)
        if not returned:
            return avg
        n = avg.dtype.type(arr.size / avg.size) if avg.size else avg.dtype.type(0)
        return avg, mg.tensor(np.full(avg.shape, n, dtype=avg.dtype), constant=True)
    w_arr = np.asarray(data_of(weights))
    if arr.dtype.kind in "biu":
        result_dtype = np.result_type(arr.dtype, w_arr.dtype, np.float64)
    else:
        result_dtype = np.result_type(arr.dtype, w_arr.dtype)
    if not isinstance(weights, mg.Tensor):
        weights = w_arr
    weights = _weights_for(arr.shape, weights, axis)
    total = _sum(weights, axis=axis, dtype=result_dtype, keepdims=keepdims)
    if np.any(np.asarray(total) == 0):
        raise ZeroDivisionError("Weights sum to zero, can't be normalized")
    weighted = _sum(multiply(a, weights, dtype=result_dtype), axis=axis, keepdims=keepdims)
    avg = divide(weighted, total, constant=constant)
    if not returned:
        return avg
    # (a fresh tensor of the average's shape, like NumPy's copy)
    return avg, positive(mg.broadcast_to(total, avg.shape), constant=constant)


def _average_kwargs(draw, shapes):
    """An axis and keepdims, and (sometimes) positive weights of ``a``'s shape
    or of ``a``'s shape along ``axis``."""
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp

    kwargs = reduction_kwargs(draw, shapes)
    shape, axis = shapes[0], kwargs["axis"]
    kind = draw(st.sampled_from(["none", "full", "along axis"]))
    if kind == "none" or (kind == "along axis" and axis is None):
        return kwargs
    axes = (axis,) if isinstance(axis, int) else axis
    w_shape = shape if kind == "full" else tuple(shape[ax] for ax in axes)
    kwargs["weights"] = draw(hnp.arrays(np.float64, w_shape, elements=st.floats(0.5, 2.0)))
    return kwargs


average = composite_op(
    _average,
    name="average",
    namespaces=NAMESPACES,
    numpy=np.average,
    conformance={"nin": 1, "kwargs": _average_kwargs},
)


# -------------------------------------------------------------------- median
def _stable_rank(rows, value, k):
    """Per row, the element at position ``k`` of a stable sort of the row
    (``value``: that element's value, from a partition): ``k - (number of
    smaller elements)`` elements equal to ``value`` come before it."""
    equal = rows == value
    smaller = np.sum(rows < value, axis=-1, keepdims=True)
    return equal & (np.cumsum(equal, axis=-1) == k - smaller + 1)


def _median_grad(g, out, x, axis=None, overwrite_input=False, keepdims=False):
    x = np.asarray(x)
    axes = reduced_axes(x.ndim, axis)
    rows, moved_shape = to_slices(x, axes)
    n = rows.shape[-1]
    grad = unreduce(g, x.shape, axis, keepdims)
    if rows.size == 0:
        return np.zeros(x.shape, dtype=grad.dtype)
    lo, hi = (n - 1) // 2, n // 2
    part = np.partition(rows, (lo, hi) if lo != hi else lo, axis=-1)
    picked = _stable_rank(rows, part[..., lo:lo + 1], lo)
    if hi != lo:
        picked |= _stable_rank(rows, part[..., hi:hi + 1], hi)
    weight = np.where(picked, 1.0 if hi == lo else 0.5, 0.0)
    nan = np.isnan(rows)
    if nan.any():  # the median of a slice holding a nan is nan: its first nan gets the gradient
        weight = np.where(nan.any(axis=-1, keepdims=True), first_true(nan, (rows.ndim - 1,)), weight)
    weight = from_slices(weight, moved_shape, axes).astype(grad.dtype, copy=False)
    return np.where(weight != 0, grad * weight, 0)


@function_op(np.median, grads=[_median_grad], namespaces=NAMESPACES, domain=Domain(-5, 5, unique=True),
             conformance={"kwargs": reduction_kwargs})
def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """Median over the given axes (like :func:`numpy.median`).

    The gradient of each slice goes to its middle element, or half to each
    of its two middle elements for an even count (among equal values, in
    the order of a stable sort). ``overwrite_input`` is accepted and ignored:
    a tensor's data is never reordered.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([[3., 1., 2.], [4., 1., 9.]])
    >>> mg.median(x, axis=1)
    Tensor([2., 4.])
    >>> y = mg.tensor([4., 1., 3., 2.])
    >>> mg.median(y)
    Tensor(2.5)
    >>> mg.median(y).backward()
    >>> y.grad
    array([0. , 0. , 0.5, 0.5])
    """
    return np.median(a, axis=axis, keepdims=keepdims)


# ----------------------------------------------------------------------- ptp
def _ptp_grad(g, out, x, axis=None, keepdims=False):
    x = np.asarray(x)
    axes = reduced_axes(x.ndim, axis)
    grad = unreduce(g, x.shape, axis, keepdims)
    if x.size == 0:
        return np.zeros(x.shape, dtype=grad.dtype)
    nan = np.isnan(x)
    hi = np.max(x, axis=axes, keepdims=True)
    lo = np.min(x, axis=axes, keepdims=True)
    top = first_true((x == hi) | (nan & np.isnan(hi)), axes)
    bottom = first_true((x == lo) | (nan & np.isnan(lo)), axes)
    return np.where(top, grad, 0) - np.where(bottom, grad, 0)


@function_op(np.ptp, grads=[_ptp_grad], namespaces=NAMESPACES, domain=Domain(-5, 5, unique=True),
             conformance={"kwargs": reduction_kwargs})
def ptp(a, axis=None, out=None, keepdims=False):
    """Range of values (maximum - minimum) over the given axes (like
    :func:`numpy.ptp`).

    The gradient goes to each slice's first maximum (``+g``) and first
    minimum (``-g``).

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([[1., 5., 2.], [0., 3., 3.]])
    >>> mg.ptp(x, axis=1)
    Tensor([4., 3.])
    >>> mg.ptp(x, axis=1).backward()
    >>> x.grad
    array([[-1.,  1.,  0.],
           [-1.,  1.,  0.]])
    """
    return np.ptp(a, axis=axis, keepdims=keepdims)


DECLARATIONS = [average, median, ptp]
