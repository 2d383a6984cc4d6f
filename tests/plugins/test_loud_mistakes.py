"""A plugin author's mistakes are never silent: each gets a warning or an
error that names the plugin and says what to do."""

import warnings

import numpy as np
import pytest

import mygrad as mg
import mygrad.plugin as mp
from mygrad.errors import PluginError
from mygrad.plugins import plugins, register, registered, unregister
from mygrad.testing import check_plugin

from _pluginkit import fake_distribution, only, probe, run_python


def _cube():
    return mp.function_op(None, grads=[lambda g, out, x: 3 * g * x ** 2], name="loud_cube",
                          reference=lambda x: x ** 3)(lambda x: x ** 3)


def test_a_plugin_without_hook_implementations_is_warned_about_and_fails_check_plugin():
    class NoHooks:
        pass

    with pytest.warns(mp.PluginWarning, match="'loud-nohooks'.*implements no mygrad hook.*hookimpl"):
        register(NoHooks(), "loud-nohooks")
    try:
        with pytest.raises(AssertionError, match="checked nothing"):
            check_plugin("loud-nohooks")
    finally:
        unregister("loud-nohooks")


def test_an_undecorated_mygrad_ops_function_is_collected():
    cube = _cube()

    class Undecorated:
        def mygrad_ops(self):  # (no @hookimpl: collected as pytest collects pytest_* hooks)
            return [cube]

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with registered(Undecorated(), "loud-undecorated"):
            x = mg.tensor([2.0])
            mg.loud_cube(x).backward()
            assert x.grad.tolist() == [12.0]
            assert "loud_cube" in check_plugin("loud-undecorated", max_examples=3).checked


def test_a_misspelled_hook_says_did_you_mean():
    class Misspelled:
        @mp.hookimpl
        def mygrad_op(self):
            return [_cube()]

    with pytest.raises(PluginError, match=r"'loud-misspelled'.*'mygrad_op' \(did you mean 'mygrad_ops'\?\)"):
        register(Misspelled(), "loud-misspelled")
    assert not hasattr(mg, "loud_cube")
    assert all(p.name != "loud-misspelled" for p in plugins())


def test_a_single_declaration_instead_of_a_list_names_the_plugin():
    cube = _cube()

    class Single:
        @mp.hookimpl
        def mygrad_ops(self):
            return cube

    with pytest.raises(PluginError, match=r"'loud-single'.*must return a list.*\[decl\]"):
        register(Single(), "loud-single")
    assert not hasattr(mg, "loud_cube")


def test_mygrad_plugins_naming_no_installed_plugin_warns_with_the_installed_ones():
    r = probe("", env={"MYGRAD_PLUGINS": "mathh"})
    (warning,) = [m for cat, m in r["warnings"] if cat == "PluginWarning"]
    assert "'mathh'" in warning
    for name in ("math", "linalg", "nnet", "extra"):
        assert name in warning
    assert only(r["plugins"], "mygrad")["status"] == "loaded"


BROKEN = """
value = 1
raise RuntimeError("boom while importing loud_broken")
"""


def test_a_plugin_that_failed_to_load_shows_its_traceback_and_check_plugin_quotes_it(tmp_path):
    fake_distribution(tmp_path, "fake-loud-broken", version="0.0.1", entry_points={"loudbroken": "loud_broken"},
                      modules={"loud_broken": BROKEN})
    proc = run_python("-m", "mygrad", "plugins", "--traceback", path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    section = proc.stdout.split("loudbroken: failed", 1)[1].split("\n\n", 1)[0]
    assert "Traceback (most recent call last)" in section
    assert "loud_broken.py\", line 3" in section
    assert "RuntimeError: boom while importing loud_broken" in section

    r = probe(
        """
        from mygrad.testing import check_plugin
        RESULT["check"] = attempt(lambda: check_plugin("loudbroken"))
        """,
        path=tmp_path,
    )
    assert r["check"]["raised"] in ("ValueError", "AssertionError")
    assert "boom while importing loud_broken" in r["check"]["message"]
