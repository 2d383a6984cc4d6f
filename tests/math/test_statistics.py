"""average, median and ptp: the conformance check (with array and with tensor
weights), forward passes against NumPy, gradients against finite differences,
the derivative conventions (median's middle elements in stable-sort order,
NaN slices; ptp's first arg-max/arg-min), ``returned=``, NumPy's errors,
dtypes and namespaces."""

import warnings
from itertools import permutations

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mygrad as mg
from mygrad._plugins.registry import REGISTRY
from mygrad.plugin import Domain, composite_op
from mygrad.testing import check_grad, check_op
from mygrad.testing import strategies as mst

FLOATS = [np.float16, np.float32, np.float64]


def decl(name):
    return next(d for d in REGISTRY.decls_of("math") if d.name == name)


@st.composite
def case(draw, values=None, min_dims=0):
    """(array of distinct values, axis, keepdims)"""
    shape = draw(mst.shapes(min_dims=min_dims, max_dims=3, max_side=4), label="shape")
    values = values or hnp.arrays(np.int64, shape, elements=st.integers(-40, 40), unique=True)
    arr = np.asarray(draw(values, label="x") / 10)
    ndim = len(shape)
    axis = draw(st.none() | st.integers(-ndim, ndim - 1) | hnp.valid_tuple_axes(ndim) if ndim else st.none(),
                label="axis")
    return arr, axis, draw(st.booleans(), label="keepdims")


# ------------------------------------------------------------- conformance
@pytest.mark.parametrize("name", ["average", "median", "ptp"])
def test_conformance(name):
    check_op(decl(name))


def _weighted_shapes(draw):
    """(a's shape, the weights' shape): equal, or a's sides along some axes."""
    shape = draw(mst.shapes(min_dims=1, max_dims=3, max_side=3))
    if draw(st.booleans()):
        return shape, shape
    axes = draw(hnp.valid_tuple_axes(len(shape), min_size=1))
    return shape, tuple(shape[a] for a in axes)


def _weighted_kwargs(draw, shapes):
    """An axis consistent with the weights' shape."""
    a_shape, w_shape = shapes
    keepdims = draw(st.booleans())
    if a_shape == w_shape and draw(st.booleans()):
        return {"axis": draw(st.none() | hnp.valid_tuple_axes(len(a_shape))), "keepdims": keepdims}
    fits = [p for p in permutations(range(len(a_shape)), len(w_shape))
            if tuple(a_shape[i] for i in p) == w_shape]
    axis = draw(st.sampled_from(fits))
    return {"axis": axis[0] if len(axis) == 1 and draw(st.booleans()) else axis, "keepdims": keepdims}


def _average_with_weights(a, w, axis=None, keepdims=False):
    return mg.average(a, axis=axis, weights=w, keepdims=keepdims)


#: average with *tensor* weights: both inputs are checked (not registered: check_op only)
WEIGHTED = composite_op(
    _average_with_weights,
    name="weighted_average",
    reference=lambda a, w, **kw: np.average(a, weights=w, **kw),
    domain=(Domain(-5, 5), Domain(0.5, 2)),
    conformance={"nin": 2, "shapes": _weighted_shapes, "kwargs": _weighted_kwargs},
)


def test_conformance_of_average_with_tensor_weights():
    check_op(WEIGHTED)


# ----------------------------------------------------------------- median
@given(c=case(), dtype=st.sampled_from(FLOATS))
def test_median_forward_matches_numpy(c, dtype):
    arr, axis, keepdims = c
    arr = arr.astype(dtype)
    expected = np.median(arr, axis=axis, keepdims=keepdims)
    for out in (mg.median(mg.tensor(arr), axis=axis, keepdims=keepdims),
                np.median(mg.tensor(arr), axis, None, False, keepdims)):
        assert isinstance(out, mg.Tensor)
        assert out.dtype == expected.dtype == dtype and out.shape == np.shape(expected)
        np.testing.assert_array_equal(out.data, expected)


@given(data=st.data())
def test_median_gradient_matches_finite_differences(data):
    arr, axis, keepdims = data.draw(case(), label="case")
    seed = data.draw(mst.seeds(np.shape(np.median(arr, axis=axis, keepdims=keepdims))), label="seed")
    check_grad(mg.median, arr, seed=seed, kwargs={"axis": axis, "keepdims": keepdims})


def _median_grad_by_sorting(arr, axis):
    """The convention, computed independently: stable-sort each slice, and
    give the middle position(s) of the sorted slice the gradient."""
    ndim = arr.ndim
    axes = tuple(range(ndim)) if axis is None else tuple(sorted(np.atleast_1d(axis) % max(ndim, 1)))
    moved = np.moveaxis(arr, axes, tuple(range(ndim - len(axes), ndim)))
    rows = moved.reshape(moved.shape[: ndim - len(axes)] + (-1,))
    n = rows.shape[-1]
    order = np.argsort(rows, axis=-1, kind="stable")
    weights = np.zeros(rows.shape)
    mids = [(n - 1) // 2, n // 2]
    for m in set(mids):
        np.put_along_axis(weights, order[..., m:m + 1], 1.0 / len(set(mids)), axis=-1)
    return np.moveaxis(weights.reshape(moved.shape), tuple(range(ndim - len(axes), ndim)), axes)


@given(c=case(values=None, min_dims=1), data=st.data())
def test_median_gradient_follows_the_stable_sort_even_with_ties(c, data):
    arr, axis, _ = c
    arr = np.round(arr)  # many ties
    x = mg.tensor(arr)
    mg.median(x, axis=axis).backward()
    np.testing.assert_array_equal(x.grad, _median_grad_by_sorting(arr, axis))


def test_median_hand_checked():
    x = mg.tensor([[3.0, 1.0, 2.0], [5.0, 5.0, 1.0]])
    mg.median(x, axis=1).backward(np.array([2.0, 3.0]))
    np.testing.assert_array_equal(x.grad, [[0, 0, 2], [3, 0, 0]])  # tie: the first 5 sorts first
    y = mg.tensor([[4.0, 1.0], [3.0, 2.0]])  # even count: half to each middle element
    mg.median(y).backward()
    np.testing.assert_array_equal(y.grad, [[0, 0], [0.5, 0.5]])
    z = mg.tensor([2.0, 2.0, 2.0, 2.0])
    mg.median(z).backward()
    np.testing.assert_array_equal(z.grad, [0, 0.5, 0.5, 0])


def test_median_of_a_slice_with_nan_is_nan_with_the_gradient_at_the_first_nan():
    x = mg.tensor([[1.0, np.nan, 3.0, np.nan], [4.0, 1.0, 2.0, 3.0]])
    out = mg.median(x, axis=1)
    np.testing.assert_array_equal(out.data, np.median(x.data, axis=1))
    out.backward(np.array([2.0, 1.0]))
    np.testing.assert_array_equal(x.grad, [[0, 2, 0, 0], [0, 0, 0.5, 0.5]])


def test_median_ignores_overwrite_input():
    arr = np.array([3.0, 1.0, 2.0, 0.0])
    x = mg.tensor(arr.copy())
    out = np.median(x, overwrite_input=True)
    assert out.item() == 1.5
    np.testing.assert_array_equal(x.data, arr)


# -------------------------------------------------------------------- ptp
@given(c=case(), dtype=st.sampled_from(FLOATS))
def test_ptp_forward_matches_numpy(c, dtype):
    arr, axis, keepdims = c
    arr = arr.astype(dtype)
    expected = np.ptp(arr, axis=axis, keepdims=keepdims)
    out = np.ptp(mg.tensor(arr), axis=axis, keepdims=keepdims)
    assert out.dtype == expected.dtype == dtype and out.shape == np.shape(expected)
    np.testing.assert_array_equal(out.data, expected)


@given(data=st.data())
def test_ptp_gradient_matches_finite_differences(data):
    arr, axis, keepdims = data.draw(case(), label="case")
    seed = data.draw(mst.seeds(np.shape(np.ptp(arr, axis=axis, keepdims=keepdims))), label="seed")
    check_grad(mg.ptp, arr, seed=seed, kwargs={"axis": axis, "keepdims": keepdims})


def test_ptp_ties_and_nans():
    x = mg.tensor([[2.0, 5.0, 5.0, 2.0], [1.0, 1.0, 1.0, 1.0]])
    mg.ptp(x, axis=1).backward()
    np.testing.assert_array_equal(x.grad, [[-1, 1, 0, 0], [0, 0, 0, 0]])
    y = mg.tensor([1.0, np.nan, 3.0])
    out = mg.ptp(y)
    assert np.isnan(out.item())
    out.backward()
    np.testing.assert_array_equal(y.grad, [0, 0, 0])


# ---------------------------------------------------------------- average
@given(data=st.data(), dtype=st.sampled_from(FLOATS), w_dtype=st.sampled_from(FLOATS + [np.int64]))
def test_average_forward_matches_numpy(data, dtype, w_dtype):
    shapes = _weighted_shapes(data.draw)
    kwargs = _weighted_kwargs(data.draw, shapes)
    arr = data.draw(hnp.arrays(dtype, shapes[0], elements=st.floats(-4, 4, width=16)), label="a")
    w = data.draw(hnp.arrays(w_dtype, shapes[1], elements=st.integers(1, 3)), label="weights")
    returned = data.draw(st.booleans(), label="returned")
    expected = np.average(arr, weights=w, returned=returned, **kwargs)
    for weights in (w, mg.tensor(w)):
        got = np.average(mg.tensor(arr), weights=weights, returned=returned, **kwargs)
        for g, e in zip(got if returned else (got,), expected if returned else (expected,)):
            assert isinstance(g, mg.Tensor)
            assert g.dtype == np.asarray(e).dtype and g.shape == np.shape(e)
            np.testing.assert_allclose(g.data, e, rtol={np.float16: 2e-3, np.float32: 1e-6}.get(dtype, 1e-12))


def test_average_hand_checked_gradients():
    a = mg.tensor([[1.0, 2.0, 4.0], [3.0, 3.0, 6.0]])
    w = mg.tensor([1.0, 1.0, 2.0])
    avg, total = mg.average(a, axis=1, weights=w, returned=True)
    np.testing.assert_allclose(avg.data, [2.75, 4.5])
    np.testing.assert_array_equal(total.data, [4.0, 4.0])
    (avg.sum() + total.sum()).backward()
    np.testing.assert_allclose(a.grad, [[0.25, 0.25, 0.5]] * 2)
    # d/dw_j sum_i avg_i = sum_i (a_ij - avg_i) / sum(w), and each total_i adds 1
    expected = ((a.data - avg.data[:, None]) / 4).sum(axis=0) + 2
    np.testing.assert_allclose(w.grad, expected)


def test_average_without_weights_is_the_mean():
    x = mg.tensor([[1.0, 2.0], [3.0, 6.0]])
    avg, count = mg.average(x, axis=0, returned=True)
    np.testing.assert_array_equal(avg.data, [2.0, 4.0])
    np.testing.assert_array_equal(count.data, [2.0, 2.0])
    assert count.constant and count.dtype == avg.dtype
    avg.backward()
    np.testing.assert_array_equal(x.grad, np.full((2, 2), 0.5))
    assert mg.average([1, 2]).dtype == np.average([1, 2]).dtype == np.float64


def test_average_constant_argument():
    x, w = mg.tensor([1.0, 2.0]), mg.tensor([1.0, 3.0])
    assert mg.average(x, weights=w, constant=True).constant
    assert not mg.average(x, weights=np.array([1.0, 3.0])).constant
    assert mg.average(mg.tensor([1.0, 2.0], constant=True), weights=[1.0, 2.0]).constant


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"weights": [1.0, 2.0]}, TypeError),  # shapes differ and no axis
        ({"axis": 1, "weights": [1.0, 2.0]}, ValueError),  # wrong length along the axis
        ({"axis": 1, "weights": [1.0, -1.0, 0.0]}, ZeroDivisionError),
        ({"axis": 2}, np.exceptions.AxisError),
        ({"bogus": 1}, TypeError),
    ],
)
def test_average_raises_numpys_errors(kwargs, error):
    arr = np.arange(6.0).reshape(2, 3)
    with pytest.raises(error):
        np.average(arr, **kwargs)
    with pytest.raises(error):
        mg.average(mg.tensor(arr), **kwargs)
    with pytest.raises(error):
        np.average(mg.tensor(arr), **kwargs)


# ------------------------------------------------------- dtypes, namespaces
@pytest.mark.parametrize("name", ["median", "ptp", "average"])
@pytest.mark.parametrize("dtype", FLOATS)
def test_dtype_preserved(name, dtype):
    x = mg.tensor(np.array([[1.0, 4.0, 2.5], [3.0, 0.5, 2.0]], dtype=dtype))
    out = getattr(mg, name)(x, axis=1)
    assert out.dtype == dtype
    out.backward()
    assert x.grad.dtype == dtype


@pytest.mark.parametrize("name", ["median", "ptp", "average"])
def test_integer_input_and_namespaces(name):
    op = getattr(mg, name)
    assert getattr(mg.math, name) is op and op.numpy is getattr(np, name)
    x = mg.tensor([[1, 5], [3, 4]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = op(x, axis=0)
    expected = getattr(np, name)(x.data, axis=0)
    assert out.constant and out.dtype == expected.dtype
    np.testing.assert_array_equal(out.data, expected)
