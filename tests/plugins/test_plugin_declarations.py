"""Validation of op declarations (``mygrad.plugin.ufunc_op``, ``function_op``,
``composite_op``, ``operation_op``, tables, ``export``): a malformed
declaration raises ``DeclarationError`` when it is made."""

import numpy as np
import pytest

import mygrad as mg
from mygrad.errors import DeclarationError, PluginError
from mygrad.plugin import NONDIFF, Domain, Operation, bool_only, composite_op, constant_only, export, function_op, operation_op, passthrough, ufunc_op
from mygrad.plugins import registered
from mygrad._declarations.kinds import Table

from _pluginkit import make_plugin


def g1(g, out, x):
    return g


def g2(g, out, x, y):
    return g


def fwd1(x):
    return x


def fwd2(x, y):
    return x + y


class Doubling(Operation):
    def __call__(self, x):
        self.variables = (x,)
        return 2 * x.data

    def backward_var(self, grad, index, **kwargs):
        return 2 * grad


class NoGradient(Operation):
    def __call__(self, x):
        self.variables = (x,)
        return 2 * x.data


def test_declaration_error_is_a_plugin_error_and_a_type_error():
    assert issubclass(DeclarationError, PluginError)
    assert issubclass(DeclarationError, TypeError)


# ------------------------------------------------------------- valid ones
def test_valid_declarations():
    add = ufunc_op(np.add, g2, g2, name="add_decl")
    assert (add.name, add.nin, add.numpy, add.namespaces) == ("add_decl", 2, np.add, ("mygrad",))
    ldexp = ufunc_op(np.ldexp, g2, NONDIFF, name="ldexp_decl")  # NONDIFF stands for a rule
    assert ldexp.grads[1] is NONDIFF
    varargs = ufunc_op(np.add, lambda *a: a[0], lambda g, out, *xs: g)  # cannot be analysed: accepted
    assert varargs.name == "add"
    f = function_op(np.cumsum, grads=[g1], namespaces="mygrad.nnet", aliases=("cs_alias",))(fwd1)
    assert (f.name, f.namespaces, f.public_names, f.numpy) == ("fwd1", ("mygrad.nnet",), ("fwd1", "cs_alias"), np.cumsum)
    two = function_op(grads=[g2, NONDIFF], nin=2, domain=(Domain(0.1, 2), Domain()))(fwd2)
    assert two.input_domain(0) == Domain(0.1, 2)
    assert composite_op(fwd1, name="comp_decl").name == "comp_decl"
    assert operation_op(fwd1, Doubling, name="op_decl").operation is Doubling
    assert passthrough(np.shape).kind == "passthrough"
    assert export("thing_decl", 3).obj == 3


# ------------------------------------------------------------ rule counts
@pytest.mark.parametrize(
    "make, parts",
    [
        (lambda: ufunc_op(np.add, g2), ["numpy.add", "2 gradient rule", "got 1"]),
        (lambda: ufunc_op(np.add, g2, g2, g2), ["numpy.add", "got 3"]),
        (lambda: ufunc_op(np.exp), ["numpy.exp", "1 gradient rule", "got 0"]),
        (lambda: function_op(np.sum)(fwd1), ["'fwd1'", "0 gradient rule"]),
        (lambda: function_op(grads=[g2], nin=2)(fwd2), ["'fwd2'", "2 tensor input", "1 gradient rule"]),
        (lambda: function_op(grads=[g1, g1])(fwd1), ["'fwd1'", "2 gradient rule"]),
    ],
    ids=["ufunc too few", "ufunc too many", "ufunc none", "function none", "function too few", "function too many"],
)
def test_wrong_number_of_rules(make, parts):
    with pytest.raises(DeclarationError) as e:
        make()
    for part in parts:
        assert part in str(e.value), (part, str(e.value))


@pytest.mark.parametrize("rule", ["g * out", None, 3.0, np.ones(2)], ids=["str", "None", "float", "array"])
def test_non_callable_rule(rule):
    with pytest.raises(DeclarationError, match="not callable"):
        ufunc_op(np.exp, rule)
    with pytest.raises(DeclarationError, match="not callable"):
        function_op(grads=[rule], name="fn_decl")(fwd1)


@pytest.mark.parametrize(
    "make, accepts",
    [
        (lambda: ufunc_op(np.add, lambda g, out, x: g, g2), "(g, out, x)"),
        (lambda: ufunc_op(np.add, g2, lambda g, out: g), "(g, out)"),
        (lambda: ufunc_op(np.exp, lambda g: g), "(g)"),
        (lambda: function_op(grads=[lambda g, out: g])(fwd1), "(g, out)"),
        (lambda: function_op(grads=[g2, g1], nin=2)(fwd2), "(g, out, x)"),
    ],
)
def test_rule_with_too_few_parameters(make, accepts):
    with pytest.raises(DeclarationError, match="must accept") as e:
        make()
    assert accepts in str(e.value)


def test_ufunc_op_needs_a_single_output_ufunc():
    with pytest.raises(DeclarationError, match="numpy.ufunc"):
        ufunc_op(np.sum, g1)
    with pytest.raises(DeclarationError, match="single-output"):
        ufunc_op(np.divmod, g2, g2)


@pytest.mark.parametrize(
    "nin",
    [
        0,
        -1,
        1.5,
    ],
)
def test_function_op_nin(nin):
    with pytest.raises(DeclarationError, match="nin"):
        function_op(grads=[], nin=nin)(fwd1)


# ----------------------------------------------------- names, namespaces
@pytest.mark.parametrize("name", ["not valid", "1abc", "a-b", "a.b", 3, ("x",)])
def test_bad_names(name):
    with pytest.raises(DeclarationError, match="identifier"):
        composite_op(fwd1, name=name)
    with pytest.raises(DeclarationError, match="identifier"):
        ufunc_op(np.exp, g1, name=name)
    with pytest.raises(DeclarationError, match="identifier"):
        function_op(grads=[g1], name=name)(fwd1)
    with pytest.raises(DeclarationError, match="identifier"):
        export(name, 1)


def test_the_default_name_must_be_an_identifier():
    with pytest.raises(DeclarationError, match="identifier"):
        composite_op(lambda x: x)  # '<lambda>'


@pytest.mark.parametrize("ns", ["numpy", "mygradx", "", "Mygrad", "torch.mygrad"])
def test_bad_namespaces(ns):
    with pytest.raises(DeclarationError, match="namespace"):
        composite_op(fwd1, name="ok_decl", namespaces=(ns,))
    with pytest.raises(DeclarationError, match="namespace"):
        export("ok_decl", 1, namespaces=(ns,))
    with pytest.raises(DeclarationError, match="namespace"):
        ufunc_op(np.exp, g1, name="ok_decl", namespaces=("mygrad", ns))


@pytest.mark.parametrize("ns", ["mygrad.", "mygrad..x", "mygrad.a b", "mygrad.1x"])
def test_malformed_sub_namespaces(ns):
    with pytest.raises(DeclarationError, match="namespace"):
        composite_op(fwd1, name="ok_decl", namespaces=(ns,))


@pytest.mark.parametrize("alias", ["a b", "1x", ""])
def test_bad_aliases(alias):
    with pytest.raises(DeclarationError, match="identifier"):
        composite_op(fwd1, name="ok_decl", aliases=(alias,))


# ------------------------------------------------------- other helpers
def test_operation_op_needs_an_operation_subclass_with_a_gradient():
    with pytest.raises(DeclarationError, match="backward_var"):
        operation_op(fwd1, NoGradient, name="nograd_decl")
    with pytest.raises(DeclarationError, match="Operation subclass"):
        operation_op(fwd1, int, name="int_decl")
    with pytest.raises(DeclarationError, match="Operation subclass"):
        operation_op(fwd1, Doubling(), name="instance_decl")


def test_composite_op_needs_a_callable():
    with pytest.raises(DeclarationError, match="callable"):
        composite_op(5, name="five_decl")


@pytest.mark.parametrize("name", [None, "named_decl"])
def test_function_op_needs_a_callable_forward(name):
    meta = {} if name is None else {"name": name}
    with pytest.raises(DeclarationError, match="callable"):
        function_op(grads=[g1], **meta)(5)


def test_tables():
    with pytest.raises(DeclarationError, match="table kind"):
        Table(kind="sometimes", items=(np.isnan,))
    with pytest.raises(DeclarationError, match="ufuncs"):
        bool_only(np.allclose)
    with pytest.raises(DeclarationError, match="ufuncs"):
        constant_only(np.sum)
    with pytest.raises(DeclarationError, match="not callable"):
        passthrough(5)


# -------------------------------------------------- declared ops do work
def test_an_operation_op_registers_and_differentiates():
    from mygrad import execute_op

    def doubled(x, constant=None):
        return execute_op(Doubling, x, constant=constant)

    decl = operation_op(doubled, Doubling, name="doubled_decl")
    with registered(make_plugin(decl), "decl-operation"):
        x = mg.tensor([1.0, 3.0])
        y = mg.doubled_decl(x)
        np.testing.assert_allclose(y.data, [2.0, 6.0])
        y.backward()
        np.testing.assert_allclose(x.grad, [2.0, 2.0])


def test_nondiff_input_gets_no_gradient():
    # (numpy=None: numpy.ldexp itself is claimed by the installed example plugin)
    decl = ufunc_op(np.ldexp, lambda g, out, x, n: g * np.exp2(n), NONDIFF, name="ldexp_decl2", numpy=None)
    with registered(make_plugin(decl), "decl-nondiff"):
        x = mg.tensor([1.0, 3.0])
        n = mg.tensor([2, 3])
        y = mg.ldexp_decl2(x, n)
        np.testing.assert_allclose(y.data, [4.0, 24.0])
        y.backward()
        np.testing.assert_allclose(x.grad, [4.0, 8.0])
        assert n.grad is None


# ------------------------------------------- generalized ufuncs: axes=, axis=, keepdims=
def test_gufunc_layout_keywords_are_refused_unless_declared():
    # rules written for matmul's default layout would give a wrong gradient for other axes
    plain = ufunc_op(np.matmul, lambda g, out, a, b: g @ b.T, lambda g, out, a, b: a.T @ g, name="mm_decl",
                     namespaces=())
    a, b = mg.tensor(np.ones((2, 3))), mg.tensor(np.ones((3, 2)))
    with pytest.raises(NotImplementedError, match="axes="):
        plain(a, b, axes=[(0, 1), (0, 1), (0, 1)])
    assert a._op is None and a.grad is None  # nothing recorded
    assert plain(a, b).shape == (2, 2)
    with pytest.raises(DeclarationError, match="generalized ufuncs only"):
        ufunc_op(np.add, g2, g2, keywords={"axes": None}, name="add_axes_decl")


def test_declared_gufunc_layout_keywords_reach_numpy_and_the_rules():
    seen = []

    def rule_a(g, out, a, b, axes=None):
        seen.append(axes)
        return np.zeros_like(a)

    def rule_b(g, out, a, b, axes=None):
        seen.append(axes)
        return np.zeros_like(b)

    decl = ufunc_op(np.matmul, rule_a, rule_b, keywords={"axes": None}, name="mm_axes_decl", namespaces=())
    a, b = mg.tensor(np.ones((3, 2))), mg.tensor(np.ones((2, 3)))
    axes = [(1, 0), (1, 0), (1, 0)]
    out = decl(a, b, axes=axes)
    np.testing.assert_array_equal(out.data, np.matmul(a.data, b.data, axes=axes))
    out.sum().backward()
    assert seen == [axes, axes]
