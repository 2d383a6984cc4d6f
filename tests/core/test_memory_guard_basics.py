"""Memory guard basics: arrays whose values a live graph needs for
backprop are read-only until the graph is backpropagated, cleared or
garbage-collected; ``mem_guard_off`` / ``mem_guard_on`` /
``turn_memory_guarding_off/on`` / ``mem_guard_active``."""

import gc

import numpy as np
import pytest

import mygrad as mg
from mygrad._core.memory_guard import locked_count


def writeable(*ts):
    return [(t.data if isinstance(t, mg.Tensor) else t).flags.writeable for t in ts]


def assert_locked(arr):
    assert not arr.flags.writeable
    with pytest.raises(ValueError):
        arr[...] = 0
    with pytest.raises(ValueError):
        arr += 1


@pytest.fixture
def guard_globally_off():
    mg.turn_memory_guarding_off()
    try:
        yield
    finally:
        mg.turn_memory_guarding_on()


def test_inputs_needed_by_backprop_are_locked_until_backward():
    x = mg.tensor([1.0, 2.0])
    y = mg.tensor([3.0, 4.0])
    z = x * y  # d/dx reads y, d/dy reads x
    assert_locked(x.data)
    assert_locked(y.data)
    assert locked_count() >= 2
    z.backward()
    assert writeable(x, y, z) == [True, True, True]
    x.data[0] = 10.0  # the optimisation idiom works after backward
    x.data -= 0.1 * x.grad
    assert locked_count() == 0


def test_values_are_unchanged_by_a_failed_write():
    x = mg.tensor([1.0, 2.0])
    z = x * x
    with pytest.raises(ValueError):
        x.data[0] = 100.0
    z.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])


def test_output_is_locked_when_its_gradient_rule_reads_it():
    x = mg.tensor([0.0, 1.0])
    e = mg.exp(x)  # d/dx exp(x) = exp(x): the output is needed
    assert_locked(e.data)
    mg.sum(e).backward()
    assert writeable(e) == [True]


def test_locks_released_when_result_is_garbage_collected():
    x = mg.tensor([1.0, 2.0])
    y = mg.tensor([3.0, 4.0])
    z = x * y
    assert writeable(x, y) == [False, False]
    del z
    gc.collect()
    assert writeable(x, y) == [True, True]
    mg.sum(x * y)  # a bare expression: released immediately
    gc.collect()
    assert writeable(x, y) == [True, True]
    assert locked_count() == 0


def test_locks_released_by_clear_graph():
    x = mg.tensor([1.0, 2.0])
    z = mg.exp(x * x)
    assert writeable(x) == [False]
    z.clear_graph()
    assert writeable(x, z) == [True, True]


def test_lock_held_while_any_consumer_lives():
    x = mg.tensor([1.0, 2.0])
    a = x * x
    b = x * x
    a.backward()
    assert writeable(x) == [False]  # b still needs x
    del b
    gc.collect()
    assert writeable(x) == [True]


def test_ndarray_operands_are_locked_without_copy():
    a = np.array([1.0, 2.0])
    x = mg.tensor([3.0, 4.0])
    z = x * a  # d/dx reads a
    assert_locked(a)
    z.backward()
    assert a.flags.writeable
    np.testing.assert_array_equal(x.grad, a)


def test_natively_read_only_array_stays_read_only():
    a = np.array([1.0, 2.0])
    a.flags.writeable = False
    x = mg.tensor([3.0, 4.0])
    z = x * a
    z.backward()
    assert not a.flags.writeable
    t = mg.tensor(a, copy=False)
    w = t * x
    w.backward()
    assert not a.flags.writeable


def test_gradients_are_never_locked():
    x = mg.tensor([1.0, 2.0])
    y = x * x
    z = mg.exp(y)
    z.backward()
    for t in (x, y, z):
        assert t.grad.flags.writeable


def test_no_autodiff_places_no_locks():
    x = mg.tensor([1.0, 2.0])
    with mg.no_autodiff:
        z = mg.exp(x * x)
    assert writeable(x, z) == [True, True]
    assert locked_count() == 0


def test_mem_guard_active_default():
    assert mg.mem_guard_active() is True


def test_mem_guard_off_context_places_no_locks():
    x = mg.tensor([1.0, 2.0])
    y = mg.tensor([3.0, 4.0])
    with mg.mem_guard_off:
        assert mg.mem_guard_active() is False
        z = mg.exp(x * y)
    assert mg.mem_guard_active() is True
    assert writeable(x, y, z) == [True, True, True]
    assert locked_count() == 0
    z.backward()  # backprop still works
    np.testing.assert_allclose(x.grad, np.exp(x.data * y.data) * y.data)


def test_mem_guard_off_decorator():
    @mg.mem_guard_off
    def f(a, b):
        """doc"""
        assert not mg.mem_guard_active()
        return a * b

    assert f.__name__ == "f" and f.__doc__ == "doc"
    x = mg.tensor([1.0, 2.0])
    z = f(x, x)
    assert writeable(x) == [True]
    assert mg.mem_guard_active()
    z.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])


def test_mem_guard_off_restores_on_exception():
    with pytest.raises(RuntimeError):
        with mg.mem_guard_off:
            raise RuntimeError
    assert mg.mem_guard_active()


def test_graph_built_partly_with_guard_off():
    x = mg.tensor([1.0, 2.0])
    with mg.mem_guard_off:
        a = x * x  # no locks
    assert writeable(x) == [True]
    b = a * a  # locks `a` normally
    assert writeable(a) == [False]
    b.backward()
    assert writeable(x, a, b) == [True, True, True]
    np.testing.assert_array_equal(x.grad, 4 * x.data**3)


def test_turn_memory_guarding_off_and_on(guard_globally_off):
    assert mg.mem_guard_active() is False
    x = mg.tensor([1.0, 2.0])
    z = x * x
    assert writeable(x) == [True]
    z.backward()
    with mg.mem_guard_on:
        assert mg.mem_guard_active() is True
        w = x * x
        assert writeable(x) == [False]
    assert mg.mem_guard_active() is False
    w.backward()
    assert writeable(x) == [True]
    mg.turn_memory_guarding_on()
    assert mg.mem_guard_active() is True
    v = x * x
    assert writeable(x) == [False]
    v.backward()
    assert writeable(x) == [True]


def test_unguarded_consumer_does_not_keep_array_locked():
    x = mg.tensor([1.0, 2.0])
    with mg.mem_guard_off:
        z = x * x  # places no lock
    w = x * x  # locks x
    w.backward()  # releases the only lock on x
    state = writeable(x)
    del z  # clean up before asserting, so that nothing stays locked
    gc.collect()
    assert state == [True]


def test_mem_guard_off_block_survives_global_turn_on(guard_globally_off):
    with mg.mem_guard_off:
        mg.turn_memory_guarding_on()
        assert mg.mem_guard_active() is False  # explicit block wins
        mg.turn_memory_guarding_off()
    assert mg.mem_guard_active() is False


def test_guard_does_not_block_reading_or_copying():
    x = mg.tensor([1.0, 2.0])
    z = x * x
    copy = x.data.copy()
    copy[0] = 5.0
    assert float(x.data.sum()) == 3.0
    z.backward()
