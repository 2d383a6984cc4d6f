"""Packaging: the four distributions, their pins, extras, entry points and typing markers."""

import importlib.metadata as md
import importlib.util
from pathlib import Path

import pytest

import mygrad

PACKS = {"mygrad-ops-math": "math", "mygrad-ops-linalg": "linalg", "mygrad-ops-nnet": "nnet"}


def test_core_is_3x_with_only_numpy_and_pluggy_at_run_time():
    assert md.version("mygrad") == mygrad.__version__
    assert mygrad.__version__.startswith("3.")
    base = [r for r in md.requires("mygrad") if "extra ==" not in r]
    assert sorted(r.split(">")[0].split("<")[0].split("=")[0].strip() for r in base) == ["numpy", "pluggy"]


@pytest.mark.parametrize("dist, extra", sorted(PACKS.items()))
def test_core_extras_pull_the_packs(dist, extra):
    requires = md.requires("mygrad")
    assert any(r.startswith(dist) and f"extra == '{extra}'" in r.replace('"', "'") for r in requires), requires
    assert any(r.startswith(dist) and "extra == 'all'" in r.replace('"', "'") for r in requires), requires


@pytest.mark.parametrize("dist, name", sorted(PACKS.items()) + [("mygrad-ops-extra", "extra")])
def test_packs_pin_the_3x_core_and_register_an_entry_point(dist, name):
    pins = [r for r in md.requires(dist) if r.startswith("mygrad") and not r.startswith("mygrad-")]
    assert len(pins) == 1 and ">=3.0.0.dev0" in pins[0] and "<4" in pins[0], pins
    eps = [ep for ep in md.distribution(dist).entry_points if ep.group == "mygrad"]
    assert [ep.name for ep in eps] == [name]
    module = eps[0].value
    spec = importlib.util.find_spec(module)
    assert spec is not None and (Path(spec.origin).parent / "py.typed").exists()


def test_core_ships_py_typed():
    assert (Path(mygrad.__file__).parent / "py.typed").exists()
