"""The linalg pack installs, loads through its entry point and is listed; it has no ops yet."""

import importlib.metadata as md

import mygrad as mg
from mygrad.plugins import plugins
from mygrad.testing import check_plugin


def test_linalg_pack_is_installed_and_loaded():
    info = {p.name: p for p in plugins()}["linalg"]
    assert info.status == "loaded", info.error
    assert info.distribution == "mygrad-ops-linalg"
    assert info.version == md.version("mygrad-ops-linalg")
    assert "mygrad_ops" in info.hooks


def test_linalg_pack_requires_the_3x_core():
    requires = md.requires("mygrad-ops-linalg") or []
    pins = [r for r in requires if r.startswith("mygrad") and not r.startswith("mygrad-")]
    assert pins, requires
    assert any("<4" in r and ">=3" in r for r in pins), pins


def test_linalg_namespace_exists_and_names_missing_ops_clearly():
    assert mg.linalg.__name__ == "mygrad.linalg"
    # a name the pack will provide but does not yet: a clear error, not a silent None
    name = "norm" if "linalg" == "linalg" else "relu"
    try:
        getattr(mg.linalg, name)
    except AttributeError as e:
        assert "mygrad-ops-linalg" in str(e)
    else:  # pragma: no cover - once the op lands, it must be a real op
        assert callable(getattr(mg.linalg, name))


def test_linalg_conformance_over_its_ops():
    report = check_plugin("linalg")
    assert report.plugin == "linalg"
