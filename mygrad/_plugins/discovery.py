"""Finding installed plugins: the entry points of group ``mygrad``, and the
manifest a plugin ships.

``importlib.metadata`` parses the metadata of every installed distribution
(and imports the ``email`` package to do it), which costs more than all of
mygrad's own import. Here only the directory listings of ``sys.path`` and the
``entry_points.txt`` files of the distributions are read; a distribution's
``METADATA`` is read only when it has a ``mygrad`` entry point. Paths that are
not directories (zip files, eggs) fall back to ``importlib.metadata``.

A plugin may ship a *manifest*, ``mygrad-manifest.json`` next to its module
(in its package directory): what its ``mygrad_ops`` hook declares, so that
mygrad can publish its names, NumPy overrides and Tensor attributes without
importing it, import it on first use, and name it in error messages even
when it is disabled. ``python -m mygrad manifest <plugin>`` writes one.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import re
import sys
from dataclasses import dataclass
from typing import Any

__all__ = ["PluginEntryPoint", "entry_points", "read_manifest", "MANIFEST_FILE"]

MANIFEST_FILE = "mygrad-manifest.json"
_SECTION = re.compile(r"^\s*\[(?P<name>[^\]]+)\]\s*$")
_NAME_NORMALIZE = re.compile(r"[-_.]+")


@dataclass(frozen=True)
class PluginEntryPoint:
    """One entry point ``name = value`` of group ``mygrad``."""

    name: str
    value: str
    dist_name: str | None
    version: str | None

    @property
    def module(self) -> str:
        return self.value.partition(":")[0].strip()

    def load(self) -> Any:
        """Import the plugin object (a module, or ``module:attribute``)."""
        module, _, attrs = self.value.partition(":")
        obj = importlib.import_module(module.strip())
        for attr in filter(None, attrs.strip().split(".")):
            obj = getattr(obj, attr)
        return obj


def _canonical(name: str) -> str:
    return _NAME_NORMALIZE.sub("-", name).lower()


def _section(text: str, group: str) -> dict[str, str]:
    """``name = value`` lines of ``[group]`` in an entry_points.txt."""
    out: dict[str, str] = {}
    inside = False
    for line in text.splitlines():
        m = _SECTION.match(line)
        if m:
            inside = m.group("name").strip() == group
            continue
        if inside and "=" in line and not line.lstrip().startswith(("#", ";")):
            name, _, value = line.partition("=")
            out[name.strip()] = value.strip()
    return out


def _header(path: str) -> tuple[str | None, str | None]:
    """``(Name, Version)`` from a METADATA / PKG-INFO header."""
    name = version = None
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                if not line.strip():
                    break
                if line.startswith("Name:"):
                    name = line[5:].strip()
                elif line.startswith("Version:"):
                    version = line[8:].strip()
    except OSError:
        pass
    return name, version


def entry_points(group: str = "mygrad") -> list[PluginEntryPoint]:
    """The installed entry points of ``group`` (the first distribution of a
    name on ``sys.path`` wins, like ``importlib.metadata``)."""
    found: list[PluginEntryPoint] = []
    seen: set[str] = set()
    fallback = False
    for path in sys.path:
        path = path or os.getcwd()
        if not os.path.isdir(path):
            fallback = fallback or os.path.isfile(path)
            continue
        try:
            entries = sorted(e.name for e in os.scandir(path) if e.name.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
        for entry in entries:
            dist_dir = os.path.join(path, entry)
            stem = entry.rpartition(".")[0]
            key = _canonical(stem.split("-")[0])
            if key in seen:
                continue
            seen.add(key)
            try:
                with open(os.path.join(dist_dir, "entry_points.txt"), encoding="utf-8") as f:
                    text = f.read()
            except OSError:
                continue
            if f"[{group}]" not in text:
                continue
            eps = _section(text, group)
            if not eps:
                continue
            meta = "METADATA" if entry.endswith(".dist-info") else "PKG-INFO"
            dist_name, version = _header(os.path.join(dist_dir, meta))
            for name, value in eps.items():
                found.append(PluginEntryPoint(name, value, dist_name or stem, version))
    if fallback:
        found.extend(_from_importlib(group, {e.dist_name and _canonical(e.dist_name) for e in found}))
    return found


def _from_importlib(group: str, known: set) -> list[PluginEntryPoint]:
    """Entry points from distributions on non-directory paths (zip files)."""
    import importlib.metadata as md

    out = []
    for ep in md.entry_points(group=group):
        dist = getattr(ep, "dist", None)
        dist_name = dist.metadata["Name"] if dist is not None else None
        if dist_name and _canonical(dist_name) in known:
            continue
        out.append(PluginEntryPoint(ep.name, ep.value, dist_name, dist.version if dist is not None else None))
    return out


def read_manifest(module: str) -> dict | None:
    """The manifest shipped next to plugin ``module`` (without importing
    it), or None."""
    top = module.split(".")[0]
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if module != top:  # a submodule: its directory, found without importing it
        locations = list(spec.submodule_search_locations or ())
        for part in module.split(".")[1:]:
            locations = [os.path.join(loc, part) for loc in locations]
        dirs = locations
    elif spec.submodule_search_locations:
        dirs = list(spec.submodule_search_locations)
    elif spec.origin:
        dirs = [os.path.dirname(spec.origin)]
    else:
        return None
    for d in dirs:
        path = os.path.join(d, MANIFEST_FILE)
        if os.path.isfile(path):
            try:
                with open(path, encoding="utf-8") as f:
                    data = json.load(f)
            except (OSError, ValueError):
                return None
            return data if isinstance(data, dict) else None
    return None
