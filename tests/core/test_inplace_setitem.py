"""In-place assignment: ``__setitem__`` (basic, advanced and boolean keys,
tensor values and indices, repeated indices) and the shape setter; the rest of
the in-place ops are in ``test_inplace.py``."""

import gc

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import mygrad as mg
from mygrad._core.memory_guard import locked_count
from mygrad.testing import numerical_gradient


def leaf_and_x(values):
    """A leaf ``w`` and ``x = w * 1`` (so that ``x`` is a non-leaf whose
    gradient reaches ``w``)."""
    w = mg.tensor(values)
    return w, w * 1


finite = st.floats(0.5, 2.0, allow_nan=False, allow_infinity=False)


# --------------------------------------------------------------- setitem
def test_setitem_basic_value_gradients():
    w, x = leaf_and_x(np.array([1.0, 2.0, 3.0, 4.0]))
    v = mg.tensor([10.0, 20.0])
    x[1:3] = v
    np.testing.assert_array_equal(x.data, [1.0, 10.0, 20.0, 4.0])
    (x * np.array([1.0, 2.0, 3.0, 4.0])).sum().backward()
    np.testing.assert_array_equal(w.grad, [1.0, 0.0, 0.0, 4.0])
    np.testing.assert_array_equal(v.grad, [2.0, 3.0])


def test_setitem_value_broadcasts_and_its_gradient_is_reduced():
    x = mg.zeros((2, 3), dtype=np.float64)
    v = mg.tensor([1.0, 2.0, 3.0])
    x[...] = v
    (x * np.array([[1.0], [10.0]])).sum().backward()
    np.testing.assert_array_equal(v.grad, [11.0, 11.0, 11.0])


def test_setitem_repeated_indices_last_write_wins():
    x = mg.zeros(3, dtype=np.float64)
    v = mg.tensor([1.0, 2.0, 3.0])
    x[[0, 0, 1]] = v
    np.testing.assert_array_equal(x.data, [2.0, 3.0, 0.0])
    x.backward()
    np.testing.assert_array_equal(v.grad, [0.0, 1.0, 1.0])  # only the last write of a position counts


def test_setitem_repeated_mixed_indices_last_write_wins():
    x = mg.zeros((2, 3), dtype=np.float64)
    v = mg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    x[:, [2, 0, 2]] = v
    np.testing.assert_array_equal(x.data, [[2.0, 0.0, 3.0], [5.0, 0.0, 6.0]])
    (x * np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])).sum().backward()
    np.testing.assert_array_equal(v.grad, [[0.0, 1.0, 3.0], [0.0, 4.0, 6.0]])


def test_setitem_boolean_mask_with_tensor_values():
    w, x = leaf_and_x(np.array([1.0, -2.0, 3.0, -4.0]))
    mask = x.data < 0
    v = mg.tensor([7.0, 8.0])
    x[mask] = v
    np.testing.assert_array_equal(x.data, [1.0, 7.0, 3.0, 8.0])
    (x * x).sum().backward()
    np.testing.assert_array_equal(w.grad, [2.0, 0.0, 6.0, 0.0])
    np.testing.assert_array_equal(v.grad, [14.0, 16.0])


def test_setitem_with_tensor_index():
    x = mg.tensor([1.0, 2.0, 3.0])
    x[mg.tensor([2, 0])] = mg.tensor([9.0, 8.0])
    np.testing.assert_array_equal(x.data, [8.0, 2.0, 9.0])


@pytest.mark.parametrize("key", [[0, 2], np.array([True, False, True])], ids=["int-array", "bool-mask"])
@pytest.mark.parametrize("value", [0.5, 7])
def test_setitem_advanced_index_with_python_scalar(key, value):
    w, x = leaf_and_x(np.array([1.0, 2.0, 3.0]))
    x[key] = value
    np.testing.assert_array_equal(x.data, [value, 2.0, value])
    (x * x).sum().backward()
    np.testing.assert_array_equal(w.grad, [0.0, 4.0, 0.0])


def test_boolean_mask_assignment_from_an_overlapping_view_backprops_what_was_computed():
    c = np.array([1.0, 10.0, 100.0, 1000.0])

    def program(w):
        x = w * 1
        x[np.ones(4, dtype=bool)] = x[::-1]
        return x * c

    w0 = np.array([1.0, 2.0, 3.0, 4.0])
    w = mg.tensor(w0)
    out = program(w)
    with mg.no_autodiff:
        untracked = program(mg.tensor(w0))
    np.testing.assert_array_equal(out.data, untracked.data)  # tracked and untracked agree
    out.backward()
    (numeric,) = numerical_gradient(program, w0)
    np.testing.assert_allclose(w.grad, numeric, atol=1e-6)


def test_setitem_advanced_index_with_numpy_scalar():
    w, x = leaf_and_x(np.array([1.0, 2.0, 3.0]))
    x[np.array([True, False, True])] = np.float64(0.5)
    np.testing.assert_array_equal(x.data, [0.5, 2.0, 0.5])
    (x * x).sum().backward()
    np.testing.assert_array_equal(w.grad, [0.0, 4.0, 0.0])


@given(
    x0=hnp.arrays(np.float64, (4,), elements=finite),
    v0=hnp.arrays(np.float64, (5,), elements=finite),
    idx=st.lists(st.integers(-4, 3), min_size=5, max_size=5),
)
def test_setitem_advanced_gradients_match_finite_differences(x0, v0, idx):
    idx = np.array(idx)
    c = np.arange(1.0, 5.0)

    def f(x, v):
        y = x * 1
        y[idx] = v * v
        return y * c

    x, v = mg.tensor(x0), mg.tensor(v0)
    y = x * 1
    y[idx] = v * v
    (y * c).sum().backward()
    nx, nv = numerical_gradient(f, x0, v0)
    np.testing.assert_allclose(x.grad, nx, atol=1e-6)
    np.testing.assert_allclose(v.grad, nv, atol=1e-6)


# ----------------------------------------------------------- shape setter
def test_shape_setter_reshapes_in_place_and_views_stay_linked():
    w, x = leaf_and_x(np.arange(6.0))
    data = x.data
    v = x[:3]
    x.shape = (2, 3)
    # a new array object over the same memory (NumPy deprecates setting an
    # array's shape); the old array object keeps its shape
    assert x.shape == (2, 3) and np.shares_memory(x.data, data) and data.shape == (6,)
    assert v.shape == (3,) and v.base is x
    v += 100
    np.testing.assert_array_equal(x.data, [[100.0, 101.0, 102.0], [3.0, 4.0, 5.0]])
    (x * x).sum().backward()
    np.testing.assert_allclose(w.grad, 2 * x.data.reshape(-1))
    np.testing.assert_allclose(v.grad, x.grad[0])


def test_shape_setter_gradient_has_the_new_shape():
    x = mg.tensor(np.arange(4.0))
    x.shape = (2, 2)
    (x * np.array([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
    np.testing.assert_array_equal(x.grad, [[1.0, 2.0], [3.0, 4.0]])


def test_shape_setter_validates_like_numpy():
    x = mg.tensor(np.arange(6.0))
    y = x * x
    with pytest.raises(ValueError):
        x.shape = (4, 2)
    t = mg.tensor(np.arange(6.0).reshape(2, 3))
    with pytest.raises((AttributeError, ValueError)):
        t.T.shape = (6,)  # needs a copy: NumPy refuses
    assert x.shape == (6,)
    y.backward()
    np.testing.assert_array_equal(x.grad, 2 * np.arange(6.0))


def test_shape_setter_same_shape_is_a_no_op_and_no_autodiff_works():
    x = mg.tensor([1.0, 2.0])
    y = x * 3
    x.shape = (2,)
    assert y.creator is not None
    with mg.no_autodiff:
        x.shape = (1, 2)
    assert x.shape == (1, 2)


def test_shape_setter_after_in_place_op():
    x = mg.tensor([1.0, 2.0, 3.0, 4.0])
    x += 1
    x.shape = (2, 2)
    x.sum().backward()
    np.testing.assert_array_equal(x.grad, np.ones((2, 2)))


def test_shape_setter_then_in_place_keeps_earlier_consumers_correct():
    w, x = leaf_and_x(np.array([1.0, 2.0]))
    y = x * x
    try:
        x.shape = (2, 1)  # y's values are preserved with the pre-reshape vertex
        x += 1
        y.backward()
        np.testing.assert_array_equal(w.grad, [2.0, 4.0])
    finally:
        y.clear_graph()
        x.clear_graph()


# --------------------------------------------------------------- cleanup
def test_locks_from_in_place_graphs_are_released_by_backward():
    w, x = leaf_and_x(np.array([1.0, 2.0]))
    a = np.array([3.0, 4.0])
    x *= a
    x[0] = x[1] * 2
    assert not a.flags.writeable
    x.sum().backward()
    assert a.flags.writeable and locked_count() == 0


def test_whole_overwrite_releases_the_previous_graph():
    x = mg.tensor([1.0, 2.0])
    y = mg.tensor([3.0, 4.0])
    try:
        x *= y
        np.multiply(y, 2.0, out=x)
        x.backward()
        np.testing.assert_array_equal(y.grad, [2.0, 2.0])
        assert y.data.flags.writeable  # the optimizer idiom needs this
        assert locked_count() == 0
    finally:
        del x, y  # the leaked locks die with x (keep them out of the next test)
        gc.collect()


@pytest.mark.parametrize(
    "partial_write",
    [lambda x: x.__setitem__(Ellipsis, 5.0), lambda x: np.add(5.0, 6.0, out=x, where=np.array([True, True]))],
    ids=["setitem", "masked-ufunc"],
)
def test_whole_overwrite_after_partial_write_releases_older_history(partial_write):
    x = mg.tensor([1.0, 2.0])
    a = np.array([3.0, 4.0])
    try:
        x *= a  # x's vertex reads `a`
        partial_write(x)
        np.add(7.0, 8.0, out=x)  # overwritten by constants: nothing reads `a` any more
        x.backward()
        assert a.flags.writeable
        assert locked_count() == 0
    finally:
        del x  # the leaked locks die with x (keep them out of the next test)
        gc.collect()


def test_dropping_an_in_place_graph_releases_locks_without_gc():
    a = np.array([3.0, 4.0])
    gc.disable()
    try:
        w = mg.tensor([1.0, 2.0])
        x = w * 1
        x *= a
        assert not a.flags.writeable
        del x
        assert a.flags.writeable
    finally:
        gc.enable()
        gc.collect()


def test_stale_view_read_by_a_graph_keeps_its_values_when_written_through():
    # x.shape = ... makes the views stale; the write through v1 refreshes v1 first:
    # the product's gradient must still read v1's values from before the write
    w = mg.tensor([0.0, 0.0, 1.0, 0.0])
    x = w * 1
    v0 = x[None, 0]
    v1 = x[0:3]
    r1 = v1 * v0
    x.shape = (1, 4)
    v1[...] = v1[::-1]
    np.testing.assert_array_equal(x.data, [[1.0, 0.0, 0.0, 0.0]])
    (r1 * np.array([[-0.5, 0.6, 0.7]])).sum().backward()
    # d/dw0 of sum(c * w[:3] * w0) = c @ w[:3] + c0 * w0
    np.testing.assert_allclose(w.grad, [0.7, 0.0, 0.0, 0.0])


def test_whole_assignment_keeps_the_values_own_graph():
    # `x[...] = v` must not take v's vertex away from v
    y = mg.tensor([1.0, 2.0])
    v = y * 2
    x = mg.tensor([0.0, 0.0]) * 1
    x[...] = v
    v.backward()
    np.testing.assert_array_equal(y.grad, [2.0, 2.0])


def test_stale_view_refreshed_while_computing_the_value_keeps_its_path():
    # v0 is refreshed inside `x *= v0` (x was mutated since v0 was made): its new
    # vertex reads x's pre-`*=` vertex, which must stay reachable for backprop
    w0 = np.array([[0.5, 0.2, 0.3], [0.4, 0.6, 1.0]])
    c = np.arange(1.0, 7.0).reshape(2, 3)

    def run(w):
        x = w * 1
        v0 = x[None, 0, 0]
        x[...] = x[::-1]
        x *= v0
        return x

    w = mg.tensor(w0)
    (run(w) * c).sum().backward()
    numeric = numerical_gradient(lambda a: (run(a) * c).sum(), w0)[0]
    np.testing.assert_allclose(w.grad, numeric, rtol=1e-6, atol=1e-8)
