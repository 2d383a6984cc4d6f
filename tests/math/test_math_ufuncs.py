"""The math pack's ufuncs: forward against NumPy, gradients against finite
differences, broadcasting, dtypes, constant mixes, array-like operands,
``where=``, ``dtype=``, ``out=`` and ``constant=``."""

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mygrad as mg
from mygrad.testing import check_grad, numerical_gradient
from mygrad.testing import strategies as mst


def floats(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def away_from_zero(lo, hi):
    return st.one_of(floats(-hi, -lo), floats(lo, hi))


ANY = floats(-4, 4)
POSITIVE = floats(0.2, 5)

#: name -> (numpy ufunc, element strategy for the input)
UNARY = {
    "negative": (np.negative, ANY),
    "positive": (np.positive, ANY),
    "square": (np.square, ANY),
    "exp": (np.exp, floats(-3, 3)),
    "log": (np.log, POSITIVE),
    "sqrt": (np.sqrt, POSITIVE),
    "sin": (np.sin, ANY),
    "cos": (np.cos, ANY),
    "tanh": (np.tanh, ANY),
}
#: name -> (numpy ufunc, element strategies for the two inputs)
BINARY = {
    "add": (np.add, ANY, ANY),
    "subtract": (np.subtract, ANY, ANY),
    "multiply": (np.multiply, ANY, ANY),
    "divide": (np.divide, ANY, away_from_zero(0.5, 3)),
    "true_divide": (np.true_divide, ANY, away_from_zero(0.5, 3)),
    "power": (np.power, floats(0.3, 3), floats(-2, 2)),
}
DTYPES = [np.float16, np.float32, np.float64]
TOL = {np.dtype(np.float16): 2e-3, np.dtype(np.float32): 1e-6, np.dtype(np.float64): 1e-13}
GRAD_TOL = dict(rtol=1e-5, atol=1e-7)

small_shapes = mst.shapes(max_dims=3, max_side=3)


def arrays_of(elements, shape):
    return hnp.arrays(np.float64, shape, elements=elements)


def assert_forward_matches(out, expected):
    assert isinstance(out, mg.Tensor)
    assert out.dtype == expected.dtype, f"dtype {out.dtype} != NumPy's {expected.dtype}"
    assert out.shape == expected.shape
    tol = TOL.get(expected.dtype, 0)
    np.testing.assert_allclose(out.data, expected, rtol=tol, atol=tol)


def grads_match_numeric(tensors, f, arrays, seed):
    numeric = numerical_gradient(f, *arrays, seed=seed)
    for i, (t, n) in enumerate(zip(tensors, numeric)):
        if t.constant:
            assert t.grad is None, f"constant input {i} got a gradient"
        else:
            assert t.grad is not None, f"input {i} got no gradient"
            assert np.shape(t.grad) == t.shape and t.grad.dtype == t.dtype
            np.testing.assert_allclose(t.grad, n, err_msg=f"input {i}", **GRAD_TOL)


def test_names_are_published():
    for name in list(UNARY) + list(BINARY):
        op = getattr(mg, name)
        assert getattr(mg.math, name) is op
        assert isinstance(op, mg.ufunc)
    assert mg.true_divide is mg.divide


# ------------------------------------------------------------------ unary
@pytest.mark.parametrize("name", UNARY)
@given(data=st.data(), dtype=st.sampled_from(DTYPES), constant=st.booleans())
def test_unary_forward_matches_numpy(name, data, dtype, constant):
    np_op, elements = UNARY[name]
    arr = data.draw(arrays_of(elements, mst.shapes()), label="x").astype(dtype)
    before = arr.copy()
    x = mg.tensor(arr, constant=constant)
    expected = np_op(arr)
    for out in (getattr(mg, name)(x), np_op(x)):
        assert_forward_matches(out, expected)
        assert out.constant is constant
    np.testing.assert_array_equal(x.data, before)  # inputs untouched
    with mg.no_autodiff:
        assert_forward_matches(getattr(mg, name)(arr), expected)


@pytest.mark.parametrize("name", UNARY)
@given(data=st.data())
def test_unary_gradient_matches_finite_differences(name, data):
    np_op, elements = UNARY[name]
    arr = data.draw(arrays_of(elements, small_shapes), label="x")
    seed = data.draw(mst.seeds(arr.shape), label="seed")
    check_grad(getattr(mg, name), arr, seed=seed, **GRAD_TOL)


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("dtype", DTYPES)
def test_unary_gradient_dtype(name, dtype):
    x = mg.tensor(np.array([0.5, 1.5], dtype=dtype))
    getattr(mg, name)(x).backward()
    assert x.grad.dtype == dtype
    assert np.all(np.isfinite(x.grad))


@pytest.mark.parametrize("name", UNARY)
def test_unary_on_array_likes_gives_constant_tensor(name):
    np_op, _ = UNARY[name]
    for value in (0.7, [0.7, 1.2], np.array([[0.7], [1.2]])):
        out = getattr(mg, name)(value)
        assert isinstance(out, mg.Tensor) and out.constant is True
        assert_forward_matches(out, np.asarray(np_op(np.asarray(value))))


@pytest.mark.parametrize("name", UNARY)
def test_unary_on_integer_tensor(name):
    np_op, _ = UNARY[name]
    x = mg.tensor([1, 2, 3])
    out = getattr(mg, name)(x)
    assert_forward_matches(out, np_op(np.array([1, 2, 3])))
    assert out.constant is True


# ----------------------------------------------------------------- binary
@pytest.mark.parametrize("name", BINARY)
@given(data=st.data(), shapes=mst.broadcastable_shapes(2),
       dtypes=st.tuples(st.sampled_from(DTYPES), st.sampled_from(DTYPES)),
       constant=st.tuples(st.booleans(), st.booleans()))
def test_binary_forward_matches_numpy(name, data, shapes, dtypes, constant):
    np_op, ex, ey = BINARY[name]
    a = data.draw(arrays_of(ex, shapes[0]), label="x").astype(dtypes[0])
    b = data.draw(arrays_of(ey, shapes[1]), label="y").astype(dtypes[1])
    x, y = mg.tensor(a, constant=constant[0]), mg.tensor(b, constant=constant[1])
    with np.errstate(all="ignore"):
        expected = np_op(a, b)
        outs = (getattr(mg, name)(x, y), np_op(x, y))
    for out in outs:
        assert_forward_matches(out, expected)
        assert out.constant is (constant[0] and constant[1])
    np.testing.assert_array_equal(x.data, a)
    np.testing.assert_array_equal(y.data, b)


@pytest.mark.parametrize("name", BINARY)
@given(data=st.data(), shapes=mst.broadcastable_shapes(2, max_dims=3, max_side=3),
       constant=st.tuples(st.booleans(), st.booleans()))
def test_binary_gradients_with_broadcasting_and_constants(name, data, shapes, constant):
    _, ex, ey = BINARY[name]
    a = data.draw(arrays_of(ex, shapes[0]), label="x")
    b = data.draw(arrays_of(ey, shapes[1]), label="y")
    op = getattr(mg, name)
    x, y = mg.tensor(a, constant=constant[0]), mg.tensor(b, constant=constant[1])
    out = op(x, y)
    seed = data.draw(mst.seeds(out.shape), label="seed")
    out.backward(seed)
    grads_match_numeric((x, y), op, (a, b), seed)


@pytest.mark.parametrize("name", BINARY)
def test_binary_same_tensor_twice(name):
    a = np.array([0.5, 1.5, 2.5])
    check_grad(lambda x: getattr(mg, name)(x, x), a, **GRAD_TOL)


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize(
    "kind",
    ["python-scalar", "list", "ndarray", "0d-ndarray", "numpy-scalar", "constant-tensor"],
)
@pytest.mark.parametrize("tensor_side", [0, 1])
def test_binary_with_array_like_operand(name, kind, tensor_side):
    np_op, _, _ = BINARY[name]
    t_arr = np.array([[0.5, 1.25, 2.0]])
    raw = [1.5, 0.75, 2.5]
    other = {
        "python-scalar": 1.5,
        "list": raw,
        "ndarray": np.array(raw),
        "0d-ndarray": np.array(1.5),
        "numpy-scalar": np.float64(1.5),
        "constant-tensor": mg.tensor(raw, constant=True),
    }[kind]
    other_arr = np.asarray(other.data if isinstance(other, mg.Tensor) else other)
    t = mg.tensor(t_arr)
    args = (t, other) if tensor_side == 0 else (other, t)
    np_args = (t_arr, other_arr) if tensor_side == 0 else (other_arr, t_arr)
    out = getattr(mg, name)(*args)
    assert_forward_matches(out, np_op(*np_args))
    assert out.constant is False
    out.backward()
    if tensor_side == 0:
        f = lambda u: getattr(mg, name)(u, other_arr)  # noqa: E731
    else:
        f = lambda u: getattr(mg, name)(other_arr, u)  # noqa: E731
    (expected,) = numerical_gradient(f, t_arr)
    np.testing.assert_allclose(t.grad, expected, **GRAD_TOL)
    if isinstance(other, mg.Tensor):
        assert other.grad is None
    if isinstance(other, np.ndarray):
        assert other.flags.writeable  # released after backward


@pytest.mark.parametrize("name", BINARY)
def test_binary_on_array_likes_only_gives_constant(name):
    np_op, _, _ = BINARY[name]
    out = getattr(mg, name)([1.0, 2.0], 2.0)
    assert isinstance(out, mg.Tensor) and out.constant is True
    assert_forward_matches(out, np_op(np.array([1.0, 2.0]), 2.0))
    out = getattr(mg, name)(3, 2)
    assert isinstance(out, mg.Tensor) and out.constant is True
    assert_forward_matches(out, np.asarray(np_op(3, 2)))


# ------------------------------------------------------------- where masks
ALL = {**{n: (u, e) for n, (u, e) in UNARY.items()}, **{n: (u, ex, ey) for n, (u, ex, ey) in BINARY.items()}}


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # rules evaluated at masked-out positions
@pytest.mark.parametrize("name", list(ALL))
@given(data=st.data())
def test_where_mask_with_out_array(name, data):
    spec = ALL[name]
    np_op, elements = spec[0], spec[1:]
    op = getattr(mg, name)
    if len(elements) == 1:
        shapes = (data.draw(small_shapes, label="shape"),)
    else:
        shapes = data.draw(mst.broadcastable_shapes(2, max_dims=3, max_side=3), label="shapes")
    arrays = [data.draw(arrays_of(e, s), label=f"x{i}") for i, (e, s) in enumerate(zip(elements, shapes))]
    out_shape = np.broadcast_shapes(*shapes)
    mask_shape = data.draw(hnp.broadcastable_shapes(out_shape, max_dims=len(out_shape)), label="mask_shape")
    if np.broadcast_shapes(mask_shape, out_shape) != out_shape:
        mask_shape = out_shape
    mask = data.draw(hnp.arrays(np.bool_, mask_shape), label="mask")
    fill = data.draw(floats(-9, 9), label="fill")

    target = np.full(out_shape, fill)
    expected = np.full(out_shape, fill)
    np_op(*arrays, where=mask, out=expected)
    tensors = [mg.tensor(a) for a in arrays]
    out = op(*tensors, where=mask, out=target)
    assert isinstance(out, mg.Tensor)
    assert out.data is target
    np.testing.assert_allclose(out.data, expected, rtol=1e-13, atol=1e-13)
    seed = data.draw(mst.seeds(out_shape), label="seed")
    out.backward(seed)
    masked_seed = np.where(mask, seed, 0.0)  # masked-out outputs do not depend on the inputs
    numeric = numerical_gradient(lambda *xs: op(*xs, where=mask, out=np.zeros(out_shape)), *arrays, seed=masked_seed)
    for t, n in zip(tensors, numeric):
        np.testing.assert_allclose(t.grad, n, **GRAD_TOL)


@pytest.mark.filterwarnings("ignore:'where' used without 'out'")
@pytest.mark.parametrize("name", list(ALL))
def test_where_mask_without_out_gives_zero_gradient_to_masked_positions(name):
    spec = ALL[name]
    op = getattr(mg, name)
    mask = np.array([True, False, True, False])
    x = mg.tensor([0.5, 1.0, 1.5, 2.0])
    args = (x,) if len(spec) == 2 else (x, 1.5)
    out = op(*args, where=mask)
    np.testing.assert_allclose(out.data[mask], spec[0](*(np.asarray(mg.asarray(a)) for a in args))[mask])
    out.backward()
    assert np.all(x.grad[~mask] == 0)
    assert np.all(x.grad[mask] != 0)


def test_where_hand_checked():
    x = mg.tensor([1.0, 2.0, 3.0])
    y = np.full(3, -1.0)
    out = np.multiply(x, x, where=[True, False, True], out=y)
    np.testing.assert_array_equal(out.data, [1.0, -1.0, 9.0])
    out.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 0.0, 6.0])


# ----------------------------------------------------------------- dtype=
@pytest.mark.parametrize("name", list(ALL))
@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_dtype_argument(name, dtype):
    spec = ALL[name]
    np_op = spec[0]
    n = len(spec) - 1
    a = np.array([0.5, 1.25, 2.0])
    x = mg.tensor(a)
    out = getattr(mg, name)(*[x] * n, dtype=dtype)
    expected = np_op(*[a] * n, dtype=dtype)
    assert_forward_matches(out, expected)
    assert_forward_matches(np_op(*[x] * n, dtype=dtype), expected)
    out.backward()
    (numeric,) = numerical_gradient(lambda t: getattr(mg, name)(*[t] * n), a)
    assert x.grad.dtype == np.float64  # gradients have the input's dtype
    np.testing.assert_allclose(x.grad, numeric, rtol=5e-3 if dtype == np.float16 else 1e-5, atol=1e-3)


# ------------------------------------------------------------------- out=
@pytest.mark.parametrize("name", list(ALL))
@pytest.mark.parametrize("how", ["keyword", "positional", "numpy", "tuple"])
def test_out_ndarray(name, how):
    spec = ALL[name]
    np_op = spec[0]
    op = getattr(mg, name)
    arrays = [np.array([0.5, 1.25, 2.0]), np.array([[1.5], [0.75]])][: len(spec) - 1]
    tensors = [mg.tensor(a) for a in arrays]
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    o = np.zeros(shape)
    if how == "keyword":
        out = op(*tensors, out=o)
    elif how == "positional":
        out = op(*tensors, o)
    elif how == "numpy":
        out = np_op(*tensors, out=o)
    else:
        out = np_op(*tensors, out=(o,))
    assert isinstance(out, mg.Tensor)
    assert out.data is o
    np.testing.assert_allclose(o, np_op(*arrays), rtol=1e-14)
    out.backward()
    numeric = numerical_gradient(op, *arrays)
    for t, n in zip(tensors, numeric):
        np.testing.assert_allclose(t.grad, n, **GRAD_TOL)
    assert o.flags.writeable  # released after backward


# -------------------------------------------------------------- constant=
@pytest.mark.parametrize("name", list(ALL))
def test_constant_argument(name):
    spec = ALL[name]
    op = getattr(mg, name)
    n = len(spec) - 1
    c = mg.tensor([0.5, 1.5], constant=True)
    x = mg.tensor([0.5, 1.5])

    forced = op(*[c] * n, constant=False)
    assert forced.constant is False
    forced.backward()
    assert c.grad is None
    np.testing.assert_array_equal(forced.grad, [1.0, 1.0])

    assert op(*[x] * n, constant=True).constant is True
    assert op(*[x] * n, constant=False).constant is False
    assert op(*[c] * n).constant is True
    assert op(*[x] * n).constant is False
    if n == 2:
        assert op(c, x).constant is False
        assert op(x, c, constant=True).constant is True

    with pytest.raises(TypeError):
        op(*[x] * n, constant=1)

    ints = [mg.tensor([1, 2])] * n
    if spec[0](*[np.array([1, 2])] * n).dtype.kind == "f":
        assert op(*ints, constant=False).constant is False  # a float result may be non-constant
    else:
        with pytest.raises(ValueError):  # an integer result may not
            op(*ints, constant=False)


def test_constant_true_result_blocks_backprop():
    x = mg.tensor([1.0, 2.0])
    y = mg.multiply(x, x, constant=True)
    z = mg.add(y, x)
    z.backward()
    np.testing.assert_array_equal(x.grad, [1.0, 1.0])
    assert y.grad is None


def test_other_numpy_ufunc_keywords_reach_numpy():
    x = mg.tensor([1.0, 2.0])
    out = np.add(x, x, casting="same_kind")
    np.testing.assert_array_equal(out.data, [2.0, 4.0])
    with pytest.raises(TypeError):
        mg.add(x, x, no_such_keyword=True)
