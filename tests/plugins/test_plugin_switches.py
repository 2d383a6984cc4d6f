"""The environment switches: ``MYGRAD_DISABLE_PLUGIN_AUTOLOAD`` and
``MYGRAD_PLUGINS``, and the missing-provider errors that users then see.
Each test imports mygrad in a fresh interpreter."""

import pytest

from _pluginkit import health_ok, only, probe

PACKS = ("math", "linalg", "nnet", "extra")

#: uses of the math pack, as code run in the probe (``t`` is a tensor)
MATH_USES = {
    "mg.exp": "mg.exp",
    "np.exp(t)": "np.exp(t)",
    "t + 1": "t + 1",
    "1 + t": "1 + t",
    "t * t": "t * t",
    "-t": "-t",
    "t.sum()": "t.sum()",
    "np.sum(t)": "np.sum(t)",
    "mg.sum": "mg.sum",
    "mg.math.exp": "mg.math.exp",
}

ATTEMPTS = "\n        ".join(
    f"RESULT[{label!r}] = attempt(lambda: {code})" for label, code in MATH_USES.items()
)


@pytest.fixture(scope="module")
def disabled():
    return probe(
        f"""
        import os
        t = mg.tensor([1.0, 2.0])
        {ATTEMPTS}
        RESULT["tensor"] = attempt(lambda: mg.tensor([1.0, 2.0]))
        RESULT["isnan"] = attempt(lambda: np.isnan(t))
        RESULT["floor"] = attempt(lambda: np.floor(mg.tensor([1.5], constant=True)))
        RESULT["getitem"] = attempt(lambda: t[1])
        RESULT["softplus"] = attempt(lambda: mg.softplus)
        RESULT["ldexp"] = attempt(lambda: np.ldexp(t, 1))
        RESULT["linalg"] = attempt(lambda: mg.linalg.norm)
        RESULT["nnet"] = attempt(lambda: mg.nnet.relu)
        RESULT["backward"] = attempt(lambda: (t.backward(), t.grad)[1])
        RESULT["disabled plugins"] = [p.as_dict() for p in _plugins()]

        # turning autoload back on and loading the installed plugins repairs everything
        del os.environ["MYGRAD_DISABLE_PLUGIN_AUTOLOAD"]
        from mygrad.plugins import load_installed
        load_installed()
        RESULT["reloaded"] = {{
            "exp": attempt(lambda: mg.exp(mg.tensor([0.0]))),
            "t + 1": attempt(lambda: t + 1),
            "t.sum()": attempt(lambda: t.sum()),
            "softplus": attempt(lambda: mg.softplus(mg.tensor([0.0]))),
        }}
        RESULT["health"] = health()
        """,
        env={"MYGRAD_DISABLE_PLUGIN_AUTOLOAD": "1"},
    )


@pytest.mark.parametrize("use", sorted(MATH_USES))
def test_disabled_autoload_names_the_missing_distribution(disabled, use):
    got = disabled[use]
    assert got.get("raised") == "MissingProviderError", got
    assert {"TypeError", "AttributeError", "MyGradException"} <= set(got["mro"])
    # the pack is installed but disabled: say so and how to enable it (no pip install)
    assert "mygrad-ops-math" in got["message"]
    assert "disabled" in got["message"] and "MYGRAD_DISABLE_PLUGIN_AUTOLOAD" in got["message"]
    assert "pip install" not in got["message"]


def test_disabled_autoload_other_packs(disabled):
    for use, dist in (("linalg", "mygrad-ops-linalg"), ("nnet", "mygrad-ops-nnet")):
        got = disabled[use]
        assert got["raised"] == "MissingProviderError"
        assert dist in got["message"] and "disabled" in got["message"] and "pip install" not in got["message"]
    # names of the third-party plugin: known from its manifest
    for use in ("softplus", "ldexp"):
        got = disabled[use]
        assert got["raised"] == "MissingProviderError", got
        assert "mygrad-ops-extra" in got["message"] and "disabled" in got["message"]


def test_disabled_autoload_keeps_the_core_working(disabled):
    assert disabled["tensor"] == {"returned": "Tensor", "value": [1.0, 2.0]}
    assert disabled["isnan"] == {"returned": "ndarray", "value": [False, False]}
    assert disabled["floor"] == {"returned": "ndarray", "value": [1.0]}
    assert disabled["getitem"] == {"returned": "Tensor", "value": 2.0}
    assert disabled["backward"] == {"returned": "ndarray", "value": [1.0, 1.0]}
    assert disabled["warnings"] == []


def test_disabled_autoload_lists_the_plugins_as_disabled(disabled):
    plugins = disabled["disabled plugins"]
    assert only(plugins, "mygrad")["status"] == "loaded"
    for name in PACKS:
        info = only(plugins, name)
        assert info["status"] == "disabled", info
        assert "MYGRAD_DISABLE_PLUGIN_AUTOLOAD" in info["error"]
        assert info["ops"] == {}
        assert info["distribution"].startswith("mygrad-ops-")


def test_load_installed_after_enabling_autoload(disabled):
    for label, got in disabled["reloaded"].items():
        assert got["returned"] == "Tensor", (label, got)
    for name in PACKS:
        assert only(disabled["plugins"], name)["status"] == "loaded"

    health_ok(disabled["health"])


@pytest.mark.parametrize("value", ["0", ""])
def test_autoload_switch_off_values_load_plugins(value):
    r = probe(env={"MYGRAD_DISABLE_PLUGIN_AUTOLOAD": value})
    for name in PACKS:
        assert only(r["plugins"], name)["status"] == "loaded"


def test_selecting_plugins_by_entry_point_name():
    r = probe(
        """
        t = mg.tensor([3.0, 4.0])
        RESULT["exp"] = attempt(lambda: np.exp(mg.tensor([0.0])))
        RESULT["ldexp"] = attempt(lambda: np.ldexp(t, 1))
        RESULT["softplus"] = attempt(lambda: mg.softplus)
        RESULT["health"] = health()
        """,
        env={"MYGRAD_PLUGINS": "math"},
    )
    assert only(r["plugins"], "mygrad")["status"] == "loaded"
    assert only(r["plugins"], "math")["status"] == "loaded"
    for name in ("linalg", "nnet", "extra"):
        info = only(r["plugins"], name)
        assert info["status"] == "disabled"
        assert "MYGRAD_PLUGINS" in info["error"]
    assert r["exp"] == {"returned": "Tensor", "value": [1.0]}
    for use in ("ldexp", "softplus"):
        assert r[use]["raised"] == "MissingProviderError"
        assert "MYGRAD_PLUGINS" in r[use]["message"] and "'extra'" in r[use]["message"]

    health_ok(r["health"])


def test_selecting_plugins_by_distribution_name():
    r = probe(
        """
        RESULT["softplus"] = attempt(lambda: mg.softplus(mg.tensor([0.0])))
        RESULT["ldexp"] = attempt(lambda: np.ldexp(mg.tensor([3.0]), 1))
        RESULT["t + 1"] = attempt(lambda: mg.tensor([1.0]) + 1)
        """,
        env={"MYGRAD_PLUGINS": " mygrad-ops-extra , nnet "},
    )
    assert only(r["plugins"], "extra")["status"] == "loaded"
    assert only(r["plugins"], "nnet")["status"] == "loaded"
    for name in ("math", "linalg"):
        assert only(r["plugins"], name)["status"] == "disabled"
    assert r["softplus"]["returned"] == "Tensor"
    assert r["ldexp"] == {"returned": "Tensor", "value": [6.0]}
    got = r["t + 1"]
    assert got["raised"] == "MissingProviderError"
    assert "mygrad-ops-math" in got["message"] and "pip install" not in got["message"]
    assert "MYGRAD_PLUGINS" in got["message"] and "'math'" in got["message"]
