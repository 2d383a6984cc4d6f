"""Exponents, logarithms and roots: exp, exp2, expm1, log, log2, log10, log1p,
sqrt, cbrt, logaddexp, logaddexp2.

Derivative conventions: ``sqrt`` and ``cbrt`` have an infinite derivative at 0
(NumPy warns about the division by zero), like the reference.
``logaddexp``/``logaddexp2`` have ``reduce`` (see
:mod:`mygrad_ops_math.ufunc_methods`).

The rules use Python scalars only (``math.log(2)``, not ``np.log(2)``), so a
float16/float32 gradient is computed in its own precision (NEP 50).
"""

import math

import numpy as np

from mygrad.plugin import Domain, ufunc_op

from mygrad_ops_math import ufunc_methods as _methods
from mygrad_ops_math._common import NAMESPACES

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_POSITIVE = Domain(0.1, 10)

exp = ufunc_op(np.exp, lambda g, out, x: g * out, namespaces=NAMESPACES, domain=Domain(-3, 3))

exp2 = ufunc_op(np.exp2, lambda g, out, x: g * out * _LN2, namespaces=NAMESPACES, domain=Domain(-3, 3))

# d(e**x - 1)/dx = e**x = out + 1
expm1 = ufunc_op(np.expm1, lambda g, out, x: g * (out + 1), namespaces=NAMESPACES, domain=Domain(-3, 3))

log = ufunc_op(np.log, lambda g, out, x: g / x, namespaces=NAMESPACES, domain=_POSITIVE)

log2 = ufunc_op(np.log2, lambda g, out, x: g / (x * _LN2), namespaces=NAMESPACES, domain=_POSITIVE)

log10 = ufunc_op(np.log10, lambda g, out, x: g / (x * _LN10), namespaces=NAMESPACES, domain=_POSITIVE)

log1p = ufunc_op(np.log1p, lambda g, out, x: g / (1 + x), namespaces=NAMESPACES, domain=Domain(-0.9, 10))

# at 0 the derivative is infinite (NumPy warns about the division by zero)
sqrt = ufunc_op(np.sqrt, lambda g, out, x: g / (2 * out), namespaces=NAMESPACES, domain=_POSITIVE)

cbrt = ufunc_op(
    np.cbrt,
    lambda g, out, x: g / (3 * (out * out)),
    namespaces=NAMESPACES,
    domain=Domain(-8, 8, exclude=(0,), gap=0.2),
    doc="""Elementwise cube root (like :func:`numpy.cbrt`).

    ``cbrt(x, out=None, *, where=True, dtype=None, constant=None)``: defined
    for negative numbers too; the derivative ``1 / (3 cbrt(x)**2)`` is
    infinite at 0.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([-8., 1., 27.])
    >>> mg.cbrt(x)
    Tensor([-2.,  1.,  3.])
    >>> mg.cbrt(x).backward()
    >>> x.grad
    array([0.08333333, 0.33333333, 0.03703704])
    """,
)

# d/dx log(e**x + e**y) = e**(x - out): a softmax weight, never overflows
logaddexp = ufunc_op(
    np.logaddexp,
    lambda g, out, x, y: g * np.exp(x - out),
    lambda g, out, x, y: g * np.exp(y - out),
    namespaces=NAMESPACES,
    reduce=_methods.logaddexp_reduce,
)

logaddexp2 = ufunc_op(
    np.logaddexp2,
    lambda g, out, x, y: g * np.exp2(x - out),
    lambda g, out, x, y: g * np.exp2(y - out),
    namespaces=NAMESPACES,
    reduce=_methods.logaddexp2_reduce,
)

DECLARATIONS = [exp, exp2, expm1, log, log2, log10, log1p, sqrt, cbrt, logaddexp, logaddexp2]
