"""Trigonometric functions: the ufuncs sin, cos, tan, arcsin, arccos, arctan,
arctan2, and the functions cot, csc, sec, arccot, arccsc, arcsec.

Derivative conventions at singular points:

* ``arcsin``/``arccos`` and ``arccsc``/``arcsec``: the gradient is 0 where
  ``|x| == 1`` (the derivative is infinite there);
* ``arctan2(x1, x2)``: the gradient is 0 at the origin ``x1 == x2 == 0``;
* ``arccot(x)`` is ``arctan(1 / x)`` with ``arccot(0) = pi / 2`` (the
  reference's convention: values in ``(-pi/2, pi/2]``); its derivative is
  ``-1 / (1 + x**2)`` everywhere.
"""

import math

import numpy as np

from mygrad.plugin import Domain, function_op, ufunc_op

from mygrad_ops_math._common import NAMESPACES


def _over(num, den):
    """``num / den``, and 0 where ``den == 0`` (without a warning)."""
    shape = np.broadcast_shapes(np.shape(num), np.shape(den))
    out = np.zeros(shape, dtype=np.result_type(num, den))
    return np.divide(num, den, out=out, where=np.asarray(den) != 0)


def _root_one_minus_square(x):
    """``sqrt(1 - x**2)``, accurate near ``|x| == 1``."""
    return np.sqrt((1 - x) * (1 + x))


def _root_square_minus_one(x):
    """``sqrt(x**2 - 1)``, accurate near ``|x| == 1``."""
    return np.sqrt((x - 1) * (x + 1))


_UNIT = Domain(-0.9, 0.9)
#: away from the poles of cot/csc (0) within [-3, 3]
_NOT_ZERO = Domain(-3, 3, exclude=(0,), gap=0.2)

sin = ufunc_op(np.sin, lambda g, out, x: g * np.cos(x), namespaces=NAMESPACES)

cos = ufunc_op(np.cos, lambda g, out, x: -g * np.sin(x), namespaces=NAMESPACES)

# d tan(x)/dx = 1 + tan(x)**2
tan = ufunc_op(np.tan, lambda g, out, x: g * (1 + out * out), namespaces=NAMESPACES, domain=Domain(-1.3, 1.3))

arcsin = ufunc_op(
    np.arcsin,
    lambda g, out, x: _over(g, _root_one_minus_square(x)),
    namespaces=NAMESPACES,
    domain=_UNIT,
    doc="""Elementwise inverse sine (like :func:`numpy.arcsin`).

    ``arcsin(x, out=None, *, where=True, dtype=None, constant=None)``: the
    gradient is 0 where ``|x| == 1`` (the derivative is infinite there).

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([0., 0.6, 1.])
    >>> mg.arcsin(x).backward()
    >>> x.grad
    array([1.  , 1.25, 0.  ])
    """,
)

arccos = ufunc_op(
    np.arccos,
    lambda g, out, x: _over(-g, _root_one_minus_square(x)),
    namespaces=NAMESPACES,
    domain=_UNIT,
    doc="""Elementwise inverse cosine (like :func:`numpy.arccos`).

    ``arccos(x, out=None, *, where=True, dtype=None, constant=None)``: the
    gradient is 0 where ``|x| == 1`` (the derivative is infinite there).

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([-1., 0., 0.6])
    >>> mg.arccos(x).backward()
    >>> x.grad
    array([ 0.  , -1.  , -1.25])
    """,
)

arctan = ufunc_op(np.arctan, lambda g, out, x: g / (1 + x * x), namespaces=NAMESPACES)


def _hypot_squared(x1, x2):
    r = np.hypot(x1, x2)
    return r * r


arctan2 = ufunc_op(
    np.arctan2,
    lambda g, out, x1, x2: _over(g * x2, _hypot_squared(x1, x2)),
    lambda g, out, x1, x2: _over(-g * x1, _hypot_squared(x1, x2)),
    namespaces=NAMESPACES,
    # off the branch cut (x1 == 0, x2 < 0) and the origin
    domain=(Domain(-5, 5, exclude=(0,), gap=0.2), Domain(-5, 5)),
    doc="""Elementwise arc tangent of ``x1 / x2`` in the correct quadrant (like
    :func:`numpy.arctan2`).

    ``arctan2(x1, x2, out=None, *, where=True, dtype=None, constant=None)``:
    the gradients are ``x2 / r**2`` and ``-x1 / r**2`` with ``r = hypot(x1, x2)``,
    and 0 at the origin.

    Examples
    --------
    >>> import mygrad as mg
    >>> y, x = mg.tensor([1., 0.]), mg.tensor([1., 0.])
    >>> mg.arctan2(y, x).backward()
    >>> y.grad, x.grad
    (array([0.5, 0. ]), array([-0.5,  0. ]))
    """,
)


# ------------------------------------------------ reciprocal trigonometric
@function_op(
    grads=[lambda g, out, x: -g * (1 + out * out)],  # -csc**2 = -(1 + cot**2)
    namespaces=NAMESPACES,
    reference=lambda x: np.cos(x) / np.sin(x),
    domain=_NOT_ZERO,
)
def cot(x):
    """Elementwise cotangent, ``1 / tan(x)``.

    ``cot(x, *, constant=None)``.

    Examples
    --------
    >>> import numpy as np, mygrad as mg
    >>> x = mg.tensor([np.pi / 4, np.pi / 2])
    >>> mg.cot(x)
    Tensor([1.000000e+00, 6.123234e-17])
    >>> mg.cot(x).backward()
    >>> x.grad
    array([-2., -1.])
    """
    return 1 / np.tan(x)


@function_op(
    grads=[lambda g, out, x: -g * out / np.tan(x)],  # -csc * cot
    namespaces=NAMESPACES,
    reference=lambda x: np.reciprocal(np.sin(x)),
    domain=_NOT_ZERO,
)
def csc(x):
    """Elementwise cosecant, ``1 / sin(x)``.

    ``csc(x, *, constant=None)``.

    Examples
    --------
    >>> import numpy as np, mygrad as mg
    >>> x = mg.tensor([np.pi / 2])
    >>> mg.csc(x)
    Tensor([1.])
    >>> mg.csc(x).backward()
    >>> np.round(x.grad, 12)
    array([-0.])
    """
    return 1 / np.sin(x)


@function_op(
    grads=[lambda g, out, x: g * out * np.tan(x)],  # sec * tan
    namespaces=NAMESPACES,
    reference=lambda x: np.reciprocal(np.cos(x)),
    domain=Domain(-3, 3, exclude=(-math.pi / 2, math.pi / 2), gap=0.2),
)
def sec(x):
    """Elementwise secant, ``1 / cos(x)``.

    ``sec(x, *, constant=None)``.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([0.])
    >>> mg.sec(x)
    Tensor([1.])
    >>> mg.sec(x).backward()
    >>> x.grad
    array([0.])
    """
    return 1 / np.cos(x)


@function_op(
    grads=[lambda g, out, x: -g / (1 + x * x)],
    namespaces=NAMESPACES,
    reference=lambda x: np.arctan(np.reciprocal(x)),
    domain=Domain(-5, 5, exclude=(0,), gap=0.2),  # (it jumps at 0)
)
def arccot(x):
    """Elementwise inverse cotangent, ``arctan(1 / x)``, with ``arccot(0) = pi / 2``.

    ``arccot(x, *, constant=None)``: values in ``(-pi/2, pi/2]`` (the
    reference's convention); the derivative is ``-1 / (1 + x**2)``.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([-1., 0., 1.])
    >>> mg.arccot(x)
    Tensor([-0.78539816,  1.57079633,  0.78539816])
    >>> mg.arccot(x).backward()
    >>> x.grad
    array([-0.5, -1. , -0.5])
    """
    with np.errstate(divide="ignore"):
        return np.where(np.equal(x, 0), np.pi / 2, np.arctan(np.divide(1, x)))


@function_op(
    grads=[lambda g, out, x: _over(-g, np.abs(x) * _root_square_minus_one(x))],
    namespaces=NAMESPACES,
    reference=lambda x: np.arcsin(np.reciprocal(x)),
    domain=Domain(-5, 5, exclude=(0,), gap=1.1),  # |x| >= 1.1
)
def arccsc(x):
    """Elementwise inverse cosecant, ``arcsin(1 / x)`` (NaN for ``|x| < 1``).

    ``arccsc(x, *, constant=None)``: the gradient is
    ``-1 / (|x| sqrt(x**2 - 1))``, and 0 where ``|x| == 1``.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([1., 2.])
    >>> mg.arccsc(x)
    Tensor([1.57079633, 0.52359878])
    >>> mg.arccsc(x).backward()
    >>> x.grad
    array([ 0.        , -0.28867513])
    """
    return np.arcsin(np.divide(1, x))


@function_op(
    grads=[lambda g, out, x: _over(g, np.abs(x) * _root_square_minus_one(x))],
    namespaces=NAMESPACES,
    reference=lambda x: np.arccos(np.reciprocal(x)),
    domain=Domain(-5, 5, exclude=(0,), gap=1.1),  # |x| >= 1.1
)
def arcsec(x):
    """Elementwise inverse secant, ``arccos(1 / x)`` (NaN for ``|x| < 1``).

    ``arcsec(x, *, constant=None)``: the gradient is
    ``1 / (|x| sqrt(x**2 - 1))``, and 0 where ``|x| == 1``.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([-1., 2.])
    >>> mg.arcsec(x)
    Tensor([3.14159265, 1.04719755])
    >>> mg.arcsec(x).backward()
    >>> x.grad
    array([0.        , 0.28867513])
    """
    return np.arccos(np.divide(1, x))


DECLARATIONS = [sin, cos, tan, arcsin, arccos, arctan, arctan2, cot, csc, sec, arccot, arccsc, arcsec]
