"""The memory guard beyond the basics: it locks
exactly the arrays whose *values* a live graph reads during backprop, views
and their bases, views made while the base was locked, in-place ops on locked
tensors, ``mem_guard_on`` as a decorator, and the ``MYGRAD_MEM_GUARD``
environment variable."""

import gc
import os
import subprocess
import sys

import numpy as np
import pytest

import mygrad as mg
from mygrad._core.memory_guard import locked_count


def locked(*arrays_or_tensors):
    return [not (a.data if isinstance(a, mg.Tensor) else a).flags.writeable for a in arrays_or_tensors]


# ------------------------------------------------ what gets locked, exactly
# An input is locked when a gradient rule reads its values; a result is locked
# while it is the result of a live op (a raw write would make it differ from
# what the op computed), unless it is a view of a leaf (its memory is the leaf's).
@pytest.mark.parametrize(
    "f, x_locked, y_locked, out_locked",
    [
        pytest.param(lambda x, y: x + y, False, False, True, id="add"),
        pytest.param(lambda x, y: x - y, False, False, True, id="subtract"),
        pytest.param(lambda x, y: -x, False, False, True, id="negative"),
        pytest.param(lambda x, y: +x, False, False, True, id="positive"),
        pytest.param(lambda x, y: x.sum(), False, False, True, id="sum"),
        pytest.param(lambda x, y: np.mean(x), False, False, True, id="mean"),
        pytest.param(lambda x, y: x * y, True, True, True, id="multiply"),
        pytest.param(lambda x, y: np.exp(x), False, False, True, id="exp"),
        pytest.param(lambda x, y: np.sin(x), True, False, True, id="sin"),
        pytest.param(lambda x, y: x.reshape(2, 1), False, False, False, id="reshape"),
        pytest.param(lambda x, y: x.T, False, False, False, id="T"),
        pytest.param(lambda x, y: np.transpose(x), False, False, False, id="transpose"),
        pytest.param(lambda x, y: x[:1], False, False, False, id="basic-index"),
        pytest.param(lambda x, y: x[[0, 0, 1]], False, False, True, id="advanced-index"),
        pytest.param(lambda x, y: np.expand_dims(x, 0), False, False, False, id="expand_dims"),
    ],
)
def test_locks_exactly_the_arrays_a_live_graph_depends_on(f, x_locked, y_locked, out_locked):
    x = mg.tensor([1.0, 2.0])
    y = mg.tensor([3.0, 4.0])
    out = f(x, y)
    assert locked(x, y, out) == [x_locked, y_locked, out_locked]
    out.backward()
    assert locked(x, y, out) == [False, False, False]
    assert locked_count() == 0


def test_raw_write_to_locked_data_raises_numpys_own_error():
    x = mg.tensor([1.0, 2.0])
    y = x * x
    with pytest.raises(ValueError, match="read-only"):
        x.data[0] = 5.0
    with pytest.raises(ValueError, match="read-only"):
        np.add(x.data, 1, out=x.data)
    y.backward()
    x.data[0] = 5.0  # released


def test_view_input_locks_its_base_too():
    x = mg.tensor([1.0, 2.0, 3.0])
    v = x[:2]
    y = v * v
    assert locked(x, v) == [True, True]
    with pytest.raises(ValueError):
        x.data[2] = 0.0  # the base array is locked as a whole
    y.backward()
    assert locked(x, v) == [False, False]
    np.testing.assert_array_equal(v.grad, [2.0, 4.0])


def test_view_made_while_base_locked_becomes_writeable_again():
    x = mg.tensor([1.0, 2.0, 3.0])
    y = x * x  # locks x
    v = x[:2]  # NumPy makes views of a read-only array read-only
    assert locked(v) == [True]
    y.backward()
    assert locked(x, v) == [False, False]
    v += 1  # in-place through mygrad: x is now the result of a (live) op ...
    with pytest.raises(ValueError):
        v.data[0] += 1  # ... so a raw write would make it differ from that result
    x.clear_graph()
    v.data[0] += 1  # a raw write into a leaf's memory
    np.testing.assert_array_equal(x.data, [3.0, 3.0, 3.0])
    assert locked_count() == 0


def test_ndarray_view_of_locked_tensor_data():
    x = mg.tensor([1.0, 2.0])
    y = x * x
    external = np.asarray(x)[:]
    with pytest.raises(ValueError):
        external[0] = 9.0
    y.backward()
    assert x.data.flags.writeable


def test_lock_count_is_per_array_across_graphs():
    a = np.array([1.0, 2.0])
    x = mg.tensor([3.0, 4.0])
    y = mg.tensor([5.0, 6.0])
    p = x * a
    q = y * a
    p.backward()
    assert locked(a) == [True]  # q still reads `a`
    q.clear_graph()
    assert locked(a) == [False]


def test_locks_released_by_garbage_collection_of_intermediate_graph():
    x = mg.tensor([1.0, 2.0])
    y = mg.exp(x * x)  # locks x (multiply) and y (exp)
    z = y.sum()
    assert locked(x, y) == [True, True]
    del y, z
    gc.collect()
    assert locked(x) == [False]
    assert locked_count() == 0


def test_natively_read_only_operand_of_in_place_op_stays_read_only():
    a = np.array([2.0, 3.0])
    a.flags.writeable = False
    x = mg.tensor([1.0, 1.0])
    x *= a
    x.backward()
    assert locked(a) == [True]  # was read-only before: never made writeable by mygrad
    np.testing.assert_array_equal(x.data, [2.0, 3.0])
    assert locked_count() == 0


def test_in_place_ops_preserve_values_for_graphs_built_with_guard_off():
    # graphs built inside mem_guard_off place no locks, but mygrad's own in-place
    # ops still preserve the values those graphs read
    x = mg.tensor([1.0, 2.0])
    with mg.mem_guard_off:
        y = x * x
    assert locked(x) == [False]
    x += 10.0  # guard on again
    y.backward()
    np.testing.assert_array_equal(y.data, [1.0, 4.0])
    np.testing.assert_array_equal(x.data, [11.0, 12.0])
    x.clear_graph()  # (x is the result of a live op until then: see below)
    assert locked_count() == 0


def test_in_place_result_is_protected_like_any_op_result():
    x = mg.tensor([1.0, 2.0])
    y = x * x  # reads the old x
    x += 1.0  # the old values are preserved for y; x is now the result of a live op
    assert locked(x) == [True]
    with pytest.raises(ValueError, match="read-only"):
        x.data[0] = 100.0
    y.backward()
    np.testing.assert_array_equal(y.data, [1.0, 4.0])
    x.clear_graph()
    x.data[0] = 100.0  # a leaf again


# ------------------------------------------------------------ the switches
def test_mem_guard_on_as_decorator_and_nested_inside_mem_guard_off():
    @mg.mem_guard_on
    def f(a):
        """doc"""
        assert mg.mem_guard_active()
        return a * a

    assert f.__name__ == "f" and f.__doc__ == "doc"
    x = mg.tensor([1.0, 2.0])
    with mg.mem_guard_off:
        y = f(x)
        assert not mg.mem_guard_active()
    assert locked(x) == [True]
    y.backward()
    assert locked(x) == [False]


def test_mem_guard_on_survives_global_turn_off():
    with mg.mem_guard_on:
        mg.turn_memory_guarding_off()
        try:
            assert mg.mem_guard_active() is True
            x = mg.tensor([1.0])
            y = x * x
            assert locked(x) == [True]
            y.backward()
        finally:
            mg.turn_memory_guarding_on()
    assert mg.mem_guard_active() is True


def test_no_autodiff_does_not_unlock_arrays_of_a_live_graph():
    x = mg.tensor([1.0, 2.0])
    y = x * x
    with mg.no_autodiff:
        _ = x * 3
        assert locked(x) == [True]
    y.backward()


def test_mem_guard_off_decorator_with_to_numpy():
    f = mg.mem_guard_off(lambda t: t * t, to_numpy=True)
    x = mg.tensor([1.0, 2.0])
    out = f(x)
    assert type(out) is np.ndarray
    np.testing.assert_array_equal(out, [1.0, 4.0])
    assert locked(x) == [False]


# ------------------------------------------------------ environment variable
@pytest.mark.parametrize(
    "value, active, warns",
    [("True", True, 0), ("true", True, 0), ("1", True, 0), ("False", False, 0), ("false", False, 0),
     ("0", False, 0), ("maybe", True, 1)],
)
def test_MYGRAD_MEM_GUARD_sets_the_initial_state(value, active, warns):
    env = dict(os.environ, MYGRAD_MEM_GUARD=value)
    res = subprocess.run([sys.executable, "-c", _PROBE_IMPORT_ONLY], env=env, capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.split()
    assert lines[0] == str(active)
    assert lines[1] == str(not active)  # the array is writeable iff the guard is off
    assert ("MYGRAD_MEM_GUARD" in res.stderr) is bool(warns)


_PROBE_IMPORT_ONLY = (
    "import mygrad as mg\n"
    "x = mg.tensor([1.0]); y = x * x\n"
    "print(mg.mem_guard_active(), x.data.flags.writeable)\n"
)


def test_view_released_while_its_base_is_still_locked_is_restored_with_the_base():
    x = mg.tensor([1.0, 2.0, 3.0])
    v = x[:2]
    g1 = v * v  # locks v's array (and its base)
    g2 = x * x  # locks x's array
    assert locked(x, v) == [True, True]
    del g1
    gc.collect()
    assert locked(x, v) == [True, True]  # NumPy cannot make v writeable while x is read-only
    del g2
    gc.collect()
    assert locked(x, v) == [False, False]
    assert locked_count() == 0


def test_in_place_op_refused_when_another_tensor_shares_memory_a_graph_reads():
    a = np.array([1.0, 2.0])
    t = mg.astensor(a)  # shares `a`
    x = mg.tensor([3.0, 4.0])
    y = x * a  # the graph reads `a` (through another wrapper than t)
    with pytest.raises(ValueError):
        t += 1
    with pytest.raises(ValueError):
        t[0] = 0.0
    np.testing.assert_array_equal(a, [1.0, 2.0])
    y.backward()
    np.testing.assert_array_equal(x.grad, [1.0, 2.0])
    t += 1  # released
    np.testing.assert_array_equal(a, [2.0, 3.0])


def test_data_attribute_can_be_rebound_and_nothing_stays_locked():
    x = mg.tensor([1.0, 2.0])
    y = x * x
    old = x.data
    x.data = np.array([5.0, 6.0])  # rebinding bypasses graph tracking (as in MyGrad 2.x)
    assert isinstance(x.data, np.ndarray)
    np.testing.assert_array_equal(x.data, [5.0, 6.0])
    y.backward()
    assert old.flags.writeable and x.data.flags.writeable
    assert locked_count() == 0
    z = mg.tensor([1.0])
    z.data = [2.0, 3.0]  # array-likes are converted
    np.testing.assert_array_equal(z.data, [2.0, 3.0])
