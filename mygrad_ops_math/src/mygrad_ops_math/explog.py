"""Exponents, logarithms and roots: exp, log, sqrt."""

import numpy as np

from mygrad.plugin import Domain, ufunc_op

from mygrad_ops_math._common import NAMESPACES

exp = ufunc_op(np.exp, lambda g, out, x: g * out, namespaces=NAMESPACES, domain=Domain(-3, 3))

log = ufunc_op(np.log, lambda g, out, x: g / x, namespaces=NAMESPACES, domain=Domain(0.1, 10))

# at 0 the derivative is infinite (NumPy warns about the division by zero)
sqrt = ufunc_op(np.sqrt, lambda g, out, x: g / (2 * out), namespaces=NAMESPACES, domain=Domain(0.1, 10))

DECLARATIONS = [exp, log, sqrt]
