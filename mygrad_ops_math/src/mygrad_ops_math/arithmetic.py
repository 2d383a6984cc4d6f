"""Arithmetic: add, subtract, multiply, divide, negative, positive, power,
float_power, square, reciprocal, absolute (``abs``).

Gradient rules are ``rule(g, out, *inputs)``; the core un-broadcasts them.
``add``/``multiply`` have ``reduce`` and ``accumulate``, ``subtract``/``divide``
have ``reduce`` (see :mod:`mygrad_ops_math.ufunc_methods`).

Derivative conventions: ``power``/``float_power`` give ``0**0`` a zero
gradient for both inputs; ``absolute`` has derivative 0 at 0.
"""

import numpy as np

from mygrad.plugin import Domain, composite_op, ufunc_op

from mygrad_ops_math import ufunc_methods as _methods
from mygrad_ops_math._common import NAMESPACES

add = ufunc_op(
    np.add,
    lambda g, out, x, y: g,
    lambda g, out, x, y: g,
    namespaces=NAMESPACES,
    operators=("__add__", "__radd__", "__iadd__"),
    reduce=_methods.add_reduce,
    accumulate=_methods.add_accumulate,
)

subtract = ufunc_op(
    np.subtract,
    lambda g, out, x, y: g,
    lambda g, out, x, y: -g,
    namespaces=NAMESPACES,
    operators=("__sub__", "__rsub__", "__isub__"),
    reduce=_methods.subtract_reduce,
)

multiply = ufunc_op(
    np.multiply,
    lambda g, out, x, y: g * y,
    lambda g, out, x, y: g * x,
    namespaces=NAMESPACES,
    operators=("__mul__", "__rmul__", "__imul__"),
    reduce=_methods.multiply_reduce,
    accumulate=_methods.multiply_accumulate,
)

divide = ufunc_op(
    np.divide,
    lambda g, out, x, y: g / y,
    lambda g, out, x, y: -g * out / y,
    namespaces=NAMESPACES,
    aliases=("true_divide",),
    operators=("__truediv__", "__rtruediv__", "__itruediv__"),
    domain=(Domain(-5, 5), Domain(-5, 5, exclude=(0,), gap=0.5)),
    reduce=_methods.divide_reduce,
)

negative = ufunc_op(
    np.negative,
    lambda g, out, x: -g,
    namespaces=NAMESPACES,
    operators=("__neg__",),
)

positive = ufunc_op(
    np.positive,
    lambda g, out, x: g,
    namespaces=NAMESPACES,
    operators=("__pos__",),
)

square = ufunc_op(
    np.square,
    lambda g, out, x: g * 2 * x,
    namespaces=NAMESPACES,
)

# d(1/x)/dx = -1/x**2 = -out**2
reciprocal = ufunc_op(
    np.reciprocal,
    lambda g, out, x: -g * out * out,
    namespaces=NAMESPACES,
    domain=Domain(-5, 5, exclude=(0,), gap=0.5),
)


def _dpow_dbase(g, out, x, y):
    # y * x**(y - 1), with the exponent guarded where y == 0 (so 0**0 has gradient 0)
    return g * y * x ** np.where(y == 0, 1, y - 1)


def _dpow_dexp(g, out, x, y):
    # x**y * log(x), with the log guarded where x == 0 (so 0**0 has gradient 0)
    return g * out * np.log(np.where(x == 0, 1, x))


power = ufunc_op(
    np.power,
    _dpow_dbase,
    _dpow_dexp,
    namespaces=NAMESPACES,
    operators=("__rpow__", "__ipow__"),
    domain=(Domain(0.2, 3), Domain(-2, 2)),
)


def _dfpow_dbase(g, out, x, y):
    # like _dpow_dbase, computed in float_power's (at least float64) precision
    return g * y * np.float_power(x, np.where(y == 0, 1, y - 1))


float_power = ufunc_op(
    np.float_power,
    _dfpow_dbase,
    _dpow_dexp,
    namespaces=NAMESPACES,
    domain=power.domain,
    doc="""First array elements raised to powers from the second, computed in
    float64 or wider (like :func:`numpy.float_power`: float16 and float32
    inputs give float64 results).

    ``float_power(x1, x2, out=None, *, where=True, dtype=None, constant=None)``.
    The gradients are those of :func:`power`, with ``0**0`` getting 0 for both
    inputs.

    Examples
    --------
    >>> import numpy as np, mygrad as mg
    >>> x = mg.tensor(np.array([2., 3.], dtype=np.float32))
    >>> y = mg.float_power(x, 2)
    >>> y
    Tensor([4., 9.])
    >>> y.dtype
    dtype('float64')
    >>> y.backward()
    >>> x.grad
    array([4., 6.], dtype=float32)
    """,
)


def _tensor_pow(x, y, modulo=None):
    """``x ** y`` for a tensor ``x``: the common exponents 1 and 2 use the
    cheaper positive/square ops."""
    if modulo is not None:
        return NotImplemented
    if type(y) is int or (type(y) is float and x.dtype.kind == "f"):
        if y == 2:
            return square(x)
        if y == 1:
            return positive(x)
    return power(x, y)


tensor_pow = composite_op(
    _tensor_pow,
    name="tensor_pow",
    namespaces=(),
    operators=("__pow__",),
    reference=np.power,
    domain=power.domain,
    conformance={"nin": 2},
)


def _dabs(g, out, x, nan_to_num=True):
    if nan_to_num:
        # sign(0) == 0: the derivative at 0 is taken to be 0
        return g * np.sign(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        return g * (x / out)  # nan at 0


absolute = ufunc_op(
    np.absolute,
    _dabs,
    keywords={"nan_to_num": True},
    namespaces=NAMESPACES,
    aliases=("abs",),
    operators=("__abs__",),
    domain=Domain(-5, 5, exclude=(0,)),
    doc="""Elementwise absolute value (like :func:`numpy.absolute`; alias ``abs``,
    and ``abs(tensor)``).

    ``absolute(x, out=None, *, where=True, dtype=None, nan_to_num=True,
    constant=None)``: the derivative at 0 is 0, or ``nan`` with
    ``nan_to_num=False``.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([-2., 0., 3.])
    >>> abs(x)
    Tensor([2., 0., 3.])
    >>> mg.absolute(x).backward()
    >>> x.grad
    array([-1.,  0.,  1.])
    >>> mg.absolute(x, nan_to_num=False).backward()
    >>> x.grad
    array([-1., nan,  1.])
    """,
)

DECLARATIONS = [add, subtract, multiply, divide, negative, positive, square, reciprocal, power, float_power, tensor_pow,
                absolute]
