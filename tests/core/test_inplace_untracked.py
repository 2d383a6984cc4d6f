"""In-place writes that no live graph depends on: they cost
about what NumPy's write costs, leave no bookkeeping behind, and keep a leaf a
leaf; as soon as a graph depends on the target, the write is tracked."""

from __future__ import annotations

import gc
import operator

import numpy as np
import pytest

import mygrad as mg
from mygrad._core.graph import History

IOPS = [operator.iadd, operator.isub, operator.imul, operator.itruediv, operator.ipow]


def _history_entries() -> int:
    gc.collect()  # (tensors of earlier tests that die meanwhile give back their entries)
    return History.alive


@pytest.mark.parametrize("iop", IOPS, ids=lambda f: f.__name__)
def test_augmented_assignment_on_an_unused_leaf_keeps_it_a_leaf(iop):
    x = mg.tensor([1.0, 2.0, 3.0])
    buf = x.data
    ref = np.array([1.0, 2.0, 3.0])
    before = _history_entries()
    for _ in range(50):
        out = iop(x, 1.01)
        ref = iop(ref, 1.01)
        assert out is x
    np.testing.assert_allclose(x.data, ref)
    assert x.data is buf  # same buffer: NumPy views of x.data see the writes
    assert x.creator is None and x.grad is None and not x.constant
    assert _history_entries() <= before
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad, 2 * ref)


def test_setitem_and_ufunc_out_on_an_unused_leaf():
    x = mg.tensor(np.arange(6.0))
    ref = np.arange(6.0)
    before = _history_entries()
    for i in range(100):
        x[i % 6] = float(i)
        ref[i % 6] = float(i)
        np.multiply(x, 1.01, out=x)
        np.multiply(ref, 1.01, out=ref)
        np.add(x, 2.0, out=x, where=ref > 50)
        np.add(ref, 2.0, out=ref, where=ref > 50)
    np.testing.assert_allclose(x.data, ref)
    assert x.creator is None and _history_entries() <= before


def test_a_leaf_used_by_a_graph_is_tracked():
    # MyGrad 2.x's documented case: the gradient of the pre-mutation value is not the new a's
    a = mg.tensor([1.0, 2.0])
    b = a * a
    a += 1
    np.testing.assert_array_equal(b.data, [1.0, 4.0])
    (b + a).sum().backward()
    np.testing.assert_array_equal(a.grad, [1.0, 1.0])


def test_a_leaf_with_a_live_view_is_tracked():
    x = mg.tensor([1.0, 2.0, 3.0])
    v = x[:2]
    y = v * 2
    x += 1
    np.testing.assert_array_equal(v.data, [2.0, 3.0])
    (y.sum() + (v * v).sum()).backward()
    np.testing.assert_array_equal(x.grad, [4.0, 6.0, 0.0])  # d/dx of the new x only
    np.testing.assert_array_equal(v.grad, [4.0, 6.0])


def test_a_value_that_needs_a_gradient_is_tracked():
    x = mg.tensor([1.0, 2.0])
    y = mg.tensor([3.0, 4.0])
    x += y
    assert x.creator is not None
    (x * x).sum().backward()
    np.testing.assert_array_equal(y.grad, 2 * np.array([4.0, 6.0]))


def test_writes_into_a_constant_keep_old_values_for_the_graph_that_reads_them():
    x = mg.tensor([1.0, 2.0])
    c = mg.tensor([3.0, 4.0], constant=True)
    y = x * c  # its gradient reads c
    before = _history_entries()
    for _ in range(100):
        c += 1
    np.testing.assert_array_equal(c.data, [103.0, 104.0])
    assert _history_entries() - before <= 1  # one copy of the old values, once
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])


def test_repeated_writes_into_a_non_leaf_keep_bounded_history():
    w = mg.tensor([1.0, 2.0])
    z = w * 1
    before = _history_entries()
    for _ in range(200):
        z[...] = 0.0
    for _ in range(200):
        z += 1
    assert _history_entries() - before <= 1
    z.sum().backward()
    assert w.grad is None or not w.grad.any()


@pytest.mark.parametrize(
    "write, error",
    [
        (lambda t: operator.iadd(t, 1.5), TypeError),  # int += float: NumPy's casting error
        (lambda t: operator.iadd(t, np.ones(4, dtype=int)), ValueError),  # cannot broadcast into t
        (lambda t: t.__setitem__(5, 1), IndexError),
    ],
)
def test_failed_untracked_write_changes_nothing(write, error):
    t = mg.tensor([1, 2, 3])
    with pytest.raises(error):
        write(t)
    np.testing.assert_array_equal(t.data, [1, 2, 3])


def test_untracked_write_into_natively_read_only_memory_raises():
    a = np.arange(3.0)
    a.flags.writeable = False
    t = mg.astensor(a)
    with pytest.raises(ValueError):
        t += 1
    np.testing.assert_array_equal(a, [0.0, 1.0, 2.0])


def test_optimizer_step_after_backward_is_untracked():
    X = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]])
    w = mg.tensor([0.1, -0.2])
    ref = w.data.copy()
    before = _history_entries()
    for _ in range(100):
        loss = ((X * w).sum(axis=1) ** 2).mean()
        loss.backward()
        expected = 2 * X.T @ (X @ ref) / len(X)
        np.testing.assert_allclose(w.grad, expected)
        w -= 0.05 * w.grad
        ref -= 0.05 * expected
        assert w.grad is None  # an in-place op nulls the target's grad
    np.testing.assert_allclose(w.data, ref)
    assert w.creator is None and _history_entries() <= before


def test_view_made_after_backward_keeps_the_write_tracked():
    w = mg.tensor([1.0, 2.0, 3.0])
    (w * w).sum().backward()
    v = w[:2]  # a view does not null w.grad, but its vertex uses w's current value
    z = v * 2
    w -= 1
    np.testing.assert_array_equal(v.data, [0.0, 1.0])
    z.sum().backward()  # z was computed from w's old value: its gradient is not the new w's
    assert w.grad is None or not w.grad.any()


def test_assigned_value_loses_its_grad_like_any_op_input():
    v = mg.tensor([1.0, 2.0])
    (v * v).sum().backward()
    x = mg.tensor([0.0, 0.0, 0.0])
    x[:2] = v
    assert v.grad is None
    v += 1  # x's graph reads v's old value: the write is tracked
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.data, [1.0, 2.0, 0.0])
    assert v.grad is None or not v.grad.any()
