"""nansum, nanmean, nanmax, nanmin: the conformance check, forward passes
against NumPy on arrays with NaNs (incl. all-NaN slices, with NumPy's
warnings), gradients against finite differences (NaNs get zero gradient),
the tie and all-NaN conventions, dtypes and namespaces."""

import warnings

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mygrad as mg
from mygrad._plugins.registry import REGISTRY
from mygrad.testing import check_grad, check_op
from mygrad.testing import strategies as mst

NAMES = ["nansum", "nanmean", "nanmax", "nanmin"]
FLOATS = [np.float16, np.float32, np.float64]


def decl(name):
    return next(d for d in REGISTRY.decls_of("math") if d.name == name)


@st.composite
def with_nans(draw, all_nan_slices=True):
    """(array, axis, keepdims): distinct values with NaNs; unless
    ``all_nan_slices``, every reduced slice keeps a number."""
    shape = draw(mst.shapes(min_dims=1, max_dims=3, max_side=3), label="shape")
    arr = draw(hnp.arrays(np.int64, shape, elements=st.integers(-30, 30), unique=True), label="values") / 10
    nan = draw(hnp.arrays(bool, shape), label="nan positions")
    ndim = len(shape)
    axis = draw(st.none() | st.integers(-ndim, ndim - 1) | hnp.valid_tuple_axes(ndim), label="axis")
    keepdims = draw(st.booleans(), label="keepdims")
    if not all_nan_slices:  # slices that would be all NaN get no NaN
        empty = np.sum(~nan, axis=axis, keepdims=True) == 0
        nan &= ~np.broadcast_to(empty, shape)
    arr[nan] = np.nan
    return arr, axis, keepdims


def recorded(f, *args, **kwargs):
    """(result, sorted warning messages)"""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = f(*args, **kwargs)
    return result, sorted(str(w.message) for w in caught)


@pytest.mark.parametrize("name", NAMES)
def test_conformance(name):
    check_op(decl(name))


@pytest.mark.parametrize("name", NAMES)
@given(case=with_nans(), dtype=st.sampled_from(FLOATS))
def test_forward_and_warnings_match_numpy(name, case, dtype):
    arr, axis, keepdims = case
    arr = arr.astype(dtype)
    expected, expected_warnings = recorded(getattr(np, name), arr, axis=axis, keepdims=keepdims)
    for f in (getattr(mg, name), getattr(np, name)):
        out, got_warnings = recorded(f, mg.tensor(arr), axis=axis, keepdims=keepdims)
        assert isinstance(out, mg.Tensor)
        assert out.dtype == np.asarray(expected).dtype and out.shape == np.shape(expected)
        np.testing.assert_array_equal(out.data, expected)
        assert got_warnings == expected_warnings


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_gradients_match_finite_differences_and_skip_nans(name, data):
    arr, axis, keepdims = data.draw(with_nans(all_nan_slices=False), label="case")
    kwargs = {"axis": axis, "keepdims": keepdims}
    seed = data.draw(mst.seeds(np.shape(getattr(np, name)(arr, **kwargs))), label="seed")
    # (finite differences leave a NaN a NaN: they see zero derivative there too)
    check_grad(getattr(mg, name), arr, seed=seed, kwargs=kwargs)
    x = mg.tensor(arr)
    getattr(mg, name)(x, **kwargs).backward(seed)
    assert np.all(x.grad[np.isnan(arr)] == 0)


@pytest.mark.parametrize("name", ["nanmean", "nanmax", "nanmin"])
def test_all_nan_slices_give_nan_with_numpys_warning_and_zero_gradient(name):
    arr = np.array([[np.nan, np.nan], [1.0, 3.0]])
    x = mg.tensor(arr)
    with pytest.warns(RuntimeWarning):
        out = getattr(mg, name)(x, axis=1)
    assert np.isnan(out.data[0]) and not np.isnan(out.data[1])
    with np.errstate(all="raise"), warnings.catch_warnings():
        warnings.simplefilter("error")
        out.backward(np.array([5.0, 1.0]))
    assert np.all(x.grad[0] == 0)
    expected = {"nanmean": [0.5, 0.5], "nanmax": [0, 1], "nanmin": [1, 0]}[name]
    np.testing.assert_array_equal(x.grad[1], expected)


def test_nansum_of_an_all_nan_slice_is_zero_without_gradient():
    x = mg.tensor([[np.nan, np.nan], [1.0, np.nan]])
    out = mg.nansum(x, axis=1)
    np.testing.assert_array_equal(out.data, [0.0, 1.0])
    out.backward()
    np.testing.assert_array_equal(x.grad, [[0, 0], [1, 0]])


def test_nanmean_hand_checked():
    x = mg.tensor([[1.0, np.nan, 3.0, 4.0], [np.nan, 2.0, np.nan, np.nan]])
    out = mg.nanmean(x, axis=1)
    np.testing.assert_allclose(out.data, [8 / 3, 2.0])
    out.backward(np.array([3.0, 1.0]))
    np.testing.assert_allclose(x.grad, [[1, 0, 1, 1], [0, 1, 0, 0]])


@pytest.mark.parametrize("name", ["nanmax", "nanmin"])
def test_ties_give_the_gradient_to_the_first_non_nan(name):
    x = mg.tensor([[np.nan, 2.0, 2.0], [-1.0, np.nan, -1.0]])
    getattr(mg, name)(x, axis=1).backward()
    np.testing.assert_array_equal(x.grad, [[0, 1, 0], [1, 0, 0]])


@pytest.mark.parametrize("name", ["nanmax", "nanmin"])
def test_initial_and_where(name):
    big = name == "nanmax"
    arr = np.array([1.0, np.nan, 5.0, -4.0])
    x = mg.tensor(arr)
    initial = 10.0 if big else -10.0  # beats every element: nobody gets a gradient
    out = getattr(mg, name)(x, initial=initial)
    assert out.item() == initial
    out.backward()
    np.testing.assert_array_equal(x.grad, np.zeros(4))
    y = mg.tensor(arr)
    where = [True, True, False, True]
    out = getattr(np, name)(y, initial=-10.0 if big else 10.0, where=where)
    assert out.item() == getattr(np, name)(arr, initial=-10.0 if big else 10.0, where=where)
    out.backward()
    np.testing.assert_array_equal(y.grad, [1, 0, 0, 0] if big else [0, 0, 0, 1])


def test_nansum_initial_where_and_dtype():
    arr = np.array([1.0, np.nan, 2.0, 4.0], dtype=np.float16)
    x = mg.tensor(arr)
    out = mg.nansum(x, initial=0.5, where=[True, True, False, True], dtype=np.float64)
    assert out.dtype == np.float64 and out.item() == 5.5
    out.backward()
    assert x.grad.dtype == np.float16
    np.testing.assert_array_equal(x.grad, [1, 0, 0, 1])


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", FLOATS)
def test_dtype_preserved(name, dtype):
    x = mg.tensor(np.array([[1.0, np.nan], [2.0, 3.0]], dtype=dtype))
    out = getattr(mg, name)(x, axis=0)
    assert out.dtype == dtype
    out.backward()
    assert x.grad.dtype == dtype


@pytest.mark.parametrize("name", NAMES)
def test_integer_input_gives_a_constant(name):
    x = mg.tensor([[1, 2], [3, 4]])
    out = getattr(mg, name)(x, axis=0)
    expected = getattr(np, name)(x.data, axis=0)
    assert out.constant and out.dtype == expected.dtype
    np.testing.assert_array_equal(out.data, expected)


@pytest.mark.parametrize("name", NAMES)
def test_published_and_dispatched(name):
    op = getattr(mg, name)
    assert getattr(mg.math, name) is op
    assert op.numpy is getattr(np, name)
    x = mg.tensor([1.0, np.nan])
    assert isinstance(getattr(np, name)(x), mg.Tensor)
    assert getattr(mg, name)(x, constant=True).constant
