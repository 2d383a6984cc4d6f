"""The ufunc methods ``reduce`` and ``accumulate`` of the differentiable binary
ufuncs: ``np.add.reduce(t)``, ``mg.maximum.accumulate(t, axis=1)``, ...

Each ufunc declaration names its methods (``ufunc_op(..., reduce=...,
accumulate=...)``); the functions here have the signatures of NumPy's methods
(note ``axis=0`` by default, not ``None``) plus ``constant=``:

* ``add``: ``reduce`` is :func:`~mygrad.sum`, ``accumulate`` is
  :func:`~mygrad.cumsum`; ``multiply``: :func:`~mygrad.prod` and
  :func:`~mygrad.cumprod` (exact at zeros);
* ``maximum``, ``minimum``, ``fmax``, ``fmin``: the gradient of every result
  goes to the *first* input element that equals it (C order over the reduced
  axes; along the axis for ``accumulate``), like ``mg.max``;
* ``logaddexp`` / ``logaddexp2``: ``reduce`` (its gradient is a softmax);
* ``subtract`` / ``divide``: ``reduce`` (one axis, as in NumPy).

``outer`` is generic (the core provides it for every binary ufunc); ``at``,
``reduceat`` and the other ``accumulate`` methods raise ``NotImplementedError``.
The forward passes are NumPy's own methods, so values, dtypes and errors are
NumPy's.
"""

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from mygrad.plugin import Domain, composite_op, function_op, reads, reduced_axes, unreduce

from mygrad_ops_math.reductions import prod, sum
from mygrad_ops_math.sequential import cumprod, cumsum

_NoValue = np._NoValue


# ----------------------------------------------------- conformance options
def _reduce_kwargs(draw, shapes):
    """An axis (None, an int or a tuple) and keepdims."""
    from hypothesis import strategies as st
    from hypothesis.extra.numpy import valid_tuple_axes

    ndim = len(shapes[0])
    ints = st.integers(-ndim, ndim - 1) if ndim else st.just(0)
    return {"axis": draw(st.none() | ints | valid_tuple_axes(ndim)), "keepdims": draw(st.booleans())}


def _one_axis_kwargs(draw, shapes):
    """One axis (None only for 0-d and 1-d input, like NumPy's non-reorderable
    reductions), keepdims, and sometimes an ``initial`` value."""
    from hypothesis import strategies as st

    ndim = len(shapes[0])
    axis = draw(st.integers(-ndim, ndim - 1) if ndim else st.just(0))
    if ndim <= 1 and draw(st.booleans()):
        axis = None
    kwargs = {"axis": axis, "keepdims": draw(st.booleans())}
    if draw(st.booleans()):
        kwargs["initial"] = draw(st.sampled_from([0.5, 1.5, -2.0]))
    return kwargs


def _accumulate_shapes(draw):
    from hypothesis.extra.numpy import array_shapes

    return (draw(array_shapes(min_dims=1, max_dims=3, max_side=4)),)


def _accumulate_kwargs(draw, shapes):
    from hypothesis import strategies as st

    ndim = len(shapes[0])
    return {"axis": draw(st.integers(-ndim, ndim - 1))}


_REDUCE = {"kwargs": _reduce_kwargs}
_ACCUMULATE = {"shapes": _accumulate_shapes, "kwargs": _accumulate_kwargs}
# extrema are not differentiable at ties: distinct values, well apart
_DISTINCT = Domain(-5, 5, unique=True, gap=0.05)


# ------------------------------------------------------------ add, multiply
def _add_reduce(array, axis=0, dtype=None, out=None, keepdims=False, initial=_NoValue, where=True, *,
                constant=None):
    """``add.reduce``: :func:`mygrad.sum` with NumPy's default ``axis=0``.

    Examples
    --------
    >>> import numpy as np, mygrad as mg
    >>> x = mg.tensor([[1., 2.], [3., 4.]])
    >>> np.add.reduce(x)
    Tensor([4., 6.])
    >>> mg.add.reduce(x, axis=None).backward()
    >>> x.grad
    array([[1., 1.],
           [1., 1.]])
    """
    return sum(array, axis=axis, dtype=dtype, out=out, keepdims=keepdims, initial=initial, where=where,
               constant=constant)


def _multiply_reduce(array, axis=0, dtype=None, out=None, keepdims=False, initial=_NoValue, where=True, *,
                     constant=None):
    """``multiply.reduce``: :func:`mygrad.prod` with NumPy's default ``axis=0``.

    Examples
    --------
    >>> import numpy as np, mygrad as mg
    >>> x = mg.tensor([2., 0., 3.])
    >>> np.multiply.reduce(x).backward()
    >>> x.grad
    array([0., 6., 0.])
    """
    return prod(array, axis=axis, dtype=dtype, out=out, keepdims=keepdims, initial=initial, where=where,
                constant=constant)


def _one_accumulate_axis(ufunc, array, axis):
    """The one axis ``ufunc.accumulate`` works along, checked like NumPy
    (a 0-d input, several axes or an axis out of bounds raise NumPy's errors)."""
    ndim = array.ndim if hasattr(array, "ndim") else np.ndim(array)
    ufunc.accumulate(np.zeros((1,) * ndim), axis=axis)  # (NumPy's checks, on a tiny stand-in)
    return 0 if axis is None else normalize_axis_tuple(axis, ndim)[0]


def _add_accumulate(array, axis=0, dtype=None, out=None, *, constant=None):
    """``add.accumulate``: :func:`mygrad.cumsum` along one axis (default 0).

    Examples
    --------
    >>> import numpy as np, mygrad as mg
    >>> x = mg.tensor([[1., 2.], [3., 4.]])
    >>> np.add.accumulate(x, axis=1)
    Tensor([[1., 3.],
            [3., 7.]])
    """
    axis = _one_accumulate_axis(np.add, array, axis)
    return cumsum(array, axis=axis, dtype=dtype, out=out, constant=constant)


def _multiply_accumulate(array, axis=0, dtype=None, out=None, *, constant=None):
    """``multiply.accumulate``: :func:`mygrad.cumprod` along one axis (default 0).

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([2., 0., 3.])
    >>> mg.multiply.accumulate(x).backward()
    >>> x.grad
    array([1., 8., 0.])
    """
    axis = _one_accumulate_axis(np.multiply, array, axis)
    return cumprod(array, axis=axis, dtype=dtype, out=out, constant=constant)


add_reduce = composite_op(_add_reduce, name="add_reduce", namespaces=(), reference=np.add.reduce,
                          conformance={"nin": 1, **_REDUCE})
multiply_reduce = composite_op(_multiply_reduce, name="multiply_reduce", namespaces=(),
                               reference=np.multiply.reduce, domain=Domain(-1.1, 1.1),
                               conformance={"nin": 1, **_REDUCE})
add_accumulate = composite_op(_add_accumulate, name="add_accumulate", namespaces=(),
                              reference=np.add.accumulate, conformance={"nin": 1, **_ACCUMULATE})
multiply_accumulate = composite_op(_multiply_accumulate, name="multiply_accumulate", namespaces=(),
                                   reference=np.multiply.accumulate, domain=Domain(-1.1, 1.1),
                                   conformance={"nin": 1, **_ACCUMULATE})


# ------------------------------------------------------------------ helpers
def _kept(o, ndim, axes, keepdims):
    """A reduction's result with the reduced axes as 1s (to broadcast against the input)."""
    o = np.asarray(o)
    return o if keepdims or not axes else np.expand_dims(o, axes)


def _worked(x, dtype):
    """The input as the reduction saw it (cast to ``dtype`` if one was given)."""
    x = np.asarray(x)
    return x if dtype is None else x.astype(dtype, copy=False)


def _masked(grad, where):
    return grad if where is True else np.where(where, grad, 0)


# ------------------------------------------------- maximum, minimum, fmax, fmin
def _first_hit_grad(g, out, x, axis=0, dtype=None, keepdims=False, initial=_NoValue, where=True):
    """Each reduced slice's gradient goes to its first element equal to the
    result (NaN matching a NaN result); nowhere if ``initial`` is the result."""
    xw = _worked(x, dtype)
    nd = xw.ndim
    axes = reduced_axes(nd, axis)
    o = _kept(out, nd, axes, keepdims)
    hit = (xw == o) | (np.isnan(xw) & np.isnan(o))
    if where is not True:
        hit = hit & np.asarray(where, dtype=bool)
    hit = np.broadcast_to(hit, xw.shape)
    k = len(axes)
    # the reduced axes last, merged: one row per slice, in C order
    moved = np.moveaxis(hit, axes, tuple(range(nd - k, nd)))
    rows = moved.reshape(moved.shape[: nd - k] + (-1,))
    first = np.zeros(rows.shape, dtype=bool)
    if rows.shape[-1]:
        np.put_along_axis(first, np.argmax(rows, axis=-1, keepdims=True), True, axis=-1)
        first &= rows
    first = np.moveaxis(first.reshape(moved.shape), tuple(range(nd - k, nd)), axes)
    return np.where(first, _kept(g, nd, axes, keepdims), 0)


@reads(out=True)  # the result and the input's shape
def _first_new_grad(g, out, x, axis=0, dtype=None):
    """``accumulate``: ``out[i]`` is the first element that reached the running
    extremum; it gets the gradient of every ``out[j]`` that it is, for ``j >= i``."""
    ax = 0 if axis is None else normalize_axis_tuple(axis, out.ndim)[0]
    o = np.moveaxis(out, ax, -1)
    n = o.shape[-1]
    rows = o.reshape(-1, n)
    # a new extremum where the running value changes (NaN equals NaN)
    same = (rows[:, 1:] == rows[:, :-1]) | (np.isnan(rows[:, 1:]) & np.isnan(rows[:, :-1]))
    start = np.concatenate([np.ones((rows.shape[0], 1), dtype=bool), ~same], axis=1)
    owner = np.maximum.accumulate(np.where(start, np.arange(n), 0), axis=1)
    owner += (np.arange(rows.shape[0]) * n)[:, None]
    grows = np.moveaxis(g, ax, -1).reshape(-1)
    summed = np.bincount(owner.reshape(-1), weights=grows, minlength=rows.size).astype(g.dtype, copy=False)
    return np.moveaxis(summed.reshape(o.shape), -1, ax)


def _extremum_methods(ufunc):
    """The ``reduce`` and ``accumulate`` ops of ``ufunc`` (an extremum ufunc)."""
    name = ufunc.__name__

    def reduce(x, axis=0, dtype=None, out=None, keepdims=False, initial=_NoValue, where=True):
        return ufunc.reduce(x, axis=axis, dtype=dtype, keepdims=keepdims, initial=initial, where=where)

    def accumulate(x, axis=0, dtype=None, out=None):
        return ufunc.accumulate(x, axis=axis, dtype=dtype)

    reduce.__doc__ = f"""``{name}.reduce`` (like :meth:`numpy.{name}.reduce`): the gradient of
    each reduced slice goes to its first element equal to the result."""
    accumulate.__doc__ = f"""``{name}.accumulate`` (like :meth:`numpy.{name}.accumulate`): the
    gradient of each running result goes to the first element that reached it."""
    red = function_op(grads=[_first_hit_grad], name=f"{name}_reduce", namespaces=(), reference=ufunc.reduce,
                      domain=_DISTINCT, conformance=_REDUCE)(reduce)
    acc = function_op(grads=[_first_new_grad], name=f"{name}_accumulate", namespaces=(),
                      reference=ufunc.accumulate, domain=_DISTINCT, conformance=_ACCUMULATE)(accumulate)
    return red, acc


maximum_reduce, maximum_accumulate = _extremum_methods(np.maximum)
minimum_reduce, minimum_accumulate = _extremum_methods(np.minimum)
fmax_reduce, fmax_accumulate = _extremum_methods(np.fmax)
fmin_reduce, fmin_accumulate = _extremum_methods(np.fmin)


# ------------------------------------------------------- logaddexp(2).reduce
def _softmax_weights(x, out, axis, dtype, keepdims, base2):
    xw = _worked(x, dtype)
    o = _kept(out, xw.ndim, reduced_axes(xw.ndim, axis), keepdims)
    with np.errstate(invalid="ignore"):
        w = np.exp2(xw - o) if base2 else np.exp(xw - o)
    # a slice of only -inf (log of 0) gets no gradient
    return np.where(o == -np.inf, 0, w), o


def _logaddexp_reduce_grad(g, out, x, axis=0, dtype=None, keepdims=False, initial=_NoValue, where=True):
    w, o = _softmax_weights(x, out, axis, dtype, keepdims, base2=False)
    return _masked(unreduce(g, np.shape(x), axis, keepdims) * w, where)


def _logaddexp2_reduce_grad(g, out, x, axis=0, dtype=None, keepdims=False, initial=_NoValue, where=True):
    w, o = _softmax_weights(x, out, axis, dtype, keepdims, base2=True)
    return _masked(unreduce(g, np.shape(x), axis, keepdims) * w, where)


@function_op(grads=[_logaddexp_reduce_grad], name="logaddexp_reduce", namespaces=(),
             reference=np.logaddexp.reduce, conformance=_REDUCE)
def logaddexp_reduce(x, axis=0, dtype=None, out=None, keepdims=False, initial=_NoValue, where=True):
    """``logaddexp.reduce`` (like :meth:`numpy.logaddexp.reduce`): ``log(sum(exp(x)))``
    over the axes; the gradient is the softmax of each slice.

    Examples
    --------
    >>> import numpy as np, mygrad as mg
    >>> x = mg.tensor([0., 0.])
    >>> np.logaddexp.reduce(x).backward()
    >>> x.grad
    array([0.5, 0.5])
    """
    return np.logaddexp.reduce(x, axis=axis, dtype=dtype, keepdims=keepdims, initial=initial, where=where)


@function_op(grads=[_logaddexp2_reduce_grad], name="logaddexp2_reduce", namespaces=(),
             reference=np.logaddexp2.reduce, conformance=_REDUCE)
def logaddexp2_reduce(x, axis=0, dtype=None, out=None, keepdims=False, initial=_NoValue, where=True):
    """``logaddexp2.reduce`` (like :meth:`numpy.logaddexp2.reduce`): ``log2(sum(2**x))``
    over the axes; the gradient is ``2**(x - result)``.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([1., 3.])
    >>> mg.logaddexp2.reduce(x)
    Tensor(3.32192809)
    """
    return np.logaddexp2.reduce(x, axis=axis, dtype=dtype, keepdims=keepdims, initial=initial, where=where)


# --------------------------------------------------------- subtract, divide
def _first_along(shape, axis, initial):
    """``(axis, index of the first element along it)`` for a one-axis reduction
    without ``initial`` (that element enters with the other sign); None if
    there is no such element."""
    if initial is not _NoValue:
        return None
    axes = reduced_axes(len(shape), axis)
    if not axes:
        return None
    index = [slice(None)] * len(shape)
    index[axes[0]] = slice(0, 1)
    return tuple(index)


@reads()  # the input's shape only
def _subtract_reduce_grad(g, out, x, axis=0, dtype=None, keepdims=False, initial=_NoValue, where=True):
    shape = np.shape(x)
    if len(shape) == 0:  # a 0-d input: the result is x (or initial - x)
        return g if initial is _NoValue else -g
    grad = -unreduce(g, shape, axis, keepdims)
    first = _first_along(shape, axis, initial)
    if first is not None:
        grad[first] = -grad[first]
    return _masked(grad, where)


def _divide_reduce_grad(g, out, x, axis=0, dtype=None, keepdims=False, initial=_NoValue, where=True):
    xw = _worked(x, dtype)
    if xw.ndim == 0 and initial is _NoValue:
        return g
    axes = reduced_axes(xw.ndim, axis)
    gk = _kept(g, xw.ndim, axes, keepdims)
    o = _kept(out, xw.ndim, axes, keepdims)
    # d(a / x)/dx = -(a / x) / x; the numerator's entries are replaced below, and a
    # zero divisor made the forward result infinite already (no second warning)
    with np.errstate(divide="ignore", invalid="ignore"):
        grad = np.broadcast_to(-gk * o / xw, xw.shape).copy()
    first = _first_along(xw.shape, axis, initial)
    if first is not None:
        # the numerator: 1 / (product of the others), exact where it is 0
        rest = list(first)
        rest[axes[0]] = slice(1, None)
        grad[first] = gk / np.prod(xw[tuple(rest)], axis=axes[0], keepdims=True)
    return _masked(grad, where)


_ONE_AXIS = {"kwargs": _one_axis_kwargs}


@function_op(grads=[_subtract_reduce_grad], name="subtract_reduce", namespaces=(),
             reference=np.subtract.reduce, conformance=_ONE_AXIS)
def subtract_reduce(x, axis=0, dtype=None, out=None, keepdims=False, initial=_NoValue, where=True):
    """``subtract.reduce`` (like :meth:`numpy.subtract.reduce`): ``x[0] - x[1] - ...``
    along one axis.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([10., 2., 3.])
    >>> mg.subtract.reduce(x)
    Tensor(5.)
    >>> mg.subtract.reduce(x).backward()
    >>> x.grad
    array([ 1., -1., -1.])
    """
    return np.subtract.reduce(x, axis=axis, dtype=dtype, keepdims=keepdims, initial=initial, where=where)


@function_op(grads=[_divide_reduce_grad], name="divide_reduce", namespaces=(), reference=np.divide.reduce,
             domain=Domain(-3, 3, exclude=(0,), gap=0.5), conformance=_ONE_AXIS)
def divide_reduce(x, axis=0, dtype=None, out=None, keepdims=False, initial=_NoValue, where=True):
    """``divide.reduce`` (like :meth:`numpy.divide.reduce`): ``x[0] / x[1] / ...``
    along one axis.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([0., 2., 4.])
    >>> mg.divide.reduce(x).backward()
    >>> x.grad
    array([ 0.125, -0.   , -0.   ])
    """
    return np.divide.reduce(x, axis=axis, dtype=dtype, keepdims=keepdims, initial=initial, where=where)


DECLARATIONS = [
    add_reduce, add_accumulate, multiply_reduce, multiply_accumulate,
    maximum_reduce, maximum_accumulate, minimum_reduce, minimum_accumulate,
    fmax_reduce, fmax_accumulate, fmin_reduce, fmin_accumulate,
    logaddexp_reduce, logaddexp2_reduce, subtract_reduce, divide_reduce,
]
