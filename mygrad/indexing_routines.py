"""``mygrad.indexing_routines``: the core's ops of this family, plus those of the op packs once loaded."""

from mygrad._plugins.registry import namespace_getattr

__getattr__ = namespace_getattr(__name__)
