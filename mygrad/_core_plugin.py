"""The core's own plugin: mygrad registers its ops through the same
``mygrad_ops`` hook as every pack (dogfooding).

It provides NumPy's non-differentiable tables (spec section 2.11): pass-through
functions, boolean-only ufuncs and constant-only ufuncs, all re-exported at the
top level of ``mygrad``.
"""

from __future__ import annotations

import numpy as np

from mygrad._declarations import bool_only, constant_only, export, passthrough
from mygrad._plugins.manager import hookimpl

PASSTHROUGH = (
    np.allclose, np.bincount, np.can_cast, np.copyto, np.isclose, np.may_share_memory,
    np.min_scalar_type, np.result_type, np.shares_memory, np.shape,
)
BOOL_UFUNCS = (
    np.isnan, np.isfinite, np.isinf, np.isnat, np.signbit, np.logical_not, np.logical_and,
    np.logical_or, np.logical_xor, np.greater, np.greater_equal, np.less, np.less_equal,
    np.equal, np.not_equal,
)
CONSTANT_UFUNCS = (
    np.floor_divide, np.remainder, np.fmod, np.divmod, np.rint, np.sign, np.floor, np.ceil, np.trunc,
)


@hookimpl
def mygrad_ops():
    return [
        passthrough(*PASSTHROUGH, export=True),
        bool_only(*BOOL_UFUNCS, export=True),
        constant_only(*CONSTANT_UFUNCS, export=True),
        export("mod", np.mod),
    ]
