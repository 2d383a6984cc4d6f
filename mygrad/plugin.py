"""Everything a mygrad plugin author needs, in one module.

A plugin is an object (usually a module) with hook implementations, published
through the entry-point group ``mygrad`` of its distribution::

    # pyproject.toml
    [project]
    dependencies = ["mygrad>=3.0.0.dev0,<4"]
    [project.entry-points.mygrad]
    extra = "mygrad_ops_extra"

    # mygrad_ops_extra/__init__.py
    import numpy as np
    from mygrad.plugin import hookimpl, ufunc_op

    hypot = ufunc_op(np.hypot, lambda g, out, x, y: g * x / out,
                               lambda g, out, x, y: g * y / out)

    @hookimpl
    def mygrad_ops():
        return [hypot]

After ``pip install``, ``np.hypot(t1, t2)`` on tensors is differentiable.
Check a plugin's ops with :func:`mygrad.testing.check_plugin`.

Hooks (see :mod:`mygrad._plugins.hookspecs` for their full documentation):

``mygrad_ops() -> list``
    the plugin's op declarations.
``mygrad_plugin_loaded(names)``
    called once the plugin's names are published.
"""

from __future__ import annotations

import contextlib
from typing import Any, Iterator

from mygrad._declaration_kinds import (
    Composite,
    Export,
    OperationOp,
    Table,
    bool_only,
    composite_op,
    constant_only,
    export,
    function_op,
    operation_op,
    passthrough,
    ufunc_op,
)
from mygrad._declarations import Function, OpDecl, Ufunc
from mygrad._rules import NONDIFF, Domain, reads
from mygrad._engine import execute_op
from mygrad._plugins.manager import MANAGER, PluginInfo, hookimpl
from mygrad.errors import DeclarationError, PluginConflictError, PluginError, SkipGradient
from mygrad.operation_base import Operation
from mygrad.tensor_base import Tensor

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
    "Domain",
    "NONDIFF",
    "reads",
    "Operation",
    "SkipGradient",
    "execute_op",
    "Tensor",
    "register",
    "unregister",
    "registered",
    "plugins",
    "load_installed",
    "PluginInfo",
    "PluginError",
    "PluginConflictError",
    "DeclarationError",
    "OpDecl",
    "Ufunc",
    "Function",
    "Composite",
    "OperationOp",
    "Table",
    "Export",
]


def register(plugin: Any, name: str | None = None) -> PluginInfo:
    """Register a plugin object at run time (tests, notebooks).

    Raises :class:`PluginError` (and changes nothing) if the plugin is
    invalid or conflicts with a registered one.
    """
    return MANAGER.register(plugin, name)


def unregister(plugin_or_name: Any) -> PluginInfo:
    """Remove a registered plugin and every name it published."""
    return MANAGER.unregister(plugin_or_name)


@contextlib.contextmanager
def registered(plugin: Any, name: str | None = None) -> Iterator[PluginInfo]:
    """Context manager: the plugin is registered inside the block only.

    >>> import numpy as np, mygrad as mg
    >>> from mygrad.plugin import hookimpl, registered, ufunc_op
    >>> class Fabs:
    ...     op = ufunc_op(np.fabs, lambda g, out, x: g * np.sign(x), name="fabs_demo")
    ...     @hookimpl
    ...     def mygrad_ops(self):
    ...         return [self.op]
    >>> with registered(Fabs(), "fabs-demo"):
    ...     mg.fabs_demo(mg.tensor([-2.0]))
    Tensor([2.])
    >>> hasattr(mg, "fabs_demo")
    False
    """
    info = MANAGER.register(plugin, name)
    try:
        yield info
    finally:
        MANAGER.unregister(info.name)


def plugins() -> list[PluginInfo]:
    """Every plugin mygrad knows of, loaded or not (status, error, ops)."""
    return MANAGER.plugins()


def load_installed() -> None:
    """(Re)load installed plugins that are not loaded yet (idempotent), e.g.
    after installing one in a running session or after changing
    ``MYGRAD_PLUGINS``."""
    MANAGER.load_entry_points()
