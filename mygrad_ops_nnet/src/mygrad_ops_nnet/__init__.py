"""mygrad-ops-nnet: neural-network ops for mygrad (``mygrad.nnet``).

Layers (``conv_nd``, ``max_pool``, ``avg_pool``, ``batchnorm``, ``dropout``,
``gru``, and ``sliding_window_view``) live in :mod:`mygrad_ops_nnet.layers`;
activations, losses, initializers and optimizers in their own modules. Every
module listed in :data:`MODULES` holds a ``DECLARATIONS`` list; the
``mygrad_ops`` hook returns them all.
"""

import importlib

from mygrad.plugin import hookimpl

from mygrad_ops_nnet._version import __version__  # noqa: F401  (one place: pyproject reads it too)
from mygrad_ops_nnet.layers import MODULES as _LAYER_MODULES

#: the modules whose ``DECLARATIONS`` this pack registers (imported by the
#: hook, i.e. when mygrad first needs the pack, not when this package is imported)
MODULES = (
    *(f"mygrad_ops_nnet.layers.{name}" for name in _LAYER_MODULES),
    "mygrad_ops_nnet.activations",
    "mygrad_ops_nnet.losses",
    "mygrad_ops_nnet.elementwise_losses",
    "mygrad_ops_nnet.initializers",
    "mygrad_ops_nnet.optim",
)


@hookimpl
def mygrad_ops():
    """All of this pack's op declarations."""
    return [decl for name in MODULES for decl in importlib.import_module(name).DECLARATIONS]
