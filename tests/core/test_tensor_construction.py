"""Tensor construction: dtype and ``constant`` rules, defaults, and the
``tensor`` / ``astensor`` / ``asarray`` identity and memory-sharing rules
(as MyGrad 2.x defines them)."""

import gc
import sys

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mygrad as mg
from mygrad.testing import strategies as mst


REJECTED_WHILE_TRACKING = [
    pytest.param(lambda: np.array([1 + 2j, 3j]), id="complex128"),
    pytest.param(lambda: np.array([1j], dtype=np.complex64), id="complex64"),
    pytest.param(lambda: np.array(["a", "bc"]), id="str"),
    pytest.param(lambda: np.array([b"a"]), id="bytes"),
    pytest.param(lambda: np.array([None, 1], dtype=object), id="object"),
    pytest.param(lambda: np.array(["2021-01-01"], dtype="datetime64[D]"), id="datetime"),
]

CREATORS = [
    pytest.param(lambda x, **kw: mg.Tensor(x, **kw), id="Tensor"),
    pytest.param(lambda x, **kw: mg.tensor(x, **kw), id="tensor"),
    pytest.param(lambda x, **kw: mg.astensor(x, **kw), id="astensor"),
]


# ------------------------------------------------------------------ dtypes
@pytest.mark.parametrize("make", CREATORS)
@pytest.mark.parametrize("data", REJECTED_WHILE_TRACKING)
def test_non_real_dtypes_are_rejected_while_tracking(make, data):
    with pytest.raises(TypeError):
        make(data())


@pytest.mark.parametrize("pylist", [[1j, 2.0], ["a", "b"], [None, 1.0]])
def test_non_real_python_data_is_rejected_while_tracking(pylist):
    with pytest.raises(TypeError):
        mg.tensor(pylist)


@pytest.mark.parametrize("make", CREATORS)
@pytest.mark.parametrize("data", REJECTED_WHILE_TRACKING)
def test_non_real_dtypes_are_allowed_in_no_autodiff(make, data):
    arr = data()
    with mg.no_autodiff:
        t = make(arr)
    assert isinstance(t, mg.Tensor)
    assert t.dtype == arr.dtype
    np.testing.assert_array_equal(t.data, arr)


def test_complex_tensor_made_in_no_autodiff_supports_arithmetic_there():
    with mg.no_autodiff:
        t = mg.tensor([1 + 1j, 2j])
        out = t * t
    assert isinstance(out, mg.Tensor)
    np.testing.assert_array_equal(out.data, np.array([1 + 1j, 2j]) ** 2)


def test_failed_construction_leaves_no_unraisable_exception():
    """A tensor whose construction raised must be garbage-collected silently."""
    seen = []
    previous = sys.unraisablehook
    sys.unraisablehook = seen.append
    try:
        for bad in (lambda: mg.tensor([1j]), lambda: mg.tensor([1], constant=False),
                    lambda: mg.Tensor([1.0], np.float32)):
            try:
                bad()
            except (TypeError, ValueError):
                pass
        gc.collect()
    finally:
        sys.unraisablehook = previous
    assert seen == []


@given(dtype=st.sampled_from([np.float16, np.float32, np.float64]), shape=mst.shapes(max_dims=2))
def test_float_dtypes_default_to_non_constant(dtype, shape):
    t = mg.tensor(np.zeros(shape, dtype=dtype))
    assert t.dtype == dtype
    assert t.constant is False
    assert t.grad is None
    assert t.creator is None


@given(dtype=st.sampled_from([np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint64, np.bool_]))
def test_integer_and_bool_dtypes_default_to_constant(dtype):
    t = mg.tensor(np.zeros((2,), dtype=dtype))
    assert t.dtype == dtype
    assert t.constant is True


@pytest.mark.parametrize("data", [1, [1, 2], True, [True, False], np.arange(3), np.array(True)])
def test_integer_and_bool_with_constant_false_raise_value_error(data):
    with pytest.raises(ValueError):
        mg.tensor(data, constant=False)
    with pytest.raises(ValueError):
        mg.Tensor(data, constant=False)


def test_integer_with_constant_false_is_allowed_in_no_autodiff():
    with mg.no_autodiff:
        t = mg.tensor([1, 2], constant=False)
    assert t.constant is False
    assert t.dtype.kind == "i"


def test_integer_with_constant_true_is_fine():
    assert mg.tensor([1, 2], constant=True).constant is True


@pytest.mark.parametrize("constant", [1, 0, "yes", np.bool_(True), 1.0, [True]])
def test_constant_must_be_none_or_bool(constant):
    with pytest.raises(TypeError):
        mg.tensor([1.0], constant=constant)
    with pytest.raises(TypeError):
        mg.Tensor([1.0], constant=constant)


@pytest.mark.parametrize("constant", [True, False])
def test_constant_flag_is_honoured_for_floats(constant):
    t = mg.tensor([1.0, 2.0], constant=constant)
    assert t.constant is constant


def test_python_scalars_give_numpy_default_dtypes():
    assert mg.tensor(1.0).dtype == np.float64
    assert mg.tensor(1).dtype == np.array(1).dtype
    assert mg.tensor(True).dtype == np.bool_
    assert mg.tensor(1.0).shape == ()
    assert mg.tensor([[1.0], [2.0]]).shape == (2, 1)


def test_explicit_dtype_casts_data():
    t = mg.tensor([1, 2], dtype=np.float32)
    assert t.dtype == np.float32
    assert t.constant is False
    t = mg.tensor([1.7, 2.2], dtype="int32")
    assert t.dtype == np.int32
    np.testing.assert_array_equal(t.data, [1, 2])
    assert t.constant is True


def test_tensor_dtype_may_be_positional_but_Tensor_options_are_keyword_only():
    assert mg.tensor([1.0], np.float32).dtype == np.float32
    with pytest.raises(TypeError):
        mg.Tensor([1.0], np.float32)


@given(arr=hnp.arrays(np.float64, mst.shapes(max_dims=3), elements=st.floats(-10, 10)),
       ndmin=st.integers(0, 5))
def test_ndmin_prepends_axes(arr, ndmin):
    t = mg.tensor(arr, ndmin=ndmin)
    expected = np.array(arr, ndmin=ndmin)
    assert t.shape == expected.shape
    np.testing.assert_array_equal(t.data, expected)


def test_ndmin_validation():
    with pytest.raises(TypeError):
        mg.tensor([1.0], ndmin=1.5)
    assert mg.tensor([1.0], ndmin=-3).shape == (1,)


# ---------------------------------------------------- copies and identity
def test_Tensor_copies_by_default_and_shares_with_copy_false():
    a = np.array([1.0, 2.0])
    t = mg.Tensor(a)
    assert not np.shares_memory(t.data, a)
    t = mg.Tensor(a, copy=False)
    assert t.data is a


def test_Tensor_of_tensor_copies_and_drops_graph_grad_and_constant():
    x = mg.tensor([1.0, 2.0])
    y = x * 2
    y.backward()
    z = x * x
    t = mg.Tensor(z)
    assert t.creator is None
    assert t.grad is None
    assert not np.shares_memory(t.data, z.data)
    np.testing.assert_array_equal(t.data, z.data)
    c = mg.tensor([1.0, 2.0], constant=True)
    assert mg.Tensor(c).constant is False  # re-derived from the dtype


def test_tensor_of_tensor_copies_unless_copy_false():
    x = mg.tensor([1.0, 2.0])
    y = mg.tensor(x)
    assert y is not x
    assert not np.shares_memory(x.data, y.data)
    assert mg.tensor(x, copy=False) is x
    assert mg.tensor(x, copy=False, constant=False) is x
    assert mg.tensor(x, copy=False, dtype=np.float64) is x


def test_tensor_of_constant_tensor_is_not_constant_when_copied():
    c = mg.tensor([1.0, 2.0], constant=True)
    assert mg.tensor(c).constant is False
    assert mg.tensor(c, constant=True).constant is True
    assert mg.tensor(c, copy=False) is c


def test_astensor_identity_and_memory_sharing():
    x = mg.tensor([1.0, 2.0])
    assert mg.astensor(x) is x
    assert mg.astensor(x, dtype=x.dtype) is x
    assert mg.astensor(x, constant=False) is x

    # differing constant: a new tensor with a copy of the data (two tensors never
    # share memory without a view link: writes into one would go unrecorded for
    # the other; MyGrad 2.x shared it)
    c = mg.astensor(x, constant=True)
    assert c is not x
    assert c.constant is True
    assert not np.shares_memory(c.data, x.data)

    f = mg.astensor(x, dtype=np.float32)  # differing dtype: a copy
    assert f is not x
    assert f.dtype == np.float32
    assert not np.shares_memory(f.data, x.data)


def test_astensor_of_ndarray_shares_memory():
    a = np.array([1.0, 2.0])
    t = mg.astensor(a)
    assert t.data is a
    assert t.constant is False
    i = np.array([1, 2])
    assert mg.astensor(i).data is i
    assert mg.astensor(i).constant is True


def test_astensor_of_list():
    t = mg.astensor([1.0, 2.0], constant=True)
    assert t.constant is True
    np.testing.assert_array_equal(t.data, [1.0, 2.0])


def test_asarray():
    x = mg.tensor([1.0, 2.0])
    assert mg.asarray(x) is x.data
    a = np.array([3.0])
    assert mg.asarray(a) is a
    lst = mg.asarray([1, 2])
    assert type(lst) is np.ndarray and lst.dtype == np.array([1, 2]).dtype
    f32 = mg.asarray(x, dtype=np.float32)
    assert type(f32) is np.ndarray and f32.dtype == np.float32
    np.testing.assert_array_equal(f32, [1.0, 2.0])
    assert type(mg.asarray(3.0)) is np.ndarray


def test_numpy_asarray_of_tensor_gives_its_array():
    x = mg.tensor([1.0, 2.0])
    assert np.asarray(x) is x.data
    arr = np.array(x)
    assert type(arr) is np.ndarray
    assert not np.shares_memory(arr, x.data)
    np.testing.assert_array_equal(arr, x.data)
    assert np.asarray(x, dtype=np.float32).dtype == np.float32


@given(t=mst.tensors(shape=mst.shapes(max_dims=3)))
def test_strategy_tensors_roundtrip_through_tensor(t):
    u = mg.tensor(t, constant=t.constant)
    assert u.constant is t.constant
    assert u.shape == t.shape and u.dtype == t.dtype
    np.testing.assert_array_equal(u.data, t.data)
