"""The core's own plugin: mygrad registers its ops through the same
``mygrad_ops`` hook as every pack (dogfooding).

It provides indexing and the view/shape ops the view machinery needs, and
NumPy's non-differentiable tables (MyGrad 2.x's set, and more): pass-through
functions, boolean-only ufuncs and constant-only ufuncs, all re-exported at the
top level of ``mygrad``.
"""

from __future__ import annotations

import numpy as np

from mygrad import tensor_creation as tc
from mygrad._core_ops import indexing, shaping, transposing
from mygrad._declarations.kinds import Composite, bool_only, constant_only, export, passthrough
from mygrad._plugins.hookspecs import hookimpl

PASSTHROUGH = (
    np.allclose, np.bincount, np.can_cast, np.isclose, np.may_share_memory,
    np.min_scalar_type, np.result_type, np.shares_memory, np.shape,
)
BOOL_UFUNCS = (
    np.isnan, np.isfinite, np.isinf, np.isnat, np.signbit, np.logical_not, np.logical_and,
    np.logical_or, np.logical_xor, np.greater, np.greater_equal, np.less, np.less_equal,
    np.equal, np.not_equal,
)
CONSTANT_UFUNCS = (
    np.floor_divide, np.remainder, np.fmod, np.divmod, np.rint, np.sign, np.floor, np.ceil, np.trunc,
    np.bitwise_and, np.bitwise_or, np.bitwise_xor, np.invert, np.left_shift, np.right_shift,
)


@hookimpl
def mygrad_ops():
    return [
        passthrough(*PASSTHROUGH, export=True),
        bool_only(*BOOL_UFUNCS, export=True),
        constant_only(*CONSTANT_UFUNCS, export=True),
        export("mod", np.mod),
        *(
            Composite(f, namespaces=("mygrad", "mygrad.tensor_creation"),
                      conformance={"skip": "creation: tested by the core's own tests"})
            for f in (tc.empty_like, tc.ones_like, tc.zeros_like, tc.full_like)
        ),
        *(
            Composite(f, namespaces=(), numpy=getattr(np, f.__name__[len("numpy_"):]),
                      conformance={"skip": "creation: tested by the core's own tests"})
            for f in (tc.numpy_empty_like, tc.numpy_ones_like, tc.numpy_zeros_like, tc.numpy_full_like)
        ),
        *indexing.DECLARATIONS,
        *shaping.DECLARATIONS,
        *transposing.DECLARATIONS,
    ]
