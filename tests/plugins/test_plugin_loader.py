"""Loading installed plugins, with FAKE installed distributions: conflicts,
broken plugins, fault isolation, and how ``python -m mygrad plugins`` shows
them.

Each test writes ``<dist>-<version>.dist-info`` folders (``METADATA`` and
``entry_points.txt``) and the plugin modules into ``tmp_path`` and imports
mygrad in a fresh interpreter with ``PYTHONPATH=tmp_path``; importlib.metadata
finds the fake distributions there next to the really installed ones.
"""

import json

import numpy as np
import pytest

from _pluginkit import by_name, fake_distribution, health_ok, only, probe, run_python

# a plugin module publishing `mygrad.<name>` (x * factor, differentiable through
# the math pack's multiply) and recording the names its mygrad_plugin_loaded got
NAME_PLUGIN = """
from mygrad.plugin import composite_op, hookimpl

LOADED = []

def _scale(x):
    return x * {factor}

@hookimpl
def mygrad_ops():
    return [composite_op(_scale, name="{name}"), composite_op(_scale, name="{own}")]

@hookimpl
def mygrad_plugin_loaded(names):
    LOADED.append(names)
"""

# a plugin module overriding numpy.conjugate (no pack provides it), published as `mygrad.<name>`
FABS_PLUGIN = """
import numpy as np
from mygrad.plugin import hookimpl, ufunc_op

fabs = ufunc_op(np.conjugate, lambda g, out, x: {sign} * g * np.sign(x), name="{name}")

@hookimpl
def mygrad_ops():
    return [fabs]
"""


def _warnings_about(result, plugin):
    return [m for cat, m in result["warnings"] if cat == "PluginWarning" and repr(plugin) in m]


# ------------------------------------------------------------------ conflicts
def test_two_plugins_claiming_the_same_public_name(tmp_path):
    fake_distribution(
        tmp_path, "fake-alpha", version="1.2", entry_points={"alpha": "fake_alpha"},
        modules={"fake_alpha": NAME_PLUGIN.format(name="scaled", own="alpha_only", factor=2)},
    )
    fake_distribution(
        tmp_path, "fake-beta", version="3.4", entry_points={"beta": "fake_beta"},
        modules={"fake_beta": NAME_PLUGIN.format(name="scaled", own="beta_only", factor=3)},
    )
    r = probe(
        """
        import fake_alpha, fake_beta
        RESULT["scaled"] = attempt(lambda: mg.scaled(mg.tensor([1.0, 2.0])))
        RESULT["alpha_only"] = attempt(lambda: mg.alpha_only(mg.tensor([1.0])))
        RESULT["beta_only"] = attempt(lambda: mg.beta_only)
        RESULT["alpha_loaded"] = fake_alpha.LOADED
        RESULT["beta_loaded"] = fake_beta.LOADED
        RESULT["health"] = health()
        """,
        path=tmp_path,
    )
    # one warning, naming both plugins and both distributions
    (warning,) = [m for cat, m in r["warnings"] if cat == "PluginWarning"]
    for part in ("'alpha'", "fake-alpha", "'beta'", "fake-beta", "'scaled'", "PluginConflictError"):
        assert part in warning, (part, warning)
    # the first plugin (by entry-point name) works, the second failed as a whole
    alpha, beta = only(r["plugins"], "alpha"), only(r["plugins"], "beta")
    assert alpha["status"] == "loaded" and alpha["error"] is None
    assert alpha["ops"] == {"mygrad": ["alpha_only", "scaled"]}
    assert (alpha["distribution"], alpha["version"]) == ("fake-alpha", "1.2")
    assert beta["status"] == "failed"
    assert (beta["distribution"], beta["version"]) == ("fake-beta", "3.4")
    assert "fake-alpha" in beta["error"] and "fake-beta" in beta["error"]
    assert beta["ops"] == {}
    assert r["scaled"] == {"returned": "Tensor", "value": [2.0, 4.0]}
    assert r["alpha_only"]["returned"] == "Tensor"
    assert r["beta_only"]["raised"] == "AttributeError"  # nothing of beta was published
    assert r["alpha_loaded"] == [{"mygrad": ["alpha_only", "scaled"]}]
    assert r["beta_loaded"] == []
    assert only(r["plugins"], "extra")["status"] == "loaded"
    health_ok(r["health"])


def test_two_plugins_claiming_the_same_numpy_function(tmp_path):
    fake_distribution(
        tmp_path, "fake-gamma", entry_points={"gamma": "fake_gamma"},
        modules={"fake_gamma": FABS_PLUGIN.format(name="gamma_fabs", sign=1)},
    )
    fake_distribution(
        tmp_path, "fake-theta", version="0.9", entry_points={"theta": "fake_theta"},
        modules={"fake_theta": FABS_PLUGIN.format(name="theta_fabs", sign=-1)},
    )
    # and one that claims numpy.ldexp, which the installed example plugin owns
    fake_distribution(
        tmp_path, "fake-zeta", entry_points={"zeta": "fake_zeta"},
        modules={"fake_zeta": """
            import numpy as np
            from mygrad.plugin import NONDIFF, hookimpl, ufunc_op

            @hookimpl
            def mygrad_ops():
                return [ufunc_op(np.ldexp, lambda g, out, x, n: g, NONDIFF, name="zeta_ldexp")]
        """},
    )
    r = probe(
        """
        x = mg.tensor([-2.0, 3.0])
        y = np.conjugate(x)
        y.backward()
        RESULT["fabs"] = [type(y).__name__, y.data.tolist(), x.grad.tolist()]
        RESULT["gamma_fabs"] = attempt(lambda: mg.gamma_fabs(x))
        RESULT["theta_fabs"] = attempt(lambda: mg.theta_fabs)
        RESULT["zeta_ldexp"] = attempt(lambda: mg.zeta_ldexp)
        RESULT["ldexp"] = attempt(lambda: np.ldexp(mg.tensor([3.0]), 2))
        RESULT["health"] = health()
        """,
        path=tmp_path,
    )
    (theta_warning,) = _warnings_about(r, "theta")
    for part in ("'gamma'", "fake-gamma", "'theta'", "fake-theta 0.9", "numpy.conjugate"):
        assert part in theta_warning, (part, theta_warning)
    (zeta_warning,) = _warnings_about(r, "zeta")
    for part in ("'extra'", "mygrad-ops-extra", "'zeta'", "fake-zeta", "numpy.ldexp"):
        assert part in zeta_warning, (part, zeta_warning)
    assert only(r["plugins"], "gamma")["status"] == "loaded"
    assert only(r["plugins"], "theta")["status"] == "failed"
    assert only(r["plugins"], "zeta")["status"] == "failed"
    assert only(r["plugins"], "extra")["status"] == "loaded"
    # numpy.conjugate is gamma's (gradient +sign(x), not theta's -sign(x))
    assert r["fabs"] == ["Tensor", [-2.0, 3.0], [-1.0, 1.0]]
    assert r["gamma_fabs"]["returned"] == "Tensor"
    assert r["theta_fabs"]["raised"] == "AttributeError"
    assert r["zeta_ldexp"]["raised"] == "AttributeError"
    assert r["ldexp"] == {"returned": "Tensor", "value": [12.0]}
    health_ok(r["health"])


def test_two_distributions_with_the_same_entry_point_name(tmp_path):
    for letter in "ab":
        fake_distribution(
            tmp_path, f"fake-{letter}", version=f"1.{ord(letter)}", entry_points={"twin": f"fake_twin_{letter}"},
            modules={f"fake_twin_{letter}": NAME_PLUGIN.format(name=f"twin_{letter}", own=f"own_{letter}", factor=2)},
        )
    r = probe(
        """
        from mygrad.plugins import unregister
        RESULT["names"] = [hasattr(mg, "twin_a"), hasattr(mg, "twin_b")]
        RESULT["unregister"] = attempt(lambda: unregister("twin").distribution)
        RESULT["after"] = [hasattr(mg, "twin_a"), hasattr(mg, "own_a")]
        """,
        path=tmp_path,
    )
    # the two are found in an unspecified order: one wins, the other fails
    records = by_name(r["plugins"])["twin"]
    statuses = sorted((p["status"], p["distribution"]) for p in records)
    assert [s for s, _ in statuses] == ["failed", "unregistered"], records
    failed = [p for p in records if p["status"] == "failed"][0]
    winner = ({"fake-a", "fake-b"} - {failed["distribution"]}).pop()
    assert winner in failed["error"] and failed["distribution"] in failed["error"]
    (warning,) = _warnings_about(r, "twin")
    assert "fake-a" in warning and "fake-b" in warning
    assert r["names"] == ([True, False] if winner == "fake-a" else [False, True])
    # the winner is still known by its name, e.g. to unregister it
    assert r["unregister"] == {"returned": "str", "value": winner}
    assert r["after"] == [False, False]


def test_a_third_party_plugin_cannot_knock_out_a_pack(tmp_path):
    # its entry-point name sorts before "math", and it claims numpy.exp and mygrad.exp
    fake_distribution(
        tmp_path, "fake-aardvark", entry_points={"aardvark": "fake_aardvark"},
        modules={"fake_aardvark": """
            import numpy as np
            from mygrad.plugin import hookimpl, ufunc_op

            @hookimpl
            def mygrad_ops():
                return [ufunc_op(np.exp, lambda g, out, x: 0 * g)]
        """},
    )
    r = probe('RESULT["health"] = health()', path=tmp_path)
    assert only(r["plugins"], "math")["status"] == "loaded"
    aardvark = only(r["plugins"], "aardvark")
    assert aardvark["status"] == "failed"
    assert "'math'" in aardvark["error"] and "mygrad-ops-math" in aardvark["error"]
    health_ok(r["health"])  # exp's gradient is the math pack's


def test_an_entry_point_may_name_an_object(tmp_path):
    fake_distribution(
        tmp_path, "fake-objects", version="2.0", entry_points={"objplugin": "fake_objects:PLUGIN"},
        modules={"fake_objects": """
            from mygrad.plugin import composite_op, hookimpl

            class Plugin:
                def __init__(self):
                    self.loaded = None

                @hookimpl
                def mygrad_ops(self):
                    return [composite_op(lambda x: 3 * x, name="tripled", namespaces=("mygrad.nnet",))]

                @hookimpl
                def mygrad_plugin_loaded(self, names):
                    self.loaded = names

            PLUGIN = Plugin()
        """},
    )
    r = probe(
        """
        import fake_objects
        RESULT["tripled"] = attempt(lambda: mg.nnet.tripled(mg.tensor([1.0])))
        RESULT["loaded"] = fake_objects.PLUGIN.loaded
        """,
        path=tmp_path,
    )
    info = only(r["plugins"], "objplugin")
    assert (info["status"], info["distribution"], info["version"]) == ("loaded", "fake-objects", "2.0")
    assert info["hooks"] == ["mygrad_ops", "mygrad_plugin_loaded"]
    assert r["tripled"] == {"returned": "Tensor", "value": [3.0]}
    assert r["loaded"] == {"mygrad.nnet": ["tripled"]}
    assert r["warnings"] == []


# ----------------------------------------------------------- broken plugins
BROKEN = {
    # entry-point name: (distribution, module source)
    "imports_badly": ("fake-imports-badly", """
        raise RuntimeError("boom while importing the plugin")
    """),
    "ops_raise": ("fake-ops-raise", """
        from mygrad.plugin import hookimpl

        @hookimpl
        def mygrad_ops():
            raise KeyError("boom in mygrad_ops")
    """),
    "misspelled": ("fake-misspelled", """
        import numpy as np
        from mygrad.plugin import composite_op, hookimpl

        @hookimpl
        def mygrad_opz():
            return [composite_op(np.abs, name="misspelled_abs")]
    """),
    "no_rule": ("fake-no-rule", """
        import numpy as np
        from mygrad.plugin import hookimpl, ufunc_op

        add2 = ufunc_op(np.add, lambda g, out, x, y: g, name="add2")  # one rule for two inputs

        @hookimpl
        def mygrad_ops():
            return [add2]
    """),
    "loaded_raises": ("fake-loaded-raises", """
        from mygrad.plugin import composite_op, hookimpl

        @hookimpl
        def mygrad_ops():
            return [composite_op(lambda x: x, name="loaded_raises_op")]

        @hookimpl
        def mygrad_plugin_loaded(names):
            raise ValueError("boom in mygrad_plugin_loaded")
    """),
    "not_a_decl": ("fake-not-a-decl", """
        from mygrad.plugin import hookimpl

        @hookimpl
        def mygrad_ops():
            return ["softplus"]
    """),
}

#: entry-point name -> what its error must say
EXPECTED_ERRORS = {
    "imports_badly": ("RuntimeError", "boom while importing the plugin"),
    "ops_raise": ("mygrad_ops", "KeyError", "boom in mygrad_ops"),
    "misspelled": ("mygrad_opz", "misspelled"),
    "no_rule": ("DeclarationError", "gradient rule", "numpy.add"),
    "loaded_raises": ("mygrad_plugin_loaded", "ValueError", "boom in mygrad_plugin_loaded"),
    "not_a_decl": ("DeclarationError", "'softplus'", "not an op declaration"),
}

#: names the broken plugins would have published
NEVER_PUBLISHED = ("misspelled_abs", "add2", "loaded_raises_op")


def _install(tmp_path, which):
    for ep in which:
        dist, source = BROKEN[ep]
        fake_distribution(tmp_path, dist, version="0.0.1", entry_points={ep: f"fake_{ep}"},
                          modules={f"fake_{ep}": source})


@pytest.mark.parametrize("ep", sorted(BROKEN))
def test_a_broken_plugin_is_reported_and_skipped(tmp_path, ep):
    _install(tmp_path, [ep])
    r = probe(
        f"""
        RESULT["published"] = [n for n in {NEVER_PUBLISHED!r} if hasattr(mg, n)]
        RESULT["health"] = health()
        RESULT["softplus"] = attempt(lambda: mg.softplus(mg.tensor([0.0])))
        """,
        path=tmp_path,
    )
    dist = BROKEN[ep][0]
    (warning,) = [m for cat, m in r["warnings"] if cat == "PluginWarning"]
    info = only(r["plugins"], ep)
    assert info["status"] == "failed"
    assert (info["distribution"], info["version"]) == (dist, "0.0.1")
    assert info["ops"] == {}
    for part in EXPECTED_ERRORS[ep]:
        assert part in info["error"], (part, info["error"])
        assert part in warning, (part, warning)
    assert repr(ep) in warning and dist in warning
    # nothing of it was published; everything else works
    assert r["published"] == []
    for name in ("mygrad", "math", "linalg", "nnet", "extra"):
        assert only(r["plugins"], name)["status"] == "loaded"
    health_ok(r["health"])
    assert r["softplus"]["returned"] == "Tensor"


def test_cli_shows_failed_plugins_with_their_errors(tmp_path):
    _install(tmp_path, BROKEN)
    proc = run_python("-m", "mygrad", "plugins", "--json", path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    got = {p["name"]: p for p in json.loads(proc.stdout)["plugins"]}
    for ep, (dist, _) in BROKEN.items():
        assert got[ep]["status"] == "failed"
        assert got[ep]["distribution"] == dist
        assert got[ep]["version"] == "0.0.1"
        for part in EXPECTED_ERRORS[ep]:
            assert part in got[ep]["error"], (ep, part, got[ep]["error"])
    for name in ("mygrad", "math", "linalg", "nnet", "extra"):
        assert got[name]["status"] == "loaded"
    # import warnings go to stderr, the JSON on stdout stays clean
    assert "PluginWarning" in proc.stderr

    text = run_python("-m", "mygrad", "plugins", path=tmp_path)
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert "imports_badly: failed  [fake-imports-badly 0.0.1]" in lines
    assert "  RuntimeError: boom while importing the plugin" in lines
