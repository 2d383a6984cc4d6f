"""Rearranging elements: roll, flip, fliplr, flipud, rot90 and sort; copy;
and differences of neighbouring elements: diff, ediff1d.

``flip``, ``fliplr``, ``flipud`` and ``rot90`` return *views*, as in NumPy:
the result shares memory with its input, writes into it write through to the
input (recorded, so gradients stay right), and its gradient is the same view
of the input's gradient. ``roll``, ``sort``, ``copy`` and the differences
return new tensors.

Gradients: a rearrangement sends each upstream gradient element back to
where its value came from (``sort`` through the sorting permutation, found
again with :func:`numpy.argsort` of the same ``kind``, so tied values are
routed the way ``np.argsort`` orders them); ``diff`` applies the transpose
of the difference operator ``n`` times.
"""

import operator

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

import mygrad as mg
from mygrad.plugin import Domain, composite_op, function_op, reads

from mygrad_ops_math._common import NAMESPACES as _MATH_NAMESPACES
from mygrad_ops_math.joining import concatenate

NAMESPACES = (*_MATH_NAMESPACES, "mygrad.tensor_manip")

_NoValue = np._NoValue


# ------------------------------------------------------ conformance options
def _axis_kwargs(draw, shapes):
    """An axis: None, an int, or a tuple of distinct ints."""
    from hypothesis import strategies as st
    from hypothesis.extra.numpy import valid_tuple_axes

    ndim = len(shapes[0])
    if ndim == 0:
        return {"axis": None}
    return {"axis": draw(st.none() | valid_tuple_axes(ndim, min_size=1) | st.integers(-ndim, ndim - 1))}


def _at_least(ndim):
    def shapes(draw):
        from hypothesis import strategies as st

        n = draw(st.integers(ndim, ndim + 1))
        return (tuple(draw(st.integers(1, 3)) for _ in range(n)),)

    return shapes


# -------------------------------------------------------------------- roll
@reads()  # (no values)
def _roll_grad(g, out, a, shift, axis=None):
    return np.roll(g, np.negative(shift), axis=axis)


def _roll_kwargs(draw, shapes):
    from hypothesis import strategies as st

    ndim = len(shapes[0])
    shifts = st.integers(-4, 4)
    if ndim == 0 or draw(st.booleans()):
        return {"shift": draw(shifts), "axis": None}
    axes = draw(st.lists(st.integers(-ndim, ndim - 1), min_size=1, max_size=3))
    return {"shift": tuple(draw(shifts) for _ in axes), "axis": tuple(axes)}


@function_op(np.roll, grads=[_roll_grad], namespaces=NAMESPACES, conformance={"kwargs": _roll_kwargs})
def roll(a, shift, axis=None):
    """Roll the elements of a tensor along axes (those shifted beyond the
    end come back at the start), like :func:`numpy.roll`; ``axis=None``
    rolls the flattened tensor.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([1., 2., 3., 4.])
    >>> y = mg.roll(x, 1)
    >>> y
    Tensor([4., 1., 2., 3.])
    >>> (y * [1., 2., 3., 4.]).backward()
    >>> x.grad
    array([2., 3., 4., 1.])
    """
    return np.roll(a, shift, axis=axis)


# ------------------------------------------------------------------- flips
@function_op(np.flip, grads=[lambda g, out, m, axis=None: np.flip(g, axis)], namespaces=NAMESPACES,
             can_return_view=True, conformance={"kwargs": _axis_kwargs})
def flip(m, axis=None):
    """Reverse the order of elements along the given axes (all by default),
    like :func:`numpy.flip`. The result is a view of ``m``.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([[1., 2.], [3., 4.]])
    >>> y = mg.flip(x, axis=1)
    >>> y
    Tensor([[2., 1.],
            [4., 3.]])
    >>> y.base is x
    True
    >>> y[0, 0] = -1.   # writes through to x
    >>> x
    Tensor([[ 1., -1.],
            [ 3.,  4.]])
    """
    return np.flip(m, axis)


@function_op(np.fliplr, grads=[lambda g, out, m: np.fliplr(g)], namespaces=NAMESPACES, can_return_view=True,
             conformance={"shapes": _at_least(2)})
def fliplr(m):
    """Reverse the order of the columns (axis 1), like :func:`numpy.fliplr`.
    The result is a view of ``m``.

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.fliplr(mg.tensor([[1., 2., 3.]]))
    Tensor([[3., 2., 1.]])
    """
    return np.fliplr(m)


@function_op(np.flipud, grads=[lambda g, out, m: np.flipud(g)], namespaces=NAMESPACES, can_return_view=True,
             conformance={"shapes": _at_least(1)})
def flipud(m):
    """Reverse the order of the rows (axis 0), like :func:`numpy.flipud`.
    The result is a view of ``m``.

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.flipud(mg.tensor([[1., 2.], [3., 4.]]))
    Tensor([[3., 4.],
            [1., 2.]])
    """
    return np.flipud(m)


def _rot90_kwargs(draw, shapes):
    from hypothesis import strategies as st

    ndim = len(shapes[0])
    axes = draw(st.lists(st.integers(-ndim, ndim - 1), min_size=2, max_size=2, unique_by=lambda a: a % ndim))
    return {"k": draw(st.integers(-2, 5)), "axes": tuple(axes)}


@function_op(np.rot90, grads=[lambda g, out, m, k=1, axes=(0, 1): np.rot90(g, -k, axes)], namespaces=NAMESPACES,
             can_return_view=True, conformance={"shapes": _at_least(2), "kwargs": _rot90_kwargs})
def rot90(m, k=1, axes=(0, 1)):
    """Rotate a tensor by 90 degrees ``k`` times in the plane of ``axes``
    (from the first axis towards the second), like :func:`numpy.rot90`.
    The result is a view of ``m``.

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.rot90(mg.tensor([[1., 2.], [3., 4.]]))
    Tensor([[2., 4.],
            [1., 3.]])
    """
    return np.rot90(m, k, axes)


# -------------------------------------------------------------------- sort
def _sort_grad(g, out, a, axis=-1, kind=None, order=None, stable=None):
    # the permutation that sorted `a` (the same `kind`, so ties go the same way)
    if axis is None:
        perm = np.argsort(a, axis=None, kind=kind, stable=stable)
        grad = np.empty(g.shape, dtype=g.dtype)
        grad[perm] = g
        return grad.reshape(np.shape(a))
    perm = np.argsort(a, axis=axis, kind=kind, stable=stable)
    grad = np.empty(g.shape, dtype=g.dtype)
    np.put_along_axis(grad, perm, g, axis=axis)
    return grad


def _sort_kwargs(draw, shapes):
    from hypothesis import strategies as st

    ndim = len(shapes[0])
    axes = [None, *range(-ndim, ndim)] if ndim else [None]
    return {"axis": draw(st.sampled_from(axes)), "kind": draw(st.sampled_from([None, "stable", "heapsort"]))}


@function_op(np.sort, grads=[_sort_grad], namespaces=NAMESPACES,
             domain=Domain(-5, 5, unique=True),  # (not differentiable where values tie)
             conformance={"kwargs": _sort_kwargs})
def sort(a, axis=-1, kind=None, order=None, *, stable=None):
    """A sorted copy of a tensor, like :func:`numpy.sort` (``axis=None``
    sorts the flattened tensor).

    Each element's gradient is the gradient at the position it was sorted
    to; tied elements are routed as :func:`numpy.argsort` with the same
    ``kind``/``stable`` orders them.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([3., 1., 2.])
    >>> y = mg.sort(x)
    >>> y
    Tensor([1., 2., 3.])
    >>> (y * [1., 10., 100.]).backward()
    >>> x.grad
    array([100.,   1.,  10.])
    """
    return np.sort(a, axis=axis, kind=kind, order=order, stable=stable)


# -------------------------------------------------------------------- copy
@function_op(np.copy, grads=[lambda g, out, a, order="K", subok=False: g], namespaces=NAMESPACES)
def copy(a, order="K", subok=False):
    """A copy of a tensor (never a view), like :func:`numpy.copy`; the copy
    is part of the graph (its gradient flows back to ``a``).

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([1., 2.])
    >>> y = mg.copy(x)
    >>> y.base is None, y is x
    (True, False)
    >>> (2 * y).backward()
    >>> x.grad
    array([2., 2.])
    """
    return np.copy(a, order=order)


# ------------------------------------------------------------- differences
@reads()  # only the input's shape
def _diff_grad(g, out, a, n=1, axis=-1):
    shape = np.shape(a)
    ax = normalize_axis_index(axis, len(shape))
    if g.shape[ax] == 0:  # every element was differenced away
        return np.zeros(shape, dtype=g.dtype)
    before, after = [(0, 0)] * g.ndim, [(0, 0)] * g.ndim
    before[ax], after[ax] = (1, 0), (0, 1)
    for _ in range(n):  # the transpose of "x[1:] - x[:-1]", n times
        g = np.pad(g, before) - np.pad(g, after)
    return g


@function_op(None, grads=[_diff_grad], name="diff_of", namespaces=())
def _diff_of(a, n=1, axis=-1):
    return np.diff(a, n=n, axis=axis)


def _shape(x):
    return x.shape if isinstance(x, (mg.Tensor, np.ndarray)) else np.shape(x)


def _edge_slice(values, a, axis):
    """``prepend``/``append`` of :func:`diff`: a scalar becomes one slice of
    ``a`` along ``axis`` (broadcast, so a tensor scalar still gets its gradient)."""
    if _shape(values) == ():
        shape = list(_shape(a))
        shape[axis] = 1
        return mg.broadcast_to(values, tuple(shape))
    return values


def _diff(a, n=1, axis=-1, prepend=_NoValue, append=_NoValue, *, constant=None):
    """The ``n``-th discrete difference along ``axis`` (``out[i] = a[i+1] -
    a[i]``, ``n`` times), like :func:`numpy.diff`. ``prepend``/``append``
    are joined to ``a`` first (a scalar is broadcast to one slice along the
    axis); tensors given there get gradients too.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([1., 4., 9., 16.])
    >>> mg.diff(x)
    Tensor([3., 5., 7.])
    >>> mg.diff(x, n=2)
    Tensor([2., 2.])
    >>> y = mg.diff(x, prepend=0.)
    >>> y
    Tensor([1., 3., 5., 7.])
    >>> (y * [1., 2., 3., 4.]).backward()
    >>> x.grad
    array([-1., -1., -1.,  4.])
    """
    n = operator.index(n)
    if n == 0:  # NumPy returns its input
        if isinstance(a, mg.Tensor) and constant in (None, a.constant):
            return a
        return mg.tensor(a, constant=constant)
    if n < 0:
        raise ValueError(f"order must be non-negative but got {n!r}")
    ndim = len(_shape(a))
    if ndim == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    ax = normalize_axis_index(axis, ndim)
    parts = []
    if prepend is not _NoValue:
        parts.append(_edge_slice(prepend, a, ax))
    parts.append(a)
    if append is not _NoValue:
        parts.append(_edge_slice(append, a, ax))
    if len(parts) > 1:
        a = concatenate(parts, axis=ax)
    return _diff_of(a, n=n, axis=ax, constant=constant)


def _diff_kwargs(draw, shapes):
    from hypothesis import strategies as st

    ndim = len(shapes[0])
    return {"n": draw(st.integers(0, 3)), "axis": draw(st.integers(-ndim, ndim - 1))}


diff = composite_op(_diff, name="diff", namespaces=NAMESPACES, numpy=np.diff,
                    conformance={"nin": 1, "shapes": _at_least(1), "kwargs": _diff_kwargs})


def _ediff1d(ary, to_end=None, to_begin=None, *, constant=None):
    """The differences between consecutive elements of the flattened tensor,
    with ``to_begin``/``to_end`` (flattened) joined before/after, like
    :func:`numpy.ediff1d`. The result has ``ary``'s dtype (``to_begin`` and
    ``to_end`` must cast to it under the ``same_kind`` rule); tensors given
    as ``to_begin``/``to_end`` get gradients too.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([[1., 2.], [4., 7.]])
    >>> mg.ediff1d(x, to_begin=0.)
    Tensor([0., 1., 2., 3.])
    """
    flat = mg.ravel(ary)
    d = _diff_of(flat, n=1, axis=0, constant=constant)
    if to_begin is None and to_end is None:
        return d
    dtype = d.dtype
    for name, extra in (("to_begin", to_begin), ("to_end", to_end)):
        if extra is not None and not np.can_cast(np.asarray(extra).dtype, dtype, casting="same_kind"):
            raise TypeError(f"dtype of `{name}` must be compatible with input `ary` under the `same_kind` rule.")
    parts = [d]
    if to_begin is not None:
        parts.insert(0, mg.ravel(to_begin))
    if to_end is not None:
        parts.append(mg.ravel(to_end))
    return concatenate(parts, dtype=dtype, constant=constant)


ediff1d = composite_op(_ediff1d, name="ediff1d", namespaces=NAMESPACES, numpy=np.ediff1d,
                       conformance={"nin": 1, "kwargs": [{}, {"to_begin": 0.5}, {"to_end": [1., 2.]},
                                                         {"to_begin": [[-1.]], "to_end": 3.}]})

DECLARATIONS = [roll, flip, fliplr, flipud, rot90, sort, copy, diff, ediff1d]
