"""The conformance check covers every kind of op: several results, read-only
view results, inputs without a gradient (``Domain(dtype=...)``), tensors
passed by keyword or after a non-tensor argument (``conformance["call"]``),
and tables -- and it catches a wrong gradient rule in each."""

import numpy as np
import pytest

import mygrad as mg
import mygrad.plugin as mp
from mygrad.plugins import registered
from mygrad.testing import ConformanceError, check_op, check_plugin

from _pluginkit import make_plugin


def _fails(decl, phase_part):
    with pytest.raises(ConformanceError) as info:
        check_op(decl, max_examples=8, seed=0)
    err = info.value
    assert err.op == decl.name, str(err)
    assert phase_part in err.phase, str(err)
    return err


# ---------------------------------------------------------- several results
def _sin_rule_ok(g, out, x):
    return g * np.cos(x)


def _sin_rule_wrong(g, out, x):
    return -g * np.cos(x)  # (a sign error)


def _sine(rule, name):
    return mp.function_op(None, grads=[rule], name=name, reference=np.sin)(lambda x: np.sin(x))


_good_sin, _bad_sin = _sine(_sin_rule_ok, "kinds_sin_ok"), _sine(_sin_rule_wrong, "kinds_sin_bad")


def _pair(sin):
    def impl(x, *, constant=None):
        return mg.exp(x), sin(x), np.asarray(x).shape  # (two tensors and a plain result)

    return impl


def _pair_reference(x):
    return np.exp(x), np.sin(x), np.shape(x)


def test_several_results_are_compared_and_differentiated_together():
    op = mp.composite_op(_pair(_good_sin), name="kinds_pair", reference=_pair_reference, conformance={"nin": 1})
    check_op(op, max_examples=8, seed=0)


def test_a_wrong_rule_behind_the_second_result_is_caught():
    op = mp.composite_op(_pair(_bad_sin), name="kinds_pair_bad", reference=_pair_reference,
                         conformance={"shapes": [((2,),)]})
    err = _fails(op, "gradient of input 0")
    assert "seed1" in str(err) or "upstream gradient" in str(err)


def test_a_wrong_plain_result_is_caught():
    def reference(x):
        return np.exp(x), np.sin(x), np.shape(x) + (1,)

    op = mp.composite_op(_pair(_good_sin), name="kinds_pair_shape", reference=reference, conformance={"nin": 1})
    _fails(op, "forward")


def test_named_tuples_must_match_numpys():
    def impl(a, *, constant=None):
        return tuple(mg.linalg.slogdet(a))  # (a plain tuple, NumPy's is a named tuple)

    op = mp.composite_op(impl, name="kinds_slogdet", reference=np.linalg.slogdet,
                         domain=mp.Domain(structure="invertible"), conformance={"shapes": [((2, 2),)]})
    err = _fails(op, "forward")
    assert "SlogdetResult" in str(err)


def test_the_math_split_family_and_linalg_factorisations_pass():
    for name in ("split", "array_split"):
        check_op(getattr(mg, name), max_examples=5, seed=1)
    for name in ("qr", "eigh", "svd", "slogdet", "lstsq"):
        check_op(getattr(mg.linalg, name), max_examples=5, seed=1)


# ------------------------------------------------------- read-only view results
@mp.reads()  # (declares that it reads only shapes: wrong, it reads the input's values)
def _diag_grad_reading_values(g, out, a):
    grad = np.zeros(np.shape(a), dtype=g.dtype)
    n = min(np.shape(a))
    grad[np.arange(n), np.arange(n)] = g * np.sign(np.diagonal(a))
    return grad


def _diag_grad(g, out, a):
    grad = np.zeros(np.shape(a), dtype=g.dtype)
    n = min(np.shape(a))
    grad[np.arange(n), np.arange(n)] = g
    return grad


def _diag(rule, name):
    op = mp.function_op(None, grads=[mp.reads()(rule) if rule is _diag_grad else rule], name=name,
                        reference=np.diagonal, can_return_view=True, domain=mp.Domain(0.5, 5),
                        conformance={"shapes": [((2, 2),), ((2, 3),), ((3, 1),)]})(lambda a: np.diagonal(a))
    op.read_only_view = True
    return op


def test_a_read_only_view_result_is_checked_without_writing_into_it():
    check_op(_diag(_diag_grad, "kinds_diag"), max_examples=8, seed=0)
    check_op(mg.diagonal, max_examples=5, seed=0)
    check_op(mg.broadcast_to, max_examples=5, seed=0)


def test_writes_into_the_inputs_of_a_read_only_view_are_still_checked():
    err = _fails(_diag(_diag_grad_reading_values, "kinds_diag_bad"), "writes after the forward pass")
    assert "@reads" in str(err)


# ----------------------------------------------------- inputs without gradient
def _choose(x_rule, name):
    return mp.function_op(None, grads=[mp.NONDIFF, x_rule, lambda g, out, c, x, y: g * ~c],
                          nin=3, name=name, reference=np.where,
                          domain=(mp.Domain(dtype="bool"), mp.Domain(), mp.Domain()))(
        lambda c, x, y: np.where(c, x, y))


def test_boolean_and_integer_inputs_are_drawn_with_their_dtype_and_never_differentiated():
    seen = []

    def impl(c, n, x, *, constant=None):
        if isinstance(x, mg.Tensor):  # (not in the no_autodiff run, which passes arrays)
            seen.append((c.dtype, n.dtype, c.constant, n.constant))
        return mg.where(c, x * (2.0 ** np.asarray(n)).astype(x.dtype), x)

    def reference(c, n, x):
        return np.where(c, x * (2.0 ** n).astype(x.dtype), x)

    op = mp.composite_op(impl, name="kinds_nondiff", reference=reference,
                         domain=(mp.Domain(dtype="bool"), mp.Domain(-2, 2, dtype="int8"), mp.Domain()),
                         conformance={"nin": 3})
    check_op(op, max_examples=8, seed=0)
    assert seen and all(s == (np.dtype(bool), np.dtype(np.int8), True, True) for s in seen)


def test_an_op_on_a_boolean_input_passes_and_a_wrong_rule_is_caught():
    check_op(_choose(lambda g, out, c, x, y: g * c, "kinds_choose"), max_examples=8, seed=0)
    _fails(_choose(lambda g, out, c, x, y: g * ~c, "kinds_choose_bad"), "gradient of input 1")
    check_op(mg.where, max_examples=5, seed=0)
    check_op(mg.ldexp, max_examples=5, seed=0)  # (the example plugin's: an integer exponent)


# ----------------------------------------------------------- keyword tensors
class _Shift(mp.Operation):
    wrong = False

    def __call__(self, x, bias):
        self.variables = (x, bias)
        return x.data * 2.0 + bias.data

    def backward_var(self, grad, index, **kwargs):
        if index == 0:
            return grad * 2.0
        return grad * (3.0 if self.wrong else 1.0)


class _WrongShift(_Shift):
    wrong = True


def _shift(operation, name):
    def impl(x, *, bias, constant=None):
        return mp.execute_op(operation, x, bias, constant=constant)

    return mp.operation_op(impl, operation, name=name, reference=lambda x, *, bias: x * 2.0 + bias,
                           conformance={"shapes": [((2,), (2,)), ((2, 3), (3,))],
                                        "call": lambda f, x, b: f(x, bias=b)})


def test_a_tensor_passed_by_keyword_is_checked():
    check_op(_shift(_Shift, "kinds_shift"), max_examples=8, seed=0)


def test_a_wrong_rule_of_a_keyword_tensor_is_caught():
    _fails(_shift(_WrongShift, "kinds_shift_bad"), "gradient of input 1")


def test_a_leading_non_tensor_argument_and_a_list_of_tensors():
    check_op(mg.einsum, max_examples=8, seed=0)
    check_op(mg.linalg.multi_dot, max_examples=8, seed=0)


# ------------------------------------------------------------------- tables
def test_check_plugin_checks_a_plugins_tables():
    # (NumPy callables that no installed plugin claims)
    plugin = make_plugin(mp.constant_only(np.nextafter, np.spacing), mp.passthrough(np.i0), _good_sin)
    with registered(plugin, "kinds-tables"):
        report = check_plugin("kinds-tables", max_examples=3)
    assert set(report.checked) == {"constant table", "passthrough table", "kinds_sin_ok"}
    assert report.skipped == {}
