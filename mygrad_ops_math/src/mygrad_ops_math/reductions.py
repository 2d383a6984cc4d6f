"""Reductions: sum, mean, prod, var, std, max/amax and min/amin, with NumPy's
signatures.

``np.sum(t, ...)`` / ``t.sum(...)`` accept NumPy's arguments (``axis``,
``dtype``, ``keepdims``, ``initial``, ``where``, and ``ddof``/``correction``
for var/std, each where NumPy has it); ``out`` (in NumPy's position) is
handled by the core, so the forward functions never see it.

Derivative conventions:

* elements that ``where`` leaves out get zero gradient;
* ``max``/``min``: the gradient of each reduced slice goes to its *first*
  arg-max/arg-min only (C order over the reduced axes); ties get nothing else;
  a NaN result goes to the slice's first NaN; nothing if ``initial`` wins.
* ``prod``: exact at zeros -- each element gets the product of the other
  elements of its slice (so a lone zero gets the product of the rest, and a
  slice with two or more zeros gives zero gradient everywhere).
* ``std``: ``var``'s gradient divided by ``2 * std``; for a slice whose
  elements are all equal (``std`` is 0) the gradient is 0, not ``nan``.
"""

import numpy as np

from mygrad.plugin import Domain, function_op, reads, reduced_axes, unreduce

from mygrad_ops_math._common import NAMESPACES
from mygrad_ops_math._reducing import (
    count,
    data_of,
    extremum_grad,
    from_slices,
    keep,
    mask_of,
    reduction_kwargs,
    size_of,
    to_slices,
)

_NoValue = np._NoValue

_CONFORMANCE = {"kwargs": reduction_kwargs}

# max/min are not differentiable where a slice's extremum is tied: the
# conformance check samples arrays of distinct values
_DISTINCT = Domain(-5, 5, unique=True)


def _spread(grad, mask, n):
    """``grad / n`` where ``mask`` selects, 0 elsewhere (``n``: the per-slice
    counts, kept dims; slices that select nothing get 0, not ``nan``)."""
    scale = np.divide(1.0, n, out=np.zeros(np.shape(n)), where=n > 0).astype(grad.dtype)
    return np.where(mask, grad * scale, 0)


# ----------------------------------------------------------------- sum/mean
@reads()  # only the input's shape
def _sum_grad(g, out, x, axis=None, dtype=None, keepdims=False, initial=_NoValue, where=True):
    grad = unreduce(g, np.shape(x), axis, keepdims)
    mask = mask_of(where)
    return grad if mask is None else np.where(mask, grad, 0)


@function_op(np.sum, grads=[_sum_grad], namespaces=NAMESPACES, methods=("sum",), conformance=_CONFORMANCE)
def sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NoValue, where=True):
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
    return np.sum(a, axis=axis, dtype=dtype, keepdims=keepdims, initial=initial, where=data_of(where))


@reads()  # only the input's shape
def _mean_grad(g, out, x, axis=None, dtype=None, keepdims=False, where=True):
    shape = np.shape(x)
    axes = reduced_axes(len(shape), axis)
    grad = unreduce(g, shape, axis, keepdims)
    mask = mask_of(where)
    if mask is not None:
        return _spread(grad, mask, count(shape, axes, mask))
    n = size_of(shape, axes)
    return grad * (1.0 / n) if n else np.zeros(shape, grad.dtype)


@function_op(np.mean, grads=[_mean_grad], namespaces=NAMESPACES, methods=("mean",), conformance=_CONFORMANCE)
def mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    """Arithmetic mean over the given axes (like :func:`numpy.mean`).

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([1., 2., 3., 4.])
    >>> mg.mean(x).backward()
    >>> x.grad
    array([0.25, 0.25, 0.25, 0.25])
    """
    return np.mean(a, axis=axis, dtype=dtype, keepdims=keepdims, where=data_of(where))


# ------------------------------------------------------------------- max/min
def _extremum_grad(g, out, x, axis=None, keepdims=False, initial=_NoValue, where=True):
    return extremum_grad(g, out, x, axis, keepdims, where, nan_wins=True)


@function_op(
    (np.max, np.amax),
    grads=[_extremum_grad],
    namespaces=NAMESPACES,
    aliases=("amax",),
    methods=("max",),
    domain=_DISTINCT,
    conformance=_CONFORMANCE,
)
def max(a, axis=None, out=None, keepdims=False, initial=_NoValue, where=True):
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
    return np.max(a, axis=axis, keepdims=keepdims, initial=initial, where=data_of(where))


@function_op(
    (np.min, np.amin),
    grads=[_extremum_grad],
    namespaces=NAMESPACES,
    aliases=("amin",),
    methods=("min",),
    domain=_DISTINCT,
    conformance=_CONFORMANCE,
)
def min(a, axis=None, out=None, keepdims=False, initial=_NoValue, where=True):
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
    return np.min(a, axis=axis, keepdims=keepdims, initial=initial, where=data_of(where))


# ---------------------------------------------------------------------- prod
def _others_product(x, axes):
    """For every element, the product of the *other* elements of its reduced
    slice (exclusive products from both sides: exact at zeros, no division)."""
    rows, moved_shape = to_slices(x, axes)
    if rows.shape[-1] == 0:
        return np.zeros(x.shape, dtype=x.dtype)
    ones = np.ones(rows.shape[:-1] + (1,), dtype=rows.dtype)
    left = np.cumprod(np.concatenate([ones, rows[..., :-1]], axis=-1), axis=-1)
    right = np.flip(np.cumprod(np.flip(np.concatenate([rows[..., 1:], ones], axis=-1), axis=-1), axis=-1), axis=-1)
    return from_slices(left * right, moved_shape, axes)


def _prod_grad(g, out, x, axis=None, dtype=None, keepdims=False, initial=_NoValue, where=True):
    x = np.asarray(x)
    work = x.dtype if dtype is None else np.result_type(x.dtype, dtype)
    work = x.astype(np.float32 if work == np.float16 else work, copy=False)  # (float16's range is tiny)
    mask = mask_of(where)
    if mask is not None:
        work = np.where(mask, work, 1).astype(work.dtype, copy=False)
    others = _others_product(work, reduced_axes(x.ndim, axis))
    if initial is not _NoValue:
        others = others * initial
    grad = unreduce(g, x.shape, axis, keepdims) * others
    return grad if mask is None else np.where(mask, grad, 0)


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
def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NoValue, where=True):
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
    return np.prod(a, axis=axis, dtype=dtype, keepdims=keepdims, initial=initial, where=data_of(where))


# ------------------------------------------------------------------- var/std
def _working(x, dtype):
    """The input in the dtype the reduction computes in."""
    x = np.asarray(x)
    return x if dtype is None else x.astype(np.result_type(x.dtype, dtype), copy=False)


def _var_grad(g, out, x, axis=None, dtype=None, ddof=0, keepdims=False, *, where=True, mean=_NoValue,
              correction=_NoValue):
    x = _working(x, dtype)
    axes = reduced_axes(x.ndim, axis)
    mask = mask_of(where)
    n = size_of(x.shape, axes) if mask is None else count(x.shape, axes, mask)
    divisor = np.maximum(n - (ddof if correction is _NoValue else correction), 0)  # like NumPy's
    acc = np.float32 if x.dtype == np.float16 else None  # (like np.mean)
    with np.errstate(divide="ignore", invalid="ignore"):  # (no elements; ddof >= N: inf/nan, like var)
        m = np.sum(x, axis=axes, keepdims=True, dtype=acc, where=True if mask is None else mask) / n
        grad = unreduce(g, x.shape, axis, keepdims) * (2 * (x - m) / divisor)
    return grad if mask is None else np.where(mask, grad, 0)


def _std_grad(g, out, x, axis=None, dtype=None, ddof=0, keepdims=False, *, where=True, mean=_NoValue,
              correction=_NoValue):
    x = _working(x, dtype)
    var_grad = _var_grad(g, out, x, axis, None, ddof, keepdims, where=where, correction=correction)
    axes = reduced_axes(x.ndim, axis)
    s = keep(out, x.ndim, axes, keepdims)
    # d sqrt(v) = dv / (2 sqrt(v)); 0 for slices whose elements are all equal
    # (there, std is 0 up to rounding, and (x - mean) / std would be noise)
    mask = mask_of(where)
    mask = True if mask is None else mask
    hi = np.max(x, axis=axes, keepdims=True, initial=-np.inf, where=mask)
    lo = np.min(x, axis=axes, keepdims=True, initial=np.inf, where=mask)
    zero = (s == 0) | (hi == lo)
    return np.divide(var_grad, 2 * np.where(zero, 1, s), out=np.zeros(var_grad.shape, var_grad.dtype),
                     where=~zero)


def _var_kwargs(draw, shapes):
    """An axis, keepdims, and a ddof smaller than every slice's size."""
    from hypothesis import strategies as st

    kwargs = reduction_kwargs(draw, shapes)
    shape = shapes[0]
    n = size_of(shape, reduced_axes(len(shape), kwargs["axis"]))
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
def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True, mean=_NoValue,
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
    return np.var(a, axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims, where=data_of(where),
                  **_correction_kw(correction))


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
def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True, mean=_NoValue,
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
    return np.std(a, axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims, where=data_of(where),
                  **_correction_kw(correction))


DECLARATIONS = [sum, mean, prod, var, std, max, min]
