"""The hooks a mygrad plugin can implement, and the marker for them (pluggy
project ``"mygrad"``).

A plugin is any object (usually a module) with functions marked by
:data:`hookimpl` (``mygrad.plugin.hookimpl``); installed plugins are found
through the entry-point group ``mygrad``::

    [project.entry-points.mygrad]
    extra = "mygrad_ops_extra"

Hook names are checked when a plugin is registered: a misspelled hook, or a
``mygrad_*`` function left without the marker, is reported, never silently
ignored.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence, TypeVar

import pluggy

from mygrad._declarations.base import OpDecl

__all__ = ["hookspec", "hookimpl", "HOOK_NAMES", "mygrad_ops", "mygrad_plugin_loaded"]

_F = TypeVar("_F", bound=Callable[..., Any])

#: marks the functions of this module as the hook specifications
hookspec = pluggy.HookspecMarker("mygrad")

_hookimpl = pluggy.HookimplMarker("mygrad")


def hookimpl(function: _F | None = None, **options: Any) -> Any:
    """Mark a plugin's function as an implementation of the mygrad hook with
    its name (``@hookimpl def mygrad_ops(): ...``). Accepts pluggy's options
    (``tryfirst``, ``trylast``, ...)."""
    return _hookimpl(function, **options)


@hookspec
def mygrad_ops() -> Sequence[OpDecl]:
    """Return the op declarations this plugin provides (a list or tuple).

    Called once per plugin, when the plugin is registered (for installed
    plugins: at ``import mygrad``). The declarations are validated before any
    of them is published: a public name (per namespace), a NumPy function or a
    Tensor attribute that another plugin already claims, or a differentiable
    op without a gradient rule for each input, makes the whole plugin fail to
    register.

    Returns
    -------
    Sequence of declarations made with :mod:`mygrad.plugin`'s helpers:
    ``ufunc_op``, ``function_op``, ``composite_op``, ``operation_op``,
    ``passthrough``, ``bool_only``, ``constant_only``, ``export``.

    Example
    -------
    ::

        import numpy as np
        from mygrad.plugin import NONDIFF, hookimpl, ufunc_op

        ldexp = ufunc_op(
            np.ldexp,
            lambda g, out, x1, x2: np.ldexp(g, x2),
            NONDIFF,                      # the integer exponent
        )

        @hookimpl
        def mygrad_ops():
            return [ldexp]
    """


@hookspec
def mygrad_plugin_loaded(names: Mapping[str, Sequence[str]]) -> None:
    """Called after this plugin's declarations were published.

    ``names`` maps each namespace (``"mygrad"``, ``"mygrad.nnet"``, ...) to the
    public names this plugin registered there. Use it for set-up that needs the
    plugin's ops to be reachable by name (e.g. a cache, a log line). Return
    value is ignored. Called for this plugin only.

    Example
    -------
    ::

        @hookimpl
        def mygrad_plugin_loaded(names):
            assert "softplus" in names["mygrad"]
    """


#: the names of the hooks above
HOOK_NAMES = ("mygrad_ops", "mygrad_plugin_loaded")
