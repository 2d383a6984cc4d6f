"""``mygrad.linalg``: filled by the ``mygrad-ops-linalg`` plugin when it is installed."""

from mygrad._plugins.registry import namespace_getattr

__getattr__ = namespace_getattr(__name__)
