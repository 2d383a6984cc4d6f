"""``mygrad.nnet.activations``: filled by the ``mygrad-ops-nnet`` plugin."""

from mygrad._plugins.registry import namespace_dir as _namespace_dir
from mygrad._plugins.registry import namespace_getattr as _namespace_getattr

__getattr__ = _namespace_getattr(__name__)
__dir__ = _namespace_dir(__name__)
