"""NumPy interoperability: differentiable dispatch, the
boolean-only / constant-only / pass-through tables, and NumPy's TypeError
for everything else."""

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mygrad as mg
from mygrad.testing import strategies as mst

BOOL_UFUNCS = [
    np.isnan, np.isfinite, np.isinf, np.signbit, np.logical_not, np.logical_and, np.logical_or,
    np.logical_xor, np.greater, np.greater_equal, np.less, np.less_equal, np.equal, np.not_equal,
]
CONSTANT_UFUNCS = [np.floor_divide, np.remainder, np.fmod, np.divmod, np.rint, np.sign, np.floor, np.ceil, np.trunc]

values = hnp.arrays(
    np.float64, mst.shapes(min_dims=1, max_dims=2),
    elements=st.sampled_from([-2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0, np.inf, np.nan]),
)
nonzero = hnp.arrays(np.float64, mst.shapes(min_dims=1, max_dims=2),
                     elements=st.sampled_from([-2.5, -1.0, -0.5, 0.5, 1.0, 3.0]))


def _args(ufunc, arr):
    return (arr,) * ufunc.nin


# --------------------------------------------------------- differentiable
@pytest.mark.parametrize(
    "f",
    [lambda x: np.sum(x * x), np.exp, lambda x: np.multiply(x, 2), np.mean, lambda x: np.add(x, [1.0, 1.0, 1.0]),
     np.sqrt, lambda x: np.power(x, 2), np.negative, np.sin, lambda x: np.divide(1.0, x)],
    ids=["sum", "exp", "multiply", "mean", "add", "sqrt", "power", "negative", "sin", "divide"],
)
def test_numpy_functions_on_tensors_give_differentiable_tensors(f):
    x = mg.tensor([1.0, 2.0, 3.0])
    out = f(x)
    assert isinstance(out, mg.Tensor)
    assert out.constant is False
    out.backward()
    assert x.grad is not None and x.grad.shape == x.shape


def test_ndarray_and_tensor_mix_gives_tensor():
    a = np.array([1.0, 2.0])
    x = mg.tensor([3.0, 4.0])
    for out in (a + x, a * x, a - x, a / x, a**x, x + a):
        assert isinstance(out, mg.Tensor)
    f = np.sum(a * x)
    f.backward()
    np.testing.assert_array_equal(x.grad, a)


def test_ndarray_inplace_with_tensor_updates_the_array():
    a = np.array([1.0, 2.0])
    x = mg.tensor([3.0, 4.0])
    a += x
    assert type(a) is np.ndarray
    np.testing.assert_array_equal(a, [4.0, 6.0])
    assert x.data.flags.writeable


def test_numpy_array_protocol():
    x = mg.tensor([1.0, 2.0])
    assert np.asarray(x) is x.data
    assert type(np.array(x)) is np.ndarray
    assert np.array(x, dtype=np.float32).dtype == np.float32


def test_unsupported_ufunc_methods_raise_not_implemented():
    # (reduce/accumulate/outer of the math pack's ufuncs: tests/math/test_ufunc_methods.py)
    x = mg.tensor([1.0, 2.0])
    with pytest.raises(NotImplementedError):
        np.add.reduceat(x, [0])
    with pytest.raises(NotImplementedError):
        np.add.at(x, [0], 1.0)
    with pytest.raises(NotImplementedError):
        np.power.reduce(x)


def test_ufunc_out_with_two_targets_is_rejected():
    x = mg.tensor([1.0, 2.0])
    with pytest.raises((ValueError, TypeError)):
        mg.add(x, x, out=(np.zeros(2), np.zeros(2)))


# ------------------------------------------------------------ bool-only
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("ufunc", BOOL_UFUNCS, ids=lambda u: u.__name__)
@given(arr=values, constant=st.booleans())
def test_bool_only_ufuncs_return_arrays(ufunc, arr, constant):
    t = mg.tensor(arr, constant=constant)
    got = ufunc(*_args(ufunc, t))
    expected = ufunc(*_args(ufunc, arr))
    assert type(got) is np.ndarray
    assert got.dtype == np.bool_
    np.testing.assert_array_equal(got, expected)


def test_bool_only_ufuncs_mix_and_methods():
    x = mg.tensor([1.0, -1.0, 0.0])
    np.testing.assert_array_equal(np.greater(x, [0.0, 0.0, 0.0]), [True, False, False])
    np.testing.assert_array_equal(np.less(np.array(0.5), x), [True, False, False])
    assert np.logical_or.reduce(x > 0) == True  # noqa: E712  (other methods are allowed)
    out = np.zeros(3, dtype=bool)
    r = np.isfinite(x, out=out)
    assert r is out and out.all()


def test_bool_only_ufuncs_do_not_touch_the_graph():
    x = mg.tensor([1.0, 2.0])
    (x * x).backward()
    np.isnan(x)
    np.greater(x, 1)
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])
    assert x.data.flags.writeable


def test_isnat_for_datetime_tensors_outside_tracking():
    with mg.no_autodiff:
        t = mg.tensor(np.array(["2020-01-01", "NaT"], dtype="datetime64[D]"))
    np.testing.assert_array_equal(np.isnat(t), [False, True])


# ---------------------------------------------------------- constant-only
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("ufunc", CONSTANT_UFUNCS, ids=lambda u: u.__name__)
@given(arr=nonzero)
def test_constant_only_ufuncs_on_constants_match_numpy(ufunc, arr):
    c = mg.tensor(arr, constant=True)
    got = ufunc(*_args(ufunc, c))
    expected = ufunc(*_args(ufunc, arr))
    if ufunc.nout == 1:
        got, expected = (got,), (expected,)
    for g, e in zip(got, expected):
        assert type(g) is np.ndarray
        np.testing.assert_array_equal(g, e)


@pytest.mark.parametrize("ufunc", CONSTANT_UFUNCS, ids=lambda u: u.__name__)
def test_constant_only_ufuncs_refuse_non_constant_tensors(ufunc):
    x = mg.tensor([1.5, -2.5])
    c = mg.tensor([1.5, -2.5], constant=True)
    with pytest.raises(ValueError):
        ufunc(*_args(ufunc, x))
    if ufunc.nin == 2:
        with pytest.raises(ValueError):
            ufunc(c, x)
        with pytest.raises(ValueError):
            ufunc(np.array([1.0, 2.0]), x)


def test_constant_only_ufunc_refuses_non_constant_out():
    c = mg.tensor([1.5, -2.5], constant=True)
    x = mg.tensor([0.0, 0.0])
    with pytest.raises(ValueError):
        np.floor(c, out=x)
    np.testing.assert_array_equal(x.data, [0.0, 0.0])


def test_constant_only_ufuncs_accept_integer_tensors():
    i = mg.tensor([7, -3])
    np.testing.assert_array_equal(np.floor_divide(i, 2), [3, -2])
    np.testing.assert_array_equal(np.sign(i), [1, -1])
    np.testing.assert_array_equal(np.remainder(i, 4), [3, 1])


# ----------------------------------------------------------- pass-through
def test_passthrough_functions():
    x = mg.tensor([1.0, 2.0, 3.0])
    y = mg.tensor([1.0, 2.0, 3.0 + 1e-12])
    assert np.allclose(x, y) is True
    np.testing.assert_array_equal(np.isclose(x, y), [True, True, True])
    assert type(np.isclose(x, y)) is np.ndarray
    np.testing.assert_array_equal(np.bincount(mg.tensor([0, 1, 1, 3])), [1, 2, 0, 1])
    assert np.can_cast(mg.tensor(np.zeros(2, np.float32)), np.float64)
    assert np.shares_memory(x, x.data)
    assert np.may_share_memory(x, x.data)
    assert not np.shares_memory(x, y)
    assert np.min_scalar_type(mg.tensor(3)) == np.min_scalar_type(np.array(3))
    assert np.result_type(mg.tensor(np.zeros(2, np.float32)), np.float16) == np.float32
    assert np.shape(mg.tensor(np.zeros((2, 3)))) == (2, 3)
    dst = np.zeros(3)
    np.copyto(dst, x)
    np.testing.assert_array_equal(dst, [1.0, 2.0, 3.0])


def test_passthrough_functions_do_not_null_grads():
    x = mg.tensor([1.0, 2.0])
    (x * x).backward()
    np.allclose(x, x)
    np.shape(x)
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])


# ------------------------------------------------------ everything else
# NumPy callables that no mygrad pack provides (nor plans to: see
# mygrad._plugins.providers), so they must fall through to NumPy's TypeError
@pytest.mark.parametrize(
    "call",
    [
        lambda x: np.cov(x),
        lambda x: np.partition(x, 1),
        lambda x: np.convolve(x, x),
        lambda x: np.nextafter(x, 0.0),
        lambda x: np.spacing(x),
        lambda x: np.frexp(x),
        lambda x: np.add(x, x, x, x),
    ],
    ids=["cov", "partition", "convolve", "nextafter-ufunc", "spacing-ufunc", "frexp-ufunc", "bad-arity"],
)
def test_unknown_numpy_functions_raise_type_error(call):
    x = mg.tensor([1.0, 2.0])
    with pytest.raises(TypeError):
        call(x)
    assert x.data.flags.writeable


def test_unknown_numpy_functions_raise_type_error_for_constants_too():
    c = mg.tensor([1.0, 2.0], constant=True)
    with pytest.raises(TypeError):
        np.cov(c)
    with pytest.raises(TypeError):
        np.nextafter(c, 0.0)
    with pytest.raises(TypeError):
        np.gcd(mg.tensor([4, 6]), 2)
