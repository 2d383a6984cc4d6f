"""The run-time plugin API: ``mygrad.plugin.register``, ``unregister`` and the
``registered`` context manager; what a registration publishes and what an
unregistration takes back; errors leave everything as it was."""

import sys
import types
import warnings

import numpy as np
import pytest

import mygrad as mg
from mygrad._plugins import registry as registry_module
from mygrad._plugins.manager import MANAGER
from mygrad._plugins.registry import REGISTRY
from mygrad.errors import DeclarationError, MissingProviderError, PluginConflictError, PluginError
from mygrad.plugin import NONDIFF, bool_only, composite_op, constant_only, export, function_op, hookimpl, passthrough, ufunc_op
from mygrad.plugins import load_installed, plugins, register, registered, unregister
from mygrad._plugins.registry import STUBS

from _pluginkit import ClassPlugin, assert_state_unchanged, make_plugin, registry_state


# ------------------------------------------------------------ declarations
def conj_decl():
    """numpy.conjugate on real tensors (identity), with an alias and a method."""
    return ufunc_op(
        np.conjugate, lambda g, out, x: g, name="conj_rt", aliases=("conj_alias_rt",), methods=("conj_rt",)
    )


def and_decl():
    """``a @ b`` on tensors computes ``2 * a + b`` (ops from the math pack; the
    operator is free while the linalg pack does not provide matmul)."""

    def twice_plus(a, b):
        return 2 * a + b

    return composite_op(twice_plus, name="twice_plus_rt", operators=("__matmul__", "__rmatmul__"))


@pytest.fixture
def free_matmul():
    """``Tensor.__matmul__`` as a free slot: the linalg pack (which provides
    matmul) is unregistered for the test and registered again after it."""
    owner = REGISTRY.owner.get(("tensor", "__matmul__"))
    info = unregister(owner) if owner is not None else None
    try:
        yield
    finally:
        if info is not None:
            _reinstate(info)


def cube_decl(**meta):
    def cube(x):
        return x**3

    return function_op(grads=[lambda g, out, x: 3 * g * x**2], **meta)(cube)


def free_method_stub():
    """A Tensor method that is a 'provider missing' stub right now."""
    for attr in ("prod", "var", "std", "cumsum", "cumprod", "max", "min", "any", "all", "clip", "dot"):
        if attr in STUBS and ("tensor", attr) not in REGISTRY.owner:
            return attr
    pytest.skip("every Tensor method stub is provided by an installed pack")


# ------------------------------------------------------- publish / remove
@pytest.mark.parametrize("kind", ["class instance", "namespace", "module"])
def test_register_publishes_names_numpy_overrides_and_tensor_attributes(kind, free_matmul):
    decls = [conj_decl(), and_decl()]
    if kind == "class instance":
        plugin = ClassPlugin(*decls)
    elif kind == "namespace":
        plugin = make_plugin(*decls)
    else:
        plugin = types.ModuleType("my_runtime_plugin_module")
        plugin.mygrad_ops = hookimpl(lambda: decls)
    before = registry_state()

    info = register(plugin, "rt")
    try:
        assert info.name == "rt" and info.status == "loaded"
        assert info.distribution is None
        assert info.ops == {"mygrad": ["conj_alias_rt", "conj_rt", "twice_plus_rt"]}
        assert info in plugins()
        # public names
        assert mg.conj_rt is decls[0] and mg.conj_alias_rt is decls[0]
        assert mg.twice_plus_rt is decls[1]
        assert {"conj_rt", "conj_alias_rt", "twice_plus_rt"} <= set(dir(mg))
        # the NumPy override, differentiable
        x = mg.tensor([1.0, -2.0])
        y = np.conjugate(x)
        assert isinstance(y, mg.Tensor)
        (y * y).backward()
        np.testing.assert_allclose(x.grad, 2 * x.data)
        assert REGISTRY.ufuncs[np.conjugate] is decls[0]
        # the Tensor method and the operators (incl. the reflected one)
        assert isinstance(x.conj_rt(), mg.Tensor)
        np.testing.assert_allclose((x @ 1.0).data, 2 * x.data + 1)
        np.testing.assert_allclose((1.0 @ x).data, 2 + x.data)
        z = x @ x
        z.backward(np.ones(2))
        np.testing.assert_allclose(x.grad, [3.0, 3.0])
    finally:
        unregister("rt")

    assert_state_unchanged({k: v for k, v in before.items() if k != "info"},
                           {k: v for k, v in registry_state().items() if k != "info"})
    for name in ("conj_rt", "conj_alias_rt", "twice_plus_rt"):
        with pytest.raises(AttributeError):
            getattr(mg, name)
    t = mg.tensor([1.0, -2.0])
    with pytest.raises(TypeError):
        np.conjugate(t)
    with pytest.raises(TypeError):
        t @ 1.0
    with pytest.raises(TypeError):
        1.0 @ t
    with pytest.raises(AttributeError):
        t.conj_rt()
    assert np.conjugate not in REGISTRY.ufuncs


def test_unregister_reports_the_plugin_as_unregistered():
    info = register(make_plugin(conj_decl()), "rt-status")
    assert unregister("rt-status") is info
    assert info.status == "unregistered"
    assert info.ops == {}
    # a plugin registered at run time leaves no record behind (re-registering it
    # gives one entry again)
    assert [p.status for p in plugins() if p.name == "rt-status"] == []
    register(make_plugin(conj_decl()), "rt-status")
    assert [p.status for p in plugins() if p.name == "rt-status"] == ["loaded"]
    unregister("rt-status")
    with pytest.raises(ValueError, match="rt-status"):
        unregister("rt-status")


def test_unregister_by_plugin_object():
    plugin = make_plugin(conj_decl())
    register(plugin, "rt-object")
    assert unregister(plugin).name == "rt-object"
    assert not hasattr(mg, "conj_rt")
    assert not MANAGER.pm.is_registered(plugin)


def test_a_stub_method_is_provided_and_restored():
    attr = free_method_stub()
    stub = STUBS[attr]
    decl = cube_decl(name="cube_rt", methods=(attr,))
    t = mg.tensor([1.0, 2.0])
    with pytest.raises(MissingProviderError):
        getattr(t, attr)()
    with registered(make_plugin(decl), "rt-stub"):
        out = getattr(t, attr)()
        np.testing.assert_allclose(out.data, [1.0, 8.0])
        out.backward()
        np.testing.assert_allclose(t.grad, [3.0, 12.0])
    assert vars(mg.Tensor)[attr] is stub
    with pytest.raises(MissingProviderError) as e:
        getattr(t, attr)()
    assert isinstance(e.value, TypeError)


def test_registered_context_manager():
    plugin = make_plugin(conj_decl())
    with registered(plugin, "rt-ctx") as info:
        assert info.status == "loaded"
        assert isinstance(mg.conj_rt(mg.tensor([1.0])), mg.Tensor)
    assert not hasattr(mg, "conj_rt")
    # also when the block raises
    with pytest.raises(KeyError, match="inside"):
        with registered(plugin, "rt-ctx"):
            assert hasattr(mg, "conj_rt")
            raise KeyError("inside")
    assert not hasattr(mg, "conj_rt")
    assert not MANAGER.pm.is_registered(plugin)


def test_default_plugin_name_is_the_module_name():
    mod = types.ModuleType("rt_named_module")
    mod.mygrad_ops = hookimpl(lambda: [conj_decl()])
    with registered(mod) as info:
        assert info.name == "rt_named_module"
        assert MANAGER.pm.get_plugin("rt_named_module") is mod


@pytest.mark.parametrize(
    "namespace",
    ["mygrad.linalg", "mygrad.nnet", "mygrad.nnet.activations", "mygrad.rt_somethingnew", "mygrad.rt_new.deeper"],
)
def test_namespaces(namespace):
    decl = cube_decl(name="cube_ns_rt", namespaces=(namespace,))
    with registered(make_plugin(decl), "rt-ns") as info:
        assert info.ops == {namespace: ["cube_ns_rt"]}
        mod = sys.modules[namespace]
        assert mod.cube_ns_rt is decl
        # reachable as attributes from `mygrad` and by import
        obj = mg
        for part in namespace.split(".")[1:]:
            obj = getattr(obj, part)
        assert obj is mod
        ns = {}
        exec(f"from {namespace} import cube_ns_rt", ns)
        assert ns["cube_ns_rt"] is decl
        out = mod.cube_ns_rt(mg.tensor([2.0]))
        np.testing.assert_allclose(out.data, [8.0])
        assert not hasattr(mg, "cube_ns_rt")  # only in its namespace
    with pytest.raises(AttributeError):
        sys.modules[namespace].cube_ns_rt


def test_one_op_in_several_namespaces():
    decl = cube_decl(name="cube_multi_rt", namespaces=("mygrad", "mygrad.nnet"))
    with registered(make_plugin(decl), "rt-multi") as info:
        assert info.ops == {"mygrad": ["cube_multi_rt"], "mygrad.nnet": ["cube_multi_rt"]}
        assert mg.cube_multi_rt is mg.nnet.cube_multi_rt is decl
    assert not hasattr(mg, "cube_multi_rt") and not hasattr(mg.nnet, "cube_multi_rt")


def test_exports_and_tables_at_run_time():
    marker = object()
    plugin = make_plugin(
        export("marker_rt", marker),
        passthrough(np.ndim, export=True),
        constant_only(np.spacing),
    )
    c = mg.tensor([1.0, 2.0], constant=True)
    v = mg.tensor([1.0, 2.0])
    with registered(plugin, "rt-tables") as info:
        assert info.ops == {"mygrad": ["marker_rt", "ndim"]}
        assert mg.marker_rt is marker
        assert mg.ndim is np.ndim
        assert np.ndim(v) == 1
        out = np.spacing(c)
        assert type(out) is np.ndarray
        np.testing.assert_array_equal(out, np.spacing(c.data))
        with pytest.raises(ValueError, match="non-constant"):
            np.spacing(v)
    assert not hasattr(mg, "marker_rt") and not hasattr(mg, "ndim")
    with pytest.raises(TypeError):
        np.ndim(v)
    with pytest.raises(TypeError):
        np.spacing(c)


# ----------------------------------------------------------------- hooks
def test_plugin_loaded_hook_gets_the_published_names():
    plugin = ClassPlugin(conj_decl(), cube_decl(name="cube_hook_rt", namespaces=("mygrad.nnet",)))
    with registered(plugin, "rt-hook") as info:
        assert plugin.loaded_calls == [{"mygrad": ["conj_alias_rt", "conj_rt"], "mygrad.nnet": ["cube_hook_rt"]}]
        assert info.hooks == ["mygrad_ops", "mygrad_plugin_loaded"]
    assert len(plugin.loaded_calls) == 1


def test_plugin_loaded_hook_runs_after_the_names_are_reachable():
    seen = []

    def loaded(names):
        seen.extend(getattr(mg, n) for n in names["mygrad"])

    decl = conj_decl()
    with registered(make_plugin(decl, mygrad_plugin_loaded=loaded), "rt-reach"):
        pass
    assert seen == [decl, decl]


def test_plugin_loaded_hook_may_take_no_arguments():
    # pluggy lets an implementation take a subset of the hook's arguments
    calls = []
    with registered(make_plugin(conj_decl(), mygrad_plugin_loaded=lambda: calls.append(1)), "rt-noargs"):
        assert calls == [1]


def test_hookimpl_specname():
    plugin = types.SimpleNamespace()

    def my_ops():
        return [conj_decl()]

    plugin.my_ops = hookimpl(specname="mygrad_ops")(my_ops)
    with registered(plugin, "rt-specname") as info:
        assert info.ops == {"mygrad": ["conj_alias_rt", "conj_rt"]}


def test_a_plugin_without_ops():
    with registered(make_plugin(), "rt-empty") as info:
        assert info.ops == {}
        assert info.status == "loaded"


def test_load_installed_is_idempotent():
    before = registry_state()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_installed()
    assert_state_unchanged(before, registry_state())


# ---------------------------------------------------------------- errors
def _rule(g, out, x):
    return g


def _plugin_with_ops_raising():
    def mygrad_ops():
        raise ZeroDivisionError("ops hook exploded")

    return make_plugin(mygrad_ops=mygrad_ops)


def _plugin_building_a_bad_declaration():
    def mygrad_ops():
        return [ufunc_op(np.add, lambda g, out, x, y: g, name="add_one_rule_rt")]

    return make_plugin(mygrad_ops=mygrad_ops)


def _tampered_declaration():
    decl = ufunc_op(np.ldexp, lambda g, out, x, n: g * np.exp2(n), NONDIFF, name="ldexp_rt",
                    numpy=None)  # (numpy.ldexp itself is the example plugin's)
    decl.grads = decl.grads[:1]  # a rule went missing after construction
    return make_plugin(decl)


def _loaded_hook_raising():
    def loaded(names):
        assert hasattr(mg, "conj_rt")  # the names were published ...
        raise RuntimeError("loaded hook exploded")  # ... and must be taken back

    return make_plugin(conj_decl(), mygrad_plugin_loaded=loaded)


def _bad_signature():
    def mygrad_ops(unexpected):
        return []

    return make_plugin(mygrad_ops=mygrad_ops)


def _cube(name="cube_err_rt", **meta):
    return make_plugin(cube_decl(name=name, **meta))


REJECTED = {
    # id: (plugin factory, exception, parts of the message)
    "name of another plugin": (
        lambda: _cube("exp"), PluginConflictError, ["'exp'", "'math'", "mygrad-ops-math", "'bad'"]),
    "name of the example plugin": (
        lambda: _cube("softplus"), PluginConflictError, ["'softplus'", "'extra'", "mygrad-ops-extra", "'bad'"]),
    "core name tensor": (lambda: _cube("tensor"), PluginConflictError, ["'tensor'", "mygrad core", "'bad'"]),
    "core name Tensor": (lambda: _cube("Tensor"), PluginConflictError, ["'Tensor'", "mygrad core", "'bad'"]),
    "core name no_autodiff": (
        lambda: _cube("no_autodiff"), PluginConflictError, ["'no_autodiff'", "mygrad core", "'bad'"]),
    "core submodule name": (lambda: _cube("linalg"), PluginConflictError, ["'linalg'", "mygrad core", "'bad'"]),
    "core table name": (lambda: _cube("isnan"), PluginConflictError, ["'isnan'", "'mygrad'", "'bad'"]),
    "core Tensor method": (
        lambda: _cube(methods=("backward",)), PluginConflictError, ["Tensor.backward", "mygrad core", "'bad'"]),
    "core Tensor property": (
        lambda: _cube(methods=("data",)), PluginConflictError, ["Tensor.data", "mygrad core", "'bad'"]),
    "core Tensor operator": (
        lambda: _cube(operators=("__eq__",)), PluginConflictError, ["Tensor.__eq__", "mygrad core", "'bad'"]),
    "core NumPy protocol": (
        lambda: _cube(operators=("__array_ufunc__",)), PluginConflictError,
        ["Tensor.__array_ufunc__", "mygrad core", "'bad'"]),
    "Tensor method of another plugin": (
        lambda: _cube(methods=("sum",)), PluginConflictError, ["'sum'", "'math'", "mygrad-ops-math", "'bad'"]),
    "Tensor operator of another plugin": (
        lambda: _cube(operators=("__add__",)), PluginConflictError, ["'__add__'", "'math'", "'bad'"]),
    "NumPy ufunc of another plugin": (
        lambda: make_plugin(ufunc_op(np.exp, _rule, name="exp_rt")), PluginConflictError,
        ["numpy.exp", "'math'", "mygrad-ops-math", "'bad'"]),
    "NumPy ufunc of the example plugin": (
        lambda: make_plugin(ufunc_op(np.ldexp, lambda g, o, x, n: g, NONDIFF, name="ldexp_rt_claim")),
        PluginConflictError, ["numpy.ldexp", "'extra'", "mygrad-ops-extra", "'bad'"]),
    "NumPy function of another plugin": (
        lambda: _cube(numpy=np.sum), PluginConflictError, ["numpy.sum", "'math'", "'bad'"]),
    "NumPy ufunc of a core table": (
        lambda: make_plugin(bool_only(np.isnan)), PluginConflictError, ["numpy.isnan", "'mygrad'", "'bad'"]),
    "a name twice in one plugin": (
        lambda: make_plugin(cube_decl(name="twice_rt"), cube_decl(name="twice_rt")), PluginConflictError,
        ["twice_rt", "twice", "'bad'"]),
    "a NumPy function twice in one plugin": (
        lambda: make_plugin(ufunc_op(np.conjugate, _rule, name="c1_rt"), ufunc_op(np.conjugate, _rule, name="c2_rt")),
        PluginConflictError, ["numpy.conjugate", "twice", "'bad'"]),
    "namespace shadowing a core object": (
        lambda: _cube(namespaces=("mygrad.Tensor",)), PluginConflictError, ["mygrad.Tensor", "'bad'"]),
    "namespace shadowing another plugin's op": (
        lambda: _cube(namespaces=("mygrad.exp",)), PluginConflictError, ["mygrad.exp", "'bad'"]),
    "missing gradient rule": (_tampered_declaration, DeclarationError, ["ldexp_rt", "gradient rule"]),
    "hook builds a bad declaration": (
        _plugin_building_a_bad_declaration, PluginError,
        ["'bad'", "mygrad_ops", "DeclarationError", "gradient rule"]),
    "not a declaration": (lambda: make_plugin("exp"), DeclarationError, ["'exp'", "not an op declaration"]),
    "numpy override not callable": (lambda: _cube(numpy=42), DeclarationError, ["cube_err_rt", "42"]),
    "misspelled hook": (
        lambda: make_plugin(conj_decl(), mygrad_opz=lambda: []), PluginError, ["'bad'", "mygrad_opz", "misspelled"]),
    "misspelled hook only": (
        lambda: make_plugin(mygrad_ops=None, mygrad_plugin_loades=lambda names: None), PluginError,
        ["mygrad_plugin_loades"]),
    "mygrad_ops raises": (_plugin_with_ops_raising, PluginError, ["'bad'", "mygrad_ops", "ZeroDivisionError",
                                                                  "ops hook exploded"]),
    "mygrad_plugin_loaded raises": (
        _loaded_hook_raising, PluginError, ["'bad'", "mygrad_plugin_loaded", "RuntimeError", "loaded hook exploded"]),
    "hook with an unknown argument": (_bad_signature, PluginError, ["'bad'", "unexpected"]),
}


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_a_rejected_plugin_changes_nothing(case):
    factory, exc_type, parts = REJECTED[case]
    plugin = factory()
    before = registry_state()
    with pytest.raises(exc_type) as e:
        register(plugin, "bad")
    assert isinstance(e.value, PluginError)
    for part in parts:
        assert part in str(e.value), (part, str(e.value))
    assert_state_unchanged(before, registry_state())
    assert not MANAGER.pm.is_registered(plugin)
    # mygrad still works
    x = mg.tensor([1.0, 2.0])
    np.testing.assert_allclose((np.exp(x) * 2).data, 2 * np.exp([1.0, 2.0]))


def test_plugin_name_already_taken():
    before = registry_state()
    with pytest.raises(PluginConflictError) as e:
        register(make_plugin(conj_decl()), "math")
    assert "'math'" in str(e.value) and "mygrad-ops-math" in str(e.value)
    assert_state_unchanged(before, registry_state())
    with registered(make_plugin(), "rt-taken"):
        with pytest.raises(PluginConflictError, match="rt-taken"):
            register(make_plugin(), "rt-taken")


def test_the_same_object_cannot_be_registered_twice():
    plugin = make_plugin(conj_decl())
    with registered(plugin, "rt-once"):
        before = registry_state()
        with pytest.raises(PluginError, match="rt-once"):
            register(plugin, "rt-twice")
        assert_state_unchanged(before, registry_state())


def test_a_rejected_plugin_can_register_once_the_conflict_is_gone():
    first = make_plugin(cube_decl(name="contested_rt"))
    second = make_plugin(cube_decl(name="contested_rt"))
    with registered(first, "rt-first"):
        with pytest.raises(PluginConflictError, match="rt-first"):
            register(second, "rt-second")
    with registered(second, "rt-second") as info:
        assert info.ops == {"mygrad": ["contested_rt"]}


def test_the_core_plugin_cannot_be_unregistered():
    before = registry_state()
    with pytest.raises(PluginError, match="core"):
        unregister("mygrad")
    assert_state_unchanged(before, registry_state())


def test_unregister_unknown_plugin():
    with pytest.raises(ValueError, match="no-such-plugin"):
        unregister("no-such-plugin")


def test_registration_is_all_or_nothing_when_binding_fails(free_matmul, monkeypatch):
    real = registry_module._tensor_binding

    def failing(decl, attr):
        if attr == "__rmatmul__":
            raise RuntimeError("binding failed")
        return real(decl, attr)

    monkeypatch.setattr(registry_module, "_tensor_binding", failing)
    before = registry_state()
    with pytest.raises(RuntimeError, match="binding failed"):
        register(make_plugin(conj_decl(), and_decl()), "rt-bind")
    assert_state_unchanged(before, registry_state())
    monkeypatch.undo()
    with registered(make_plugin(conj_decl(), and_decl()), "rt-bind"):  # nothing left behind
        assert isinstance(mg.tensor([1.0]) @ 1.0, mg.Tensor)


def _reinstate(info):
    MANAGER.info.pop(info.name)
    MANAGER.register(info.plugin, info.name, distribution=info.distribution, version=info.version)


def test_the_example_plugin_can_be_unregistered_and_registered_again():
    import mygrad_ops_extra

    info = unregister("extra")
    try:
        assert not hasattr(mg, "softplus")
        with pytest.raises(TypeError):
            np.ldexp(mg.tensor([3.0]), 1)
        assert [p.status for p in plugins() if p.name == "extra"] == ["unregistered"]
    finally:
        _reinstate(info)
    assert isinstance(np.ldexp(mg.tensor([3.0]), 1), mg.Tensor)
    assert mg.softplus is mygrad_ops_extra.functions.softplus


def test_unregistering_the_math_pack_restores_the_missing_provider_stubs():
    provided = sorted(a for a in STUBS if REGISTRY.owner.get(("tensor", a)) == "math")
    assert {"__add__", "__radd__", "sum", "mean"} <= set(provided)
    info = unregister("math")
    try:
        t = mg.tensor([1.0, 2.0])
        for attr in provided:
            assert vars(mg.Tensor)[attr] is STUBS[attr] or attr == "T", attr
        for use in (lambda: t + 1, lambda: 1 + t, lambda: t.sum(), lambda: np.exp(t), lambda: mg.exp):
            with pytest.raises(MissingProviderError) as e:
                use()
            assert "mygrad-ops-math" in str(e.value) and "unregistered" in str(e.value)
    finally:
        _reinstate(info)
    for attr in provided:
        assert vars(mg.Tensor)[attr] is not STUBS[attr], attr
    t = mg.tensor([1.0, 2.0])
    (t + 1).sum().backward()
    np.testing.assert_allclose(t.grad, [1.0, 1.0])
