"""Ufunc methods of the differentiable binary ufuncs (MyGrad 2.x implemented none):
``reduce`` and ``accumulate`` where the pack supplies them, ``outer`` for
every binary ufunc, and NumPy's errors / NotImplementedError elsewhere."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mygrad as mg
from mygrad.testing import check_grad, check_op
from mygrad.plugin import Domain
from mygrad.testing import strategies as mst
from mygrad_ops_math import ufunc_methods

METHOD_OPS = [d.name for d in ufunc_methods.DECLARATIONS]
REDUCE = ["add", "subtract", "multiply", "divide", "maximum", "minimum", "fmax", "fmin", "logaddexp", "logaddexp2"]
ACCUMULATE = ["add", "multiply", "maximum", "minimum", "fmax", "fmin"]
BINARY = ["add", "subtract", "multiply", "divide", "power", "float_power", "arctan2", "logaddexp", "logaddexp2",
          "maximum", "minimum", "fmax", "fmin", "copysign", "heaviside"]

#: distinct, nonzero, well-separated values (no ties, no division by zero)
A = np.array([[1.5, -2.25, 3.0], [0.75, 2.5, -1.25]])


@pytest.mark.parametrize("name", METHOD_OPS)
def test_conformance(name):
    check_op(getattr(ufunc_methods, name), max_examples=15)


# -------------------------------------------------------------------- reduce
@pytest.mark.parametrize("name", REDUCE)
@pytest.mark.parametrize("axis", [0, 1, -1, "default"])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reduce_matches_numpy_and_finite_differences(name, axis, keepdims):
    np_u = getattr(np, name)
    kwargs = {"keepdims": keepdims} if axis == "default" else {"axis": axis, "keepdims": keepdims}
    x = mg.tensor(A)
    for out in (np_u.reduce(x, **kwargs), getattr(mg, name).reduce(x, **kwargs)):
        assert isinstance(out, mg.Tensor) and not out.constant
        np.testing.assert_allclose(out.data, np_u.reduce(A, **kwargs), rtol=1e-14)
    check_grad(lambda t: np_u.reduce(t, **kwargs), A)


@pytest.mark.parametrize("name", [n for n in REDUCE if n not in ("subtract", "divide")])
@pytest.mark.parametrize("axis", [None, (0, 1), ()])
def test_reorderable_reduce_over_several_axes(name, axis):
    np_u = getattr(np, name)
    out = getattr(mg, name).reduce(mg.tensor(A), axis=axis)
    np.testing.assert_allclose(out.data, np_u.reduce(A, axis=axis), rtol=1e-14)
    check_grad(lambda t: np_u.reduce(t, axis=axis), A)


@pytest.mark.parametrize("name", ["subtract", "divide"])
def test_non_reorderable_reduce_errors_like_numpy(name):
    np_u = getattr(np, name)
    for kwargs in ({"axis": None}, {"axis": (0, 1)}, {"where": np.array([True, False, True])}):
        with pytest.raises(ValueError) as np_err:
            np_u.reduce(A, **kwargs)
        with pytest.raises(ValueError) as mg_err:
            np_u.reduce(mg.tensor(A), **kwargs)
        assert str(mg_err.value) == str(np_err.value)


@pytest.mark.parametrize("name", ["subtract", "divide"])
def test_non_reorderable_reduce_with_initial_and_where(name):
    np_u = getattr(np, name)
    mask = np.array([True, False, True])
    kwargs = {"axis": 1, "initial": 2.0, "where": mask}
    out = np_u.reduce(mg.tensor(A), **kwargs)
    np.testing.assert_allclose(out.data, np_u.reduce(A, **kwargs))
    check_grad(lambda t: np_u.reduce(t, **kwargs), A)
    check_grad(lambda t: np_u.reduce(t, axis=0, initial=-0.5), A)
    check_grad(lambda t: np_u.reduce(t, axis=None), A[0])  # 1-d: axis None is fine


def test_reduce_hand_checked():
    x = mg.tensor([10.0, 2.0, 3.0])
    np.subtract.reduce(x).backward()
    np.testing.assert_array_equal(x.grad, [1.0, -1.0, -1.0])
    x = mg.tensor([0.0, 2.0, 4.0])
    y = np.divide.reduce(x)
    y.backward()
    np.testing.assert_array_equal(x.grad, [0.125, 0.0, 0.0])  # exact at a zero numerator
    x = mg.tensor([[2.0, 0.0], [3.0, 5.0]])
    np.multiply.reduce(x).backward()
    np.testing.assert_array_equal(x.grad, [[3.0, 5.0], [2.0, 0.0]])
    x = mg.tensor([0.0, 0.0])
    np.logaddexp.reduce(x).backward()
    np.testing.assert_allclose(x.grad, [0.5, 0.5])


def test_reduce_zero_dim_and_empty_like_numpy():
    x = mg.tensor(3.0)
    for name in REDUCE:
        out = getattr(np, name).reduce(x)
        assert out.shape == () and out.item() == getattr(np, name).reduce(np.array(3.0))
        out.backward()
        assert x.grad == 1.0
    e = mg.tensor(np.zeros((0, 2)))
    for name in REDUCE:
        np_u = getattr(np, name)
        try:
            expected = np_u.reduce(np.zeros((0, 2)))
        except ValueError:  # no identity: NumPy's error
            with pytest.raises(ValueError):
                np_u.reduce(e)
            continue
        out = np_u.reduce(e)
        np.testing.assert_array_equal(out.data, expected)
        out.backward()
        assert e.grad.shape == (0, 2)


def test_reduce_keywords_out_dtype_initial_where_constant():
    x = mg.tensor(A)
    # positional NumPy signature: (array, axis, dtype, out, keepdims)
    out = mg.add.reduce(x, 1, None, None, True)
    np.testing.assert_array_equal(out.data, A.sum(axis=1, keepdims=True))
    o = np.zeros(3)
    r = np.add.reduce(x, out=o)
    assert isinstance(r, mg.Tensor) and r.data is o
    np.testing.assert_allclose(o, A.sum(axis=0))
    r.backward()
    np.testing.assert_array_equal(x.grad, np.ones_like(A))
    half = mg.tensor(A.astype(np.float16))
    r = np.maximum.reduce(half, dtype=np.float32)
    assert r.dtype == np.float32
    r.backward()
    assert half.grad.dtype == np.float16
    mask = np.array([True, False, True])
    r = np.maximum.reduce(x, axis=1, initial=-10.0, where=mask)
    np.testing.assert_array_equal(r.data, np.maximum.reduce(A, axis=1, initial=-10.0, where=mask))
    r.backward()
    np.testing.assert_array_equal(x.grad, [[0, 0, 1], [1, 0, 0]])
    r = np.maximum.reduce(x, axis=1, initial=10.0)  # `initial` wins: no gradient
    r.backward()
    np.testing.assert_array_equal(x.grad, np.zeros_like(A))
    assert mg.add.reduce(x, constant=True).constant
    target = mg.tensor(np.zeros(3)) * 1.0
    r = np.add.reduce(x, out=target)
    assert r is target
    target.backward()
    np.testing.assert_array_equal(x.grad, np.ones_like(A))


@pytest.mark.parametrize("name", ["add", "multiply", "logaddexp", "logaddexp2"])
def test_reduce_with_where_mask_and_initial(name):
    np_u = getattr(np, name)
    mask = np.array([[True, False, True], [False, False, True]])
    for kwargs in ({"axis": 1, "where": mask}, {"axis": 0, "where": mask, "initial": 0.5, "keepdims": True}):
        out = np_u.reduce(mg.tensor(A), **kwargs)
        np.testing.assert_allclose(out.data, np_u.reduce(A, **kwargs), rtol=1e-14)
        check_grad(lambda t: np_u.reduce(t, **kwargs), A)


def test_extremum_reduce_routes_ties_to_the_first():
    for name in ("maximum", "fmax"):
        x = mg.tensor([3.0, 1.0, 3.0])
        getattr(np, name).reduce(x).backward()
        np.testing.assert_array_equal(x.grad, [1.0, 0.0, 0.0])
    x = mg.tensor([[1.0, -2.0], [-2.0, 1.0]])
    np.minimum.reduce(x, axis=None).backward()  # C order over the reduced axes
    np.testing.assert_array_equal(x.grad, [[0.0, 1.0], [0.0, 0.0]])


def test_extremum_reduce_with_nans():
    x = mg.tensor([1.0, np.nan, 5.0, np.nan])
    np.maximum.reduce(x).backward()  # NaN propagates: the first NaN gets it
    np.testing.assert_array_equal(x.grad, [0.0, 1.0, 0.0, 0.0])
    np.fmax.reduce(x).backward()  # NaN ignored
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 1.0, 0.0])
    np.fmin.reduce(x).backward()
    np.testing.assert_array_equal(x.grad, [1.0, 0.0, 0.0, 0.0])


# ---------------------------------------------------------------- accumulate
@pytest.mark.parametrize("name", ACCUMULATE)
@pytest.mark.parametrize("axis", [0, 1, -1, "default"])
def test_accumulate_matches_numpy_and_finite_differences(name, axis):
    np_u = getattr(np, name)
    kwargs = {} if axis == "default" else {"axis": axis}
    x = mg.tensor(A)
    for out in (np_u.accumulate(x, **kwargs), getattr(mg, name).accumulate(x, **kwargs)):
        assert isinstance(out, mg.Tensor) and not out.constant
        np.testing.assert_allclose(out.data, np_u.accumulate(A, **kwargs), rtol=1e-14)
    check_grad(lambda t: np_u.accumulate(t, **kwargs), A)


@pytest.mark.parametrize("name", ACCUMULATE)
def test_accumulate_errors_like_numpy(name):
    np_u = getattr(np, name)
    cases = [(np.array(1.0), {}), (A, {"axis": None}), (A, {"axis": (0, 1)}), (A, {"axis": 2})]
    for arr, kwargs in cases:
        with pytest.raises(Exception) as np_err:
            np_u.accumulate(arr, **kwargs)
        with pytest.raises(type(np_err.value)):
            np_u.accumulate(mg.tensor(arr), **kwargs)
    out = np_u.accumulate(mg.tensor(A[0]), axis=None)  # 1-d: axis None is fine
    np.testing.assert_allclose(out.data, np_u.accumulate(A[0], axis=None))
    out = np_u.accumulate(mg.tensor(A), axis=(1,))
    np.testing.assert_allclose(out.data, np_u.accumulate(A, axis=(1,)))


def test_extremum_accumulate_routes_to_the_first_that_reached_the_running_value():
    x = mg.tensor([1.0, 3.0, 2.0, 3.0, 5.0])
    y = np.maximum.accumulate(x)
    np.testing.assert_array_equal(y.data, [1.0, 3.0, 3.0, 3.0, 5.0])
    y.backward(np.array([1.0, 10.0, 100.0, 1000.0, 10000.0]))
    np.testing.assert_array_equal(x.grad, [1.0, 1110.0, 0.0, 0.0, 10000.0])
    x = mg.tensor([[4.0, 2.0], [4.0, 1.0], [0.0, 1.0]])
    np.minimum.accumulate(x, axis=1).backward()
    np.testing.assert_array_equal(x.grad, [[1.0, 1.0], [1.0, 1.0], [2.0, 0.0]])


def test_extremum_accumulate_with_nans():
    x = mg.tensor([1.0, np.nan, 2.0])
    np.maximum.accumulate(x).backward()  # [1, nan, nan]
    np.testing.assert_array_equal(x.grad, [1.0, 2.0, 0.0])
    x = mg.tensor([np.nan, 1.0, np.nan, 2.0])
    y = np.fmax.accumulate(x)  # [nan, 1, 1, 2]
    np.testing.assert_array_equal(y.data, [np.nan, 1.0, 1.0, 2.0])
    y.backward()
    np.testing.assert_array_equal(x.grad, [1.0, 2.0, 0.0, 1.0])


def test_accumulate_keywords():
    x = mg.tensor(A.astype(np.float16))
    y = np.add.accumulate(x, axis=1, dtype=np.float32)
    assert y.dtype == np.float32
    y.backward()
    assert x.grad.dtype == np.float16
    np.testing.assert_array_equal(x.grad, [[3, 2, 1], [3, 2, 1]])
    o = np.zeros_like(A)
    r = np.multiply.accumulate(mg.tensor(A), 0, None, o)
    assert r.data is o
    np.testing.assert_allclose(o, np.multiply.accumulate(A))
    assert mg.maximum.accumulate(mg.tensor(A), constant=True).constant


@given(arr=mst.arrays(mst.shapes(min_dims=1, max_dims=2, max_side=5), np.float64, Domain(-3, 3)),
       data=st.data())
def test_extremum_accumulate_forward_with_ties(arr, data):
    # values rounded to a coarse grid: many ties, and the gradient still sums the seed
    arr = np.round(arr)
    axis = data.draw(st.integers(-arr.ndim, arr.ndim - 1), label="axis")
    for name in ("maximum", "minimum", "fmax", "fmin"):
        x = mg.tensor(arr)
        y = getattr(np, name).accumulate(x, axis=axis)
        np.testing.assert_array_equal(y.data, getattr(np, name).accumulate(arr, axis=axis))
        y.backward()
        assert x.grad.sum() == arr.size  # every output's gradient lands once
        assert np.all(np.take(x.grad, 0, axis=axis) >= 1)  # the first of each row starts a run


# --------------------------------------------------------------------- outer
@pytest.mark.parametrize("name", BINARY)
def test_outer_matches_numpy_and_finite_differences(name):
    np_u = getattr(np, name)
    a = np.array([[1.5, 0.5], [2.0, 1.25]])
    b = np.array([0.75, 2.5, 1.75])
    for out in (np_u.outer(mg.tensor(a), mg.tensor(b)), getattr(mg, name).outer(a, mg.tensor(b))):
        assert out.shape == (2, 2, 3)
        np.testing.assert_allclose(out.data, np_u.outer(a, b), rtol=1e-14)
    check_grad(lambda s, t: np_u.outer(s, t), a, b)


def test_outer_keywords_and_scalars():
    x = mg.tensor([1.0, 2.0])
    y = mg.tensor([3.0, 4.0, 5.0])
    o = np.full((2, 3), -1.0)
    mask = np.array([True, False, True])
    r = np.multiply.outer(x, y, out=o, where=mask)
    assert r.data is o
    np.testing.assert_array_equal(o, [[3.0, -1.0, 5.0], [6.0, -1.0, 10.0]])
    r.backward()
    np.testing.assert_array_equal(x.grad, [8.0, 8.0])
    np.testing.assert_array_equal(y.grad, [3.0, 0.0, 3.0])
    r = mg.add.outer(x, 2.0)
    assert r.shape == (2,)
    r = np.multiply.outer(x, x)  # the same tensor twice
    r.backward()
    np.testing.assert_array_equal(x.grad, [6.0, 6.0])
    r = mg.multiply.outer(x, y, dtype=np.float32, constant=True)
    assert r.dtype == np.float32 and r.constant


# ------------------------------------------------------------ not supported
def test_unary_ufuncs_have_no_binary_methods():
    x = mg.tensor([1.0, 2.0])
    for call in (lambda: np.sin.reduce(x), lambda: mg.sin.reduce(x), lambda: mg.exp.accumulate(x),
                 lambda: mg.exp.outer(x, x), lambda: np.sin.outer(x, x)):
        with pytest.raises(ValueError):
            call()


@pytest.mark.parametrize(
    "call, method",
    [
        (lambda x: np.add.reduceat(x, [0, 1]), "reduceat"),
        (lambda x: np.add.at(x, [0], 1.0), "at"),
        (lambda x: np.power.reduce(x), "reduce"),
        (lambda x: np.arctan2.reduce(x), "reduce"),
        (lambda x: np.subtract.accumulate(x), "accumulate"),
        (lambda x: np.logaddexp.accumulate(x), "accumulate"),
        (lambda x: mg.copysign.reduce(x), "reduce"),
    ],
)
def test_unsupported_methods_raise_not_implemented(call, method):
    x = mg.tensor([1.0, 2.0])
    with pytest.raises(NotImplementedError, match=method):
        call(x)
    assert x.data.flags.writeable
