"""Reductions that ignore NaNs: nansum, nanmean, nanmax and nanmin, with
NumPy's signatures (``axis``, ``dtype``, ``keepdims``, ``initial``, ``where``
where NumPy has them; ``out`` is handled by the core).

The forward passes are NumPy's, so results, dtypes and warnings match NumPy:
an all-NaN slice gives ``0`` for nansum, ``nan`` and a ``RuntimeWarning``
("Mean of empty slice" / "All-NaN slice encountered") for nanmean, nanmax and
nanmin.

Derivative conventions:

* NaN elements (and elements that ``where`` leaves out) get zero gradient;
* ``nanmean``: each counted element gets ``g / N`` with ``N`` the number of
  non-NaN (selected) elements of its slice; an all-NaN slice gives 0;
* ``nanmax``/``nanmin``: each slice's gradient goes to its *first* largest /
  smallest non-NaN element (C order over the reduced axes); an all-NaN slice
  gives 0, and so does a slice that ``initial`` beats.
"""

import numpy as np

from mygrad.plugin import Domain, function_op, reduced_axes, unreduce

from mygrad_ops_math._common import NAMESPACES
from mygrad_ops_math._reducing import count, data_of, extremum_grad, mask_of, reduction_kwargs

_NoValue = np._NoValue

_CONFORMANCE = {"kwargs": reduction_kwargs}


def _counted(x, where):
    """The elements a nan-reduction counts: not NaN, and selected by ``where``."""
    counted = ~np.isnan(x)
    mask = mask_of(where)
    return counted if mask is None else counted & mask


# -------------------------------------------------------------------- nansum
def _nansum_grad(g, out, x, axis=None, dtype=None, keepdims=False, initial=_NoValue, where=True):
    return np.where(_counted(x, where), unreduce(g, np.shape(x), axis, keepdims), 0)


@function_op(np.nansum, grads=[_nansum_grad], namespaces=NAMESPACES, conformance=_CONFORMANCE)
def nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NoValue, where=True):
    """Sum over the given axes, treating NaNs as zero (like
    :func:`numpy.nansum`).

    NaN elements get zero gradient.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([[1., float("nan")], [3., 4.]])
    >>> mg.nansum(x, axis=1)
    Tensor([1., 7.])
    >>> mg.nansum(x).backward()
    >>> x.grad
    array([[1., 0.],
           [1., 1.]])
    """
    return np.nansum(a, axis=axis, dtype=dtype, keepdims=keepdims, initial=initial, where=data_of(where))


# ------------------------------------------------------------------- nanmean
def _nanmean_grad(g, out, x, axis=None, dtype=None, keepdims=False, where=True):
    counted = _counted(x, where)
    shape = np.shape(x)
    n = count(shape, reduced_axes(len(shape), axis), counted)
    scale = np.divide(1.0, n, out=np.zeros(n.shape), where=n > 0).astype(g.dtype)
    return np.where(counted, unreduce(g, shape, axis, keepdims) * scale, 0)


@function_op(np.nanmean, grads=[_nanmean_grad], namespaces=NAMESPACES, conformance=_CONFORMANCE)
def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    """Mean over the given axes, ignoring NaNs (like :func:`numpy.nanmean`).

    Each non-NaN element gets ``1 / N`` of its slice's gradient, ``N`` being
    the number of non-NaN elements of the slice; NaNs get zero gradient (so
    does every element of an all-NaN slice, whose mean is ``nan``).

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([1., float("nan"), 3., 4.])
    >>> mg.nanmean(x)
    Tensor(2.66666667)
    >>> mg.nanmean(x).backward()
    >>> x.grad
    array([0.33333333, 0.        , 0.33333333, 0.33333333])
    """
    return np.nanmean(a, axis=axis, dtype=dtype, keepdims=keepdims, where=data_of(where))


# ------------------------------------------------------------- nanmax/nanmin
def _nan_extremum_grad(g, out, x, axis=None, keepdims=False, initial=_NoValue, where=True):
    return extremum_grad(g, out, x, axis, keepdims, where, nan_wins=False)


# distinct values: max and min are not differentiable at ties
_DISTINCT = Domain(-5, 5, unique=True)


@function_op(np.nanmax, grads=[_nan_extremum_grad], namespaces=NAMESPACES, domain=_DISTINCT,
             conformance=_CONFORMANCE)
def nanmax(a, axis=None, out=None, keepdims=False, initial=_NoValue, where=True):
    """Maximum over the given axes, ignoring NaNs (like :func:`numpy.nanmax`).

    Each slice's gradient goes to its first largest non-NaN element; an
    all-NaN slice (whose maximum is ``nan``) passes no gradient.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([[1., float("nan"), 5.], [float("nan"), 2., 2.]])
    >>> mg.nanmax(x, axis=1)
    Tensor([5., 2.])
    >>> mg.nanmax(x, axis=1).backward()
    >>> x.grad
    array([[0., 0., 1.],
           [0., 1., 0.]])
    """
    return np.nanmax(a, axis=axis, keepdims=keepdims, initial=initial, where=data_of(where))


@function_op(np.nanmin, grads=[_nan_extremum_grad], namespaces=NAMESPACES, domain=_DISTINCT,
             conformance=_CONFORMANCE)
def nanmin(a, axis=None, out=None, keepdims=False, initial=_NoValue, where=True):
    """Minimum over the given axes, ignoring NaNs (like :func:`numpy.nanmin`).

    Each slice's gradient goes to its first smallest non-NaN element; an
    all-NaN slice (whose minimum is ``nan``) passes no gradient.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([float("nan"), 3., -1.])
    >>> mg.nanmin(x)
    Tensor(-1.)
    >>> mg.nanmin(x).backward()
    >>> x.grad
    array([0., 0., 1.])
    """
    return np.nanmin(a, axis=axis, keepdims=keepdims, initial=initial, where=data_of(where))


DECLARATIONS = [nansum, nanmean, nanmax, nanmin]
