"""What the registry keeps per plugin (:class:`PluginEntry`, :class:`Lazy`
claims) and how it names NumPy callables (``"numpy.linalg.norm"``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

__all__ = ["CORE_PLUGIN", "LOADED", "numpy_name", "resolve_numpy", "as_tuple", "Lazy", "PluginEntry"]

#: the plugin name of the core's own declarations
CORE_PLUGIN = "mygrad"
#: what a distribution's status reads when it is loaded (or imported on first use)
LOADED = "loaded"


def numpy_name(func: Any) -> str:
    """``"numpy.sum"``, ``"numpy.linalg.norm"`` for a NumPy callable."""
    if isinstance(func, np.ufunc):
        return f"numpy.{func.__name__}"
    mod = getattr(func, "__module__", None) or "numpy"
    if mod.startswith("numpy.") and not mod.startswith("numpy.linalg"):
        mod = "numpy"  # (np.sum lives in numpy._core.fromnumeric)
    if mod.startswith("numpy.linalg"):
        mod = "numpy.linalg"
    return f"{mod}.{getattr(func, '__name__', repr(func))}"


def resolve_numpy(dotted: str) -> Any:
    """The NumPy callable named ``"numpy.linalg.norm"`` (None if absent)."""
    parts = dotted.split(".")
    if parts[0] != "numpy":
        return None
    obj: Any = np
    for p in parts[1:]:
        obj = getattr(obj, p, None)
        if obj is None:
            return None
    return obj


def as_tuple(x: Any) -> tuple:
    """``x`` as a tuple: None -> ``()``, a list or tuple -> a tuple, anything else -> ``(x,)``."""
    if x is None:
        return ()
    if isinstance(x, (tuple, list)):
        return tuple(x)
    return (x,)


class Lazy:
    """A claim reserved by a plugin's manifest (the plugin is not imported yet)."""

    __slots__ = ("plugin",)

    def __init__(self, plugin: str) -> None:
        self.plugin = plugin

    def __repr__(self) -> str:
        return f"<lazy claim of plugin {self.plugin!r}>"


@dataclass
class PluginEntry:
    name: str
    label: str  # "distribution mygrad-ops-math 3.0", for messages
    decls: list | None  # None while lazy
    claims: dict = field(default_factory=dict)  # claim key -> object (or Lazy)
    names: dict = field(default_factory=dict)  # namespace -> [names]
    loader: Callable[[], bool] | None = None  # imports and registers a lazy plugin

    @property
    def lazy(self) -> bool:
        return self.decls is None
