"""mygrad: drop-in reverse-mode automatic differentiation for NumPy.

>>> import numpy as np
>>> import mygrad as mg
>>> x = mg.tensor([1., 2., 3.])
>>> f = np.sum(x * x)
>>> f.backward()
>>> x.grad
array([2., 4., 6.])

The core (this package) holds the Tensor, the graph and backprop, views,
in-place operations, the memory guard and the plugin machinery. Op families
are plugins, discovered through the entry-point group ``mygrad``:
``mygrad-ops-math`` (arithmetic, ufuncs, reductions), ``mygrad-ops-linalg``
and ``mygrad-ops-nnet``. Their names appear here once loaded; list them with
``python -m mygrad plugins``.
"""

from mygrad._version import __version__
from mygrad import errors
from mygrad._core.modes import (
    mem_guard_active,
    mem_guard_off,
    mem_guard_on,
    no_autodiff,
    turn_memory_guarding_off,
    turn_memory_guarding_on,
)
from mygrad._core.tensor import Tensor
from mygrad.operation_base import Operation, execute_op
from mygrad._declarations.ufunc import Ufunc as ufunc
from mygrad.tensor_creation import (
    arange,
    asarray,
    astensor,
    empty,
    eye,
    full,
    geomspace,
    identity,
    linspace,
    logspace,
    ones,
    tensor,
    zeros,
)
from mygrad._dtypes import *  # noqa: F403  (dtype aliases and constants)
from mygrad._dtypes import __all__ as _dtype_names
from mygrad._io import load, save
from mygrad._plugins import dispatch as _dispatch  # noqa: F401  (NumPy's protocols on Tensor)
from mygrad._plugins.manager import MANAGER as _MANAGER
from mygrad._plugins.registry import namespace_getattr as _namespace_getattr
from mygrad import _core_plugin
# public submodules (MyGrad 2.x's paths) and the family modules the packs fill
from mygrad import (  # noqa: F401
    computational_graph,
    indexing_routines,
    linalg,
    math,
    nnet,
    no_grad_funcs,
    operation_base,
    plugin,
    plugins,
    random,
    tensor_base,
    tensor_creation,
    tensor_manip,
    typing,
    ufuncs,
)

__all__ = [
    "Tensor",
    "tensor",
    "astensor",
    "asarray",
    "empty",
    "ones",
    "zeros",
    "full",
    "eye",
    "identity",
    "arange",
    "linspace",
    "logspace",
    "geomspace",
    "execute_op",
    "Operation",
    "ufunc",
    "no_autodiff",
    "mem_guard_off",
    "mem_guard_on",
    "mem_guard_active",
    "turn_memory_guarding_off",
    "turn_memory_guarding_on",
    "errors",
    "random",
    "save",
    "load",
    *_dtype_names,
]

_MANAGER.register(_core_plugin, "mygrad", distribution="mygrad", version=__version__)
_MANAGER.load_entry_points()

__getattr__ = _namespace_getattr("mygrad")


def __dir__() -> list:
    return sorted(set(globals()) | set(__all__))
