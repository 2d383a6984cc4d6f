"""Helpers shared by the plugin-framework tests.

* run-time plugin objects (:func:`make_plugin`, :class:`ClassPlugin`);
* :func:`registry_state`: a snapshot of everything a plugin can change, to
  check that a failed registration changes nothing;
* :func:`fake_distribution`: an installed-looking distribution (a
  ``.dist-info`` folder with ``METADATA`` and ``entry_points.txt`` plus the
  plugin module) in a folder that a subprocess puts on ``sys.path``;
* :func:`probe` / :func:`run_python`: run Python in a fresh interpreter (so
  that ``import mygrad`` discovers plugins again) and collect a JSON result.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import types
from pathlib import Path
from typing import Any

import mygrad
from mygrad._plugins.manager import MANAGER
from mygrad._plugins.registry import REGISTRY
from mygrad.plugin import hookimpl

PUBLIC_NAMESPACES = (
    "mygrad",
    "mygrad.math",
    "mygrad.linalg",
    "mygrad.nnet",
    "mygrad.nnet.activations",
    "mygrad.nnet.losses",
    "mygrad.nnet.layers",
    "mygrad.nnet.initializers",
)


# ------------------------------------------------------------ plugin objects
def make_plugin(*decls: Any, **hooks: Any) -> types.SimpleNamespace:
    """A plugin object (a namespace) whose ``mygrad_ops`` returns ``decls``.

    Extra keyword arguments become further ``@hookimpl`` functions, e.g.
    ``mygrad_plugin_loaded=f`` or a misspelled ``mygrad_opz=f``; pass
    ``mygrad_ops=None`` to leave that hook out.
    """
    ns = types.SimpleNamespace()
    ops_impl = hooks.pop("mygrad_ops", "default")
    if ops_impl == "default":

        def mygrad_ops():
            return list(decls)

        ns.mygrad_ops = hookimpl(mygrad_ops)
    elif ops_impl is not None:
        ns.mygrad_ops = hookimpl(ops_impl)
    for hook_name, fn in hooks.items():
        setattr(ns, hook_name, hookimpl(fn))
    return ns


class ClassPlugin:
    """A plugin written as a class; instances are the plugin objects."""

    def __init__(self, *decls: Any) -> None:
        self.decls = list(decls)
        self.loaded_calls: list = []

    @hookimpl
    def mygrad_ops(self):
        return list(self.decls)

    @hookimpl
    def mygrad_plugin_loaded(self, names):
        self.loaded_calls.append(names)


# ------------------------------------------------------------------ snapshot
def _public_vars(ns: str) -> dict:
    mod = sys.modules.get(ns)
    if mod is None:
        return {}
    return {k: v for k, v in vars(mod).items() if not k.startswith("_")}


def registry_state() -> dict:
    """Everything registering a plugin can change, in comparable form."""
    return {
        "plugins": dict(REGISTRY.plugins),
        "owner": dict(REGISTRY.owner),
        "ufuncs": dict(REGISTRY.ufuncs),
        "functions": dict(REGISTRY.functions),
        "passthrough": set(REGISTRY.passthrough),
        "bool_ufuncs": set(REGISTRY.bool_ufuncs),
        "const_ufuncs": set(REGISTRY.const_ufuncs),
        "dir(mygrad)": dir(mygrad),
        "namespaces": {ns: _public_vars(ns) for ns in PUBLIC_NAMESPACES},
        "mygrad modules": sorted(m for m in sys.modules if m.startswith("mygrad.") and "._" not in m),
        "Tensor": dict(vars(mygrad.Tensor)),
        "info": {k: (v.status, v.error) for k, v in MANAGER.info.items()},
        "pluggy": {n for n, p in MANAGER.pm.list_name_plugin() if p is not None},
    }


def assert_state_unchanged(before: dict, after: dict) -> None:
    diff = [k for k in before if before[k] != after[k]]
    assert not diff, f"registry state changed in: {diff}"


# ------------------------------------------------------ fake distributions
def fake_distribution(
    root: Path,
    name: str,
    *,
    version: str = "1.0",
    entry_points: dict[str, str],
    modules: dict[str, str],
) -> Path:
    """Make ``root`` look like a site-packages holding distribution ``name``
    whose ``mygrad`` entry points are ``entry_points`` (entry-point name ->
    module) and whose modules are ``modules`` (module name -> source)."""
    info = root / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    lines = "".join(f"{ep} = {target}\n" for ep, target in entry_points.items())
    (info / "entry_points.txt").write_text(f"[mygrad]\n{lines}")
    for module, source in modules.items():
        (root / f"{module}.py").write_text(textwrap.dedent(source))
    return info


# -------------------------------------------------------------- subprocess
def _env(path: Path | None, extra: dict[str, str] | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MYGRAD_")}
    if path is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(path), env.get("PYTHONPATH")]))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra or {})
    return env


def run_python(
    *args: str, path: Path | None = None, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    """Run this interpreter (the project's venv) with ``args``; ``path`` is put
    on ``sys.path`` (``PYTHONPATH``), ``env`` is added to a clean environment
    (no ``MYGRAD_*`` variables from the caller)."""
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=_env(path, env),
        cwd=str(cwd or path or Path(__file__).parent),
    )


_PROBE_HEAD = '''
import json, warnings
with warnings.catch_warnings(record=True) as _caught:
    warnings.simplefilter("always")
    import numpy as np
    import mygrad as mg
from mygrad.plugins import plugins as _plugins
RESULT = {"warnings": [[w.category.__name__, str(w.message)] for w in _caught]}


def attempt(f):
    """What calling f() gives: the exception (type names of its MRO, message)
    or the type and value of the result."""
    try:
        r = f()
    except Exception as e:
        return {"raised": type(e).__name__, "mro": [c.__name__ for c in type(e).__mro__], "message": str(e)}
    data = getattr(r, "data", r)
    try:
        value = np.asarray(data).tolist()
    except Exception:
        value = repr(r)
    return {"returned": type(r).__name__, "value": value}


def health():
    """The core and the math pack work: arithmetic, NumPy dispatch, backprop."""
    t = mg.tensor([1.0, 2.0])
    doubled = t * 2
    f = np.sum(np.exp(t) * t)
    f.backward()
    return {
        "doubled": [type(doubled).__name__, doubled.data.tolist()],
        "f": [type(f).__name__, float(f.item())],
        "grad": t.grad.tolist(),
        "isnan": [type(np.isnan(t)).__name__, np.isnan(t).tolist()],
    }
'''

_PROBE_TAIL = '''
RESULT["plugins"] = [p.as_dict() for p in _plugins()]
print("\\n@@RESULT@@" + json.dumps(RESULT, default=repr))
'''


def probe(body: str = "", *, path: Path | None = None, env: dict[str, str] | None = None) -> dict:
    """Import mygrad in a fresh interpreter, run ``body`` (which may fill the
    dict ``RESULT`` and use ``attempt(f)`` / ``health()``), and return
    ``RESULT`` plus ``warnings`` (category, message) raised by ``import
    mygrad`` and ``plugins`` (``PluginInfo.as_dict()`` of every plugin)."""
    code = _PROBE_HEAD + textwrap.dedent(body) + _PROBE_TAIL
    proc = run_python("-c", code, path=path, env=env)
    marker = "@@RESULT@@"
    if proc.returncode != 0 or marker not in proc.stdout:
        raise AssertionError(
            f"probe failed (exit {proc.returncode})\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
        )
    return json.loads(proc.stdout.rsplit(marker, 1)[1])


def by_name(plugins: list[dict]) -> dict[str, list[dict]]:
    """``plugins`` (as_dict records) grouped by plugin name."""
    out: dict[str, list[dict]] = {}
    for p in plugins:
        out.setdefault(p["name"], []).append(p)
    return out


def only(plugins: list[dict], name: str) -> dict:
    """The one record of plugin ``name``."""
    records = by_name(plugins).get(name, [])
    assert len(records) == 1, f"expected one plugin record named {name!r}, got {records}"
    return records[0]


def health_ok(h: dict) -> None:
    """Assert that :func:`health` (run in a probe) found a working mygrad."""
    import numpy as np

    assert h["doubled"] == ["Tensor", [2.0, 4.0]]
    assert h["f"][0] == "Tensor"
    x = np.array([1.0, 2.0])
    assert np.isclose(h["f"][1], np.sum(np.exp(x) * x))
    assert np.allclose(h["grad"], np.exp(x) * (1 + x))
    assert h["isnan"] == ["ndarray", [False, False]]
