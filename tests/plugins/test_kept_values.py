"""``function_op(keeps=...)``: values the forward pass computes anyway reach
the gradient rules as keyword arguments, when the op is recorded."""

import numpy as np
import pytest

import mygrad as mg
from mygrad.errors import DeclarationError
from mygrad.plugin import Domain, function_op
from mygrad.testing import check_op


def _normalize_grad(g, out, x, *, norm):
    # d(x / |x|) = (g - out * <g, out>) / |x|, from the kept norm only
    return (g - out * np.sum(g * out)) / norm


def _normalize(x):
    norm = np.sqrt(np.sum(x * x))
    return x / norm, norm


def test_kept_values_reach_the_rule_and_the_gradient_is_right():
    normalize_kept = function_op(grads=[_normalize_grad], name="normalize_kept2", keeps=("norm",), domain=Domain(0.5, 3),
                                 conformance={"shapes": [((3,),), ((5,),)]})(_normalize)
    x = mg.tensor([3.0, 4.0])
    y = normalize_kept(x)
    assert isinstance(y, mg.Tensor)
    np.testing.assert_allclose(y.data, [0.6, 0.8])
    (y * mg.tensor([1.0, 0.0])).sum().backward()
    # d y0 / dx = (1 - y0^2, -y0 y1) / |x|
    np.testing.assert_allclose(x.grad, [(1 - 0.36) / 5, -0.48 / 5])
    check_op(normalize_kept, max_examples=5, seed=0)


@pytest.mark.parametrize("keeps, match", [
    (("not an identifier",), "identifiers"),
    (("x",), "name of an argument"),
    (("g",), "name of an argument"),
    (("axis",), "name of an argument"),
    (("a", "a"), "twice"),
    ((3,), "identifiers"),
])
def test_bad_keeps_are_refused_when_declared(keeps, match):
    with pytest.raises(DeclarationError, match=match):
        function_op(grads=[lambda g, out, x, axis=None, **kw: g], keeps=keeps, name="bad")(lambda x, axis=None: (x, x))


def test_a_view_op_cannot_keep_values():
    with pytest.raises(DeclarationError, match="views"):
        function_op(grads=[lambda g, out, x, **kw: g], keeps=("k",), can_return_view=True, name="bad_view")(lambda x: (x, x))


def test_a_forward_that_does_not_return_its_kept_values_is_a_loud_error():
    op = function_op(grads=[lambda g, out, x, *, k: g], keeps=("k",), name="forgets")(lambda x: x * 2)
    with pytest.raises(DeclarationError, match=r"forgets.*\(result, k\)"):
        op(mg.tensor([1.0]))


def test_kept_values_are_dropped_when_nothing_is_recorded_and_hidden_from_replays():
    calls = []

    def rule(g, out, x, scale=1.0, *, twice):
        calls.append(twice)
        return g * scale * 2

    op = function_op(grads=[rule], keeps=("twice",), name="double_kept")(lambda x, scale=1.0: (2 * scale * x, 2 * x))
    with mg.no_autodiff:
        r = op(mg.tensor([1.0, 2.0]), scale=3.0)
    np.testing.assert_array_equal(r.data, [6.0, 12.0])
    assert r.creator is None
    x = mg.tensor([1.0, 2.0])
    y = op(x, scale=3.0)
    assert y.creator.replay_kwargs == {"scale": 3.0}
    y.backward()
    np.testing.assert_array_equal(x.grad, [6.0, 6.0])
    np.testing.assert_array_equal(calls[0], [2.0, 4.0])  # the forward-time value


def test_kept_values_are_the_forward_time_values_even_if_the_input_changes():
    x = mg.tensor([3.0, 4.0])
    op = function_op(grads=[_normalize_grad], keeps=("norm",), name="normalize_kept3")(_normalize)
    y = op(x)
    x.data[...] = [30.0, 40.0]  # (the rule never reads x: the write is allowed, and recorded)
    (y * mg.tensor([1.0, 0.0])).sum().backward()
    np.testing.assert_allclose(x.grad, [(1 - 0.36) / 5, -0.48 / 5])
