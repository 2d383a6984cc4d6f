"""Entry-point discovery of the installed packs and of the example third-party
plugin ``mygrad-ops-extra``, and ``python -m mygrad plugins [--json]``."""

import importlib.metadata as md
import json

import numpy as np
import pytest

import mygrad as mg
from mygrad._plugins.manager import MANAGER
from mygrad.plugin import hookimpl, ufunc_op
from mygrad.plugins import plugins, registered
from mygrad.testing import check_plugin

from _pluginkit import run_python

#: entry-point name -> distribution, for every installed plugin
INSTALLED = {
    "math": "mygrad-ops-math",
    "linalg": "mygrad-ops-linalg",
    "nnet": "mygrad-ops-nnet",
    "extra": "mygrad-ops-extra",
}


def _info(name):
    (info,) = [p for p in plugins() if p.name == name]
    return info


# ----------------------------------------------------------- in this process
def test_the_example_plugin_is_published_through_a_real_entry_point():
    eps = {ep.name: ep for ep in md.entry_points(group="mygrad")}
    assert eps["extra"].value == "mygrad_ops_extra"
    assert eps["extra"].dist.metadata["Name"] == "mygrad-ops-extra"
    for name, dist in INSTALLED.items():
        assert eps[name].dist.metadata["Name"] == dist


def test_installed_plugins_are_loaded_with_distribution_version_hooks_and_ops():
    import mygrad_ops_extra

    for name, dist in INSTALLED.items():
        info = _info(name)
        assert info.status == "loaded", (name, info.error)
        assert info.error is None
        assert info.distribution == dist
        assert info.version == md.version(dist)
        assert "mygrad_ops" in info.hooks
    extra = _info("extra")
    assert extra.plugin is mygrad_ops_extra  # the entry point's module is the plugin object
    assert extra.ops == {"mygrad": ["ldexp", "logmeanexp", "running_max", "softplus"]}
    assert MANAGER.pm.get_plugin("extra") is mygrad_ops_extra
    math = _info("math")
    assert {"add", "exp", "sum", "mean"} <= set(math.ops["mygrad"])


def test_the_core_registers_its_own_ops_through_the_same_hook():
    import mygrad._core_plugin

    core = _info("mygrad")
    assert core.status == "loaded"
    assert core.distribution == "mygrad"
    assert core.version == mg.__version__
    assert "mygrad_ops" in core.hooks
    assert core.plugin is mygrad._core_plugin
    assert {"isnan", "floor", "shape", "allclose"} <= set(core.ops["mygrad"])


def test_the_core_is_registered_before_the_packs():
    names = [p.name for p in plugins()]
    assert names[0] == "mygrad"
    assert set(INSTALLED) <= set(names)


def test_extra_names_are_public():
    import mygrad_ops_extra

    assert mg.softplus is mygrad_ops_extra.functions.softplus
    assert mg.ldexp is mygrad_ops_extra.elementwise.ldexp
    assert {"softplus", "ldexp"} <= set(dir(mg))


def test_np_hypot_is_the_math_packs_not_the_example_plugins():
    import mygrad_ops_math.misc_ufuncs

    assert mg.hypot is mg.math.hypot is mygrad_ops_math.misc_ufuncs.hypot
    assert mg.hypot.plugin == "math"


def test_np_ldexp_on_tensors_is_differentiable():
    x = mg.tensor([3.0, -4.0, 0.5])
    out = np.ldexp(x, np.array([1, 0, -1]))
    assert isinstance(out, mg.Tensor)
    assert not out.constant
    np.testing.assert_array_equal(out.data, [6.0, -4.0, 0.25])
    out.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 1.0, 0.5])  # d/dx x * 2**n = 2**n


def test_np_ldexp_broadcasts_and_respects_constants():
    x = mg.tensor([[3.0], [6.0]])
    n = mg.tensor([2, -1, 0])
    out = np.ldexp(x, n)
    assert out.shape == (2, 3)
    out.backward()
    np.testing.assert_array_equal(x.grad, [[5.5], [5.5]])  # 4 + 1/2 + 1, summed over the broadcast axis
    assert n.grad is None
    c = mg.tensor([[3.0], [6.0]], constant=True)
    assert np.ldexp(c, n).constant
    assert np.ldexp(x, 2).shape == (2, 1)


def test_softplus_values_and_gradient():
    x = mg.tensor([-30.0, -1.0, 0.0, 2.0, 40.0])
    out = mg.softplus(x)
    np.testing.assert_allclose(out.data, np.logaddexp(0, x.data))
    out.backward()
    np.testing.assert_allclose(x.grad, 1 / (1 + np.exp(-x.data)))


def test_check_plugin_passes_for_the_example_plugin():
    report = check_plugin("extra")  # the suite's hypothesis profile
    assert sorted(report.checked) == ["ldexp", "logmeanexp", "running_max", "softplus"]
    assert report.skipped == {}


def test_check_plugin_accepts_a_plugin_object():
    import mygrad_ops_extra

    report = check_plugin(mygrad_ops_extra, max_examples=3, ops=["softplus"])
    assert report.checked == ["softplus"]


def test_check_plugin_rejects_unknown_plugins():
    with pytest.raises(ValueError, match="not registered"):
        check_plugin("no-such-plugin")


def test_check_plugin_catches_a_wrong_gradient():
    # d/dx conjugate(x) is 1 for real x, not 2: the conformance check must say so
    wrong = ufunc_op(np.conjugate, lambda g, out, x: 2 * g, name="fabs_wrong_grad")

    class Wrong:
        @hookimpl
        def mygrad_ops(self):
            return [wrong]

    with registered(Wrong(), "wrong-grad"):
        with pytest.raises(AssertionError, match="fabs_wrong_grad"):
            check_plugin("wrong-grad", max_examples=10)


def test_check_plugin_catches_a_wrong_forward():
    # computes -x (with the matching gradient) while claiming to override numpy.conjugate
    wrong = ufunc_op(np.negative, lambda g, out, x: -g, name="fabs_wrong_forward", numpy=np.conjugate)

    class Wrong:
        @hookimpl
        def mygrad_ops(self):
            return [wrong]

    with registered(Wrong(), "wrong-forward"):
        with pytest.raises(AssertionError, match="fabs_wrong_forward"):
            check_plugin("wrong-forward", max_examples=10)


# ----------------------------------------------------------- the command line
def test_cli_plugins_json_lists_every_plugin():
    proc = run_python("-m", "mygrad", "plugins", "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["mygrad"] == mg.__version__
    got = {p["name"]: p for p in report["plugins"]}
    assert set(got) >= {"mygrad", *INSTALLED}
    for name, dist in INSTALLED.items():
        p = got[name]
        assert p["distribution"] == dist
        assert p["version"] == md.version(dist)
        assert p["status"] == "loaded"
        assert p["error"] is None
        assert "mygrad_ops" in p["hooks"]
    assert got["extra"]["ops"] == {"mygrad": ["ldexp", "logmeanexp", "running_max", "softplus"]}
    assert got["extra"]["version"] == md.version("mygrad-ops-extra")
    assert {"exp", "add", "sum"} <= set(got["math"]["ops"]["mygrad"])
    assert got["mygrad"]["status"] == "loaded"
    assert got["mygrad"]["distribution"] == "mygrad"


def test_cli_plugins_text_lists_every_plugin():
    proc = run_python("-m", "mygrad", "plugins")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(f"mygrad {mg.__version__}")
    for name, dist in INSTALLED.items():
        assert f"{name}: loaded  [{dist} {md.version(dist)}]" in lines
    assert "  mygrad (4): ldexp, logmeanexp, running_max, softplus" in lines
    assert "  hooks: mygrad_ops" in lines


def test_cli_needs_a_command():
    proc = run_python("-m", "mygrad")
    assert proc.returncode == 2
    assert "plugins" in proc.stderr
