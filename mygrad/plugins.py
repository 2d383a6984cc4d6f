"""Managing plugins at run time: register one (tests, notebooks), remove
it, list what is installed and loaded.

Plugin authors declare ops with :mod:`mygrad.plugin`; this module is for
code that *uses* plugins.
"""

from __future__ import annotations

import contextlib
from typing import Any, Iterator

import numpy as np

from mygrad._declarations.kinds import composite_op
from mygrad._plugins.hookspecs import hookimpl
from mygrad._plugins.manager import MANAGER, PluginInfo

__all__ = ["register", "unregister", "registered", "plugins", "load_installed", "PluginInfo",
           "implements_numpy_override"]


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
    >>> from mygrad.plugin import hookimpl, function_op
    >>> from mygrad.plugins import registered
    >>> @function_op(None, grads=[lambda g, out, x: 3 * g * x * x], name="cube_demo")
    ... def cube(x):
    ...     return x ** 3
    >>> class Cube:
    ...     @hookimpl
    ...     def mygrad_ops(self):
    ...         return [cube]
    >>> with registered(Cube(), "cube-demo"):
    ...     mg.cube_demo(mg.tensor([2.0]))
    Tensor([8.])
    >>> hasattr(mg, "cube_demo")
    False
    """
    info = MANAGER.register(plugin, name)
    try:
        yield info
    finally:
        MANAGER.unregister(info.name)


def plugins(*, load: bool = True) -> list[PluginInfo]:
    """Every plugin mygrad knows of, loaded or not (status, error, hooks, ops).

    Installed plugins that ship a manifest are imported on first use of one
    of their names; ``load=True`` (the default) imports them now, so that
    their hooks are listed and an import error shows as ``failed``."""
    if load:
        MANAGER.load_all()
    return MANAGER.plugins()


def load_installed() -> None:
    """(Re)load installed plugins that are not loaded yet (idempotent), e.g.
    after installing one in a running session or after changing
    ``MYGRAD_PLUGINS``."""
    MANAGER.load_entry_points()


def implements_numpy_override(numpy_func: Any = None):
    """Decorator: make a NumPy function dispatch to the decorated function when
    it is called with tensors (registered as a small run-time plugin).

    ``numpy_func`` defaults to the NumPy function with the decorated function's
    name (``AttributeError`` if NumPy has none).

    >>> import numpy as np, mygrad as mg
    >>> from mygrad.plugins import implements_numpy_override
    >>> @implements_numpy_override()
    ... def trapezoid(y):
    ...     return ((y[1:] + y[:-1]) / 2).sum()
    >>> np.trapezoid(mg.tensor([1., 2., 3.]))
    Tensor(4.)
    >>> from mygrad.plugins import unregister
    >>> _ = unregister("numpy-override:trapezoid")
    """

    def decorate(func: Any) -> Any:
        target = numpy_func if numpy_func is not None else getattr(np, func.__name__)
        decl = composite_op(func, name=func.__name__, namespaces=(), numpy=target)

        class _Override:
            @hookimpl
            def mygrad_ops(self) -> list:
                return [decl]

        register(_Override(), f"numpy-override:{target.__name__}")
        return func

    return decorate

