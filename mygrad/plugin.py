"""Everything a mygrad plugin author needs, in one module.

A plugin is an object (usually a module) with hook implementations, published
through the entry-point group ``mygrad`` of its distribution::

    # pyproject.toml
    [project]
    dependencies = ["mygrad>=3.0.0.dev0,<4"]
    [project.entry-points.mygrad]
    myops = "mygrad_ops_myops"

    # mygrad_ops_myops/__init__.py
    import numpy as np
    from mygrad.plugin import hookimpl, ufunc_op

    fmin = ufunc_op(np.fmin, lambda g, out, x, y: g * (x <= y),
                             lambda g, out, x, y: g * (x > y))

    @hookimpl
    def mygrad_ops():
        return [fmin]

After ``pip install``, ``np.fmin(t1, t2)`` on tensors is differentiable (the
math pack provides ``fmin`` already: a real plugin declares a NumPy function
no other installed plugin claims).
Check a plugin's ops with :func:`mygrad.testing.check_plugin`; register and
remove plugins at run time with :mod:`mygrad.plugins`.

Hooks (see :mod:`mygrad._plugins.hookspecs` for their full documentation):

``mygrad_ops() -> list``
    the plugin's op declarations.
``mygrad_plugin_loaded(names)``
    called once the plugin's names are published.
"""

from __future__ import annotations

from mygrad._core.operation import Operation
from mygrad._declarations.kinds import (
    bool_only,
    composite_op,
    constant_only,
    export,
    function_op,
    operation_op,
    passthrough,
    ufunc_op,
)
from mygrad._declarations.reduction import reduced_axes, unreduce
from mygrad._declarations.rules import NONDIFF, Domain, reads
from mygrad._plugins.hookspecs import hookimpl
from mygrad.errors import (
    DeclarationError,
    InvalidGradient,
    MissingProviderError,
    PluginConflictError,
    PluginError,
    PluginWarning,
    SkipGradient,
)
from mygrad.operation_base import execute_op

__all__ = [
    "hookimpl",
    "ufunc_op",
    "function_op",
    "composite_op",
    "operation_op",
    "passthrough",
    "bool_only",
    "constant_only",
    "export",
    "NONDIFF",
    "reads",
    "Domain",
    "unreduce",
    "reduced_axes",
    "Operation",
    "execute_op",
    "SkipGradient",
    "DeclarationError",
    "InvalidGradient",
    "MissingProviderError",
    "PluginConflictError",
    "PluginError",
    "PluginWarning",
]
