"""``mygrad.nnet.layers``: filled by the ``mygrad-ops-nnet`` plugin."""

from mygrad._plugins.registry import namespace_getattr
from mygrad.nnet.layers import utils  # noqa: F401

__getattr__ = namespace_getattr(__name__)
