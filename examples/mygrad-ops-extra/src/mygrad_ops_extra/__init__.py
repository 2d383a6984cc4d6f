"""mygrad-ops-extra: an example third-party op plugin.

* ``mygrad.softplus(x)``: log(1 + exp(x)), a differentiable op of its own;
* ``np.hypot(x, y)`` on tensors: a differentiable override of a NumPy ufunc.
"""

import numpy as np

from mygrad.plugin import Domain, function_op, hookimpl, ufunc_op

__version__ = "0.1.0"


def _softplus_grad(g, out, x):
    # d/dx log(1 + e^x) = e^x / (1 + e^x) = 1 - e^(-softplus(x))
    return -g * np.expm1(-out)


@function_op(grads=[_softplus_grad], reference=lambda x: np.logaddexp(0, x))
def softplus(x):
    """Softplus, ``log(1 + exp(x))``, computed stably.

    >>> import mygrad as mg
    >>> mg.softplus(mg.tensor([0.0]))
    Tensor([0.69314718])
    """
    return np.logaddexp(0, x)


hypot = ufunc_op(
    np.hypot,
    lambda g, out, x, y: g * x / out,
    lambda g, out, x, y: g * y / out,
    domain=Domain(-5, 5, exclude=(0,), gap=0.5),
)


@hookimpl
def mygrad_ops():
    return [softplus, hypot]
