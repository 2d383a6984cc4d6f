"""Tensor operators ``+ - * / **`` (and reflected forms, unary ``-``/``+``),
and result dtypes that follow NumPy, including NEP 50 for Python scalars
(MyGrad 2.x upcast float32 tensors with Python scalars to float64)."""

import operator

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mygrad as mg
from mygrad.testing import numerical_gradient
from mygrad.testing import strategies as mst

OPERATORS = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
}
MG_FUNCS = {"+": mg.add, "-": mg.subtract, "*": mg.multiply, "/": mg.divide, "**": mg.power}
NP_FUNCS = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "**": np.power}
FLOATS = [np.float16, np.float32, np.float64]
INTS = [np.int8, np.int32, np.int64, np.uint8]

def _other_kinds(value):
    return {
        "int": int(value),
        "float": float(value),
        "list": [float(value)] * 3,
        "ndarray": np.full(3, float(value)),
        "numpy-float32": np.float32(value),
    }


# --------------------------------------------------------------- operators
@pytest.mark.parametrize("sym", OPERATORS)
@given(data=st.data(), shapes=mst.broadcastable_shapes(2, max_dims=3, max_side=3))
def test_operators_match_functions_and_numpy(sym, data, shapes):
    op = OPERATORS[sym]
    a = data.draw(hnp.arrays(np.float64, shapes[0], elements=st.floats(0.5, 2.5)), label="a")
    b = data.draw(hnp.arrays(np.float64, shapes[1], elements=st.floats(0.5, 2.5)), label="b")
    x, y = mg.tensor(a), mg.tensor(b)
    out = op(x, y)
    assert isinstance(out, mg.Tensor)
    np.testing.assert_allclose(out.data, op(a, b), rtol=1e-14)
    assert out.dtype == op(a, b).dtype
    ref = MG_FUNCS[sym](mg.tensor(a), mg.tensor(b))
    np.testing.assert_allclose(out.data, ref.data, rtol=1e-14)
    seed = np.ones(out.shape)
    out.backward(seed)
    nx, ny = numerical_gradient(op, a, b)
    np.testing.assert_allclose(x.grad, nx, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(y.grad, ny, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("sym", OPERATORS)
@pytest.mark.parametrize("kind", ["int", "float", "list", "ndarray", "numpy-float32"])
@pytest.mark.parametrize("reflected", [False, True], ids=["t op other", "other op t"])
def test_operators_with_non_tensor_operands(sym, kind, reflected):
    op = OPERATORS[sym]
    a = np.array([0.5, 1.5, 2.0])
    other = _other_kinds(2)[kind]
    x = mg.tensor(a)
    out = op(other, x) if reflected else op(x, other)
    expected = op(np.asarray(other), a) if reflected and kind == "ndarray" else (
        op(other, a) if reflected else op(a, other))
    assert isinstance(out, mg.Tensor)
    assert out.dtype == np.asarray(expected).dtype
    np.testing.assert_allclose(out.data, expected, rtol=1e-14)
    out.backward()
    f = (lambda t: op(other, t)) if reflected else (lambda t: op(t, other))
    (n,) = numerical_gradient(f, a)
    np.testing.assert_allclose(x.grad, n, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize(
    "expr, value, grad",
    [
        (lambda t: 2 - t, [1.0, 0.0, -1.0], [-1.0, -1.0, -1.0]),
        (lambda t: 2 / t, [2.0, 1.0, 2 / 3], [-2.0, -0.5, -2 / 9]),
        (lambda t: 2**t, [2.0, 4.0, 8.0], [2 * np.log(2), 4 * np.log(2), 8 * np.log(2)]),
        (lambda t: 2 + t, [3.0, 4.0, 5.0], [1.0, 1.0, 1.0]),
        (lambda t: 2 * t, [2.0, 4.0, 6.0], [2.0, 2.0, 2.0]),
        (lambda t: -t, [-1.0, -2.0, -3.0], [-1.0, -1.0, -1.0]),
        (lambda t: +t, [1.0, 2.0, 3.0], [1.0, 1.0, 1.0]),
        (lambda t: t**2, [1.0, 4.0, 9.0], [2.0, 4.0, 6.0]),
        (lambda t: t**-1, [1.0, 0.5, 1 / 3], [-1.0, -0.25, -1 / 9]),
        (lambda t: [3.0, 2.0, 1.0] - t, [2.0, 0.0, -2.0], [-1.0, -1.0, -1.0]),
        (lambda t: np.array([6.0, 6.0, 6.0]) / t, [6.0, 3.0, 2.0], [-6.0, -1.5, -2 / 3]),
    ],
    ids=["2-t", "2/t", "2**t", "2+t", "2*t", "-t", "+t", "t**2", "t**-1", "list-t", "ndarray/t"],
)
def test_reflected_and_unary_operators_hand_checked(expr, value, grad):
    x = mg.tensor([1.0, 2.0, 3.0])
    out = expr(x)
    assert isinstance(out, mg.Tensor) and out.constant is False
    np.testing.assert_allclose(out.data, value, rtol=1e-14)
    out.backward()
    np.testing.assert_allclose(x.grad, grad, rtol=1e-14)


def test_unary_operators_on_constants_and_ints():
    c = mg.tensor([1.0, -2.0], constant=True)
    assert (-c).constant is True and (+c).constant is True
    i = mg.tensor([1, -2])
    np.testing.assert_array_equal((-i).data, [-1, 2])
    assert (-i).dtype == i.dtype


def test_unary_positive_returns_a_new_tensor():
    x = mg.tensor([1.0, 2.0])
    y = +x
    assert y is not x
    assert not np.shares_memory(x.data, y.data)


def test_sum_and_mean_methods():
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    s = x.sum()
    assert isinstance(s, mg.Tensor) and s.item() == 10.0
    m = x.mean(axis=0)
    np.testing.assert_array_equal(m.data, [2.0, 3.0])
    (s + m.sum()).backward()
    np.testing.assert_array_equal(x.grad, np.full((2, 2), 1.5))


# --------------------------------------------------------- dtype parity
SCALARS = {"int": 2, "float": 2.0, "np.float64": np.float64(2.0), "np.float32": np.float32(2.0),
           "np.int64": np.int64(2), "bool": True}


def _scalar_cases():
    for sym in OPERATORS:
        for dtype in FLOATS + INTS:
            for label, scalar in SCALARS.items():
                yield pytest.param(sym, dtype, scalar, id=f"{sym}-{np.dtype(dtype).name}-{label}")


@pytest.mark.parametrize("sym, dtype, scalar", list(_scalar_cases()))
def test_result_dtype_follows_numpy_with_scalars(sym, dtype, scalar):
    """NEP 50: Python scalars are weak (``float32_tensor * 2.0`` stays float32);
    NumPy scalars are not."""
    op = OPERATORS[sym]
    a = np.array([1, 2], dtype=dtype)
    t = mg.tensor(a)
    for left, right, t_left, t_right in ((a, scalar, t, scalar), (scalar, a, scalar, t)):
        try:
            with np.errstate(all="ignore"):
                expected = op(left, right)
        except Exception as e:  # e.g. integer ** negative integer
            with pytest.raises(type(e)):
                op(t_left, t_right)
            continue
        if sym == "**":
            # NumPy < 2.2 turns `array ** 2` into `np.square(array)` whatever the scalar's
            # type; mygrad's `**` is the ufunc `np.power` with NumPy 2's promotion (NEP 50),
            # which is what newer NumPy's operator does too
            with np.errstate(all="ignore"):
                expected = np.power(left, right)
        with np.errstate(all="ignore"):
            got = op(t_left, t_right)
        assert isinstance(got, mg.Tensor)
        assert got.dtype == expected.dtype, f"{left!r} {sym} {right!r}: {got.dtype} != NumPy's {expected.dtype}"
        np.testing.assert_array_equal(got.data, expected)


@pytest.mark.parametrize("sym", OPERATORS)
@pytest.mark.parametrize("dtype", FLOATS + INTS)
@pytest.mark.parametrize("scalar", [3, 0.5])
def test_ufunc_functions_follow_numpy_dtypes_with_scalars(sym, dtype, scalar):
    a = np.array([1, 2], dtype=dtype)
    with np.errstate(all="ignore"):
        for args, t_args in (((a, scalar), (mg.tensor(a), scalar)), ((scalar, a), (scalar, mg.tensor(a)))):
            expected = NP_FUNCS[sym](*args)
            assert MG_FUNCS[sym](*t_args).dtype == expected.dtype
            assert NP_FUNCS[sym](*t_args).dtype == expected.dtype


@pytest.mark.parametrize("sym", OPERATORS)
@given(dtypes=st.tuples(st.sampled_from(FLOATS + INTS), st.sampled_from(FLOATS + INTS)),
       shapes=mst.broadcastable_shapes(2, max_dims=2, max_side=2))
def test_tensor_tensor_dtype_promotion_matches_numpy(sym, dtypes, shapes):
    a = np.ones(shapes[0], dtype=dtypes[0])
    b = np.ones(shapes[1], dtype=dtypes[1])
    op = OPERATORS[sym]
    # (NumPy < 2.2's `**` with a 0-d exponent of 0, ±1, 0.5 or 2 skips promotion; mygrad's `**`
    # is the ufunc np.power, as newer NumPy's operator is)
    reference = np.power if sym == "**" else op
    with np.errstate(all="ignore"):
        try:
            expected = reference(a, b)
        except Exception as e:
            with pytest.raises(type(e)):
                op(mg.tensor(a), mg.tensor(b))
            return
        got = op(mg.tensor(a), mg.tensor(b))
    assert got.dtype == expected.dtype
    assert got.shape == expected.shape
    assert got.constant is (expected.dtype.kind != "f" or (a.dtype.kind != "f" and b.dtype.kind != "f"))


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_nep50_hand_checked(dtype):
    t = mg.tensor([1.0, 2.0], dtype=dtype)
    for out in (t * 2.0, 2.0 * t, t + 1, t - 0.5, 1 / t, t / 2, t**2, t**3, t**0.5, 2**t, -t,
                mg.exp(t), mg.sum(t), mg.mean(t), t + t):
        assert out.dtype == dtype
    assert (t * np.float64(2.0)).dtype == np.float64  # a NumPy float64 scalar is strong
    assert (t * np.array(2.0)).dtype == np.float64  # ... and so is a 0-d float64 array


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_low_precision_gradients_through_scalar_ops(dtype):
    x = mg.tensor([1.0, 2.0], dtype=dtype)
    f = mg.sum(2.0 * x**3 - 1.5 / x + x / 4)
    assert f.dtype == dtype
    f.backward()
    assert x.grad.dtype == dtype
    expected = 6 * np.array([1.0, 4.0]) + 1.5 / np.array([1.0, 4.0]) + 0.25
    np.testing.assert_allclose(x.grad, expected, rtol=1e-2 if dtype == np.float16 else 1e-6)


@pytest.mark.parametrize("exponent", [1.0, 2.0])
def test_integer_tensor_to_float_power_is_float(exponent):
    i = mg.tensor([1, 2, 3])
    out = i**exponent
    expected = np.array([1, 2, 3]) ** exponent
    assert out.dtype == expected.dtype == np.float64
    np.testing.assert_array_equal(out.data, expected)


def test_integer_tensor_arithmetic():
    i = mg.tensor([1, 2, 3])
    assert (i * 2).dtype == np.array([1, 2, 3]).dtype and (i * 2).constant is True
    assert (i / 2).dtype == np.float64 and (i / 2).constant is True
    assert (i * 2.5).dtype == np.float64 and (i * 2.5).constant is True
    x = mg.tensor([1.0, 2.0, 3.0])
    out = i * x  # mixing an int constant with a float variable
    assert out.constant is False
    out.backward()
    np.testing.assert_array_equal(x.grad, [1.0, 2.0, 3.0])
    assert i.grad is None
