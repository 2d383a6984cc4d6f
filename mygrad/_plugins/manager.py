"""Discovering, loading and registering plugins (pluggy).

Installed plugins are found through the entry-point group ``mygrad`` at
``import mygrad``, after the core's own plugin (the core registers its ops
through the same hook as every pack). A plugin that ships a manifest
(``mygrad-manifest.json``, see :mod:`mygrad._plugins.discovery`) is
registered from it and imported on first use of one of its names; any other
plugin is imported at once. A plugin that fails to import, that implements
an unknown hook, whose hook raises, or whose declarations conflict with
registered ones is reported (a :class:`PluginWarning` and ``python -m mygrad
plugins``) and skipped; the rest keeps working.

Environment switches
--------------------
``MYGRAD_DISABLE_PLUGIN_AUTOLOAD=1``
    load no installed plugins (only the core's ops).
``MYGRAD_PLUGINS=math,extra``
    load only these plugins (entry-point names or distribution names).
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field
from typing import Any

import pluggy

from mygrad._plugins import hookspecs
from mygrad._plugins.discovery import PluginEntryPoint, entry_points, read_manifest
from mygrad._plugins.providers import PACKS
from mygrad._plugins.entries import LOADED
from mygrad._plugins.registry import REGISTRY, Registry
from mygrad.errors import PluginConflictError, PluginError, PluginWarning

__all__ = ["PluginInfo", "PluginManager", "MANAGER"]

ENTRY_POINT_GROUP = "mygrad"
ENV_DISABLE = "MYGRAD_DISABLE_PLUGIN_AUTOLOAD"
ENV_SELECT = "MYGRAD_PLUGINS"
_TRUE = ("1", "true", "True", "yes", "on")


@dataclass
class PluginInfo:
    """What ``python -m mygrad plugins`` shows for one plugin.

    ``status``: ``loaded`` (registered; a plugin with a manifest is imported
    on first use, ``imported`` tells whether that happened), ``failed``,
    ``disabled`` or ``unregistered``.
    """

    name: str
    distribution: str | None = None
    version: str | None = None
    status: str = "loaded"
    error: str | None = None
    hooks: list = field(default_factory=list)
    ops: dict = field(default_factory=dict)  # namespace -> names
    plugin: Any = field(default=None, repr=False, compare=False)
    traceback: str | None = field(default=None, repr=False)
    imported: bool = True

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
            "imported": self.imported,
            "error": self.error,
            "traceback": self.traceback,
            "hooks": list(self.hooks),
            "ops": {ns: list(names) for ns, names in self.ops.items()},
        }


class _PluginManager(pluggy.PluginManager):
    """pluggy's manager that, like pytest, also takes the ``mygrad_*``
    functions a plugin forgot to mark with ``@hookimpl`` (a misspelled or
    unmarked hook is never silently ignored)."""

    def parse_hookimpl_opts(self, plugin: Any, name: str) -> Any:
        opts = super().parse_hookimpl_opts(plugin, name)
        if opts is None and name.startswith("mygrad_") and callable(getattr(plugin, name, None)):
            opts = {}
        return opts


def _hook_names(plugin: Any) -> list[str]:
    return [n for n in dir(plugin) if n.startswith("mygrad_") and callable(getattr(plugin, n, None))]


class PluginManager:
    """Registers plugin objects with pluggy and their ops with the registry."""

    def __init__(self, registry: Registry = REGISTRY) -> None:
        self.registry = registry
        self.pm = _PluginManager("mygrad")
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
        if current is not None and current.status == "loaded" and current.imported:
            raise PluginConflictError(
                f"The plugin name {name!r} is taken by {current.label}; the plugin {info.label} needs another name."
            )
        if self.pm.is_registered(plugin):
            raise PluginError(f"Plugin object {plugin!r} is already registered as {self.pm.get_name(plugin)!r}.")
        unknown = [h for h in _hook_names(plugin) if h not in hookspecs.HOOK_NAMES]
        if unknown:
            import difflib  # (the standard library's; only for this error)

            hints = []
            for h in unknown:
                close = difflib.get_close_matches(h, hookspecs.HOOK_NAMES, n=1)
                hints.append(f"{h!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
            raise PluginError(
                f"Plugin {name!r} ({info.label}) implements hooks mygrad does not define (misspelled?): "
                f"{', '.join(hints)}; mygrad's hooks are {', '.join(hookspecs.HOOK_NAMES)}."
            )
        try:
            self.pm.register(plugin, name=name)
        except pluggy.PluginValidationError as e:
            raise PluginError(f"Plugin {name!r} ({info.label}) has an invalid hook: {e}") from e
        try:
            decls = self._declarations(plugin, name, info)
            self.registry.add(name, info.label, decls)
        except BaseException:
            self.pm.unregister(plugin)
            raise
        info.ops = self.registry.ops_of(name)
        info.hooks = sorted(h.name for h in self.pm.get_hookcallers(plugin) or ())
        if not info.hooks:
            warnings.warn(
                f"mygrad plugin {name!r} ({info.label}) implements no mygrad hook (mark its mygrad_ops "
                "function with mygrad.plugin.hookimpl): it provides nothing",
                PluginWarning,
                stacklevel=3,
            )
        try:
            for impl in self._impls("mygrad_plugin_loaded", plugin):
                # like pluggy, pass only the arguments the implementation names
                impl.function(**{a: info.ops for a in impl.argnames if a == "names"})
        except KeyboardInterrupt:
            raise
        except BaseException as e:
            self.registry.remove(name)
            self.pm.unregister(plugin)
            raise PluginError(
                f"Plugin {name!r} ({info.label}) raised in mygrad_plugin_loaded: {type(e).__name__}: {e}"
            ) from e
        self.info[name] = info
        if distribution:
            self.registry.installed[distribution] = (name, LOADED, self.registry.installed.get(
                distribution, (None, None, None))[2])
        return info

    def _declarations(self, plugin: Any, name: str, info: PluginInfo) -> list:
        decls = []
        for impl in self._impls("mygrad_ops", plugin):
            try:
                got = impl.function()
            except KeyboardInterrupt:
                raise
            except BaseException as e:  # (SystemExit too: a plugin never ends the program)
                raise PluginError(
                    f"Plugin {name!r} ({info.label}) raised in mygrad_ops: {type(e).__name__}: {e}"
                ) from e
            if got is None:
                continue
            if not isinstance(got, (list, tuple)):
                raise PluginError(
                    f"Plugin {name!r} ({info.label}): mygrad_ops must return a list (or tuple) of "
                    f"declarations, not {type(got).__name__} ({got!r}); wrap a single one: [decl]"
                )
            decls.extend(got)
        return decls

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
        if info.plugin is not None and self.pm.is_registered(info.plugin):
            self.pm.unregister(info.plugin)
        info.status, info.ops = "unregistered", {}
        if info.distribution:  # an installed plugin: keep one record of it
            dist = info.distribution
            self.registry.installed[dist] = (name, "installed but was unregistered at run time",
                                             self.registry.installed.get(dist, (None, None, None))[2])
        else:
            del self.info[name]
        return info

    # ------------------------------------------------------- entry points
    def load_entry_points(self) -> None:
        """Find installed plugins and register them (see the module doc);
        idempotent."""
        eps = sorted(entry_points(ENTRY_POINT_GROUP), key=lambda e: (e.dist_name not in PACKS, e.name))
        disabled = os.environ.get(ENV_DISABLE, "").strip() in _TRUE
        select = {s.strip() for s in os.environ.get(ENV_SELECT, "").split(",") if s.strip()}
        if select and not disabled:
            known = {e.name for e in eps} | {e.dist_name for e in eps if e.dist_name}
            unknown = sorted(select - known)
            if unknown:
                warnings.warn(
                    f"{ENV_SELECT}={os.environ.get(ENV_SELECT)!r} names no installed plugin "
                    f"{', '.join(map(repr, unknown))}; installed plugins: "
                    f"{', '.join(sorted(e.name for e in eps)) or 'none'}",
                    PluginWarning,
                    stacklevel=3,
                )
        for ep in eps:
            manifest = read_manifest(ep.module)
            if disabled or (select and ep.name not in select and ep.dist_name not in select):
                why = (f"disabled by {ENV_DISABLE} (unset it to load it)" if disabled else
                       f"disabled: not selected by {ENV_SELECT} (add {ep.name!r} to it to load it)")
                self._skip(ep, why, manifest)
                continue
            current = self.info.get(ep.name)
            if current is not None and current.status == "loaded" and current.distribution == ep.dist_name:
                continue  # already registered (idempotent)
            if manifest is not None:
                self._register_lazy(ep, manifest)
            else:
                self._load(ep)

    def _register_lazy(self, ep: PluginEntryPoint, manifest: dict) -> None:
        info = PluginInfo(ep.name, ep.dist_name, ep.version, imported=False)
        try:
            self.registry.add_lazy(ep.name, info.label, manifest, loader=lambda: self._load(ep))
        except Exception as e:  # a conflict or a malformed manifest: isolated like an import failure
            self._failed(ep, e, manifest)
            return
        info.ops = self.registry.ops_of(ep.name)
        self.info[ep.name] = info
        if ep.dist_name:
            self.registry.installed[ep.dist_name] = (ep.name, LOADED, manifest)

    def _load(self, ep: PluginEntryPoint) -> bool:
        """Import and register an installed plugin; isolate its failure."""
        try:
            plugin = ep.load()
            self.register(plugin, ep.name, distribution=ep.dist_name, version=ep.version)
            return True
        except KeyboardInterrupt:
            raise
        except BaseException as e:  # fault isolation (SystemExit too): report, keep going
            entry = self.registry.plugins.get(ep.name)
            if entry is not None and entry.lazy:
                self.registry.remove(ep.name)
            self._failed(ep, e, read_manifest(ep.module))
            return False

    def _failed(self, ep: PluginEntryPoint, e: BaseException, manifest: dict | None) -> None:
        import traceback  # (the standard library's; only for this report)

        msg = f"{type(e).__name__}: {e}"
        key = ep.name
        if key in self.info and self.info[key].status == "loaded" and self.info[key].distribution != ep.dist_name:
            key = f"{ep.name} ({ep.dist_name})"  # another distribution's plugin holds this name
        self.info[key] = PluginInfo(ep.name, ep.dist_name, ep.version, status="failed", error=msg,
                                    traceback="".join(traceback.format_exception(e)), imported=False)
        if ep.dist_name:
            self.registry.installed[ep.dist_name] = (ep.name, f"installed but failed to load ({msg})", manifest)
        warnings.warn(
            f"mygrad plugin {ep.name!r} (distribution {ep.dist_name} {ep.version}) failed to load "
            f"and was skipped: {msg}",
            PluginWarning,
            stacklevel=3,
        )

    def _skip(self, ep: PluginEntryPoint, why: str, manifest: dict | None) -> None:
        if ep.name not in self.info or self.info[ep.name].status != "loaded":
            self.info[ep.name] = PluginInfo(ep.name, ep.dist_name, ep.version, status="disabled", error=why,
                                            imported=False)
            if ep.dist_name:
                self.registry.installed[ep.dist_name] = (ep.name, f"installed but {why}", manifest)

    def load_all(self) -> None:
        """Import every plugin that waits for its first use."""
        self.registry.load_all()
        for name, info in self.info.items():
            entry = self.registry.plugins.get(name)
            if entry is not None and not entry.lazy:
                info.imported = True

    # -------------------------------------------------------------- query
    def plugins(self) -> list[PluginInfo]:
        for name, info in self.info.items():
            entry = self.registry.plugins.get(name)
            if entry is not None and not entry.lazy and info.status == "loaded":
                info.imported = True
        return list(self.info.values())

    def failure(self, name: str) -> str | None:
        """The load error of plugin ``name``, if it failed."""
        info = self.info.get(name)
        return info.error if info is not None and info.status in ("failed", "disabled") else None


MANAGER = PluginManager()
