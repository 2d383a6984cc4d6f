"""Reductions: sum, mean, prod, var, std, max/amax and min/amin, with NumPy's
signatures.

``np.sum(t, ...)`` / ``t.sum(...)`` accept NumPy's arguments (``axis``,
``dtype``, ``keepdims``, ``initial``, ``where``, and ``ddof`` for var/std);
``out`` (in NumPy's position) is handled by the core, so the forward functions
never see it.

Derivative conventions:

* ``max``/``min``: the gradient of each reduced slice goes to its *first*
  arg-max/arg-min only (C order over the reduced axes); ties get nothing else.
* ``prod``: exact at zeros -- each element gets the product of the other
  elements of its slice (so a lone zero gets the product of the rest, and a
  slice with two or more zeros gives zero gradient everywhere).
* ``std``: ``var``'s gradient divided by ``2 * std``; for a slice whose
  elements are all equal (``std`` is 0) the gradient is 0, not ``nan``.
"""

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from mygrad.plugin import Domain, function_op, reads

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

# max/min are not differentiable where a slice's extremum is tied: the
# conformance check samples arrays of distinct values (see their `domain`)
_EXTREMUM_CONFORMANCE = {"kwargs": _reduction_kwargs}
_DISTINCT = Domain(-5, 5, unique=True)


def _unreduce(g, shape, axis, keepdims):
    """Broadcast the gradient of a reduction back to the input's ``shape``."""
    if not keepdims and axis is not None and len(shape):
        g = np.expand_dims(g, normalize_axis_tuple(axis, len(shape)))
    return np.broadcast_to(g, shape)


@reads()  # only the input's shape
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


@reads()  # only the input's shape
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


# ------------------------------------------------------------------ helpers
def _axes(ndim, axis):
    """The reduced axes, sorted (NumPy lets a 0-d array take ``axis=0``)."""
    if axis is None or ndim == 0:
        return tuple(range(ndim))
    return tuple(sorted(normalize_axis_tuple(axis, ndim)))


def _keep(a, ndim, axes, keepdims):
    """A reduction result (or its gradient) with the reduced axes kept as 1s."""
    if keepdims or ndim == 0:
        return a
    return np.expand_dims(a, axes)


def _to_slices(a, axes):
    """``a`` with the reduced ``axes`` moved last and merged into one: each row
    of the result is one reduced slice (C order over the reduced axes)."""
    nd = a.ndim
    k = len(axes)
    moved = np.moveaxis(a, axes, tuple(range(nd - k, nd)))
    n = 1
    for side in moved.shape[nd - k:]:
        n *= side
    return moved.reshape(moved.shape[: nd - k] + (n,)), moved.shape


def _from_slices(rows, moved_shape, axes):
    """Undo :func:`_to_slices`."""
    nd = len(moved_shape)
    k = len(axes)
    return np.moveaxis(rows.reshape(moved_shape), tuple(range(nd - k, nd)), axes)


def _unmasked(where):
    """Whether a ``where`` argument selects everything."""
    return where is True or (np.ndim(where) == 0 and bool(where))


# ------------------------------------------------------------------- max/min
def _extremum_grad(g, out, x, axis=None, keepdims=False, initial=_NoValue, where=True):
    """max/min: route each slice's gradient to the first element equal to its
    extremum (NaN counts as equal to a NaN result, like ``argmax``); nowhere
    if ``initial`` beats every element."""
    x = np.asarray(x)
    nd = x.ndim
    axes = _axes(nd, axis)
    o = _keep(out, nd, axes, keepdims)
    hit = (x == o) | (np.isnan(x) & np.isnan(o))
    if not _unmasked(where):
        hit = hit & where
    rows, moved_shape = _to_slices(np.broadcast_to(hit, x.shape), axes)
    if rows.shape[-1] == 0:
        return np.zeros(x.shape, dtype=np.result_type(g))
    first = np.zeros(rows.shape, dtype=bool)
    np.put_along_axis(first, np.argmax(rows, axis=-1, keepdims=True), True, axis=-1)
    first &= rows
    return np.where(_from_slices(first, moved_shape, axes), _keep(g, nd, axes, keepdims), 0)


@function_op(
    (np.max, np.amax),
    grads=[_extremum_grad],
    namespaces=NAMESPACES,
    aliases=("amax",),
    methods=("max",),
    domain=_DISTINCT,
    conformance=_EXTREMUM_CONFORMANCE,
)
def max(x, axis=None, out=None, keepdims=False, initial=_NoValue, where=True):
    """Maximum over the given axes (like :func:`numpy.max`; alias ``amax``).

    The gradient of each reduced slice goes to the first of its largest
    elements only.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([[1., 7., 7.], [4., 2., 0.]])
    >>> mg.max(x, axis=1)
    Tensor([7., 4.])
    >>> x.max().backward()
    >>> x.grad
    array([[0., 1., 0.],
           [0., 0., 0.]])
    """
    return np.max(x, axis=axis, keepdims=keepdims, initial=initial, where=where)


@function_op(
    (np.min, np.amin),
    grads=[_extremum_grad],
    namespaces=NAMESPACES,
    aliases=("amin",),
    methods=("min",),
    domain=_DISTINCT,
    conformance=_EXTREMUM_CONFORMANCE,
)
def min(x, axis=None, out=None, keepdims=False, initial=_NoValue, where=True):
    """Minimum over the given axes (like :func:`numpy.min`; alias ``amin``).

    The gradient of each reduced slice goes to the first of its smallest
    elements only.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([3., -1., -1.])
    >>> mg.min(x).backward()
    >>> x.grad
    array([0., 1., 0.])
    """
    return np.min(x, axis=axis, keepdims=keepdims, initial=initial, where=where)


# ---------------------------------------------------------------------- prod
def _others_product(x, axes):
    """For every element, the product of the *other* elements of its reduced
    slice (exclusive products from both sides: exact at zeros, no division)."""
    rows, moved_shape = _to_slices(x, axes)
    if rows.shape[-1] == 0:
        return np.zeros(x.shape, dtype=x.dtype)
    ones = np.ones(rows.shape[:-1] + (1,), dtype=rows.dtype)
    left = np.cumprod(np.concatenate([ones, rows[..., :-1]], axis=-1), axis=-1)
    right = np.flip(np.cumprod(np.flip(np.concatenate([rows[..., 1:], ones], axis=-1), axis=-1), axis=-1), axis=-1)
    return _from_slices(left * right, moved_shape, axes)


def _prod_grad(g, out, x, axis=None, dtype=None, keepdims=False, initial=_NoValue, where=True):
    x = np.asarray(x)
    work = x if dtype is None else x.astype(np.result_type(x.dtype, dtype), copy=False)
    masked = not _unmasked(where)
    if masked:
        work = np.where(where, work, 1).astype(work.dtype, copy=False)
    others = _others_product(work, _axes(x.ndim, axis))
    if initial is not _NoValue:
        others = others * initial
    grad = _unreduce(g, x.shape, axis, keepdims) * others
    return np.where(where, grad, 0) if masked else grad


@function_op(
    np.prod,
    grads=[_prod_grad],
    namespaces=NAMESPACES,
    methods=("prod",),
    # small magnitudes: products of up to 64 elements stay finite in float16, and
    # finite differences of sums of very different products keep their precision
    domain=Domain(-1.1, 1.1),
    conformance=_CONFORMANCE,
)
def prod(x, axis=None, dtype=None, out=None, keepdims=False, initial=_NoValue, where=True):
    """Product of tensor elements over the given axes (like :func:`numpy.prod`).

    Exact at zeros: each element's gradient is the product of the other
    elements of its slice.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([2., 0., 3.])
    >>> mg.prod(x).backward()
    >>> x.grad
    array([0., 6., 0.])
    """
    return np.prod(x, axis=axis, dtype=dtype, keepdims=keepdims, initial=initial, where=where)


# ------------------------------------------------------------------- var/std
def _ddof(ddof, correction):
    return ddof if correction is _NoValue else correction


def _var_grad(g, out, x, axis=None, dtype=None, ddof=0, keepdims=False, *, where=True, mean=_NoValue,
              correction=_NoValue):
    x = np.asarray(x)
    axes = _axes(x.ndim, axis)
    masked = not _unmasked(where)
    m = np.mean(x, axis=axes, keepdims=True, where=where) if masked else np.mean(x, axis=axes, keepdims=True)
    n = _count(x.shape, axes, where if masked else True)
    grad = _unreduce(g, x.shape, axis, keepdims) * (2 * (x - m) / (n - _ddof(ddof, correction)))
    return np.where(where, grad, 0) if masked else grad


def _std_grad(g, out, x, axis=None, dtype=None, ddof=0, keepdims=False, *, where=True, mean=_NoValue,
              correction=_NoValue):
    x = np.asarray(x)
    var_grad = _var_grad(g, out, x, axis, dtype, ddof, keepdims, where=where, correction=correction)
    axes = _axes(x.ndim, axis)
    s = _keep(out, x.ndim, axes, keepdims)
    # d sqrt(v) = dv / (2 sqrt(v)); 0 for slices whose elements are all equal
    # (there, std is 0 up to rounding, and (x - mean) / std would be noise)
    hi = np.max(x, axis=axes, keepdims=True, initial=-np.inf, where=where)
    lo = np.min(x, axis=axes, keepdims=True, initial=np.inf, where=where)
    zero = (s == 0) | (hi == lo)
    return np.divide(var_grad, 2 * np.where(zero, 1, s), out=np.zeros(var_grad.shape, var_grad.dtype),
                     where=~zero)


def _var_kwargs(draw, shapes):
    """An axis, keepdims, and a ddof smaller than every slice's size."""
    from hypothesis import strategies as st

    kwargs = _reduction_kwargs(draw, shapes)
    shape = shapes[0]
    n = 1
    for a in _axes(len(shape), kwargs["axis"]):
        n *= shape[a]
    kwargs["ddof"] = draw(st.integers(0, 1)) if n > 1 else 0
    return kwargs


def _refuse_mean(name, mean):
    if mean is not _NoValue:
        raise TypeError(
            f"mygrad.{name}() does not support NumPy's `mean` argument (a precomputed mean); "
            f"call mygrad.{name}() without it"
        )


def _correction_kw(correction):
    return {} if correction is _NoValue else {"correction": correction}


@function_op(
    np.var,
    grads=[_var_grad],
    namespaces=NAMESPACES,
    methods=("var",),
    conformance={"kwargs": _var_kwargs},
)
def var(x, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True, mean=_NoValue,
        correction=_NoValue):
    """Variance over the given axes (like :func:`numpy.var`).

    ``ddof`` (or its Array-API spelling ``correction``) sets the divisor
    ``N - ddof``; NumPy's precomputed ``mean`` is not supported.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([1., 2., 3., 6.])
    >>> mg.var(x)
    Tensor(3.5)
    >>> x.var(ddof=1).backward()
    >>> x.grad
    array([-1.33333333, -0.66666667,  0.        ,  2.        ])
    """
    _refuse_mean("var", mean)
    return np.var(x, axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims, where=where, **_correction_kw(correction))


@function_op(
    np.std,
    grads=[_std_grad],
    namespaces=NAMESPACES,
    methods=("std",),
    # std has a kink where a slice's values coincide, so finite differences fail
    # for values closer than their step: keep out hypothesis's favourite
    # near-coincident values (0 and subnormals; the ends of the interval and
    # their neighbours; 1 - 1e-5 vs 1 and 2 + 1e-5 vs 2)
    domain=Domain(-5, 5, exclude=(-5, -2, -1, 0, 1, 2, 5), gap=0.25),
    conformance={"kwargs": _var_kwargs},
)
def std(x, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True, mean=_NoValue,
        correction=_NoValue):
    """Standard deviation over the given axes (like :func:`numpy.std`).

    The gradient is ``var``'s divided by ``2 * std``, and 0 for a slice whose
    elements are all equal (zero standard deviation).

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([1., 3.])
    >>> mg.std(x)
    Tensor(1.)
    >>> x.std().backward()
    >>> x.grad
    array([-0.5,  0.5])
    >>> y = mg.tensor([2., 2.])
    >>> y.std().backward()
    >>> y.grad
    array([0., 0.])
    """
    _refuse_mean("std", mean)
    return np.std(x, axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims, where=where, **_correction_kw(correction))


DECLARATIONS = [sum, mean, prod, var, std, max, min]
