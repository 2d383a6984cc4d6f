"""Helpers shared by the pack's reductions (not public): ``where`` masks,
reduced slices laid out as rows, "first element of each slice" selection,
element counts, and the conformance checker's argument strategies.

A *slice* is the set of input elements that one output element reduces; with
:func:`to_slices` every slice becomes one row (the reduced axes moved last
and merged, in C order), so a per-slice computation is one vectorised NumPy
call along ``axis=-1``.
"""

import numpy as np

from mygrad import Tensor
from mygrad.plugin import reduced_axes

_NoValue = np._NoValue


def data_of(x):
    """A tensor's array (no copy); anything else unchanged (for NumPy
    arguments such as ``where`` that are not differentiable)."""
    return np.asarray(x) if isinstance(x, Tensor) else x


def mask_of(where):
    """``None`` if a ``where`` argument selects every element, else the mask
    as a boolean array."""
    if where is True or where is _NoValue:
        return None
    mask = np.asarray(data_of(where), dtype=bool)
    if mask.ndim == 0 and mask:
        return None
    return mask


def keep(a, ndim, axes, keepdims):
    """A reduction result (or its gradient) with the reduced ``axes`` present
    as length-1 axes."""
    if keepdims or ndim == 0 or not axes:
        return a
    return np.expand_dims(a, axes)


def to_slices(a, axes):
    """``(rows, moved_shape)``: ``a`` with the reduced ``axes`` (sorted) moved
    last and merged into one, so that each row is one reduced slice."""
    nd = a.ndim
    k = len(axes)
    moved = np.moveaxis(a, axes, tuple(range(nd - k, nd)))
    n = 1
    for side in moved.shape[nd - k:]:
        n *= side
    return moved.reshape(moved.shape[: nd - k] + (n,)), moved.shape


def from_slices(rows, moved_shape, axes):
    """Undo :func:`to_slices`."""
    nd = len(moved_shape)
    k = len(axes)
    return np.moveaxis(rows.reshape(moved_shape), tuple(range(nd - k, nd)), axes)


def first_true(hit, axes):
    """A boolean array in ``hit``'s shape that marks the first ``True`` of
    each reduced slice of ``hit`` (C order over the reduced ``axes``)."""
    rows, moved_shape = to_slices(np.asarray(hit, dtype=bool), axes)
    first = np.zeros(rows.shape, dtype=bool)
    if rows.size:
        np.put_along_axis(first, np.argmax(rows, axis=-1, keepdims=True), True, axis=-1)
        first &= rows
    return from_slices(first, moved_shape, axes)


def size_of(shape, axes):
    """The number of elements of each slice (a Python int)."""
    n = 1
    for a in axes:
        n *= shape[a]
    return n


def count(shape, axes, mask):
    """Per slice, how many elements ``mask`` (broadcast to ``shape``) selects;
    the reduced axes are kept as length-1 axes."""
    return np.sum(np.broadcast_to(mask, shape), axis=axes, keepdims=True)


def extremum_grad(g, out, x, axis, keepdims, where, nan_wins):
    """The gradient of max/min-like reductions: each slice's gradient goes to
    the first element equal to its result (and selected by ``where``); with
    ``nan_wins`` a NaN result counts as equal to a NaN element (max, min),
    otherwise a NaN result (an all-NaN slice of nanmax) reaches no element.
    Nothing is reached where ``initial`` beats every element."""
    x = np.asarray(x)
    axes = reduced_axes(x.ndim, axis)
    o = keep(out, x.ndim, axes, keepdims)
    hit = x == o
    if nan_wins:
        hit |= np.isnan(x) & np.isnan(o)
    mask = mask_of(where)
    if mask is not None:
        hit &= mask
    first = first_true(np.broadcast_to(hit, x.shape), axes)
    return np.where(first, keep(g, x.ndim, axes, keepdims), 0)


# ------------------------------------------------ conformance-check arguments
def reduction_kwargs(draw, shapes):
    """An ``axis`` (None, an int or a tuple of ints) and ``keepdims`` for an
    input of shape ``shapes[0]`` (called by the conformance checker)."""
    from hypothesis import strategies as st
    from hypothesis.extra.numpy import valid_tuple_axes

    ndim = len(shapes[0])
    axis = draw(st.none() | valid_tuple_axes(ndim) | (st.integers(-ndim, ndim - 1) if ndim else st.none()))
    return {"axis": axis, "keepdims": draw(st.booleans())}


def int_axis_kwargs(draw, shapes):
    """An ``axis`` (None or an int) and ``keepdims`` (for ops whose ``axis``
    is a single int, e.g. ``nanargmax``)."""
    from hypothesis import strategies as st

    ndim = len(shapes[0])
    axis = draw(st.none() | st.integers(-ndim, ndim - 1)) if ndim else None
    return {"axis": axis, "keepdims": draw(st.booleans())}
