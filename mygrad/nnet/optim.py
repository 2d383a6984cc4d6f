"""``mygrad.nnet.optim``: optimizers (``SGD``, ``Adam``, ``AdamW``), filled by the
``mygrad-ops-nnet`` plugin."""

from mygrad._plugins.registry import namespace_getattr

__getattr__ = namespace_getattr(__name__)
