"""An elementwise op: ``np.hypot`` made differentiable for tensors."""

import numpy as np

from mygrad.plugin import Domain, ufunc_op

#: d hypot / dx = x / hypot, d hypot / dy = y / hypot (one rule per input,
#: ``rule(g, out, x, y)``; the core sums broadcast axes away)
hypot = ufunc_op(
    np.hypot,
    lambda g, out, x, y: g * x / out,
    lambda g, out, x, y: g * y / out,
    domain=Domain(-5, 5, exclude=(0,), gap=0.5),  # (not differentiable at the origin)
)

DECLARATIONS = [hypot]
