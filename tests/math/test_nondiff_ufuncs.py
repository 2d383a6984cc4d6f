"""NumPy's non-differentiable ufuncs on tensors (the core's
tables): constant-only ufuncs give NumPy results for constant tensors and
refuse non-constant ones, also through ``out=`` and the operators ``//``,
``%`` and ``divmod``; boolean-only ufuncs give NumPy results for any tensor."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mygrad as mg
from mygrad.plugin import Domain
from mygrad.testing import strategies as mst

UNARY_CONSTANT = [np.floor, np.ceil, np.trunc, np.rint, np.sign]
BINARY_CONSTANT = [np.floor_divide, np.remainder, np.fmod]
CONSTANT = UNARY_CONSTANT + BINARY_CONSTANT + [np.divmod]
BOOL = [np.isnan, np.isfinite, np.isinf, np.signbit, np.logical_not, np.logical_and, np.logical_or,
        np.logical_xor, np.greater, np.greater_equal, np.less, np.less_equal, np.equal, np.not_equal]

A = np.array([[-2.5, -1.0, 0.5], [1.5, 3.0, -0.5]])
B = np.array([2.0, -1.5, 0.75])  # nonzero divisors


def args_for(ufunc, make=lambda a: a):
    return (make(A),) if ufunc.nin == 1 else (make(A), make(B))


def as_tuple(r):
    return r if isinstance(r, tuple) else (r,)


def name_of(u):
    return u.__name__


# ------------------------------------------------------------ constant-only
@pytest.mark.parametrize("ufunc", CONSTANT, ids=name_of)
def test_constant_tensors_give_numpy_results(ufunc):
    got = ufunc(*args_for(ufunc, lambda a: mg.tensor(a, constant=True)))
    expected = ufunc(*args_for(ufunc))
    assert type(got) is type(expected)
    for g, e in zip(as_tuple(got), as_tuple(expected)):
        assert type(g) is np.ndarray
        np.testing.assert_array_equal(g, e)


@pytest.mark.parametrize("ufunc", CONSTANT, ids=name_of)
@given(data=st.data())
def test_constant_tensors_match_numpy_for_any_values(ufunc, data):
    shapes = data.draw(mst.broadcastable_shapes(ufunc.nin, max_dims=2), label="shapes")
    arrays = [data.draw(mst.arrays(s, np.float64, Domain(-9, 9, exclude=(0,), gap=0.25)), label="x")
              for s in shapes]
    with np.errstate(all="ignore"):
        expected = ufunc(*arrays)
        got = ufunc(*(mg.tensor(a, constant=True) for a in arrays))
    for g, e in zip(as_tuple(got), as_tuple(expected)):
        assert type(g) is type(e) and g.dtype == e.dtype  # (NumPy scalars for 0-d, like NumPy)
        np.testing.assert_array_equal(g, e)


@pytest.mark.parametrize("ufunc", CONSTANT, ids=name_of)
def test_non_constant_tensors_are_refused(ufunc):
    variable = mg.tensor(A)
    others = args_for(ufunc)[1:]
    with pytest.raises(ValueError, match=rf"<ufunc '{ufunc.__name__}'> cannot involve non-constant mygrad tensors"):
        ufunc(variable, *others)
    if ufunc.nin == 2:
        with pytest.raises(ValueError):
            ufunc(A, mg.tensor(B))
    assert variable.grad is None and variable.data.flags.writeable


@pytest.mark.parametrize("ufunc", UNARY_CONSTANT + BINARY_CONSTANT, ids=name_of)
def test_out_ndarray_and_constant_tensor(ufunc):
    expected = ufunc(*args_for(ufunc))
    inputs = args_for(ufunc, lambda a: mg.tensor(a, constant=True))
    o = np.zeros_like(A)
    r = ufunc(*inputs, out=o)
    assert r is o
    np.testing.assert_array_equal(o, expected)
    target = mg.tensor(np.full_like(A, 9.0), constant=True)
    mask = np.array([True, False, True])
    r = ufunc(*inputs, out=target, where=mask)
    assert r is target
    np.testing.assert_array_equal(target.data, np.where(mask, expected, 9.0))
    with pytest.raises(ValueError):
        ufunc(*inputs, out=mg.tensor(np.zeros_like(A)))  # a non-constant target


def test_divmod_with_two_outputs():
    c = mg.tensor(A, constant=True)
    q, r = np.zeros_like(A), np.zeros_like(A)
    got = np.divmod(c, B, out=(q, r))
    assert got[0] is q and got[1] is r
    np.testing.assert_array_equal(q, A // B)
    np.testing.assert_array_equal(r, A % B)


def test_constant_only_ufuncs_are_exported_and_allow_other_methods():
    for u in CONSTANT:
        assert getattr(mg, u.__name__) is u
    assert mg.mod is np.mod is np.remainder
    c = mg.tensor(A, constant=True)
    r = np.floor_divide.reduce(c, axis=1)
    np.testing.assert_array_equal(r, np.floor_divide.reduce(A, axis=1))
    with pytest.raises(ValueError):
        np.floor_divide.reduce(mg.tensor(A), axis=1)


def test_integer_tensors_are_constant_so_allowed():
    i = mg.tensor([7, -3, 4])
    np.testing.assert_array_equal(np.floor_divide(i, 2), [3, -2, 2])
    np.testing.assert_array_equal(np.sign(i), [1, -1, 1])
    np.testing.assert_array_equal(i % 3, [1, 0, 1])


# ---------------------------------------------------------------- operators
@pytest.mark.parametrize(
    "op, np_op",
    [
        (lambda a, b: a // b, np.floor_divide),
        (lambda a, b: a % b, np.remainder),
        (lambda a, b: divmod(a, b), np.divmod),
    ],
    ids=["floordiv", "mod", "divmod"],
)
def test_operators(op, np_op):
    c, d = mg.tensor(A, constant=True), mg.tensor(B, constant=True)
    for args, np_args in (((c, 2), (A, 2)), ((5.0, d), (5.0, B)), ((c, d), (A, B)), ((A, d), (A, B))):
        got, expected = op(*args), np_op(*np_args)
        for g, e in zip(as_tuple(got), as_tuple(expected)):
            assert type(g) is np.ndarray
            np.testing.assert_array_equal(g, e)
    v = mg.tensor(A)
    for args in ((v, 2), (5.0, v), (c, v), (A, v)):
        with pytest.raises(ValueError):
            op(*args)


def test_operators_on_integer_tensors_keep_integer_results():
    i = mg.tensor([7, -3])
    assert (i // 2).dtype == np.int64 and (i % 2).dtype == np.int64
    q, r = divmod(i, 2)
    np.testing.assert_array_equal(q, [3, -2])
    np.testing.assert_array_equal(r, [1, 1])


# ------------------------------------------------------------- boolean-only
@pytest.mark.parametrize("ufunc", BOOL, ids=name_of)
def test_bool_ufuncs_give_arrays_for_any_tensor(ufunc):
    a = np.array([[-1.0, np.nan, 0.0], [np.inf, -0.0, 2.0]])
    args = (a,) if ufunc.nin == 1 else (a, a[::-1])
    expected = ufunc(*args)
    for constant in (True, False):
        tensors = [mg.tensor(x, constant=constant) for x in args]
        got = ufunc(*tensors)
        assert type(got) is np.ndarray and got.dtype == np.bool_
        np.testing.assert_array_equal(got, expected)
        assert all(t.grad is None for t in tensors)
    o = np.zeros(a.shape, dtype=bool)
    assert ufunc(*(mg.tensor(x) for x in args), out=o) is o
    np.testing.assert_array_equal(o, expected)


def test_comparison_operators_give_arrays():
    x, y = mg.tensor([1.0, 2.0, 3.0]), mg.tensor([3.0, 2.0, 1.0])
    for got, expected in ((x < y, [True, False, False]), (x <= y, [True, True, False]), (x > y, [False, False, True]),
                          (x >= y, [False, True, True]), (x == y, [False, True, False]),
                          (x != y, [True, False, True]), (x < 2, [True, False, False])):
        assert type(got) is np.ndarray
        np.testing.assert_array_equal(got, expected)
    assert np.logical_or.reduce(x > 2) == np.True_
