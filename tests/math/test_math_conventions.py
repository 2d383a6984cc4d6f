"""Derivative conventions at singular points: ``power`` at 0, ``x ** y`` for x > 0,
``sqrt`` at 0, and the ``x ** 1`` / ``x ** 2`` special cases."""

import warnings

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mygrad as mg
from mygrad.testing import check_grad
from mygrad.testing import strategies as mst


# ------------------------------------------------------------------- power
@pytest.mark.parametrize("call", [lambda x, y: x**y, mg.power, np.power], ids=["**", "mg.power", "np.power"])
def test_zero_to_the_zero_has_zero_gradients(call):
    x = mg.tensor([0.0, 0.0, 0.0])
    y = mg.tensor([0.0, 0.0, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no divide-by-zero / log(0) warnings either
        out = call(x, y)
        np.testing.assert_array_equal(out.data, [1.0, 1.0, 1.0])
        out.backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(y.grad, [0.0, 0.0, 0.0])


def test_power_at_zero_base_hand_checked():
    x = mg.tensor([0.0, 0.0, 0.0, 2.0])
    y = mg.tensor([0.0, 1.0, 2.0, 0.0])
    out = x**y  # [1, 0, 0, 1]
    out.backward()
    np.testing.assert_array_equal(out.data, [1.0, 0.0, 0.0, 1.0])
    # d/dx = y x^(y-1): 0 (convention), 1, 0, 0
    np.testing.assert_array_equal(x.grad, [0.0, 1.0, 0.0, 0.0])
    # d/dy = x^y log x: 0 (convention at x == 0), 0, 0, log 2
    np.testing.assert_allclose(y.grad, [0.0, 0.0, 0.0, np.log(2.0)], rtol=1e-15)
    assert np.all(np.isfinite(x.grad)) and np.all(np.isfinite(y.grad))


@given(data=st.data(), shapes=mst.broadcastable_shapes(2, max_dims=3, max_side=3))
def test_power_gradients_for_positive_base(data, shapes):
    a = data.draw(hnp.arrays(np.float64, shapes[0], elements=st.floats(0.1, 4.0)), label="base")
    b = data.draw(hnp.arrays(np.float64, shapes[1], elements=st.floats(-3.0, 3.0)), label="exponent")
    x, y = mg.tensor(a), mg.tensor(b)
    out = x**y
    out.backward()
    shape = out.shape
    ab, bb = np.broadcast_to(a, shape), np.broadcast_to(b, shape)
    dx = bb * ab ** (bb - 1)
    dy = ab**bb * np.log(ab)

    def reduce_to(g, s):
        g = g.sum(axis=tuple(range(g.ndim - len(s))))
        return g.sum(axis=tuple(i for i, n in enumerate(s) if n == 1), keepdims=True).reshape(s)

    np.testing.assert_allclose(x.grad, reduce_to(dx, a.shape), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(y.grad, reduce_to(dy, b.shape), rtol=1e-10, atol=1e-12)
    check_grad(lambda u, v: u**v, a, b, rtol=1e-5, atol=1e-7)


def test_zero_exponent_tensor():
    x = mg.tensor([0.5, 2.0])
    y = mg.tensor([0.0, 0.0])
    (x**y).backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])
    np.testing.assert_allclose(y.grad, np.log([0.5, 2.0]))


@pytest.mark.parametrize("exponent", [3, 3.0, np.array(3.0), -1, 0.5])
def test_constant_exponent_gets_no_gradient(exponent):
    x = mg.tensor([0.5, 2.0])
    out = x**exponent
    out.backward()
    e = float(np.asarray(exponent))
    np.testing.assert_allclose(x.grad, e * np.array([0.5, 2.0]) ** (e - 1), rtol=1e-14)


def test_negative_base_with_integer_exponent():
    x = mg.tensor([-2.0, -0.5, 1.5])
    (x**3).backward()
    np.testing.assert_allclose(x.grad, 3 * np.array([-2.0, -0.5, 1.5]) ** 2, rtol=1e-14)


def test_scalar_base_tensor_exponent():
    y = mg.tensor([0.0, 1.0, 2.0])
    out = 3.0**y
    out.backward()
    np.testing.assert_allclose(out.data, [1.0, 3.0, 9.0])
    np.testing.assert_allclose(y.grad, np.log(3.0) * np.array([1.0, 3.0, 9.0]), rtol=1e-14)


# -------------------------------------------------------------- x**1, x**2
@pytest.mark.parametrize("exponent", [1, 1.0, 2, 2.0])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_first_and_second_powers(exponent, dtype):
    a = np.array([-2.0, 0.0, 0.5, 3.0], dtype=dtype)
    x = mg.tensor(a)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # exact at 0 and for negative bases: no log/divide warnings
        out = x**exponent
        out.backward()
    assert out.dtype == dtype and x.grad.dtype == dtype
    np.testing.assert_array_equal(out.data, a**exponent)
    expected = np.ones_like(a) if exponent == 1 else 2 * a
    np.testing.assert_array_equal(x.grad, expected)
    assert not np.shares_memory(out.data, x.data)


@given(arr=hnp.arrays(np.float64, mst.shapes(max_side=3), elements=st.floats(-5, 5)))
def test_square_forms_agree(arr):
    grads = []
    for f in (lambda t: t**2, lambda t: mg.square(t), lambda t: t * t, lambda t: mg.power(t, 2), np.square):
        x = mg.tensor(arr)
        out = f(x)
        np.testing.assert_allclose(out.data, arr**2, rtol=1e-15)
        out.backward()
        grads.append(x.grad)
    for g in grads:
        np.testing.assert_allclose(g, 2 * arr, rtol=1e-15, atol=1e-300)


# -------------------------------------------------------------------- sqrt
def test_sqrt_gradient_at_zero_is_inf_with_runtime_warning():
    x = mg.tensor([0.0, 4.0])
    out = mg.sqrt(x)
    with pytest.warns(RuntimeWarning):
        out.backward()
    assert x.grad[0] == np.inf
    assert x.grad[1] == 0.25


def test_log_gradient():
    x = mg.tensor([0.5, 1.0, 4.0])
    mg.log(x).backward()
    np.testing.assert_allclose(x.grad, [2.0, 1.0, 0.25], rtol=1e-15)


@pytest.mark.parametrize("f, df", [
    (mg.exp, np.exp), (mg.tanh, lambda a: 1 - np.tanh(a) ** 2),
    (mg.sin, np.cos), (mg.cos, lambda a: -np.sin(a)),
])
def test_closed_form_derivatives(f, df):
    a = np.linspace(-2, 2, 9)
    x = mg.tensor(a)
    f(x).backward()
    np.testing.assert_allclose(x.grad, df(a), rtol=1e-13, atol=1e-15)


def test_masked_positions_raise_no_floating_point_warnings():
    x = mg.tensor([4.0, 1.0])
    out = mg.sqrt(x, where=[True, False], out=np.zeros(2))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        out.backward()
    np.testing.assert_array_equal(x.grad, [0.25, 0.0])
