"""Elementwise extrema: maximum, minimum, fmax, fmin (ufuncs) and clip.

Derivative conventions:

* ``maximum(x1, x2)`` / ``minimum(x1, x2)``: the gradient goes to the input
  that is strictly larger/smaller; where ``x1 == x2`` it is split evenly
  (half to each: the symmetric subgradient, what central finite differences
  give). MyGrad 2.x gives 0 to both there, so a tie blocked
  backprop entirely.
* ``fmax(x1, x2)`` / ``fmin(x1, x2)``: NaN-ignoring like NumPy's: where one
  input is NaN the result is the other input, which gets the whole gradient;
  otherwise like ``maximum``/``minimum`` (ties split evenly); where both are
  NaN neither gets any.
* Their ``reduce``/``accumulate`` methods route each result's gradient to the
  *first* element equal to it (see :mod:`mygrad_ops_math.ufunc_methods`).
* ``clip(a, a_min, a_max)`` is ``minimum(a_max, maximum(a_min, a))``: ``a``
  gets the gradient strictly inside the bounds, a bound gets it where it is the
  result, and exactly at a bound each gets half.
"""

import numpy as np

from mygrad.plugin import Domain, composite_op, ufunc_op

from mygrad_ops_math import ufunc_methods as _methods
from mygrad_ops_math._common import NAMESPACES
from mygrad_ops_math.arithmetic import positive

_NoValue = np._NoValue


def _route(g, wins, ties):
    """``g`` where ``wins``, half of it at ``ties``, 0 elsewhere (in ``g``'s
    dtype: a float16/float32 gradient stays in its precision)."""
    return np.where(wins, g, np.where(ties, g * 0.5, 0))


def _max_grad(g, x, y):
    """The part of the gradient of ``maximum(x, y)`` that goes to ``x``: all of
    it where ``x > y``, half at ties, none elsewhere."""
    return _route(g, x > y, x == y)


def _fmax_grad(g, x, y, gt):
    """The part of the gradient of ``fmax(x, y)`` (``gt=True``) or ``fmin(x, y)``
    (``gt=False``) that goes to ``x``: all of it where ``x`` wins or ``y``
    alone is NaN, half at ties, none elsewhere."""
    wins = (x > y) if gt else (x < y)
    return _route(g, wins | (np.isnan(y) & ~np.isnan(x)), x == y)


# The conformance check samples each input from its own domain; these keep
# the inputs apart (no ties, where the derivative does not exist) while both
# orders still occur: x1 in [-3, 3] but never near -1, x2 near -1.


_APART = (Domain(-3, 3, exclude=(-1,), gap=0.3), Domain(-1.25, -0.75))

maximum = ufunc_op(
    np.maximum,
    lambda g, out, x, y: _max_grad(g, x, y),
    lambda g, out, x, y: _max_grad(g, y, x),
    namespaces=NAMESPACES,
    domain=_APART,
    reduce=_methods.maximum_reduce,
    accumulate=_methods.maximum_accumulate,
    doc="""Elementwise maximum of two tensors (like :func:`numpy.maximum`).

    Where ``x1 == x2`` each input gets half of the gradient (a NaN input
    propagates to the result, and neither input gets a gradient there).

    Examples
    --------
    >>> import mygrad as mg
    >>> x, y = mg.tensor([1., 5., 3.]), mg.tensor([2., 4., 3.])
    >>> mg.maximum(x, y).backward()
    >>> x.grad, y.grad
    (array([0. , 1. , 0.5]), array([1. , 0. , 0.5]))
    """,
)

minimum = ufunc_op(
    np.minimum,
    lambda g, out, x, y: _max_grad(g, y, x),
    lambda g, out, x, y: _max_grad(g, x, y),
    namespaces=NAMESPACES,
    domain=_APART,
    reduce=_methods.minimum_reduce,
    accumulate=_methods.minimum_accumulate,
    doc="""Elementwise minimum of two tensors (like :func:`numpy.minimum`).

    Where ``x1 == x2`` each input gets half of the gradient (a NaN input
    propagates to the result, and neither input gets a gradient there).

    Examples
    --------
    >>> import mygrad as mg
    >>> x, y = mg.tensor([1., 5., 3.]), mg.tensor([2., 4., 3.])
    >>> mg.minimum(x, y).backward()
    >>> x.grad, y.grad
    (array([1. , 0. , 0.5]), array([0. , 1. , 0.5]))
    """,
)

fmax = ufunc_op(
    np.fmax,
    lambda g, out, x, y: _fmax_grad(g, x, y, True),
    lambda g, out, x, y: _fmax_grad(g, y, x, True),
    namespaces=NAMESPACES,
    domain=_APART,
    reduce=_methods.fmax_reduce,
    accumulate=_methods.fmax_accumulate,
    doc="""Elementwise maximum ignoring NaNs (like :func:`numpy.fmax`).

    Where one input is NaN the result is the other, which gets the gradient;
    where ``x1 == x2`` each input gets half of it.

    Examples
    --------
    >>> import numpy as np, mygrad as mg
    >>> x, y = mg.tensor([1., np.nan, 3.]), mg.tensor([2., 4., 3.])
    >>> mg.fmax(x, y)
    Tensor([2., 4., 3.])
    >>> mg.fmax(x, y).backward()
    >>> x.grad, y.grad
    (array([0. , 0. , 0.5]), array([1. , 1. , 0.5]))
    """,
)

fmin = ufunc_op(
    np.fmin,
    lambda g, out, x, y: _fmax_grad(g, x, y, False),
    lambda g, out, x, y: _fmax_grad(g, y, x, False),
    namespaces=NAMESPACES,
    domain=_APART,
    reduce=_methods.fmin_reduce,
    accumulate=_methods.fmin_accumulate,
    doc="""Elementwise minimum ignoring NaNs (like :func:`numpy.fmin`).

    Where one input is NaN the result is the other, which gets the gradient;
    where ``x1 == x2`` each input gets half of it.

    Examples
    --------
    >>> import numpy as np, mygrad as mg
    >>> x, y = mg.tensor([1., np.nan, 3.]), mg.tensor([2., 4., 3.])
    >>> mg.fmin(x, y)
    Tensor([1., 4., 3.])
    >>> mg.fmin(x, y).backward()
    >>> x.grad, y.grad
    (array([1. , 0. , 0.5]), array([0. , 1. , 0.5]))
    """,
)


def _clip(a, a_min=_NoValue, a_max=_NoValue, out=None, *, min=_NoValue, max=_NoValue, constant=None, **kwargs):
    """Limit the values of a tensor to ``[a_min, a_max]`` (like :func:`numpy.clip`).

    Computed as ``minimum(a_max, maximum(a_min, a))``: ``a`` gets the gradient
    strictly between the bounds, and a bound (which may be a tensor) where it
    is the result; exactly at a bound each gets half. Either bound may be
    ``None``; with both ``None`` the result is a copy of ``a``. ``min`` and
    ``max`` are NumPy's keyword spellings of the bounds; other keyword
    arguments (``where``, ``dtype``, ``casting``, ...) go to the ufuncs.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([-2., 0., 0.5, 1., 3.])
    >>> y = mg.clip(x, 0, 1)
    >>> y
    Tensor([0. , 0. , 0.5, 1. , 1. ])
    >>> y.backward()
    >>> x.grad
    array([0. , 0.5, 1. , 0.5, 0. ])
    >>> x.clip(None, 1)
    Tensor([-2. ,  0. ,  0.5,  1. ,  1. ])
    """
    if a_min is _NoValue and a_max is _NoValue:
        a_min = None if min is _NoValue else min
        a_max = None if max is _NoValue else max
    elif a_min is _NoValue:
        raise TypeError("clip() missing 1 required positional argument: 'a_min'")
    elif a_max is _NoValue:
        raise TypeError("clip() missing 1 required positional argument: 'a_max'")
    elif min is not _NoValue or max is not _NoValue:
        raise ValueError("Passing `min` or `max` keyword argument when `a_min` and `a_max` are provided is forbidden.")
    if a_min is None and a_max is None:
        return positive(a, out=out, constant=constant, **kwargs)
    if a_max is None:
        return maximum(a_min, a, out=out, constant=constant, **kwargs)
    if a_min is None:
        return minimum(a_max, a, out=out, constant=constant, **kwargs)
    # `where` applies to the result only (the inner op then needs no `out`)
    inner = {k: v for k, v in kwargs.items() if k != "where"}
    return minimum(a_max, maximum(a_min, a, **inner), out=out, constant=constant, **kwargs)


clip = composite_op(
    _clip,
    name="clip",
    namespaces=NAMESPACES,
    numpy=np.clip,
    methods=("clip",),
    # a never near the bounds (no ties); a_min < a_max; values below, between and above
    domain=(Domain(-3, 3, exclude=(-1, 1), gap=0.3), Domain(-1.25, -0.75), Domain(0.75, 1.25)),
    conformance={"nin": 3},
)

DECLARATIONS = [maximum, minimum, fmax, fmin, clip]
