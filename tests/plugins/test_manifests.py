"""The packs' shipped manifests and the core's table of which pack provides
which name (``mygrad/_plugins/pack_manifests.json``) agree with what the packs
register, in both directions (a name registered but not listed, or listed but
not registered, fails)."""

import importlib.util
import json
import os
from pathlib import Path

import pytest

import mygrad as mg
from mygrad._plugins import providers
from mygrad._plugins.registry import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("sync_manifests", ROOT / "tools" / "sync_manifests.py")
sync = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sync)

pytestmark = pytest.mark.skipif(bool(os.environ.get("MYGRAD_PLUGINS")), reason="needs every plugin enabled")


@pytest.mark.parametrize("plugin", sorted(sync.SHIPPED))
def test_shipped_manifest_is_what_the_plugin_registers(plugin):
    dist, path = sync.SHIPPED[plugin]
    shipped = json.loads(path.read_text(encoding="utf-8"))
    assert shipped == REGISTRY.manifest_of(plugin), (
        f"{path.relative_to(ROOT)} is out of date: run `.venv/bin/python tools/sync_manifests.py`"
    )


@pytest.mark.parametrize("plugin", sync.CORE_PACKS)
def test_core_provider_table_is_what_each_pack_registers(plugin):
    dist, _ = sync.SHIPPED[plugin]
    assert providers.MANIFESTS[dist] == REGISTRY.manifest_of(plugin), (
        "mygrad/_plugins/pack_manifests.json is out of date: run `.venv/bin/python tools/sync_manifests.py`"
    )


def test_core_provider_table_lists_only_the_three_packs():
    assert set(providers.MANIFESTS) == set(providers.PACKS)


def test_every_listed_name_resolves_and_every_registered_name_is_listed():
    for dist, manifest in providers.MANIFESTS.items():
        plugin = providers.PACKS[dist]
        for ns, names in manifest["names"].items():
            module = __import__(ns, fromlist=["_"])
            for name in names:
                assert getattr(module, name) is not None, f"{ns}.{name}"
                assert providers.provider_of(name, ns) == dist
        for dotted in manifest["numpy"]:
            assert providers.provider_of(dotted, "function") == dist
        for attr in manifest["tensor"]:
            assert providers.provider_of(attr, "tensor") == dist
            assert hasattr(mg.Tensor, attr)
        registered = REGISTRY.ops_of(plugin)
        for ns, names in registered.items():
            for name in names:
                assert providers.provider_of(name, ns) == dist, f"{ns}.{name} registered by {plugin} but not listed"


def test_the_check_mode_of_the_tool_passes():
    assert sync.main(["--check"]) == 0
