"""In-place operations: ``+=`` and friends, ``out=tensor`` (with ``where=``);
``__setitem__`` and the shape setter are in ``test_inplace_setitem.py``.

mygrad's in-place ops write into the tensor's existing buffer (MyGrad 2.x
swapped in a new one): the target keeps its identity, its ``data`` array and its
constant flag, NumPy views of ``x.data`` see the write, results computed before
the mutation keep their values and backprop to the pre-mutation state, and
``x.grad`` is d/d(new x). A failing in-place op changes nothing.
"""

import operator

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import mygrad as mg
from mygrad._core.memory_guard import locked_count
from mygrad.testing import numerical_gradient

IOPS = [
    ("+=", operator.iadd),
    ("-=", operator.isub),
    ("*=", operator.imul),
    ("/=", operator.itruediv),
    ("**=", operator.ipow),
]

finite = st.floats(0.5, 2.0, allow_nan=False, allow_infinity=False)


def leaf_and_x(values):
    """A leaf ``w`` and ``x = w * 1`` (so that ``x`` is a non-leaf whose
    gradient reaches ``w``)."""
    w = mg.tensor(values)
    return w, w * 1


# ------------------------------------------------------ identity and buffer
@pytest.mark.parametrize("name, iop", IOPS, ids=[n for n, _ in IOPS])
@given(a=hnp.arrays(np.float64, (2, 3), elements=finite), b=hnp.arrays(np.float64, (3,), elements=finite))
def test_augmented_assignment_matches_numpy_and_keeps_identity(name, iop, a, b):
    x = mg.tensor(a)
    data = x.data
    external = np.asarray(x)[0]  # a NumPy view taken before the mutation
    out = iop(x, b)
    expected = iop(a.copy(), b)
    assert out is x
    assert x.data is data  # written into the existing buffer
    np.testing.assert_allclose(x.data, expected)
    np.testing.assert_allclose(external, expected[0])  # (MyGrad 2.x's new buffer missed it)
    assert x.constant is False
    assert x.dtype == np.float64


@pytest.mark.parametrize("name, iop", IOPS, ids=[n for n, _ in IOPS])
def test_augmented_assignment_gradient(name, iop):
    w0 = np.array([[0.5, 1.5, 2.0], [1.0, 0.75, 1.25]])
    b0 = np.array([1.5, 0.5, 2.0])

    def f(w, b):
        x = w * 1
        x = iop(x, b)
        return x * x

    w, b = mg.tensor(w0), mg.tensor(b0)
    x = w * 1
    x = iop(x, b)
    (x * x).sum().backward()
    nw, nb = numerical_gradient(f, w0, b0)
    np.testing.assert_allclose(w.grad, nw, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(b.grad, nb, rtol=1e-5, atol=1e-7)


def test_matmul_in_place_is_recorded_like_numpy():
    # NumPy (>= 1.25) has ``a @= b``; MyGrad 2.x raised TypeError
    w = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    x = w * 1
    before = x
    x @= w
    assert x is before
    np.testing.assert_array_equal(x.data, [[7.0, 10.0], [15.0, 22.0]])
    x.backward()
    # d/dw sum(w @ w) = 1 @ w.T + w.T @ 1
    ones = np.ones((2, 2))
    np.testing.assert_allclose(w.grad, ones @ w.data.T + w.data.T @ ones)


def test_ufunc_out_tensor_returns_the_tensor_and_writes_in_place():
    x = mg.tensor([1.0, 2.0, 3.0])
    data = x.data
    external = x.data[:]
    out = np.multiply(x, 2.0, out=x)
    assert out is x and x.data is data
    np.testing.assert_array_equal(external, [2.0, 4.0, 6.0])
    out = mg.add(x, 1.0, out=x)
    assert out is x
    np.testing.assert_array_equal(x.data, [3.0, 5.0, 7.0])


def test_ufunc_out_tensor_accepts_a_one_tuple():
    x = mg.tensor([1.0, 2.0])
    out = np.add(x, 1.0, out=(x,))
    assert out is x
    np.testing.assert_array_equal(x.data, [2.0, 3.0])


def test_ufunc_out_ndarray_gives_a_tensor_wrapping_that_array():
    x = mg.tensor([1.0, 2.0])
    buf = np.zeros(2)
    y = np.multiply(x, 3.0, out=buf)
    assert isinstance(y, mg.Tensor) and y.data is buf
    np.testing.assert_array_equal(buf, [3.0, 6.0])
    y.backward()
    np.testing.assert_array_equal(x.grad, [3.0, 3.0])


# ------------------------------------------------------------ ndarray target
def test_ndarray_iadd_tensor_stays_an_ndarray_with_guard_off():
    a = np.array([1.0, 2.0])
    orig = a
    with mg.mem_guard_off:
        a += mg.tensor([1.0, 1.0])
    assert a is orig and type(a) is np.ndarray  # (MyGrad 2.x rebound `a` to a Tensor)
    np.testing.assert_array_equal(a, [2.0, 3.0])


@pytest.mark.parametrize("iop", [operator.iadd, operator.isub, operator.imul, operator.itruediv])
def test_ndarray_augmented_assignment_with_tensor(iop):
    a = np.array([2.0, 4.0])
    orig = a
    t = mg.tensor([1.0, 2.0])
    a = iop(a, t)
    assert a is orig and type(a) is np.ndarray  # (MyGrad 2.x failed: `a` was locked)
    np.testing.assert_array_equal(a, iop(np.array([2.0, 4.0]), np.array([1.0, 2.0])))
    assert t.grad is None and locked_count() == 0


def test_ndarray_locked_by_a_live_graph_cannot_be_augmented():
    a = np.array([1.0, 2.0])
    x = mg.tensor([3.0, 4.0])
    y = x * a  # the gradient of x reads `a`
    with pytest.raises(ValueError):
        a += x
    np.testing.assert_array_equal(a, [1.0, 2.0])
    y.backward()
    np.testing.assert_array_equal(x.grad, [1.0, 2.0])
    a += x  # released by backward
    np.testing.assert_array_equal(a, [4.0, 6.0])


# ------------------------------------------------- before / after mutation
def test_results_before_the_mutation_keep_their_values_and_gradients():
    a = mg.tensor([1.0, 2.0])
    b = a * a
    a += 1
    np.testing.assert_array_equal(b.data, [1.0, 4.0])
    np.testing.assert_array_equal(a.data, [2.0, 3.0])
    (b + a).sum().backward()
    # the gradient of the mutated tensor is d/d(new a): the path through b
    # leads to the pre-mutation state, which is not the public tensor
    np.testing.assert_array_equal(a.grad, [1.0, 1.0])
    np.testing.assert_array_equal(b.grad, [1.0, 1.0])


def test_pre_and_post_mutation_paths_reach_the_leaf():
    w, x = leaf_and_x(np.array([1.0, 2.0, 3.0]))
    before = x * x  # reads the old x
    x *= 3.0
    after = x * x  # reads the new x
    (before + after).sum().backward()
    # d/dw (w^2 + 9 w^2) = 20 w
    np.testing.assert_allclose(w.grad, 20 * np.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(x.grad, 2 * x.data)  # d/d(new x) of sum(new x ** 2)


def test_grad_of_mutated_tensor_is_derivative_wrt_its_new_value():
    w, x = leaf_and_x(np.array([1.0, 2.0]))
    y = x * 10.0
    x[0] = -5.0
    loss = (y + x * x).sum()
    loss.backward()
    np.testing.assert_allclose(x.grad, [-10.0, 4.0])
    np.testing.assert_allclose(w.grad, [10.0, 14.0])  # w[0] only reaches via y


def test_multiple_mutations_each_route_to_their_own_state():
    w, x = leaf_and_x(np.array([2.0]))
    r1 = x * x  # x = w
    x += 1.0
    r2 = x * x  # x = w + 1
    x *= x  # x = (w + 1) ** 2
    r3 = x * 1.0
    (r1 + r2 + r3).sum().backward()
    wv = 2.0
    expected = 2 * wv + 2 * (wv + 1) + 2 * (wv + 1)
    np.testing.assert_allclose(w.grad, [expected])


def test_consumer_that_does_not_read_values_is_unaffected():
    w, x = leaf_and_x(np.array([1.0, 2.0]))
    y = x + 5.0  # addition's gradient does not read x
    assert not x.data.flags.writeable  # (x is the result of a live op: raw writes are refused)
    x *= 0.0
    np.testing.assert_array_equal(y.data, [6.0, 7.0])
    y.backward()
    np.testing.assert_array_equal(w.grad, [1.0, 1.0])


def test_x_plus_equals_x_reads_the_old_value():
    w, x = leaf_and_x(np.array([1.0, 2.0, 3.0]))
    y = x * x
    x += x
    np.testing.assert_array_equal(x.data, [2.0, 4.0, 6.0])
    (y + x * x).sum().backward()
    np.testing.assert_allclose(w.grad, 2 * w.data + 8 * w.data)


def test_x_times_equals_own_reversed_view():
    w, x = leaf_and_x(np.array([1.0, 2.0, 3.0]))
    x *= x[::-1]
    np.testing.assert_array_equal(x.data, [3.0, 4.0, 3.0])
    (x * np.array([1.0, 10.0, 100.0])).sum().backward()
    # x_i = w_i * w_{2-i}
    np.testing.assert_allclose(w.grad, [3.0 + 100 * 3.0, 2 * 10 * 2.0, 100 * 1.0 + 1 * 1.0])


def test_assign_own_reversal():
    w, x = leaf_and_x(np.array([1.0, 2.0, 3.0]))
    x[...] = x[::-1]
    np.testing.assert_array_equal(x.data, [3.0, 2.0, 1.0])
    (x * np.array([1.0, 10.0, 100.0])).sum().backward()
    np.testing.assert_array_equal(w.grad, [100.0, 10.0, 1.0])


@pytest.mark.parametrize("key", [Ellipsis, slice(None, None, -1), [2, 1, 0]], ids=["ellipsis", "reverse", "fancy"])
def test_assign_target_to_itself(key):
    w, x = leaf_and_x(np.array([1.0, 2.0, 3.0]))
    x[key] = x
    expected_x = np.array([1.0, 2.0, 3.0])
    expected_x[key] = np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(x.data, expected_x)
    c = np.array([1.0, 10.0, 100.0])
    (x * c).sum().backward()
    expected = np.zeros(3)
    np.add.at(expected, np.arange(3)[key], c)
    np.testing.assert_array_equal(w.grad, expected)


# ------------------------------------------------------------------ views
def test_in_place_on_a_view_writes_through_and_backprops():
    w, x = leaf_and_x(np.array([1.0, 2.0, 3.0, 4.0]))
    v = x[1:3]
    v *= 3.0
    np.testing.assert_array_equal(x.data, [1.0, 6.0, 9.0, 4.0])
    assert v.base is x
    (x * x).sum().backward()
    np.testing.assert_allclose(w.grad, [2.0, 36.0, 54.0, 8.0])
    np.testing.assert_allclose(v.grad, x.grad[1:3])
    assert v.grad.base is x.grad


def test_in_place_on_view_of_view_updates_base_and_siblings():
    w, x = leaf_and_x(np.arange(6.0).reshape(2, 3))
    row = x[1]
    rev = row[::-1]
    col = x[:, 2]
    rev += 10.0  # the whole second row
    np.testing.assert_array_equal(x.data, [[0.0, 1.0, 2.0], [13.0, 14.0, 15.0]])
    np.testing.assert_array_equal(row.data, [13.0, 14.0, 15.0])
    np.testing.assert_array_equal(col.data, [2.0, 15.0])
    assert rev.base is x and row.base is x and col.base is x
    loss = (col * col).sum() + (rev * np.array([1.0, 2.0, 3.0])).sum()
    loss.backward()
    # col reads x[0,2] = w[0,2] and x[1,2] = w[1,2] + 10; rev = x[1, ::-1]
    expected = np.zeros((2, 3))
    expected[0, 2] = 2 * 2.0
    expected[1, 2] = 2 * 15.0 + 1.0
    expected[1, 1] = 2.0
    expected[1, 0] = 3.0
    np.testing.assert_allclose(w.grad, expected)


def test_mutating_the_base_updates_existing_views_for_later_ops():
    w, x = leaf_and_x(np.array([1.0, 2.0, 3.0]))
    v = x[:2]
    x *= 2.0
    np.testing.assert_array_equal(v.data, [2.0, 4.0])
    (v * v).sum().backward()
    np.testing.assert_allclose(w.grad, [8.0, 16.0, 0.0])


def test_view_result_before_mutation_keeps_old_gradient_path():
    w, x = leaf_and_x(np.array([1.0, 2.0]))
    v = x[:1]
    y = v * v  # reads the old v
    x += 5.0
    np.testing.assert_array_equal(y.data, [1.0])
    y.backward()
    np.testing.assert_allclose(w.grad, [2.0, 0.0])


def test_views_stay_linked_after_backward_and_write_through():
    # backward never disconnects views (MyGrad 2.x's views stopped writing through)
    x = mg.tensor([1.0, 2.0, 3.0, 4.0])
    v = x[:2]
    (v * 2).sum().backward()
    assert v.base is x
    v += 1
    np.testing.assert_array_equal(x.data, [2.0, 3.0, 3.0, 4.0])
    x[3] = 0.0
    np.testing.assert_array_equal(v.data, [2.0, 3.0])


# ------------------------------------------------------------- where masks
def test_readme_masked_multiply_into_tensor():
    x = mg.tensor([1.0, 2.0, 3.0])
    y = mg.zeros_like(x)
    out = np.multiply(x, x, where=[True, False, True], out=y)
    assert out is y
    np.testing.assert_array_equal(y.data, [1.0, 0.0, 9.0])
    y.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 0.0, 6.0])


def test_masked_out_positions_keep_old_values_and_pass_their_gradient_on():
    w, y = leaf_and_x(np.array([5.0, 6.0, 7.0]))
    x = mg.tensor([1.0, 2.0, 3.0])
    mask = np.array([False, True, False])
    np.multiply(x, 10.0, out=y, where=mask)
    np.testing.assert_array_equal(y.data, [5.0, 20.0, 7.0])
    (y * y).sum().backward()
    np.testing.assert_allclose(w.grad, [10.0, 0.0, 14.0])
    np.testing.assert_allclose(x.grad, [0.0, 400.0, 0.0])


def test_masked_in_place_on_a_view_with_broadcast_mask():
    w, x = leaf_and_x(np.arange(6.0).reshape(2, 3) + 1.0)
    v = x[:, ::-1]
    np.multiply(v, 2.0, out=v, where=np.array([True, False, True]))
    np.testing.assert_array_equal(x.data, [[2.0, 2.0, 6.0], [8.0, 5.0, 12.0]])
    x.sum().backward()
    np.testing.assert_allclose(w.grad, [[2.0, 1.0, 2.0], [2.0, 1.0, 2.0]])


# --------------------------------------------------------------- constants
def test_in_place_never_changes_the_constant_flag():
    c = mg.tensor([1.0, 2.0], constant=True)
    v = mg.tensor([1.0, 1.0])
    c += v
    assert c.constant is True
    np.testing.assert_array_equal(c.data, [2.0, 3.0])
    (c * v).sum().backward()
    np.testing.assert_array_equal(v.grad, [2.0, 3.0])  # only through the product
    assert c.grad is None

    x = mg.tensor([1.0, 2.0])
    x *= mg.tensor([3.0, 3.0], constant=True)
    assert x.constant is False
    x[0] = mg.tensor(5.0, constant=True)
    assert x.constant is False


def test_constant_target_blocks_gradient_to_the_value():
    c = mg.tensor([0.0, 0.0], constant=True)
    v = mg.tensor([1.0, 2.0])
    c[...] = v * 3
    c.backward()
    assert v.grad is None and c.grad is None


def test_integer_tensor_in_place():
    i = mg.tensor([1, 2, 3])
    data = i.data
    i += 2
    i[0] = 7
    assert i.data is data and i.constant is True
    np.testing.assert_array_equal(i.data, [7, 4, 5])


def test_view_of_constant_in_place():
    c = mg.tensor([1.0, 2.0, 3.0], constant=True)
    v = c[1:]
    assert v.constant is True
    v *= 2
    assert v.constant is True and c.constant is True
    np.testing.assert_array_equal(c.data, [1.0, 4.0, 6.0])


# ---------------------------------------------------------------- failures
def _state(*ts):
    return [(t.data.copy(), t.data.flags.writeable) for t in ts], locked_count()


def _assert_unchanged(before, *ts):
    arrays, locks = before
    for t, (data, writeable) in zip(ts, arrays):
        np.testing.assert_array_equal(t.data, data)
        assert t.data.flags.writeable is writeable
    assert locked_count() == locks


@pytest.mark.parametrize(
    "bad_op, error",
    [
        (lambda x: x.__iadd__(mg.tensor([1.0, 2.0])), ValueError),  # shape mismatch
        (lambda x: x.__imul__(np.ones((2, 3))), ValueError),  # would need to grow
        (lambda x: x.__setitem__(slice(0, 2), mg.tensor([1.0, 2.0, 3.0])), ValueError),
        (lambda x: x.__setitem__(5, 1.0), IndexError),
        (lambda x: np.add(x, mg.tensor([1.0, 2.0]), out=x), ValueError),
        (lambda x: np.multiply(x, 2.0, out=x, where=np.array([True, False])), ValueError),
    ],
    ids=["iadd-shape", "imul-grow", "setitem-shape", "setitem-index", "ufunc-out-shape", "where-shape"],
)
def test_failed_in_place_op_changes_nothing(bad_op, error):
    w, x = leaf_and_x(np.array([1.0, 2.0, 3.0]))
    v = x[1:]
    y = x * x  # locks x
    before = _state(x, v, y)
    data = x.data
    with pytest.raises(error):
        bad_op(x)
    _assert_unchanged(before, x, v, y)
    assert x.data is data and v.base is x
    # the graph is intact: both the earlier result and x itself backprop correctly
    (y + x).sum().backward()
    np.testing.assert_allclose(w.grad, 2 * np.array([1.0, 2.0, 3.0]) + 1.0)
    assert locked_count() == 0


def test_failed_cast_changes_nothing():
    i = mg.tensor([1, 2, 3])
    y = i * 2
    with pytest.raises(TypeError):
        i += 1.5  # float into int: NumPy's same_kind casting rule
    np.testing.assert_array_equal(i.data, [1, 2, 3])
    np.testing.assert_array_equal(y.data, [2, 4, 6])


def test_in_place_on_natively_read_only_memory_raises_and_changes_nothing():
    arr = np.array([1.0, 2.0])
    arr.flags.writeable = False
    t = mg.astensor(arr)
    y = t * t
    with pytest.raises(ValueError):
        t += 1
    with pytest.raises(ValueError):
        t[0] = 5.0
    with pytest.raises(ValueError):
        np.multiply(t, 2, out=t)
    np.testing.assert_array_equal(t.data, [1.0, 2.0])
    y.backward()
    np.testing.assert_array_equal(t.grad, [2.0, 4.0])
    assert not arr.flags.writeable  # stays read-only
    assert locked_count() == 0


def test_in_place_on_broadcast_view_raises_like_numpy():
    x = mg.tensor([1.0, 2.0])
    b = np.broadcast_to(x, (3, 2))
    with pytest.raises(ValueError):
        b += 1
    np.testing.assert_array_equal(x.data, [1.0, 2.0])


# ----------------------------------------------------------- memory guard
def test_in_place_through_mygrad_works_on_locked_tensors():
    w, x = leaf_and_x(np.array([1.0, 2.0, 3.0]))
    y = x * x
    assert not x.data.flags.writeable
    with pytest.raises(ValueError):
        x.data[0] = 0.0  # raw writes are refused while locked
    x[0] = 10.0
    x += 1.0
    np.multiply(x, 2.0, out=x)
    np.testing.assert_array_equal(x.data, [22.0, 6.0, 8.0])
    np.testing.assert_array_equal(y.data, [1.0, 4.0, 9.0])
    (y + x).sum().backward()
    np.testing.assert_allclose(w.grad, [2.0, 4.0 + 2.0, 6.0 + 2.0])
    assert locked_count() == 0 and x.data.flags.writeable


def test_in_place_on_a_view_made_while_its_base_was_locked():
    w, x = leaf_and_x(np.array([1.0, 2.0, 3.0]))
    y = x * x  # locks x
    v = x[:2]  # NumPy makes this view read-only too
    v += 1  # mygrad's in-place ops still work on it
    np.testing.assert_array_equal(x.data, [2.0, 3.0, 3.0])
    (y + x).sum().backward()
    np.testing.assert_array_equal(w.grad, [2.0 + 1, 4.0 + 1, 6.0 + 1])
    assert locked_count() == 0 and v.data.flags.writeable


class _Square(mg.Operation):
    def __call__(self, x):
        self.variables = (x,)
        return x.data ** 2

    def backward_var(self, grad, index, **kwargs):
        return 2 * self.variables[0].data * grad


def test_execute_op_with_a_tensor_out_is_an_in_place_op():
    w, y = leaf_and_x(np.array([5.0, 6.0]))
    before = y * 1.0
    x = mg.tensor([1.0, 2.0])
    data = y.data
    out = mg.execute_op(_Square, x, out=y)
    assert out is y and y.data is data
    np.testing.assert_array_equal(y.data, [1.0, 4.0])
    (y + before).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])
    np.testing.assert_array_equal(w.grad, [1.0, 1.0])
    with pytest.raises(ValueError):
        mg.execute_op(_Square, x, out=(y, y))


def test_in_place_under_no_autodiff_on_unlocked_data_writes_directly():
    x = mg.tensor([1.0, 2.0])
    data = x.data
    with mg.no_autodiff:
        x += 1
        x[0] = 7.0
    assert x.data is data
    np.testing.assert_array_equal(x.data, [7.0, 3.0])
    assert x.creator is None


def test_in_place_under_no_autodiff_on_locked_data_raises():
    x = mg.tensor([1.0, 2.0])
    y = x * x
    with mg.no_autodiff:
        with pytest.raises(ValueError):
            x += 1
        with pytest.raises(ValueError):
            x[0] = 5.0
    np.testing.assert_array_equal(x.data, [1.0, 2.0])
    y.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])


def test_optimizer_idiom_after_backward():
    w = mg.tensor([1.0, -2.0])
    for _ in range(3):
        loss = (w * w).sum()
        loss.backward()
        w.data -= 0.25 * w.grad  # raw write: unlocked by backward
        w -= 0.0  # and a tracked in-place op
    np.testing.assert_allclose(w.data, np.array([1.0, -2.0]) * 0.5**3)
