"""Discovering, loading and registering plugins (pluggy).

Installed plugins are found through the entry-point group ``mygrad`` and
loaded at ``import mygrad``, after the core's own plugin (the core registers
its ops through the same hook as every pack). A plugin that fails to import,
that implements an unknown hook, whose hook raises, or whose declarations
conflict with already registered ones is reported (a :class:`PluginWarning`
and ``python -m mygrad plugins``) and skipped; the rest keeps working.

Environment switches
--------------------
``MYGRAD_DISABLE_PLUGIN_AUTOLOAD=1``
    load no installed plugins (only the core's ops).
``MYGRAD_PLUGINS=math,extra``
    load only these plugins (entry-point names or distribution names).
"""

from __future__ import annotations

import importlib.metadata as md
import os
import warnings
from dataclasses import dataclass, field
from typing import Any

import pluggy

from mygrad._plugins import hookspecs
from mygrad._plugins.hookspecs import hookimpl
from mygrad._plugins.providers import LOADED, PACKS, STATUS
from mygrad._plugins.registry import REGISTRY, Registry
from mygrad.errors import PluginConflictError, PluginError, PluginWarning

__all__ = ["PluginInfo", "PluginManager", "MANAGER", "hookimpl"]


ENTRY_POINT_GROUP = "mygrad"
ENV_DISABLE = "MYGRAD_DISABLE_PLUGIN_AUTOLOAD"
ENV_SELECT = "MYGRAD_PLUGINS"
_TRUE = ("1", "true", "True", "yes", "on")


@dataclass
class PluginInfo:
    """What ``python -m mygrad plugins`` shows for one plugin."""

    name: str
    distribution: str | None = None
    version: str | None = None
    status: str = "loaded"  # loaded | failed | disabled | unregistered
    error: str | None = None
    hooks: list = field(default_factory=list)
    ops: dict = field(default_factory=dict)  # namespace -> names
    plugin: Any = field(default=None, repr=False, compare=False)

    @property
    def label(self) -> str:
        if self.distribution:
            return f"distribution {self.distribution} {self.version or ''}".rstrip()
        return "registered at run time"

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "distribution": self.distribution,
            "version": self.version,
            "status": self.status,
            "error": self.error,
            "hooks": list(self.hooks),
            "ops": {ns: list(names) for ns, names in self.ops.items()},
        }


class PluginManager:
    """Registers plugin objects with pluggy and their ops with the registry."""

    def __init__(self, registry: Registry = REGISTRY) -> None:
        self.registry = registry
        self.pm = pluggy.PluginManager("mygrad")
        self.pm.add_hookspecs(hookspecs)
        self.info: dict[str, PluginInfo] = {}

    # ----------------------------------------------------------- register
    def register(self, plugin: Any, name: str | None = None, *, distribution: str | None = None,
                 version: str | None = None) -> PluginInfo:
        """Register ``plugin`` (an object with ``@hookimpl`` functions) and
        publish its ops. Raises :class:`PluginError` (nothing is changed) if
        it cannot be registered."""
        name = name or getattr(plugin, "__name__", None) or f"plugin-{id(plugin):x}"
        info = PluginInfo(name, distribution, version, plugin=plugin)
        current = self.info.get(name)
        if current is not None and current.status == "loaded":
            raise PluginConflictError(
                f"the plugin name {name!r} is used by {current.label} and by {info.label}"
            )
        if self.pm.is_registered(plugin):
            raise PluginError(f"plugin object {plugin!r} is already registered as {self.pm.get_name(plugin)!r}")
        try:
            self.pm.register(plugin, name=name)
        except pluggy.PluginValidationError as e:
            raise PluginError(f"plugin {name!r} ({info.label}) has an invalid hook: {e}") from e
        try:
            try:
                self.pm.check_pending()
            except pluggy.PluginValidationError as e:
                raise PluginError(
                    f"plugin {name!r} ({info.label}) implements a hook mygrad does not define "
                    f"(misspelled?): {e}"
                ) from e
            decls = []
            for impl in self._impls("mygrad_ops", plugin):
                try:
                    got = impl.function()
                except KeyboardInterrupt:
                    raise
                except BaseException as e:  # (SystemExit too: a plugin never ends the program)
                    raise PluginError(f"plugin {name!r} ({info.label}) raised in mygrad_ops: {type(e).__name__}: {e}") from e
                decls.extend(got or ())
            entry = self.registry.add(name, info.label, decls)
        except BaseException:
            self.pm.unregister(plugin)
            raise
        info.ops = self.registry.ops_of(name)
        info.hooks = sorted(h.name for h in self.pm.get_hookcallers(plugin) or ())
        try:
            for impl in self._impls("mygrad_plugin_loaded", plugin):
                # like pluggy, pass only the arguments the implementation names
                impl.function(**{a: info.ops for a in impl.argnames if a == "names"})
        except KeyboardInterrupt:
            raise
        except BaseException as e:
            self.registry.remove(name)
            self.pm.unregister(plugin)
            raise PluginError(f"plugin {name!r} ({info.label}) raised in mygrad_plugin_loaded: {type(e).__name__}: {e}") from e
        del entry
        self.info[name] = info
        return info

    def _impls(self, hook: str, plugin: Any) -> list:
        return [i for i in getattr(self.pm.hook, hook).get_hookimpls() if i.plugin is plugin]

    def unregister(self, plugin_or_name: Any) -> PluginInfo:
        """Remove a registered plugin and everything it published."""
        if isinstance(plugin_or_name, str):
            name = plugin_or_name
        else:
            name = self.pm.get_name(plugin_or_name)
        info = self.info.get(name)
        if info is None or info.status != "loaded":
            raise ValueError(f"no plugin named {name!r} is registered")
        if name == "mygrad":
            raise PluginError("the mygrad core plugin cannot be unregistered")
        self.registry.remove(name)
        self.pm.unregister(info.plugin)
        info.status = "unregistered"
        info.ops = {}
        return info

    # ------------------------------------------------------- entry points
    def load_entry_points(self) -> None:
        """Load every installed plugin, isolating failures (see module doc)."""
        # mygrad's own packs first: a third-party plugin that claims one of
        # their names must be the one that fails, not the whole pack
        eps = sorted(md.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: (_dist_name(e) not in PACKS, e.name))
        disabled = os.environ.get(ENV_DISABLE, "").strip() in _TRUE
        select = {s.strip() for s in os.environ.get(ENV_SELECT, "").split(",") if s.strip()}
        for ep in eps:
            dist = getattr(ep, "dist", None)
            dist_name = dist.metadata["Name"] if dist is not None else None
            version = dist.version if dist is not None else None
            if disabled:
                self._skip(ep.name, dist_name, version, f"disabled by {ENV_DISABLE}")
                continue
            if select and ep.name not in select and dist_name not in select:
                self._skip(ep.name, dist_name, version, f"disabled: not selected by {ENV_SELECT}")
                continue
            if ep.name in self.info and self.info[ep.name].status == "loaded":
                if self.info[ep.name].distribution == dist_name:
                    continue  # already loaded (idempotent)
            try:
                plugin = ep.load()
                self.register(plugin, ep.name, distribution=dist_name, version=version)
            except KeyboardInterrupt:
                raise
            except BaseException as e:  # fault isolation (SystemExit too): report, keep going
                msg = f"{type(e).__name__}: {e}"
                key = ep.name
                if key in self.info and self.info[key].status == "loaded":
                    # another distribution's plugin holds this name: keep its record
                    key = f"{ep.name} ({dist_name})"
                self.info[key] = PluginInfo(ep.name, dist_name, version, status="failed", error=msg)
                warnings.warn(
                    f"mygrad plugin {ep.name!r} (distribution {dist_name} {version}) failed to load "
                    f"and was skipped: {msg}",
                    PluginWarning,
                    stacklevel=3,
                )

    def _skip(self, name: str, dist: str | None, version: str | None, why: str) -> None:
        if name not in self.info or self.info[name].status != "loaded":
            self.info[name] = PluginInfo(name, dist, version, status="disabled", error=why)

    # -------------------------------------------------------------- query
    def plugins(self) -> list[PluginInfo]:
        return list(self.info.values())

    def distribution_status(self, dist: str) -> str | None:
        """Human-readable state of ``dist`` for missing-provider messages."""
        for info in self.info.values():
            if info.distribution != dist:
                continue
            if info.status == "loaded":
                return LOADED
            if info.status == "failed":
                return f"installed but failed to load ({info.error})"
            if info.status == "disabled":
                return f"installed but {info.error}"
            if info.status == "unregistered":
                return "installed but was unregistered at run time"
        return None


def _dist_name(ep: Any) -> str | None:
    dist = getattr(ep, "dist", None)
    return dist.metadata["Name"] if dist is not None else None


MANAGER = PluginManager()
STATUS[0] = MANAGER.distribution_status
