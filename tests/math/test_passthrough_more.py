"""The math pack's non-differentiable functions (MyGrad 2.x raised TypeError for them):
count_nonzero, nanargmax, nanargmin and the NumPy functions computed on a
tensor's data (array_equal, array_equiv, unique, searchsorted, nonzero,
flatnonzero, argwhere, argsort, isneginf, isposinf, isreal, iscomplex,
isrealobj, iscomplexobj): NumPy's results and result types (never tensors)
through ``mg.<name>``, ``np.<name>(tensor)`` and Tensor methods, special
values, ``out=``, and no effect on the graph."""

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mygrad as mg
from mygrad._plugins.registry import REGISTRY
from mygrad.testing import check_op
from mygrad.testing import strategies as mst

UNARY = ["count_nonzero", "nanargmax", "nanargmin", "unique", "nonzero", "flatnonzero", "argwhere", "argsort",
         "isneginf", "isposinf", "isreal", "iscomplex", "isrealobj", "iscomplexobj"]
BINARY = ["array_equal", "array_equiv", "searchsorted"]
METHODS = ["argsort", "nonzero", "searchsorted"]


def decl(name):
    return next(d for d in REGISTRY.decls_of("math") if d.name == name)


def special(shape, nan=True):
    """Float arrays full of zeros, ties, infinities and (optionally) NaNs."""
    values = [0.0, -0.0, 1.0, -2.5, 3.0, np.inf, -np.inf] + ([np.nan] if nan else [])
    return hnp.arrays(np.float64, shape, elements=st.sampled_from(values))


def assert_same(got, expected):
    """Same type (recursively for tuples), same values, and no tensors."""
    assert not isinstance(got, mg.Tensor)
    assert type(got) is type(expected), (type(got), type(expected))
    if isinstance(expected, tuple):
        assert len(got) == len(expected)
        for g, e in zip(got, expected):
            assert_same(g, e)
    else:
        assert np.shape(got) == np.shape(expected)
        if isinstance(expected, np.ndarray):
            assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("name", UNARY + BINARY)
def test_conformance(name):
    check_op(decl(name))


def calls(name, arr):
    """(mygrad call, NumPy call) pairs of ``name`` with assorted arguments."""
    ndim = arr.ndim
    if name == "count_nonzero":
        yield {}
        if ndim:
            yield {"axis": -1}
            yield {"axis": tuple(range(ndim)), "keepdims": True}
    elif name in ("nanargmax", "nanargmin"):
        yield {}
        if ndim:
            yield {"axis": 0, "keepdims": True}
    elif name == "unique":
        yield {}
        yield {"return_index": True, "return_inverse": True, "return_counts": True}
        yield {"equal_nan": False, "return_counts": True}
        if ndim:
            yield {"axis": 0, "return_inverse": True}
    elif name == "argsort":
        yield {}
        yield {"axis": None, "kind": "stable"}
        if ndim:
            yield {"axis": 0, "stable": True}
    else:
        yield {}


@pytest.mark.parametrize("name", UNARY)
@given(data=st.data())
def test_unary_results_are_numpys(name, data):
    shape = data.draw(mst.shapes(min_dims=1 if name == "nonzero" else 0, max_dims=3, max_side=3), label="shape")
    arr = data.draw(special(shape, nan=name not in ("unique",) or data.draw(st.booleans())), label="x")
    for kwargs in calls(name, arr):
        try:
            expected = getattr(np, name)(arr, **kwargs)
        except ValueError as e:  # e.g. nanargmax of an all-NaN slice
            for f in (getattr(mg, name), getattr(np, name)):
                with pytest.raises(ValueError, match=str(e)[:20]):
                    f(mg.tensor(arr), **kwargs)
            continue
        for constant in (False, True):
            x = mg.tensor(arr, constant=constant)
            assert_same(getattr(mg, name)(x, **kwargs), expected)
            assert_same(getattr(np, name)(x, **kwargs), expected)
            if name in METHODS:
                assert_same(getattr(x, name)(**kwargs), expected)
            np.testing.assert_array_equal(x.data, arr)


@given(data=st.data())
def test_binary_results_are_numpys(data):
    a, b = data.draw(mst.broadcastable_shapes(2, max_dims=2, max_side=3), label="shapes")
    x = data.draw(special(a), label="x")
    y = data.draw(special(b) | st.just(x.copy()), label="y")
    for name, kwargs in [("array_equal", {}), ("array_equal", {"equal_nan": True}), ("array_equiv", {})]:
        expected = getattr(np, name)(x, y, **kwargs)
        for args in [(mg.tensor(x), mg.tensor(y)), (mg.tensor(x), y), (x, mg.tensor(y))]:
            assert_same(getattr(mg, name)(*args, **kwargs), expected)
            assert_same(getattr(np, name)(*args, **kwargs), expected)


@given(edges=hnp.arrays(np.float64, st.integers(1, 6), elements=st.integers(-5, 5).map(float)),
       v=special(mst.shapes(max_dims=2, max_side=3), nan=False), side=st.sampled_from(["left", "right"]))
def test_searchsorted_results_are_numpys(edges, v, side):
    edges = np.sort(edges)
    sorter = np.argsort(-edges, kind="stable")[::-1].copy()
    expected = np.searchsorted(edges, v, side=side)
    t = mg.tensor(edges)
    for got in (mg.searchsorted(t, v, side=side), np.searchsorted(t, mg.tensor(v), side=side),
                np.searchsorted(edges, mg.tensor(v), side=side), t.searchsorted(v, side=side)):
        assert_same(got, expected)
    unsorted = edges[::-1].copy()
    order = np.argsort(unsorted, kind="stable")
    assert_same(mg.searchsorted(mg.tensor(unsorted), v, side=side, sorter=mg.tensor(order)),
                np.searchsorted(unsorted, v, side=side, sorter=order))
    assert sorter.shape == edges.shape


def test_hand_checked_results():
    x = mg.tensor([[0.0, 2.0, np.nan], [-np.inf, 0.0, np.inf]])
    assert mg.count_nonzero(x) == 4 and type(mg.count_nonzero(x)) is type(np.count_nonzero(x.data))
    np.testing.assert_array_equal(mg.count_nonzero(x, axis=0), [1, 1, 2])
    np.testing.assert_array_equal(np.isneginf(x), [[False] * 3, [True, False, False]])
    np.testing.assert_array_equal(np.isposinf(x), [[False] * 3, [False, False, True]])
    assert mg.nanargmax(x) == 5 and mg.nanargmin(x) == 3
    np.testing.assert_array_equal(x.argsort(axis=1), [[0, 1, 2], [0, 1, 2]])
    np.testing.assert_array_equal(mg.argwhere(x == 0), [[0, 0], [1, 1]])
    np.testing.assert_array_equal(mg.unique(x), [-np.inf, 0.0, 2.0, np.inf, np.nan])
    assert mg.isrealobj(x) is True and mg.iscomplexobj(x) is False
    assert mg.array_equal(x, x.data) is False and mg.array_equal(x, x.data, equal_nan=True) is True


def test_the_isfinite_family_on_tensors():
    """isnan/isfinite/isinf/signbit are the core's boolean ufuncs; isneginf/isposinf
    are NumPy functions (not ufuncs) that this pack provides."""
    arr = np.array([-np.inf, -0.0, 0.0, 1.0, np.nan, np.inf])
    x = mg.tensor(arr)
    for f in (np.isnan, np.isfinite, np.isinf, np.signbit, np.isneginf, np.isposinf, np.isreal, np.iscomplex):
        got = f(x)
        assert type(got) is np.ndarray and got.dtype == bool
        np.testing.assert_array_equal(got, f(arr))
    assert not isinstance(np.isneginf, np.ufunc) and not isinstance(np.isposinf, np.ufunc)


@pytest.mark.parametrize("name", ["isneginf", "isposinf", "nanargmax", "nanargmin"])
def test_out_must_be_an_array(name):
    x = mg.tensor([[1.0, -np.inf], [np.inf, 2.0]])
    kwargs = {"axis": 1} if name.startswith("nanarg") else {}
    expected = getattr(np, name)(x.data, **kwargs)
    target = np.empty_like(expected)
    assert getattr(np, name)(x, out=target, **kwargs) is target
    np.testing.assert_array_equal(target, expected)
    with pytest.raises(TypeError, match="out"):
        getattr(mg, name)(x, out=mg.tensor(np.zeros(expected.shape, dtype=expected.dtype)), **kwargs)


def test_no_effect_on_the_graph_or_gradients():
    x = mg.tensor([3.0, 1.0, 2.0])
    y = (x * x).sum()
    for name in UNARY:
        getattr(mg, name)(x)
    for name in BINARY:
        getattr(mg, name)(x, x)
    y.backward()
    np.testing.assert_array_equal(x.grad, [6.0, 2.0, 4.0])
    assert x.data.flags.writeable


@pytest.mark.parametrize("name", UNARY + BINARY)
def test_published_in_mygrad_and_mygrad_math(name):
    op = getattr(mg, name)
    assert getattr(mg.math, name) is op
    assert op.numpy is getattr(np, name)
