"""``sum`` and ``mean``: NumPy's signatures (positional arguments, ``axis``
ints/tuples/negatives, ``keepdims``, ``where``, ``dtype``, ``initial``,
``out``), forward against NumPy and gradients against finite differences
(MyGrad 2.x's signatures and gradient conventions)."""

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mygrad as mg
from mygrad.testing import check_grad
from mygrad.testing import strategies as mst

REDUCTIONS = {"sum": (mg.sum, np.sum), "mean": (mg.mean, np.mean)}
GRAD_TOL = dict(rtol=1e-5, atol=1e-7)


def values(shape, dtype=np.float64):
    return hnp.arrays(dtype, shape, elements=st.floats(-4, 4, width=16).map(float))


@st.composite
def axis_args(draw, ndim):
    axis = draw(st.none() | hnp.valid_tuple_axes(ndim) | (st.integers(-ndim, ndim - 1) if ndim else st.none()))
    return axis, draw(st.booleans())


# ------------------------------------------------------------- forward
@pytest.mark.parametrize("name", REDUCTIONS)
@given(data=st.data(), dtype=st.sampled_from([np.float16, np.float32, np.float64]))
def test_forward_matches_numpy(name, data, dtype):
    mg_f, np_f = REDUCTIONS[name]
    arr = data.draw(values(mst.shapes(max_dims=4, max_side=3)), label="x").astype(dtype)
    axis, keepdims = data.draw(axis_args(arr.ndim), label="axis, keepdims")
    expected = np.asarray(np_f(arr, axis=axis, keepdims=keepdims))
    x = mg.tensor(arr)
    outs = [
        mg_f(x, axis=axis, keepdims=keepdims),
        np_f(x, axis=axis, keepdims=keepdims),
        getattr(x, name)(axis=axis, keepdims=keepdims),
        np_f(x, axis, None, None, keepdims),  # NumPy's positional order
    ]
    tol = {np.float16: 1e-2, np.float32: 1e-5, np.float64: 1e-12}[dtype]
    for out in outs:
        assert isinstance(out, mg.Tensor)
        assert out.dtype == expected.dtype and out.shape == expected.shape
        np.testing.assert_allclose(out.data, expected, rtol=tol, atol=tol)
        assert out.constant is False
    np.testing.assert_array_equal(x.data, arr)


# ----------------------------------------------------------- gradients
@pytest.mark.parametrize("name", REDUCTIONS)
@given(data=st.data())
def test_gradients_match_finite_differences(name, data):
    mg_f, _ = REDUCTIONS[name]
    arr = data.draw(values(mst.shapes(max_dims=3, max_side=3)), label="x")
    axis, keepdims = data.draw(axis_args(arr.ndim), label="axis, keepdims")
    out_shape = np.sum(arr, axis=axis, keepdims=keepdims).shape
    seed = data.draw(mst.seeds(out_shape), label="seed")
    check_grad(lambda t: mg_f(t, axis=axis, keepdims=keepdims), arr, seed=seed, **GRAD_TOL)


@pytest.mark.parametrize("name", REDUCTIONS)
@given(data=st.data())
def test_gradients_through_method_and_numpy_forms(name, data):
    _, np_f = REDUCTIONS[name]
    arr = data.draw(values(mst.shapes(min_dims=1, max_dims=3, max_side=3)), label="x")
    axis = data.draw(st.integers(-arr.ndim, arr.ndim - 1), label="axis")
    x1, x2 = mg.tensor(arr), mg.tensor(arr)
    np_f(x1, axis).backward()  # positional axis
    getattr(x2, name)(axis).backward()
    n = arr.shape[axis] if name == "mean" else 1
    np.testing.assert_allclose(x1.grad, np.full(arr.shape, 1.0 / n), rtol=1e-15)
    np.testing.assert_allclose(x2.grad, x1.grad, rtol=1e-15)


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
@pytest.mark.parametrize("name", REDUCTIONS)
def test_gradient_dtype(name, dtype):
    mg_f, np_f = REDUCTIONS[name]
    x = mg.tensor(np.arange(6.0).reshape(2, 3), dtype=dtype)
    out = mg_f(x, axis=1)
    assert out.dtype == np_f(x.data, axis=1).dtype
    out.backward()
    assert x.grad.dtype == dtype


# ---------------------------------------------------- NumPy's arguments
def test_hand_checked_positional_and_tuple_axes():
    a = np.arange(24.0).reshape(2, 3, 4)
    x = mg.tensor(a)
    np.testing.assert_array_equal(np.sum(x, 0).data, a.sum(0))
    np.testing.assert_array_equal(np.sum(x, (0, 2)).data, a.sum((0, 2)))
    np.testing.assert_array_equal(np.sum(x, (-1, 0), keepdims=True).data, a.sum((-1, 0), keepdims=True))
    np.testing.assert_array_equal(x.sum(-2).data, a.sum(-2))
    np.testing.assert_array_equal(x.mean((0, 1)).data, a.mean((0, 1)))
    np.testing.assert_array_equal(np.mean(x, -1, None, None, True).data, a.mean(-1, keepdims=True))
    np.testing.assert_array_equal(np.sum(x, axis=()).data, a)
    assert mg.sum(x).item() == a.sum()
    assert np.mean(x).item() == a.mean()


@pytest.mark.parametrize("name", REDUCTIONS)
def test_bad_axis_raises_like_numpy(name):
    _, np_f = REDUCTIONS[name]
    x = mg.tensor(np.ones((2, 3)))
    with pytest.raises(np.exceptions.AxisError):
        np_f(x, axis=2)
    with pytest.raises(ValueError):
        np_f(x, axis=(0, 0))


@given(data=st.data())
def test_sum_where(data):
    arr = data.draw(values(mst.shapes(min_dims=1, max_dims=3, max_side=3)), label="x")
    mask_shape = data.draw(hnp.broadcastable_shapes(arr.shape, max_dims=arr.ndim), label="mask shape")
    if np.broadcast_shapes(mask_shape, arr.shape) != arr.shape:
        mask_shape = arr.shape
    mask = data.draw(hnp.arrays(np.bool_, mask_shape), label="mask")
    axis, keepdims = data.draw(axis_args(arr.ndim), label="axis, keepdims")
    x = mg.tensor(arr)
    out = np.sum(x, axis=axis, keepdims=keepdims, where=mask)
    np.testing.assert_allclose(out.data, np.sum(arr, axis=axis, keepdims=keepdims, where=mask), rtol=1e-12)
    out.backward()
    np.testing.assert_array_equal(x.grad, np.broadcast_to(mask, arr.shape).astype(float))
    check_grad(lambda t: mg.sum(t, axis=axis, keepdims=keepdims, where=mask), arr, **GRAD_TOL)


@given(data=st.data())
def test_mean_where(data):
    arr = data.draw(values(mst.shapes(min_dims=1, max_dims=3, max_side=3)), label="x")
    axis = data.draw(st.none() | st.integers(-arr.ndim, arr.ndim - 1), label="axis")
    mask = data.draw(hnp.arrays(np.bool_, arr.shape), label="mask")
    # every reduced slice keeps at least one element (NumPy gives nan otherwise)
    mask[(0,) * arr.ndim] = True
    if axis is not None:
        first = [slice(None)] * arr.ndim
        first[axis] = 0
        mask[tuple(first)] = True
    x = mg.tensor(arr)
    out = mg.mean(x, axis=axis, where=mask)
    np.testing.assert_allclose(out.data, np.mean(arr, axis=axis, where=mask), rtol=1e-12)
    out.backward()
    counts = np.sum(mask, axis=axis, keepdims=True)
    np.testing.assert_allclose(x.grad, np.where(mask, 1.0 / counts, 0.0), rtol=1e-14)
    check_grad(lambda t: mg.mean(t, axis=axis, where=mask), arr, **GRAD_TOL)


def test_where_hand_checked():
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    mask = np.array([[True, False], [True, True]])
    m = x.mean(where=mask)
    assert m.item() == pytest.approx(8.0 / 3.0)
    m.backward()
    np.testing.assert_allclose(x.grad, [[1 / 3, 0.0], [1 / 3, 1 / 3]])
    s = np.sum(x, axis=1, where=mask)
    np.testing.assert_array_equal(s.data, [1.0, 7.0])


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("dtype", [np.float32, np.float16, np.float64])
def test_dtype_argument(name, dtype):
    mg_f, np_f = REDUCTIONS[name]
    a = np.array([[1.0, 2.0, 3.5], [4.0, 5.0, 6.25]])
    x = mg.tensor(a)
    out = np_f(x, axis=0, dtype=dtype)
    expected = np_f(a, axis=0, dtype=dtype)
    assert out.dtype == expected.dtype
    np.testing.assert_allclose(out.data, expected)
    out.backward()
    assert x.grad.dtype == np.float64
    np.testing.assert_allclose(x.grad, np.full(a.shape, 0.5 if name == "mean" else 1.0))


def test_sum_initial():
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    x = mg.tensor(a)
    out = np.sum(x, axis=1, initial=10.0)
    np.testing.assert_array_equal(out.data, np.sum(a, axis=1, initial=10.0))
    out.backward()
    np.testing.assert_array_equal(x.grad, np.ones((2, 2)))
    assert x.sum(initial=1.5).item() == 11.5
    check_grad(lambda t: mg.sum(t, axis=0, initial=-2.0), a, **GRAD_TOL)


def test_mean_rejects_initial_like_numpy():
    with pytest.raises(TypeError):
        np.mean(mg.tensor([1.0, 2.0]), initial=1.0)


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("how", ["keyword", "numpy-positional", "method"])
def test_out_ndarray(name, how):
    mg_f, np_f = REDUCTIONS[name]
    a = np.array([[1.0, 2.0], [3.0, 5.0]])
    x = mg.tensor(a)
    o = np.zeros(2)
    if how == "keyword":
        out = mg_f(x, axis=0, out=o)
    elif how == "numpy-positional":
        out = np_f(x, 0, None, o)
    else:
        out = getattr(x, name)(axis=0, out=o)
    assert isinstance(out, mg.Tensor)
    assert out.data is o
    np.testing.assert_array_equal(o, np_f(a, axis=0))
    out.backward()
    np.testing.assert_array_equal(x.grad, np.full((2, 2), 0.5 if name == "mean" else 1.0))
    assert o.flags.writeable


# ------------------------------------------------------ special inputs
def test_sum_of_empty():
    out = mg.sum([])
    assert isinstance(out, mg.Tensor)
    assert out.shape == () and out.item() == 0.0 and out.dtype == np.float64
    x = mg.tensor(np.zeros((0,)))
    s = mg.sum(x)
    assert s.item() == 0.0
    s.backward()
    assert x.grad.shape == (0,)
    y = mg.tensor(np.zeros((2, 0)))
    t = y.sum(axis=1)
    np.testing.assert_array_equal(t.data, [0.0, 0.0])
    t.backward()
    assert y.grad.shape == (2, 0)


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64, np.uint8, np.bool_])
def test_mean_of_integers_is_a_float_constant(dtype):
    i = mg.tensor(np.array([1, 2, 4], dtype=dtype))
    m = mg.mean(i)
    expected = np.mean(np.array([1, 2, 4], dtype=dtype))
    assert m.dtype == expected.dtype and m.dtype.kind == "f"
    assert m.item() == expected
    assert m.constant is True
    assert np.mean(i, axis=0).constant is True


@pytest.mark.parametrize("dtype", [np.int8, np.int64, np.bool_])
def test_sum_of_integers_is_an_integer_constant(dtype):
    i = mg.tensor(np.array([1, 1, 0], dtype=dtype))
    s = mg.sum(i)
    assert s.dtype == np.sum(np.array([1, 1, 0], dtype=dtype)).dtype
    assert s.constant is True
    assert s.item() == 2


def test_reductions_of_array_likes_are_constant():
    s = mg.sum([[1.0, 2.0], [3.0, 4.0]], axis=0)
    np.testing.assert_array_equal(s.data, [4.0, 6.0])
    assert s.constant is True
    assert mg.mean(np.array([1.0, 3.0])).constant is True


@pytest.mark.parametrize("name", REDUCTIONS)
def test_constant_argument(name):
    mg_f, _ = REDUCTIONS[name]
    x = mg.tensor([1.0, 2.0])
    c = mg.tensor([1.0, 2.0], constant=True)
    assert mg_f(x, constant=True).constant is True
    forced = mg_f(c, constant=False)
    assert forced.constant is False
    forced.backward()
    assert c.grad is None
    with pytest.raises(TypeError):
        mg_f(x, constant=0)


@pytest.mark.parametrize("name", REDUCTIONS)
def test_zero_dim_input(name):
    mg_f, _ = REDUCTIONS[name]
    x = mg.tensor(3.0)
    out = mg_f(x)
    assert out.shape == () and out.item() == 3.0
    out.backward()
    assert x.grad == 1.0 and np.shape(x.grad) == ()
