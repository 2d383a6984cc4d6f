"""Fixtures of the plugin-framework tests: no test may leave a run-time plugin
registered, or an installed plugin unregistered."""

import pytest

from mygrad._plugins.manager import MANAGER
from mygrad._plugins.registry import REGISTRY


@pytest.fixture(autouse=True)
def _plugins_restored():
    infos = dict(MANAGER.info)
    loaded = {name: info for name, info in infos.items() if info.status == "loaded"}
    yield
    problems = []
    for name in sorted(set(REGISTRY.plugins) - set(loaded)):
        problems.append(f"left registered: {name!r}")
        try:
            MANAGER.unregister(name)
        except Exception:  # registered behind the manager's back
            REGISTRY.remove(name)
            plugin = MANAGER.pm.get_plugin(name)
            if plugin is not None:
                MANAGER.pm.unregister(plugin)
    for name, info in loaded.items():
        if name not in REGISTRY.plugins:
            problems.append(f"left unregistered: {name!r}")
            MANAGER.info.pop(name, None)
            MANAGER.register(info.plugin, name, distribution=info.distribution, version=info.version)
    current = dict(MANAGER.info)
    MANAGER.info.clear()
    for name, info in infos.items():  # forget run-time plugins' records
        MANAGER.info[name] = current[name] if name in loaded else info
    if problems:
        pytest.fail("the test changed the set of registered plugins: " + "; ".join(problems))
