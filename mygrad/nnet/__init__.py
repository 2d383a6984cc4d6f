"""``mygrad.nnet``: neural-network ops, filled by the ``mygrad-ops-nnet`` plugin."""

from mygrad._plugins.registry import namespace_getattr
from mygrad.nnet import activations, initializers, layers, losses, optim  # noqa: F401

__getattr__ = namespace_getattr(__name__)
