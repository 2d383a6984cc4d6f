"""A function with a keyword argument: ``softplus(x, beta=1.0)``."""

import numpy as np

from mygrad.plugin import function_op


def _softplus_grad(g, out, x, beta=1.0):
    # d/dx log(1 + e^(beta x)) / beta = sigmoid(beta x) = 1 - e^(-beta softplus)
    return -g * np.expm1(-beta * out)


def _reference(x, beta=1.0):
    return np.logaddexp(0, beta * x) / beta


@function_op(grads=[_softplus_grad], reference=_reference, conformance={"kwargs": {"beta": [1.0, 0.5, 2.0]}})
def softplus(x, beta=1.0):
    """Softplus, ``log(1 + exp(beta * x)) / beta``, computed stably.

    >>> import mygrad as mg
    >>> mg.softplus(mg.tensor([0.0]))
    Tensor([0.69314718])
    >>> x = mg.tensor([0.0, 2.0])
    >>> mg.softplus(x, beta=2.0).backward()
    >>> x.grad
    array([0.5       , 0.98201379])
    """
    return np.logaddexp(0, beta * x) / beta


DECLARATIONS = [softplus]
