"""The math pack's max/amax, min/amin, prod, var, std, cumsum, cumprod and the
non-differentiable argmax, argmin, any, all: forward
against NumPy, gradients against finite differences, the derivative
conventions (ties, zeros), Tensor methods, NumPy dispatch, dtypes and
``mygrad.math`` access."""

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mygrad as mg
from mygrad.testing import check_grad, check_plugin
from mygrad.testing import strategies as mst

DTYPES = [np.float16, np.float32, np.float64]
TOL = {np.dtype(np.float16): 2e-3, np.dtype(np.float32): 1e-5, np.dtype(np.float64): 1e-12}

REDUCTIONS = {"max": np.max, "amax": np.amax, "min": np.min, "amin": np.amin, "prod": np.prod,
              "var": np.var, "std": np.std}
CUMULATIVE = {"cumsum": np.cumsum, "cumprod": np.cumprod}
NONDIFF = {"argmax": np.argmax, "argmin": np.argmin, "any": np.any, "all": np.all}

small_shapes = mst.shapes(max_dims=3, max_side=3)


def floats(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def distinct(shape):
    """Arrays whose elements are pairwise at least 0.1 apart (no ties, no
    near-ties: max, min and std are differentiable there)."""
    return hnp.arrays(np.int64, shape, elements=st.integers(-40, 40), unique=True).map(lambda a: a / 10.0)


def with_zeros(shape):
    """Arrays in [-2, 2] that often hold one or more exact zeros."""
    return hnp.arrays(np.float64, shape, elements=st.sampled_from([0.0, 0.0, 1.0]) | floats(-2, 2))


@st.composite
def axes_for(draw, ndim, tuples=True):
    """None, an int or (with ``tuples``) a tuple of axes for an ``ndim``-d array."""
    choices = st.none()
    if ndim:
        choices |= st.integers(-ndim, ndim - 1)
        if tuples:
            choices |= hnp.valid_tuple_axes(ndim)
    return draw(choices)


def n_reduced(shape, axis):
    if axis is None:
        return int(np.prod(shape))
    axes = (axis,) if isinstance(axis, int) else axis
    return int(np.prod([shape[a] for a in axes])) if shape else 1


def reduction_kwargs(draw, name, shape):
    axis = draw(axes_for(len(shape)), label="axis")
    kwargs = {"axis": axis, "keepdims": draw(st.booleans(), label="keepdims")}
    if name in ("var", "std"):
        kwargs["ddof"] = draw(st.integers(0, 1), label="ddof") if n_reduced(shape, axis) > 1 else 0
    return kwargs


def values_for(name, shape):
    return with_zeros(shape) if name in ("prod", "cumprod") else distinct(shape)


# ---------------------------------------------------------------- forward
@pytest.mark.parametrize("name", REDUCTIONS)
@given(data=st.data(), dtype=st.sampled_from(DTYPES))
def test_reduction_forward_matches_numpy(name, data, dtype):
    shape = data.draw(small_shapes, label="shape")
    arr = data.draw(values_for(name, shape), label="x").astype(dtype)
    kwargs = reduction_kwargs(data.draw, name, shape)
    out = getattr(mg, name)(mg.tensor(arr), **kwargs)
    expected = np.asarray(REDUCTIONS[name](arr, **kwargs))
    assert isinstance(out, mg.Tensor)
    assert out.dtype == expected.dtype == dtype
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.data, expected, rtol=TOL[np.dtype(dtype)], atol=TOL[np.dtype(dtype)])


@pytest.mark.parametrize("name", CUMULATIVE)
@given(data=st.data(), dtype=st.sampled_from(DTYPES))
def test_cumulative_forward_matches_numpy(name, data, dtype):
    shape = data.draw(small_shapes, label="shape")
    arr = data.draw(values_for(name, shape), label="x").astype(dtype)
    axis = data.draw(axes_for(len(shape), tuples=False), label="axis")
    out = getattr(mg, name)(mg.tensor(arr), axis=axis)
    expected = CUMULATIVE[name](arr, axis=axis)
    assert out.dtype == expected.dtype == dtype
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.data, expected, rtol=TOL[np.dtype(dtype)], atol=TOL[np.dtype(dtype)])


# -------------------------------------------------------------- gradients
@pytest.mark.parametrize("name", ["max", "min", "prod", "var", "std"])
@given(data=st.data())
def test_reduction_gradients_match_finite_differences(name, data):
    shape = data.draw(small_shapes, label="shape")
    arr = data.draw(values_for(name, shape), label="x")
    kwargs = reduction_kwargs(data.draw, name, shape)
    out_shape = REDUCTIONS[name](arr, **kwargs).shape
    seed = data.draw(mst.seeds(out_shape), label="seed")
    check_grad(getattr(mg, name), arr, seed=seed, kwargs=kwargs)


@pytest.mark.parametrize("name", CUMULATIVE)
@given(data=st.data())
def test_cumulative_gradients_match_finite_differences(name, data):
    shape = data.draw(small_shapes, label="shape")
    arr = data.draw(values_for(name, shape), label="x")
    axis = data.draw(axes_for(len(shape), tuples=False), label="axis")
    seed = data.draw(mst.seeds(CUMULATIVE[name](arr, axis=axis).shape), label="seed")
    check_grad(getattr(mg, name), arr, seed=seed, kwargs={"axis": axis})


@given(arr=hnp.arrays(np.float64, st.integers(1, 7), elements=st.sampled_from([0.0, 0.5, -1.5, 2.0, 3.0])))
def test_cumprod_gradient_with_zeros_matches_finite_differences(arr):
    # multilinear in each element, so central differences are exact even at zeros
    check_grad(mg.cumprod, arr)
    check_grad(mg.prod, arr)


@given(arr=with_zeros((3, 4)), axis=st.sampled_from([0, 1, -1]))
def test_cumprod_along_an_axis_with_zeros(arr, axis):
    check_grad(mg.cumprod, arr, kwargs={"axis": axis})


def test_cumprod_long_input_uses_no_division():
    # many doubling steps; tiny and huge values, and zeros, in one slice
    rng = np.random.default_rng(0)
    x = rng.uniform(0.5, 1.5, size=40)
    x[[5, 17, 30]] = [0.0, 1e-200, 0.0]
    t = mg.tensor(x)
    mg.cumprod(t).backward()
    expected = np.array([sum(np.prod(np.delete(x[: k + 1], i)) for k in range(i, 40)) for i in range(40)])
    np.testing.assert_allclose(t.grad, expected, rtol=1e-12, atol=0)


# ------------------------------------------------------------ conventions
def test_max_ties_give_the_gradient_to_the_first():
    x = mg.tensor([[3.0, 1.0, 3.0], [2.0, 2.0, 2.0]])
    mg.max(x, axis=1).backward()
    np.testing.assert_array_equal(x.grad, [[1, 0, 0], [1, 0, 0]])
    x = mg.tensor([[3.0, 1.0, 3.0], [2.0, 3.0, 2.0]])
    mg.max(x).backward()
    np.testing.assert_array_equal(x.grad, [[1, 0, 0], [0, 0, 0]])


def test_min_ties_give_the_gradient_to_the_first():
    x = mg.tensor([[0.0, -1.0, -1.0], [5.0, 5.0, 6.0]])
    x.min(axis=1).backward(np.array([2.0, 3.0]))
    np.testing.assert_array_equal(x.grad, [[0, 2, 0], [3, 0, 0]])


def test_max_first_is_in_c_order_over_the_reduced_axes():
    # axis (0, 2) of a (2, 2, 2) array: per middle index, the reduced slice in
    # C order is x[0, j, 0], x[0, j, 1], x[1, j, 0], x[1, j, 1]
    x = mg.tensor(np.array([[[1.0, 5.0], [7.0, 0.0]], [[5.0, 0.0], [0.0, 7.0]]]))
    mg.max(x, axis=(2, 0)).backward()
    expected = np.zeros((2, 2, 2))
    expected[0, 0, 1] = 1  # 5 at (0, 0, 1) comes before 5 at (1, 0, 0)
    expected[0, 1, 0] = 1  # 7 at (0, 1, 0) comes before 7 at (1, 1, 1)
    np.testing.assert_array_equal(x.grad, expected)


@pytest.mark.parametrize("name", ["max", "min"])
def test_max_keepdims_and_seed(name):
    x = mg.tensor([[1.0, 4.0], [3.0, 2.0]])
    out = getattr(mg, name)(x, axis=0, keepdims=True)
    assert out.shape == (1, 2)
    out.backward(np.array([[10.0, 20.0]]))
    expected = [[0, 20], [10, 0]] if name == "max" else [[10, 0], [0, 20]]
    np.testing.assert_array_equal(x.grad, expected)


@pytest.mark.parametrize("name", ["max", "min", "prod", "var", "std", "cumsum", "cumprod"])
def test_zero_dim_input(name):
    x = mg.tensor(3.0)
    out = getattr(mg, name)(x)
    np.testing.assert_allclose(out.data, getattr(np, name)(3.0))
    out.backward()
    expected = {"var": 0.0, "std": 0.0}.get(name, 1.0)
    assert x.grad.shape == () and x.grad == expected


def test_max_of_zero_dim_with_axis_zero_passes_through():
    x = mg.tensor(-2.0)
    out = np.max(x, axis=0)
    assert out.shape == () and out.item() == -2.0
    out.backward(5.0)
    assert x.grad == 5.0


def test_max_nan_goes_to_the_first_nan():
    x = mg.tensor([1.0, np.nan, 3.0, np.nan])
    out = mg.max(x)
    assert np.isnan(out.item())
    out.backward()
    np.testing.assert_array_equal(x.grad, [0, 1, 0, 0])


def test_max_where_and_initial():
    x = mg.tensor([1.0, 5.0, 3.0])
    out = mg.max(x, where=[True, False, True], initial=-10.0)
    assert out.item() == 3.0
    out.backward()
    np.testing.assert_array_equal(x.grad, [0, 0, 1])
    # the initial value wins: no element gets a gradient
    y = mg.tensor([1.0, 5.0, 3.0])
    np.max(y, initial=10.0).backward()
    np.testing.assert_array_equal(y.grad, [0, 0, 0])


def test_max_of_empty_slices_with_initial():
    x = mg.tensor(np.zeros((0, 3)))
    out = mg.max(x, axis=0, initial=1.0)
    np.testing.assert_array_equal(out.data, [1, 1, 1])
    out.backward()
    assert x.grad.shape == (0, 3)


def test_prod_one_zero_gets_the_product_of_the_others():
    x = mg.tensor([[2.0, 0.0, 3.0], [4.0, 5.0, 0.5]])
    mg.prod(x, axis=1).backward()
    np.testing.assert_array_equal(x.grad, [[0, 6, 0], [2.5, 2, 20]])


def test_prod_two_zeros_give_zero_gradient():
    x = mg.tensor([0.0, 2.0, 0.0, 3.0])
    x.prod().backward()
    np.testing.assert_array_equal(x.grad, [0, 0, 0, 0])


def test_prod_where_initial_and_dtype():
    x = mg.tensor([2.0, 5.0, 3.0])
    out = mg.prod(x, where=[True, False, True], initial=2.0)
    assert out.item() == 12.0
    out.backward()
    np.testing.assert_array_equal(x.grad, [6, 0, 4])
    y = mg.tensor(np.array([2.0, 3.0], dtype=np.float16))
    out = mg.prod(y, dtype=np.float64)
    assert out.dtype == np.float64
    out.backward()
    assert y.grad.dtype == np.float16
    np.testing.assert_array_equal(y.grad, [3, 2])


def test_prod_of_empty_is_one():
    x = mg.tensor(np.zeros((2, 0)))
    out = mg.prod(x, axis=1)
    np.testing.assert_array_equal(out.data, [1, 1])
    out.backward()
    assert x.grad.shape == (2, 0)


def test_cumprod_zeros_hand_checked():
    x = mg.tensor([2.0, 0.0, 3.0, 0.0, 5.0])
    mg.cumprod(x).backward()
    # d/dx1 = x0 + x0 x2 + x0 x2 x3 + ... = 2 + 6 = 8; after the first zero only the
    # second zero's own term survives: d/dx3 = x0 x1 x2 (= 0) + ... = 0
    np.testing.assert_array_equal(x.grad, [1, 8, 0, 0, 0])
    y = mg.tensor([0.0, 4.0])
    mg.cumprod(y).backward()
    np.testing.assert_array_equal(y.grad, [5, 0])


def test_cumsum_is_reversed_cumsum_of_the_gradient():
    x = mg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    mg.cumsum(x, axis=1).backward(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 1.0]]))
    np.testing.assert_array_equal(x.grad, [[6, 5, 3], [1, 1, 1]])
    y = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    out = mg.cumsum(y)  # flattened
    assert out.shape == (4,)
    out.backward()
    np.testing.assert_array_equal(y.grad, [[4, 3], [2, 1]])


def test_var_and_std_hand_checked():
    x = mg.tensor([1.0, 2.0, 3.0, 6.0])
    x.var(ddof=1).backward()
    np.testing.assert_allclose(x.grad, 2 * (x.data - 3) / 3)
    y = mg.tensor([1.0, 2.0, 3.0, 6.0])
    s = y.std()
    s.backward()
    np.testing.assert_allclose(y.grad, (y.data - 3) / (4 * s.item()))


def test_var_of_empty_axis_tuple_is_zero_with_zero_gradient():
    x = mg.tensor([[1.0, 2.0], [3.0, 5.0]])
    out = mg.var(x, axis=())
    np.testing.assert_array_equal(out.data, np.zeros((2, 2)))
    out.backward()
    np.testing.assert_array_equal(x.grad, np.zeros((2, 2)))


def test_std_of_constant_slices_has_zero_gradient_not_nan():
    x = mg.tensor([[0.1, 0.1, 0.1], [1.0, 2.0, 3.0]])  # mean(0.1, 0.1, 0.1) != 0.1 in floating point
    mg.std(x, axis=1).backward()
    np.testing.assert_array_equal(x.grad[0], [0, 0, 0])
    np.testing.assert_allclose(x.grad[1], (x.data[1] - 2) / (3 * np.std(x.data[1])))


def test_var_std_where_and_correction():
    x = mg.tensor([[1.0, 5.0, 3.0], [2.0, 2.0, 4.0]])
    mask = np.array([[True, False, True], [True, True, True]])
    out = mg.var(x, axis=1, where=mask)
    np.testing.assert_allclose(out.data, np.var(x.data, axis=1, where=mask))
    out.backward()
    np.testing.assert_allclose(x.grad, [[-1, 0, 1], [2 * (2 - 8 / 3) / 3, 2 * (2 - 8 / 3) / 3, 2 * (4 - 8 / 3) / 3]])
    y = mg.tensor([1.0, 2.0, 4.0])
    np.testing.assert_allclose(mg.std(y, correction=1).data, np.std(y.data, ddof=1))
    check_grad(lambda t: mg.std(t, correction=1), y.data)
    with pytest.raises(ValueError):
        mg.var(y, ddof=1, correction=1)


@pytest.mark.parametrize("name", ["var", "std"])
def test_var_std_refuse_a_precomputed_mean(name):
    x = mg.tensor([1.0, 2.0])
    with pytest.raises(TypeError, match="mean"):
        getattr(mg, name)(x, mean=np.array(1.5))
    with pytest.raises(TypeError, match="mean"):
        getattr(np, name)(x, mean=np.array([1.5]), keepdims=True)


# ------------------------------------------------- methods and dispatch
def test_tensor_methods():
    data = np.array([[0.5, -1.0, 2.0], [3.0, 0.25, -2.0]])
    t = mg.tensor(data)
    np.testing.assert_array_equal(t.max(axis=0).data, data.max(axis=0))
    np.testing.assert_array_equal(t.min(1, keepdims=True).data, data.min(1, keepdims=True))
    np.testing.assert_allclose(t.prod().data, data.prod())
    np.testing.assert_allclose(t.var(ddof=1).data, data.var(ddof=1))
    np.testing.assert_allclose(t.std(axis=1).data, data.std(axis=1))
    np.testing.assert_array_equal(t.cumsum(axis=0).data, data.cumsum(axis=0))
    np.testing.assert_array_equal(t.cumprod().data, data.cumprod())
    assert t.argmax() == 3 and t.argmin() == 5
    np.testing.assert_array_equal(t.argmax(axis=1), [2, 0])
    assert t.any() is np.True_ and t.all() is np.True_
    np.testing.assert_array_equal((t > 0).all(axis=0), [True, False, False])
    t.max(axis=0).backward()
    np.testing.assert_array_equal(t.grad, [[0, 0, 1], [1, 1, 0]])


def test_numpy_dispatch():
    data = np.arange(1.0, 25.0).reshape(2, 3, 4) / 10
    t = mg.tensor(data)
    for out, expected in [
        (np.max(t, 0), np.max(data, 0)),
        (np.amax(t, (0, 2)), np.amax(data, (0, 2))),
        (np.min(t, axis=1, keepdims=True), np.min(data, axis=1, keepdims=True)),
        (np.amin(t), np.amin(data)),
        (np.prod(t, axis=(0, 1)), np.prod(data, axis=(0, 1))),
        (np.var(t, 1, None, None, 1), np.var(data, 1, ddof=1)),
        (np.std(t, keepdims=True), np.std(data, keepdims=True)),
        (np.cumsum(t, 2), np.cumsum(data, 2)),
        (np.cumprod(t), np.cumprod(data)),
    ]:
        assert isinstance(out, mg.Tensor)
        np.testing.assert_allclose(out.data, expected)
    np.prod(t, axis=(0, 1)).backward()
    np.testing.assert_allclose(t.grad, np.prod(data, axis=(0, 1)) / data)


def test_non_differentiable_ops_return_numpy_results():
    data = np.array([[0.0, 2.0, -1.0], [4.0, 0.0, 4.0]])
    t = mg.tensor(data)
    for name, f in NONDIFF.items():
        for kwargs in ({}, {"axis": 1}, {"axis": 0, "keepdims": True}):
            expected = f(data, **kwargs)
            for got in (f(t, **kwargs), getattr(mg, name)(t, **kwargs), getattr(t, name)(**kwargs)):
                assert type(got) is type(expected), (name, kwargs)
                np.testing.assert_array_equal(got, expected)
    assert np.any(t > 0) is np.True_
    assert np.all(t > -2) is np.True_
    assert mg.any(t, where=t > 3) is np.True_
    assert mg.all([[True, False]], axis=1)[0] is np.False_


def test_non_differentiable_ops_leave_grads_and_graph_alone():
    x = mg.tensor([1.0, 3.0, 2.0])
    (x * x).sum().backward()
    assert x.argmax() == 1 and np.any(x) and mg.all(x)
    np.testing.assert_array_equal(x.grad, [2, 6, 4])


def test_non_differentiable_out_argument():
    t = mg.tensor([[1.0, 3.0], [4.0, 2.0]])
    out = np.empty(2, dtype=np.intp)
    assert np.argmax(t, axis=1, out=out) is out
    np.testing.assert_array_equal(out, [1, 0])
    with pytest.raises(TypeError, match="out"):
        mg.argmin(t, axis=1, out=mg.tensor([0, 0]))


@pytest.mark.parametrize("name", ["max", "prod", "var", "cumsum"])
def test_out_ndarray(name):
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    target = np.zeros(2) if name != "cumsum" else np.zeros((2, 2))
    out = getattr(np, name)(x, axis=0, out=target)
    np.testing.assert_allclose(target, getattr(np, name)(x.data, axis=0))
    out.backward()
    assert x.grad.shape == (2, 2)


# --------------------------------------------------- dtypes and namespaces
@pytest.mark.parametrize("dtype", [np.float16, np.float32])
@pytest.mark.parametrize("name", ["max", "min", "prod", "var", "std", "cumsum", "cumprod"])
def test_low_precision_stays_low_precision(name, dtype):
    x = mg.tensor(np.array([[0.5, -1.0, 2.0], [3.0, 0.25, -2.0]], dtype=dtype))
    out = getattr(mg, name)(x, axis=1)
    assert out.dtype == dtype
    out.backward()
    assert x.grad.dtype == dtype


@pytest.mark.parametrize("name", ["max", "min", "prod", "var", "std", "cumsum", "cumprod"])
def test_integer_input_is_a_constant(name):
    x = mg.tensor([[1, 2], [3, 4]])
    out = getattr(mg, name)(x, axis=0)
    expected = getattr(np, name)(x.data, axis=0)
    assert out.constant and out.dtype == expected.dtype
    np.testing.assert_allclose(out.data, expected)


@pytest.mark.parametrize("name", list(REDUCTIONS) + list(CUMULATIVE) + list(NONDIFF))
def test_published_in_mygrad_and_mygrad_math(name):
    op = getattr(mg, name)
    assert getattr(mg.math, name) is op
    assert op is not getattr(np, name)


def test_aliases():
    assert mg.amax is mg.max and mg.amin is mg.min


@pytest.mark.parametrize("name", ["max", "min", "prod", "var", "std", "cumsum", "cumprod"])
def test_constant_argument(name):
    x = mg.tensor([1.0, 2.0])
    assert getattr(mg, name)(x, constant=True).constant
    assert not getattr(mg, name)(mg.tensor([1.0, 2.0], constant=True), constant=False).constant


# ------------------------------------------------------------ conformance
def test_conformance_of_the_new_ops():
    new = ["max", "min", "prod", "var", "std", "cumsum", "cumprod", "argmax", "argmin", "any", "all"]
    report = check_plugin("math", ops=new)
    # max/min sample distinct values (Domain(unique=True)); argmax/argmin/any/all are
    # compared with NumPy's results only (conformance={"forward_only": True})
    assert sorted(report.checked) == sorted(new)
    assert not report.skipped
