"""An elementwise op: ``np.ldexp`` made differentiable for tensors."""

import numpy as np

from mygrad.plugin import NONDIFF, Domain, ufunc_op

#: ldexp(x1, x2) = x1 * 2**x2 with an integer exponent x2: d/dx1 = 2**x2, and
#: x2 has no gradient (NONDIFF). One rule per input, ``rule(g, out, x1, x2)``;
#: the core sums broadcast axes away. ``np.ldexp(g, x2)`` is ``g * 2.0**x2``,
#: exactly and in g's dtype.
ldexp = ufunc_op(
    np.ldexp,
    lambda g, out, x1, x2: np.ldexp(g, x2),
    NONDIFF,
    # where the conformance check samples inputs: x1 any float, x2 small integers
    # (an integer Domain: drawn as integers, passed as a constant, never differentiated)
    domain=(Domain(-5, 5), Domain(-3, 3, dtype="int")),
    doc="""``x1 * 2**x2``, elementwise, for an integer exponent ``x2`` (like
    :func:`numpy.ldexp`); ``x1`` gets ``2**x2`` times the gradient, ``x2`` none.

    >>> import numpy as np, mygrad as mg
    >>> x = mg.tensor([1.5, -3.0])
    >>> y = np.ldexp(x, np.array([2, -1]))
    >>> y
    Tensor([ 6. , -1.5])
    >>> y.backward()
    >>> x.grad
    array([4. , 0.5])
    """,
)

DECLARATIONS = [ldexp]
