"""``mygrad.nnet``: neural-network ops, filled by the ``mygrad-ops-nnet`` plugin."""

from mygrad._plugins.registry import namespace_dir as _namespace_dir
from mygrad._plugins.registry import namespace_getattr as _namespace_getattr
from mygrad.nnet import activations, initializers, layers, losses, optim  # noqa: F401

#: ``from mygrad.nnet import *`` brings the submodules too, as in MyGrad 2.x
#: (the plugin's names are added as they are published)
__all__ = ["activations", "initializers", "layers", "losses", "optim"]

__getattr__ = _namespace_getattr(__name__)
__dir__ = _namespace_dir(__name__)
