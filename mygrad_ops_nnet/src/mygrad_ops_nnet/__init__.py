"""mygrad-ops-nnet: neural-network ops for mygrad (``mygrad.nnet``).

Layers (``conv_nd``, ``max_pool``, ``avg_pool``, ``batchnorm``, ``dropout``,
``gru``, and ``sliding_window_view``) live in :mod:`mygrad_ops_nnet.layers`;
activations, losses, initializers and optimizers in their own modules. Every
module listed in :data:`MODULES` holds a ``DECLARATIONS`` list; the
``mygrad_ops`` hook returns them all.
"""

import importlib

from mygrad.plugin import hookimpl

from mygrad_ops_nnet.layers import MODULES as _LAYER_MODULES

__version__ = "3.0.0.dev0"

#: the modules whose ``DECLARATIONS`` this pack registers; a module that does
#: not exist (yet) is skipped, any other import error propagates
MODULES = (
    *(f"mygrad_ops_nnet.layers.{name}" for name in _LAYER_MODULES),
    "mygrad_ops_nnet.activations",
    "mygrad_ops_nnet.losses",
    "mygrad_ops_nnet.initializers",
    "mygrad_ops_nnet.optim",
)


def _declarations():
    decls = []
    for name in MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name == name:  # not written yet
                continue
            raise
        decls.extend(module.DECLARATIONS)
    return decls


@hookimpl
def mygrad_ops():
    """All of this pack's op declarations."""
    return _declarations()
