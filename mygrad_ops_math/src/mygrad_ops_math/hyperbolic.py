"""Hyperbolic functions: the ufuncs sinh, cosh, tanh, arcsinh, arccosh,
arctanh, and the functions coth, csch, sech, arccoth, arccsch.

Derivative conventions: ``arccosh`` at 1 and ``arctanh``/``arccoth`` at
``|x| == 1`` have infinite derivatives (NumPy warns about the division by
zero), like ``sqrt`` at 0.
"""

import numpy as np

from mygrad.plugin import Domain, function_op, ufunc_op

from mygrad_ops_math._common import NAMESPACES

#: |x| >= 1.1: the domain of arccoth, away from its poles
_OUTSIDE_UNIT = Domain(-5, 5, exclude=(0,), gap=1.1)
_NOT_ZERO = Domain(-3, 3, exclude=(0,), gap=0.2)

sinh = ufunc_op(np.sinh, lambda g, out, x: g * np.cosh(x), namespaces=NAMESPACES, domain=Domain(-3, 3))

cosh = ufunc_op(np.cosh, lambda g, out, x: g * np.sinh(x), namespaces=NAMESPACES, domain=Domain(-3, 3))

tanh = ufunc_op(np.tanh, lambda g, out, x: g * (1 - out * out), namespaces=NAMESPACES)

# 1 / sqrt(x**2 + 1), without overflow for large |x|
arcsinh = ufunc_op(np.arcsinh, lambda g, out, x: g / np.hypot(x, 1), namespaces=NAMESPACES)

arccosh = ufunc_op(
    np.arccosh,
    lambda g, out, x: g / np.sqrt((x - 1) * (x + 1)),
    namespaces=NAMESPACES,
    domain=Domain(1.1, 5),
)

arctanh = ufunc_op(
    np.arctanh,
    lambda g, out, x: g / ((1 - x) * (1 + x)),
    namespaces=NAMESPACES,
    domain=Domain(-0.9, 0.9),
)


# ------------------------------------------------- reciprocal hyperbolic
@function_op(
    grads=[lambda g, out, x: g * (1 - out * out)],  # -csch**2 = 1 - coth**2
    namespaces=NAMESPACES,
    reference=lambda x: np.cosh(x) / np.sinh(x),
    domain=_NOT_ZERO,
)
def coth(x):
    """Elementwise hyperbolic cotangent, ``1 / tanh(x)``.

    ``coth(x, *, constant=None)``.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([1.])
    >>> mg.coth(x)
    Tensor([1.31303529])
    >>> mg.coth(x).backward()
    >>> x.grad
    array([-0.72406166])
    """
    return 1 / np.tanh(x)


@function_op(
    grads=[lambda g, out, x: -g * out / np.tanh(x)],  # -csch * coth
    namespaces=NAMESPACES,
    reference=lambda x: np.reciprocal(np.sinh(x)),
    domain=_NOT_ZERO,
)
def csch(x):
    """Elementwise hyperbolic cosecant, ``1 / sinh(x)``.

    ``csch(x, *, constant=None)``.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([1.])
    >>> mg.csch(x)
    Tensor([0.85091813])
    >>> mg.csch(x).backward()
    >>> x.grad
    array([-1.11728553])
    """
    with np.errstate(over="ignore"):  # sinh overflows to inf for |x| > ~710: csch is 0 there
        return 1 / np.sinh(x)


@function_op(
    grads=[lambda g, out, x: -g * out * np.tanh(x)],  # -sech * tanh (finite for large |x|)
    namespaces=NAMESPACES,
    reference=lambda x: np.reciprocal(np.cosh(x)),
)
def sech(x):
    """Elementwise hyperbolic secant, ``1 / cosh(x)``.

    ``sech(x, *, constant=None)``.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([0., 1.])
    >>> mg.sech(x)
    Tensor([1.        , 0.64805427])
    >>> mg.sech(x).backward()
    >>> x.grad
    array([-0.        , -0.49355435])
    """
    with np.errstate(over="ignore"):  # cosh overflows to inf for |x| > ~710: sech is 0 there
        return 1 / np.cosh(x)


@function_op(
    grads=[lambda g, out, x: g / ((1 - x) * (1 + x))],
    namespaces=NAMESPACES,
    reference=lambda x: 0.5 * np.log((x + 1) / (x - 1)),
    domain=_OUTSIDE_UNIT,
)
def arccoth(x):
    """Elementwise inverse hyperbolic cotangent, ``arctanh(1 / x)`` (NaN for
    ``|x| < 1``).

    ``arccoth(x, *, constant=None)``: the derivative is ``1 / (1 - x**2)``.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([2.])
    >>> mg.arccoth(x)
    Tensor([0.54930614])
    >>> mg.arccoth(x).backward()
    >>> x.grad
    array([-0.33333333])
    """
    return np.arctanh(np.divide(1, x))


@function_op(
    grads=[lambda g, out, x: -g / (np.abs(x) * np.hypot(x, 1))],
    namespaces=NAMESPACES,
    reference=lambda x: np.arcsinh(np.reciprocal(x)),
    domain=_NOT_ZERO,
)
def arccsch(x):
    """Elementwise inverse hyperbolic cosecant, ``arcsinh(1 / x)``.

    ``arccsch(x, *, constant=None)``: the derivative is
    ``-1 / (|x| sqrt(1 + x**2))``.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([1.])
    >>> mg.arccsch(x)
    Tensor([0.88137359])
    >>> mg.arccsch(x).backward()
    >>> x.grad
    array([-0.70710678])
    """
    return np.arcsinh(np.divide(1, x))


DECLARATIONS = [sinh, cosh, tanh, arcsinh, arccosh, arctanh, coth, csch, sech, arccoth, arccsch]
