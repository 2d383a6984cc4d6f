"""The nnet pack installs, loads through its entry point and is listed; it has no ops yet."""

import importlib.metadata as md

import mygrad as mg
from mygrad.plugins import plugins
from mygrad.testing import check_plugin


def test_nnet_pack_is_installed_and_loaded():
    info = {p.name: p for p in plugins()}["nnet"]
    assert info.status == "loaded", info.error
    assert info.distribution == "mygrad-ops-nnet"
    assert info.version == md.version("mygrad-ops-nnet")
    assert "mygrad_ops" in info.hooks


def test_nnet_pack_requires_the_3x_core():
    requires = md.requires("mygrad-ops-nnet") or []
    pins = [r for r in requires if r.startswith("mygrad") and not r.startswith("mygrad-")]
    assert pins, requires
    assert any("<4" in r and ">=3" in r for r in pins), pins


def test_nnet_namespace_exists_and_names_missing_ops_clearly():
    assert mg.nnet.__name__ == "mygrad.nnet"
    # a name the pack will provide but does not yet: a clear error, not a silent None
    name = "norm" if "nnet" == "linalg" else "relu"
    try:
        getattr(mg.nnet, name)
    except AttributeError as e:
        assert "mygrad-ops-nnet" in str(e)
    else:  # pragma: no cover - once the op lands, it must be a real op
        assert callable(getattr(mg.nnet, name))


def test_nnet_conformance_over_its_ops():
    report = check_plugin("nnet")
    assert report.plugin == "nnet"
