"""``mygrad.no_grad_funcs``: NumPy functions that work on tensors without being
differentiated (they return NumPy arrays): the pass-through functions, the
boolean-only ufuncs and the constant-only ufuncs. They are also available at
the top level of ``mygrad``.

>>> import mygrad as mg
>>> from mygrad.no_grad_funcs import isnan
>>> isnan(mg.tensor([1.0, float("nan")]))
array([False,  True])
"""

from mygrad._core_plugin import BOOL_UFUNCS, CONSTANT_UFUNCS, PASSTHROUGH

import numpy as _np

__all__ = [f.__name__ for f in (*PASSTHROUGH, *BOOL_UFUNCS, *CONSTANT_UFUNCS)] + ["mod", "copyto"]

globals().update({f.__name__: f for f in (*PASSTHROUGH, *BOOL_UFUNCS, *CONSTANT_UFUNCS)})
mod = globals()["remainder"]  # NumPy's alias
#: NumPy's; on a tensor destination it dispatches to mygrad's recorded assignment
copyto = _np.copyto
