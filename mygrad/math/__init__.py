"""``mygrad.math``: filled by the ``mygrad-ops-math`` plugin when it is installed."""

from mygrad._plugins.registry import namespace_getattr

__getattr__ = namespace_getattr(__name__)
