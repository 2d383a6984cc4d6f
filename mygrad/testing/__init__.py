"""Test tools for mygrad and its plugins (needs ``hypothesis``).

* :mod:`mygrad.testing.strategies` -- hypothesis strategies for tensors,
  arrays, array-likes, shapes (incl. broadcastable tuples), dtypes and value
  domains;
* :func:`check_grad` / :func:`numerical_gradient` -- finite-difference
  gradient checks;
* :func:`check_plugin` / :func:`check_op` -- the conformance check that walks
  every op a plugin registered.
"""

from mygrad.testing import strategies
from mygrad.testing.conformance import ConformanceError, ConformanceReport, check_op, check_plugin, plugin_ops
from mygrad.testing.gradcheck import analytic_gradient, check_grad, numerical_gradient

__all__ = [
    "strategies",
    "check_grad",
    "numerical_gradient",
    "analytic_gradient",
    "check_plugin",
    "check_op",
    "plugin_ops",
    "ConformanceReport",
    "ConformanceError",
]
