"""NumPy's keyword arguments of the reductions and cumulative ops (MyGrad
2.x refused most of them): ``axis`` (ints, tuples, negatives), ``keepdims``, ``dtype``,
``where`` and ``initial`` wherever NumPy has them, against NumPy (values
bit-for-bit, dtypes, shapes) and with gradients against finite differences;
dtype preservation, empty and 0-d inputs, ``where`` given as a tensor, and
NumPy's errors for bad axes and arguments."""

import inspect
import warnings

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mygrad as mg
from mygrad.testing import check_grad
from mygrad.testing import strategies as mst

FLOATS = [np.float16, np.float32, np.float64]

#: name -> the keyword arguments NumPy's function takes (besides a, axis, out, keepdims)
KWARGS = {
    "sum": ("dtype", "initial", "where"),
    "mean": ("dtype", "where"),
    "prod": ("dtype", "initial", "where"),
    "var": ("dtype", "where", "ddof"),
    "std": ("dtype", "where", "ddof"),
    "max": ("initial", "where"),
    "min": ("initial", "where"),
    "nansum": ("dtype", "initial", "where"),
    "nanmean": ("dtype", "where"),
    "nanmax": ("initial", "where"),
    "nanmin": ("initial", "where"),
}
CUMULATIVE = ("cumsum", "cumprod")


def distinct(shape, scale=10.0):
    """Arrays of pairwise distinct values on a grid (no ties: max, min and std
    are differentiable there; prod's values stay small)."""
    return hnp.arrays(np.int64, shape, elements=st.integers(-25, 25), unique=True).map(lambda a: np.asarray(a / scale))


@st.composite
def axes(draw, ndim):
    choices = st.none()
    if ndim:
        choices |= st.integers(-ndim, ndim - 1) | hnp.valid_tuple_axes(ndim)
    return draw(choices, label="axis")


@st.composite
def mask_shapes(draw, shape):
    """Shapes that broadcast *to* ``shape`` (a suffix of it, some sides 1)."""
    k = draw(st.integers(0, len(shape)))
    return tuple(draw(st.sampled_from([side, 1])) for side in shape[len(shape) - k:])


@st.composite
def reduction_case(draw, name):
    """(array, kwargs) with a random subset of the op's NumPy arguments."""
    shape = draw(mst.shapes(max_dims=3, max_side=3), label="shape")
    arr = draw(distinct(shape), label="x")
    kwargs = {"axis": draw(axes(len(shape))), "keepdims": draw(st.booleans(), label="keepdims")}
    names = KWARGS[name]
    if "dtype" in names and draw(st.booleans(), label="use dtype"):
        kwargs["dtype"] = draw(st.sampled_from(FLOATS), label="dtype")
    if "where" in names and draw(st.booleans(), label="use where"):
        mask_shape = draw(mask_shapes(shape), label="mask shape")
        kwargs["where"] = draw(hnp.arrays(bool, mask_shape), label="where")
    needs_initial = name in ("max", "min", "nanmax", "nanmin") and "where" in kwargs
    if "initial" in names and (needs_initial or draw(st.booleans(), label="use initial")):
        kwargs["initial"] = draw(st.sampled_from([-3.0, 0.5, 3.0]), label="initial")
    if "ddof" in names:
        kwargs["ddof"] = draw(st.integers(0, 1), label="ddof")
    return arr, kwargs


def selected_counts(arr, kwargs):
    """Per output element, how many input elements it reduces."""
    mask = np.broadcast_to(kwargs.get("where", True), arr.shape)
    axis = kwargs["axis"] if arr.ndim else None
    return np.sum(mask, axis=axis)


def quiet(f, *args, **kwargs):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return f(*args, **kwargs)


SIGNATURES = list(KWARGS) + list(CUMULATIVE) + [
    "median", "ptp", "average", "argmax", "argmin", "nanargmax", "nanargmin", "any", "all", "count_nonzero",
    "array_equal", "array_equiv", "unique", "searchsorted", "nonzero", "flatnonzero", "argwhere", "argsort",
    "isneginf", "isposinf", "isreal", "iscomplex", "isrealobj", "iscomplexobj",
]


#: parameters of the newest NumPy that older releases' signatures lack
NEWER_NUMPY_PARAMETERS = {"unique": {"sorted"}, "argsort": {"descending"}}  # (NumPy 2.3, 2.5)


@pytest.mark.parametrize("name", SIGNATURES)
def test_signature_follows_numpy(name):
    ours = inspect.signature(getattr(mg, name)).parameters
    theirs = inspect.signature(getattr(np, name)).parameters
    assert list(ours)[: len(theirs)] == list(theirs)
    assert set(list(ours)[len(theirs):]) <= {"constant"} | NEWER_NUMPY_PARAMETERS.get(name, set())
    for p in theirs:
        assert ours[p].kind == theirs[p].kind, p


@pytest.mark.parametrize("name", list(KWARGS))
@given(data=st.data(), dtype=st.sampled_from(FLOATS))
def test_forward_with_numpy_arguments_matches_numpy(name, data, dtype):
    arr, kwargs = data.draw(reduction_case(name), label="case")
    arr = arr.astype(dtype)
    expected = np.asarray(quiet(getattr(np, name), arr, **kwargs))
    for out in (quiet(getattr(mg, name), mg.tensor(arr), **kwargs),
                quiet(getattr(np, name), mg.tensor(arr), **kwargs)):
        assert isinstance(out, mg.Tensor)
        assert out.dtype == expected.dtype and out.shape == expected.shape
        np.testing.assert_array_equal(out.data, expected)  # (NumPy computes it: bit-for-bit)


@pytest.mark.parametrize("name", list(KWARGS))
@given(data=st.data())
def test_gradients_with_numpy_arguments(name, data):
    arr, kwargs = data.draw(reduction_case(name), label="case")
    kwargs.pop("dtype", None)  # (finite differences in float64)
    counts = selected_counts(arr, kwargs)
    if name in ("max", "min", "nanmax", "nanmin") and "initial" in kwargs:
        kwargs["initial"] = -10.0 if name.endswith("max") else 10.0  # never ties with an element
    if name in ("mean", "var", "std", "nanmean") and np.min(counts) <= kwargs.get("ddof", 0):
        # (a slice with too few elements has no derivative: nan)
        kwargs.pop("where", None)
        if np.min(selected_counts(arr, kwargs)) <= kwargs.get("ddof", 0):
            kwargs["ddof"] = 0
    seed = data.draw(mst.seeds(np.shape(getattr(np, name)(arr, **kwargs))), label="seed")
    check_grad(getattr(mg, name), arr, seed=seed, kwargs=kwargs)
    # elements that `where` leaves out get exactly zero
    if "where" in kwargs:
        x = mg.tensor(arr)
        getattr(mg, name)(x, **kwargs).backward(seed)
        assert np.all(x.grad[~np.broadcast_to(kwargs["where"], arr.shape)] == 0)


@pytest.mark.parametrize("name", ["sum", "mean", "prod", "var", "std"])
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("as_dtype", FLOATS)
def test_dtype_argument_sets_the_result_dtype_and_the_gradient_keeps_the_input_dtype(name, dtype, as_dtype):
    arr = np.array([[0.5, -1.25, 2.0], [1.5, 0.25, -0.75]], dtype=dtype)
    x = mg.tensor(arr)
    out = getattr(mg, name)(x, axis=1, dtype=as_dtype)
    expected = getattr(np, name)(arr, axis=1, dtype=as_dtype)
    assert out.dtype == expected.dtype == as_dtype
    np.testing.assert_array_equal(out.data, expected)
    out.backward()
    assert x.grad.dtype == dtype
    y = mg.tensor(arr.astype(np.float64))
    getattr(mg, name)(y, axis=1).backward()
    np.testing.assert_allclose(x.grad, y.grad, rtol=2e-3 if np.float16 in (dtype, as_dtype) else 1e-6)


@pytest.mark.parametrize("name", list(KWARGS) + list(CUMULATIVE))
@pytest.mark.parametrize("dtype", FLOATS)
def test_float_dtypes_are_preserved(name, dtype):
    arr = np.array([[0.5, -1.0, 2.0], [3.0, np.nan if name.startswith("nan") else 0.25, -2.0]], dtype=dtype)
    x = mg.tensor(arr)
    out = getattr(mg, name)(x, axis=-1)
    assert out.dtype == getattr(np, name)(arr, axis=-1).dtype == dtype
    out.backward()
    assert x.grad.dtype == dtype and x.grad.shape == arr.shape


@pytest.mark.parametrize("name", CUMULATIVE)
@given(data=st.data(), dtype=st.sampled_from(FLOATS))
def test_cumulative_axis_and_dtype(name, data, dtype):
    shape = data.draw(mst.shapes(max_dims=3, max_side=3), label="shape")
    arr = data.draw(distinct(shape), label="x")
    axis = data.draw(st.none() | st.integers(-len(shape), len(shape) - 1) if shape else st.none(), label="axis")
    kwargs = {"axis": axis}
    if data.draw(st.booleans(), label="use dtype"):
        kwargs["dtype"] = data.draw(st.sampled_from(FLOATS), label="dtype")
    expected = getattr(np, name)(arr.astype(dtype), **kwargs)
    out = getattr(mg, name)(mg.tensor(arr.astype(dtype)), **kwargs)
    assert out.dtype == expected.dtype and out.shape == expected.shape
    np.testing.assert_array_equal(out.data, expected)
    kwargs.pop("dtype", None)
    seed = data.draw(mst.seeds(expected.shape), label="seed")
    check_grad(getattr(mg, name), arr, seed=seed, kwargs=kwargs)


# --------------------------------------------------------- empty and 0-d
@pytest.mark.parametrize("name", ["sum", "mean", "prod", "var", "std", "nansum", "nanmean", "cumsum", "cumprod",
                                  "median", "average"])
@pytest.mark.parametrize("shape, axis", [((0,), None), ((2, 0), 1), ((0, 3), 0), ((0, 3), 1)])
def test_empty_inputs(name, shape, axis):
    arr = np.zeros(shape)
    if name == "average" and 0 in np.shape(quiet(np.mean, arr, axis=axis)):
        # NumPy's average raises ZeroDivisionError for an empty result (it computes
        # the sum of weights, a.size / avg.size, even unasked): ours is the mean
        expected = quiet(np.mean, arr, axis=axis)
    else:
        expected = quiet(getattr(np, name), arr, axis=axis)
    x = mg.tensor(arr)
    out = quiet(getattr(mg, name), x, axis=axis)
    assert out.shape == np.shape(expected) and out.dtype == np.asarray(expected).dtype
    np.testing.assert_array_equal(out.data, expected)
    with np.errstate(all="raise"):  # the backward pass itself warns about nothing
        out.backward()
    assert x.grad.shape == shape and not np.any(x.grad)


@pytest.mark.parametrize("name", list(KWARGS) + list(CUMULATIVE) + ["median", "ptp", "average"])
@pytest.mark.parametrize("axis", [None, 0, -1, ()])
def test_zero_dim_inputs(name, axis):
    if axis == () and name in CUMULATIVE:
        return  # (cumulative ops take an int axis)
    kwargs = {} if axis is None else {"axis": axis}
    try:
        expected = np.asarray(getattr(np, name)(np.array(1.5), **kwargs))
    except Exception as e:  # e.g. median(x, axis=0) of a 0-d array
        with pytest.raises(type(e)):
            getattr(mg, name)(mg.tensor(1.5), **kwargs)
        return
    x = mg.tensor(1.5)
    out = getattr(mg, name)(x, **kwargs)
    assert out.shape == expected.shape
    np.testing.assert_array_equal(out.data, expected)
    out.backward()
    assert x.grad.shape == ()
    assert x.grad == (0.0 if name in ("var", "std", "ptp") else 1.0)


# ------------------------------------------------------------ where as tensor
@pytest.mark.parametrize("name", ["sum", "mean", "prod", "var", "std", "max", "min", "nansum", "nanmean"])
def test_where_may_be_a_tensor(name):
    arr = np.array([[1.0, 4.0, 2.0], [3.0, 0.5, 5.0]])
    mask = np.array([[True, False, True], [True, True, False]])
    kwargs = {"initial": -1.0} if name in ("max", "min") else {}
    expected = getattr(np, name)(arr, axis=1, where=mask, **kwargs)
    for where in (mask, mg.tensor(mask), mask.tolist()):
        x = mg.tensor(arr)
        out = getattr(mg, name)(x, axis=1, where=where, **kwargs)
        np.testing.assert_array_equal(out.data, expected)
        out.backward()
        assert isinstance(x.grad, np.ndarray) and np.all(x.grad[~mask] == 0)


def test_mean_where_selecting_nothing_gives_zero_gradient_not_nan():
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    out = quiet(mg.mean, x, axis=1, where=np.array([[False, False], [True, False]]))
    np.testing.assert_array_equal(out.data, [np.nan, 3.0])
    with np.errstate(all="raise"):
        out.backward(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(x.grad, [[0, 0], [2, 0]])


def test_sum_initial_and_keepdims_with_positional_arguments():
    arr = np.arange(6.0).reshape(2, 3)
    x = mg.tensor(arr)
    out = np.sum(x, 1, None, None, True, 10.0)  # NumPy's positional order
    np.testing.assert_array_equal(out.data, np.sum(arr, 1, None, None, True, 10.0))
    out.backward()
    np.testing.assert_array_equal(x.grad, np.ones((2, 3)))


# ------------------------------------------------------------------ errors
BAD_CALLS = {
    "axis out of bounds": lambda f: f(np.ones((2, 3)), axis=2),
    "negative axis out of bounds": lambda f: f(np.ones((2, 3)), axis=-3),
    "float axis": lambda f: f(np.ones((2, 3)), axis=1.5),
    "repeated axis": lambda f: f(np.ones((2, 3)), axis=(0, 0)),
    "unknown keyword": lambda f: f(np.ones((2, 3)), bogus=1),
    "unknown dtype": lambda f: f(np.ones((2, 3)), dtype="no such dtype"),
    "mask of the wrong shape": lambda f: f(np.ones((2, 3)), where=np.ones((3, 2), dtype=bool)),
}
BAD_CASES = [
    (name, case) for name in list(KWARGS) + list(CUMULATIVE) + ["median", "ptp", "average", "count_nonzero"]
    for case in BAD_CALLS
    if (case != "unknown dtype" or "dtype" in KWARGS.get(name, ("dtype",)))
    and (case != "mask of the wrong shape" or "where" in KWARGS.get(name, ()))
    and (case != "repeated axis" or name not in CUMULATIVE)
]


@pytest.mark.parametrize("name, case", BAD_CASES)
def test_bad_arguments_raise_numpys_errors(name, case):
    call = BAD_CALLS[case]
    with pytest.raises(Exception) as numpy_error:
        call(lambda a, **kw: getattr(np, name)(a, **kw))
    kind = type(numpy_error.value)
    assert kind is not AssertionError
    with pytest.raises(kind):
        call(lambda a, **kw: getattr(mg, name)(mg.tensor(a), **kw))
    with pytest.raises(kind):
        call(lambda a, **kw: getattr(np, name)(mg.tensor(a), **kw))


def test_axis_errors_are_numpys_axis_error():
    for name in list(KWARGS) + list(CUMULATIVE) + ["median", "ptp", "average", "count_nonzero", "argmax"]:
        with pytest.raises(np.exceptions.AxisError):
            getattr(mg, name)(mg.tensor([1.0, 2.0]), axis=1)


def test_cumulative_ops_refuse_tuple_axes_like_numpy():
    for name in CUMULATIVE:
        with pytest.raises(TypeError):
            getattr(mg, name)(mg.tensor([[1.0, 2.0]]), axis=(0, 1))


def test_max_with_where_needs_initial_like_numpy():
    for name in ("max", "min", "nanmax", "nanmin"):
        with pytest.raises(ValueError, match="initial"):
            getattr(mg, name)(mg.tensor([1.0, 2.0]), where=[True, False])
