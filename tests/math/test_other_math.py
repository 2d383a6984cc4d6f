"""The math pack's elementwise functions that are not ufuncs: sinc,
cot, csc, sec, arccot, arccsc, arcsec, coth, csch, sech, arccoth, arccsch,
logsumexp, add_sequence, multiply_sequence -- conformance, conventions at the
special points, dtypes, 0-d/empty inputs, constants and errors."""

import math

import numpy as np
import pytest

import mygrad as mg
from mygrad.testing import check_grad, check_op, numerical_gradient

#: name -> (NumPy formula, a safe (low, high) interval)
UNARY = {
    "sinc": (np.sinc, (-3, 3)),
    "cot": (lambda x: np.cos(x) / np.sin(x), (0.2, 3)),
    "csc": (lambda x: 1 / np.sin(x), (0.2, 3)),
    "sec": (lambda x: 1 / np.cos(x), (-1.3, 1.3)),
    "arccot": (lambda x: np.arctan(1 / x), (0.2, 5)),
    "arccsc": (lambda x: np.arcsin(1 / x), (1.1, 5)),
    "arcsec": (lambda x: np.arccos(1 / x), (1.1, 5)),
    "coth": (lambda x: np.cosh(x) / np.sinh(x), (0.2, 3)),
    "csch": (lambda x: 1 / np.sinh(x), (0.2, 3)),
    "sech": (lambda x: 1 / np.cosh(x), (-3, 3)),
    "arccoth": (lambda x: np.arctanh(1 / x), (1.1, 5)),
    "arccsch": (lambda x: np.arcsinh(1 / x), (0.2, 5)),
}
NAMES = list(UNARY) + ["logsumexp", "add_sequence", "multiply_sequence"]
DTYPES = [np.float16, np.float32, np.float64]


def values(name, shape=(2, 3), dtype=np.float64):
    lo, hi = UNARY[name][1]
    size = int(np.prod(shape))
    return np.linspace(lo, hi, size + 2)[1:-1].reshape(shape).astype(dtype)


def grads_of(f, *values, **kwargs):
    tensors = [mg.tensor(v) for v in values]
    f(*tensors, **kwargs).backward()
    return [t.grad for t in tensors]


@pytest.mark.parametrize("name", NAMES)
def test_conformance(name):
    check_op(getattr(mg, name), max_examples=15)


@pytest.mark.parametrize("name", NAMES)
def test_published(name):
    assert getattr(mg, name) is getattr(mg.math, name)


# -------------------------------------------------------------------- unary
@pytest.mark.parametrize("name", list(UNARY))
@pytest.mark.parametrize("dtype", DTYPES)
def test_unary_forward_dtype_and_gradient(name, dtype):
    formula = UNARY[name][0]
    a = values(name, dtype=dtype)
    x = mg.tensor(a)
    out = getattr(mg, name)(x)
    expected = formula(a)
    assert out.dtype == expected.dtype == dtype
    tol = {np.float16: 2e-3, np.float32: 1e-6, np.float64: 1e-12}[dtype]
    np.testing.assert_allclose(out.data, expected, rtol=tol, atol=tol)
    out.backward()
    assert x.grad.dtype == dtype and x.grad.shape == a.shape
    (numeric,) = numerical_gradient(getattr(mg, name), a.astype(np.float64))
    # (float16 gradients are computed in float16: e.g. coth's 1 - coth**2 cancels)
    np.testing.assert_allclose(x.grad, numeric, rtol=max(tol, 1e-5) * 10, atol=5e-3 if dtype == np.float16 else 1e-6)


@pytest.mark.parametrize("name", list(UNARY))
def test_unary_zero_dim_empty_constant_and_array_likes(name):
    op = getattr(mg, name)
    a = values(name, shape=())
    check_grad(op, a)
    e = mg.tensor(np.ones((0, 2)))
    out = op(e)
    assert out.shape == (0, 2)
    out.backward()
    assert e.grad.shape == (0, 2)
    assert op(mg.tensor(a), constant=True).constant is True
    for like in (float(a), [float(a)], a):
        r = op(like)
        assert isinstance(r, mg.Tensor) and r.constant
    ints = op(mg.tensor([2, 3]))  # integers: a float result, constant like the input
    assert ints.dtype == np.float64 and ints.constant


@pytest.mark.parametrize("name", list(UNARY))
def test_unary_signature_errors(name):
    op = getattr(mg, name)
    x = mg.tensor([1.5, 2.5])
    with pytest.raises(TypeError):
        op(x, x)
    with pytest.raises(TypeError):
        op(x, no_such_keyword=True)
    with pytest.raises(TypeError):
        op()
    with pytest.raises(TypeError):
        op(x, constant=1)


def test_sinc_overrides_numpy_and_has_zero_gradient_at_zero():
    x = mg.tensor([0.0, 0.5, -1.0, 1e-9])
    y = np.sinc(x)
    assert isinstance(y, mg.Tensor)
    np.testing.assert_array_equal(y.data, np.sinc(x.data))
    y.backward()
    np.testing.assert_allclose(x.grad, [0.0, -4 / math.pi, 1.0, 0.0], atol=1e-7)
    check_grad(mg.sinc, np.array([0.3, -2.7, 4.1]))


def test_sinc_of_float16_zero():
    x = mg.tensor(np.array([0.0, 0.5], dtype=np.float16))
    mg.sinc(x).backward()
    assert x.grad.dtype == np.float16 and x.grad[0] == 0


def test_arccot_at_zero_is_half_pi_with_gradient_minus_one():
    x = mg.tensor([-2.0, 0.0, 2.0])
    y = mg.arccot(x)
    np.testing.assert_allclose(y.data, [-math.atan(0.5), math.pi / 2, math.atan(0.5)])
    y.backward()
    np.testing.assert_allclose(x.grad, [-0.2, -1.0, -0.2])
    assert mg.arccot(mg.tensor(0)).item() == pytest.approx(math.pi / 2)  # an integer 0 too


@pytest.mark.parametrize("name, at_one", [("arccsc", math.pi / 2), ("arcsec", 0.0)])
def test_arccsc_arcsec_have_zero_gradient_at_plus_minus_one(name, at_one):
    x = mg.tensor([1.0, -1.0, 2.0])
    y = getattr(mg, name)(x)
    assert y.data[0] == pytest.approx(at_one)
    y.backward()
    assert x.grad[0] == 0 and x.grad[1] == 0
    sign = -1 if name == "arccsc" else 1
    assert x.grad[2] == pytest.approx(sign / (2 * math.sqrt(3)))


@pytest.mark.parametrize("name", ["arccsc", "arcsec", "arccoth"])
def test_inverse_functions_are_nan_inside_the_unit_interval_like_numpy(name):
    with pytest.warns(RuntimeWarning):
        y = getattr(mg, name)(mg.tensor([0.5]))
    assert np.isnan(y.data[0])


def test_negative_arguments_of_odd_functions():
    for name in ("cot", "csc", "arccot", "arccsc", "arcsec", "coth", "csch", "arccoth", "arccsch"):
        check_grad(getattr(mg, name), np.array([-1.5, -2.5]))


def test_sech_and_csch_gradients_stay_finite_for_large_arguments():
    (g,) = grads_of(mg.sech, [800.0, -800.0])
    np.testing.assert_array_equal(g, [0.0, 0.0])
    (g,) = grads_of(mg.csch, [800.0])
    np.testing.assert_array_equal(g, [-0.0])


# ---------------------------------------------------------------- logsumexp
def test_logsumexp_matches_numpy_and_its_gradient_is_the_softmax():
    a = np.array([[0.5, -1.0, 2.0], [3.0, 3.0, -4.0]])
    for axis in (None, 0, 1, -1, (0, 1)):
        for keepdims in (False, True):
            x = mg.tensor(a)
            y = mg.logsumexp(x, axis=axis, keepdims=keepdims)
            expected = np.logaddexp.reduce(a, axis=axis, keepdims=keepdims)
            assert y.shape == np.shape(expected)
            np.testing.assert_allclose(y.data, expected, rtol=1e-14)
            y.backward()
            e = np.exp(a - np.max(a, axis=axis, keepdims=True))
            np.testing.assert_allclose(x.grad, e / e.sum(axis=axis, keepdims=True), rtol=1e-14)


def test_logsumexp_is_stable():
    x = mg.tensor([1000.0, 1000.0, -np.inf])
    y = mg.logsumexp(x)
    assert y.item() == pytest.approx(1000 + math.log(2))
    y.backward()
    np.testing.assert_allclose(x.grad, [0.5, 0.5, 0.0])
    small = mg.tensor([-1000.0, -1000.0])
    assert mg.logsumexp(small).item() == pytest.approx(-1000 + math.log(2))


def test_logsumexp_of_only_minus_inf_or_nothing():
    x = mg.tensor([[-np.inf, -np.inf], [0.0, 0.0]])
    y = mg.logsumexp(x, axis=1)
    np.testing.assert_array_equal(y.data, [-np.inf, math.log(2)])
    y.backward()
    np.testing.assert_array_equal(x.grad, [[0.0, 0.0], [0.5, 0.5]])
    e = mg.logsumexp(mg.tensor(np.zeros((0, 3))), axis=0)
    np.testing.assert_array_equal(e.data, [-np.inf] * 3)
    assert mg.logsumexp(mg.tensor([np.inf, 1.0])).item() == np.inf


@pytest.mark.parametrize("dtype", DTYPES)
def test_logsumexp_dtypes(dtype):
    x = mg.tensor(np.array([1.0, 2.0, 3.0], dtype=dtype))
    y = mg.logsumexp(x)
    assert y.dtype == dtype == np.logaddexp.reduce(x.data).dtype
    y.backward()
    assert x.grad.dtype == dtype
    assert mg.logsumexp(mg.tensor([1, 2])).dtype == np.float64


def test_logsumexp_zero_dim_and_bad_axes():
    x = mg.tensor(2.0)
    y = mg.logsumexp(x)
    assert y.shape == () and y.item() == 2.0
    y.backward()
    assert x.grad == 1.0
    with pytest.raises(np.exceptions.AxisError):
        mg.logsumexp(mg.tensor([1.0, 2.0]), axis=1)
    with pytest.raises(TypeError):
        mg.logsumexp(mg.tensor([1.0]), no_such_keyword=1)


# ---------------------------------------------------------------- sequences
@pytest.mark.parametrize("name, np_op", [("add_sequence", np.add), ("multiply_sequence", np.multiply)])
def test_sequences_need_two_inputs(name, np_op):
    f = getattr(mg, name)
    with pytest.raises(ValueError):
        f()
    with pytest.raises(ValueError):
        f(mg.tensor([1.0]))
    out = f(1.0, 2.0)
    assert isinstance(out, mg.Tensor) and out.constant and out.item() == np_op(1.0, 2.0)


@pytest.mark.parametrize("name, np_op", [("add_sequence", np.add), ("multiply_sequence", np.multiply)])
def test_sequences_broadcast_and_are_one_op(name, np_op):
    a, b, c, d = np.array([1.5, -2.0]), np.array(3.0), np.array([[0.5], [2.0]]), np.array([1.0, 0.25])
    tensors = [mg.tensor(v) for v in (a, b, c, d)]
    out = getattr(mg, name)(*tensors)
    np.testing.assert_array_equal(out.data, np_op(np_op(np_op(a, b), c), d))
    assert len(out.creator.variables) == 4  # a single node
    assert all(v is t for v, t in zip(out.creator.variables, tensors))
    check_grad(getattr(mg, name), a, b, c, d)


def test_multiply_sequence_is_exact_with_zeros():
    gx, gy, gz = grads_of(mg.multiply_sequence, [0.0, 2.0, 0.0], [3.0, 0.0, 0.0], [4.0, 5.0, 6.0])
    np.testing.assert_array_equal(gx, [12.0, 0.0, 0.0])
    np.testing.assert_array_equal(gy, [0.0, 10.0, 0.0])
    np.testing.assert_array_equal(gz, [0.0, 0.0, 0.0])


def test_sequences_with_the_same_tensor_twice_and_constants():
    x = mg.tensor([2.0, 3.0])
    c = mg.tensor([5.0, 7.0], constant=True)
    mg.multiply_sequence(x, x, c).backward()
    np.testing.assert_array_equal(x.grad, [20.0, 42.0])
    assert c.grad is None
    mg.add_sequence(x, c, x).backward()
    np.testing.assert_array_equal(x.grad, [2.0, 2.0])
    assert mg.add_sequence(x, c, constant=True).constant


@pytest.mark.parametrize("name, np_op", [("add_sequence", np.add), ("multiply_sequence", np.multiply)])
@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_sequences_follow_numpy_dtypes(name, np_op, dtype):
    x = mg.tensor(np.array([1.5, 2.0], dtype=dtype))
    y = getattr(mg, name)(x, 2.0, x)  # a Python scalar does not upcast (NEP 50)
    assert y.dtype == np_op(np_op(x.data, 2.0), x.data).dtype == dtype
    y.backward()
    assert x.grad.dtype == dtype
    mixed = getattr(mg, name)(x, mg.tensor(np.array([1.0, 1.0], dtype=np.float64)))
    assert mixed.dtype == np.float64
    assert getattr(mg, name)(x, np.float64(2.0)).dtype == np_op(x.data, np.float64(2.0)).dtype
