"""Backpropagation: chain rule, seeds, broadcasting,
accumulation, constants, auto-nulling, graph clearing, repeated and invalid
backprop, deep graphs, gradient dtypes."""

import gc

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from numpy.testing import assert_array_equal
from hypothesis import given
from hypothesis import strategies as st

import mygrad as mg
from mygrad.errors import InvalidBackprop
from mygrad.testing import strategies as mst

FLOATS = [np.float16, np.float32, np.float64]


def finite(shape, lo=-3.0, hi=3.0):
    return hnp.arrays(np.float64, shape, elements=st.floats(lo, hi))


# ---------------------------------------------------------------- chain rule
def test_quickstart():
    x = mg.tensor([1.0, 2.0, 3.0])
    f = np.sum(x * x)
    f.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0, 6.0])
    np.testing.assert_array_equal(f.grad, 1.0)


@given(a=finite((3,)), b=finite((3,), 0.5, 3.0))
def test_chain_rule_through_several_ops(a, b):
    x, y = mg.tensor(a), mg.tensor(b)
    # f = sum(exp(sin(x) * y) / y - x ** 2)
    f = mg.sum(mg.exp(mg.sin(x) * y) / y - x**2)
    f.backward()
    e = np.exp(np.sin(a) * b)
    np.testing.assert_allclose(x.grad, e * np.cos(a) - 2 * a, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(y.grad, e * np.sin(a) / b - e / b**2, rtol=1e-10, atol=1e-12)


def test_hand_checked_scalar_chain():
    x = mg.tensor(3.0)
    y = mg.tensor(2.0)
    f = (x * y + x) ** 2  # (xy + x)^2 = 81
    f.backward()
    assert f.item() == 81.0
    assert x.grad == 2 * 9 * (2 + 1)  # 54
    assert y.grad == 2 * 9 * 3  # 54
    assert isinstance(x.grad, np.ndarray) and x.grad.shape == ()


def test_intermediate_tensors_get_gradients():
    x = mg.tensor([1.0, 2.0])
    h = x * 3
    f = mg.sum(h * h)
    f.backward()
    np.testing.assert_array_equal(h.grad, 2 * h.data)
    np.testing.assert_array_equal(x.grad, 18 * x.data)


# ---------------------------------------------------------------- seeds
@given(arr=finite(mst.shapes(min_dims=1, max_dims=3)))
def test_non_scalar_backward_is_implicit_sum(arr):
    x1, x2 = mg.tensor(arr), mg.tensor(arr)
    (x1 * x1).backward()
    mg.sum(x2 * x2).backward()
    np.testing.assert_array_equal(x1.grad, x2.grad)
    np.testing.assert_array_equal(x1.grad, 2 * arr)


@given(data=st.data())
def test_backward_seed_broadcasts_to_shape(data):
    shape = data.draw(mst.shapes(min_dims=1, max_dims=3), label="shape")
    seed_shape = data.draw(hnp.broadcastable_shapes(shape, max_dims=len(shape)), label="seed_shape")
    # only seeds that broadcast *to* the tensor's shape are allowed
    if np.broadcast_shapes(seed_shape, shape) != shape:
        seed_shape = shape
    arr = data.draw(finite(shape), label="x")
    seed = data.draw(finite(seed_shape), label="seed")
    x = mg.tensor(arr)
    y = x * 2.0
    y.backward(seed)
    np.testing.assert_array_equal(y.grad, np.broadcast_to(seed, shape))
    np.testing.assert_array_equal(x.grad, 2.0 * np.broadcast_to(seed, shape))


def test_scalar_seed_and_tensor_seed():
    x = mg.tensor([1.0, 2.0, 3.0])
    (x * 1.0).backward(3.0)
    np.testing.assert_array_equal(x.grad, [3.0, 3.0, 3.0])
    (x * 1.0).backward(mg.tensor([1.0, 0.0, -1.0]))
    np.testing.assert_array_equal(x.grad, [1.0, 0.0, -1.0])
    (x * 1.0).backward([2, 2, 2])
    np.testing.assert_array_equal(x.grad, [2.0, 2.0, 2.0])


@pytest.mark.parametrize("seed_shape", [(2,), (3, 3), (2, 3, 1), (4, 1, 3)])
def test_incompatible_seed_raises_value_error_and_keeps_graph(seed_shape):
    x = mg.tensor(np.ones((3, 3)))
    y = x * 2.0
    with pytest.raises(ValueError):
        y.backward(np.ones((3, 3))[:, :2] if seed_shape == (3, 3) else np.ones(seed_shape))
    # the failed call left the graph usable
    assert y.creator is not None
    y.backward()
    np.testing.assert_array_equal(x.grad, np.full((3, 3), 2.0))


@pytest.mark.parametrize("dtype", FLOATS)
def test_seed_is_cast_to_dtype(dtype):
    x = mg.tensor([1.0, 2.0], dtype=dtype)
    y = x * x
    y.backward(np.array([1.0, 0.5], dtype=np.float64))
    assert y.grad.dtype == dtype
    assert x.grad.dtype == dtype
    np.testing.assert_allclose(x.grad, [2.0, 2.0])
    z = x * x
    z.backward(np.array([1, 2]))  # an integer seed
    assert z.grad.dtype == dtype
    np.testing.assert_allclose(x.grad, [2.0, 8.0])


# ------------------------------------------------------------ broadcasting
@given(shapes=mst.broadcastable_shapes(2, max_dims=4, max_side=3), data=st.data())
def test_broadcast_gradients_are_sum_reduced_to_input_shapes(shapes, data):
    sa, sb = shapes
    a = data.draw(finite(sa), label="a")
    b = data.draw(finite(sb), label="b")
    x, y = mg.tensor(a), mg.tensor(b)
    out = x * y
    out_shape = np.broadcast_shapes(sa, sb)
    assert out.shape == out_shape
    out.backward()
    assert np.shape(x.grad) == sa and np.shape(y.grad) == sb

    def unbroadcast(g, shape):
        g = g.sum(axis=tuple(range(g.ndim - len(shape))))
        return g.sum(axis=tuple(i for i, n in enumerate(shape) if n == 1), keepdims=True).reshape(shape)

    np.testing.assert_allclose(x.grad, unbroadcast(np.broadcast_to(b, out_shape) * 1.0, sa), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(y.grad, unbroadcast(np.broadcast_to(a, out_shape) * 1.0, sb), rtol=1e-12, atol=1e-12)


@given(shapes=mst.broadcastable_shapes(2, max_dims=4, max_side=3))
def test_broadcast_counts_for_add(shapes):
    sa, sb = shapes
    x, y = mg.tensor(np.zeros(sa)), mg.tensor(np.zeros(sb))
    out = x + y
    out.backward()
    size = out.size
    np.testing.assert_array_equal(x.grad, np.full(sa, size / max(x.size, 1)))
    np.testing.assert_array_equal(y.grad, np.full(sb, size / max(y.size, 1)))


@pytest.mark.parametrize("dtype", FLOATS)
def test_zero_dim_gradient_from_broadcasting_is_an_array(dtype):
    x = mg.tensor(2.0, dtype=dtype)
    y = mg.tensor([1.0, 2.0, 3.0], dtype=dtype)
    (x * y).backward()
    assert type(x.grad) is np.ndarray
    assert x.grad.shape == () and x.grad.dtype == dtype
    assert x.grad == 6.0


# ------------------------------------------------------------ accumulation
@given(arr=finite(mst.shapes(max_dims=3)))
def test_accumulation_when_used_twice(arr):
    x = mg.tensor(arr)
    (x * x).backward()
    np.testing.assert_allclose(x.grad, 2 * arr)
    (x + x).backward()
    np.testing.assert_array_equal(x.grad, np.full(arr.shape, 2.0))
    f = x * x + x * 3.0 - x
    f.backward()
    np.testing.assert_allclose(x.grad, 2 * arr + 2.0, atol=1e-12)


def test_accumulation_along_diamond_graph():
    x = mg.tensor(2.0)
    a = x * 3.0
    b = x * x
    f = a * b  # 3 x^3
    f.backward()
    assert x.grad == 9 * 4.0
    assert a.grad == 4.0 and b.grad == 6.0


def test_gradient_does_not_alias_upstream_gradient():
    x = mg.tensor([1.0, 2.0])
    y = mg.tensor([1.0, 2.0])
    f = x + y  # both rules return the upstream gradient itself
    f.backward()
    assert not np.shares_memory(x.grad, y.grad)
    assert not np.shares_memory(x.grad, f.grad)
    x.grad[0] = 100.0
    assert y.grad[0] == 1.0 and f.grad[0] == 1.0


# ---------------------------------------------------------------- constants
@given(arr=finite((2, 2)))
def test_constants_never_get_gradients(arr):
    x = mg.tensor(arr)
    c = mg.tensor(arr, constant=True)
    i = mg.tensor([1, 2])
    f = mg.sum(x * c + c * c + i * x)
    f.backward()
    assert c.grad is None and i.grad is None
    np.testing.assert_allclose(x.grad, arr + np.array([1, 2]))


def test_constant_result_blocks_backprop_and_backward_on_it_is_a_no_op():
    c = mg.tensor([1.0, 2.0], constant=True)
    f = mg.sum(c * c)
    assert f.constant is True
    f.backward()
    assert f.grad is None and c.grad is None


def test_array_likes_behave_as_constants():
    x = mg.tensor([1.0, 2.0, 3.0])
    constant = [-1.0, 0.0, 10]
    (x * constant).backward()
    np.testing.assert_array_equal(x.grad, [-1.0, 0.0, 10.0])
    (x * np.array(constant)).backward()
    np.testing.assert_array_equal(x.grad, [-1.0, 0.0, 10.0])


# ------------------------------------------------------------ grad lifecycle
def test_grad_is_none_until_backward():
    x = mg.tensor([1.0])
    assert x.grad is None
    y = x * 2.0
    assert x.grad is None and y.grad is None


def test_auto_nulling_when_used_in_a_new_op():
    x = mg.tensor([1.0, 2.0])
    (x * x).backward()
    assert x.grad is not None
    y = 3 * x
    assert x.grad is None
    y.backward()
    np.testing.assert_array_equal(x.grad, [3.0, 3.0])
    _ = mg.exp(x)
    assert x.grad is None


def test_no_auto_nulling_for_constants_comparisons_or_no_autodiff():
    x = mg.tensor([1.0, 2.0])
    (x * x).backward()
    with mg.no_autodiff:
        _ = x * 2
    _ = x > 1
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])


def test_graph_cleared_after_backward():
    x = mg.tensor([1.0, 2.0])
    a = x * 2.0
    b = mg.exp(a)
    p = b * a
    f = mg.sum(p)
    assert a.creator is not None and b.creator is not None and p.creator is not None
    f.backward()
    for t in (f, p, b, a, x):
        assert t.creator is None
    # gradients remain readable afterwards
    np.testing.assert_allclose(a.grad, np.exp(a.data) * a.data + np.exp(a.data))
    np.testing.assert_allclose(x.grad, 2 * a.grad)
    np.testing.assert_array_equal(f.grad, 1.0)


def test_creator_reports_the_op():
    x = mg.tensor([1.0, 2.0])
    y = x * x
    op = y.creator
    assert op is not None
    assert "multiply" in repr(op) or "multiply" in getattr(op, "name", "")
    assert any(v is x for v in op.variables)
    assert x.creator is None


@pytest.mark.parametrize("make", [lambda x: mg.sum(x), lambda x: x.mean(axis=0)], ids=["sum", "mean"])
def test_creator_of_reduction_result(make):
    x = mg.tensor([1.0, 2.0])
    with mg.mem_guard_off:  # no locks outlive the test through the bug's traceback
        y = make(x)
    op = y.creator
    assert op is not None
    assert any(v is x for v in op.variables)


@pytest.mark.filterwarnings("ignore:'where' used without 'out'")
def test_creator_of_masked_ufunc_result():
    x = mg.tensor([1.0])
    with mg.mem_guard_off:  # no locks outlive the test through the bug's traceback
        y = mg.exp(x, where=[True])
    op = y.creator
    assert op is not None
    assert any(v is x for v in op.variables)


def test_backward_twice_treats_result_as_leaf():
    x = mg.tensor(2.0)
    f = x * x
    f.backward()
    assert x.grad == 4.0
    f.backward()
    assert f.grad == 1.0
    assert x.grad == 4.0  # left as it was


def test_second_output_sharing_a_cleared_graph_raises_invalid_backprop():
    x = mg.tensor(2.0)
    a = x * 2.0
    l1 = a * 3.0
    l2 = a * 4.0
    l1.backward()
    assert x.grad == 6.0
    assert l2.creator is not None
    with pytest.raises(InvalidBackprop):
        l2.backward()


def test_outputs_made_after_backward_are_fine():
    x = mg.tensor(2.0)
    a = x * 2.0
    (a * 3.0).backward()
    l2 = a * 4.0  # `a` is now a leaf of a new graph
    l2.backward()
    assert a.grad == 4.0
    assert x.grad == 6.0  # x is not reached by l2: left as it was


def test_null_grad():
    x = mg.tensor([1.0, 2.0])
    (x * x).backward()
    out = x.null_grad()
    assert out is x
    assert x.grad is None
    assert mg.tensor([1.0]).null_grad().grad is None


def test_null_gradients_is_a_deprecated_no_op():
    x = mg.tensor([1.0])
    (x * 2.0).backward()
    with pytest.warns(FutureWarning):
        x.null_gradients()
    np.testing.assert_array_equal(x.grad, [2.0])


def test_clear_graph():
    x = mg.tensor([1.0, 2.0])
    y = x * x
    z = mg.exp(y)
    assert not x.data.flags.writeable
    z.clear_graph()
    assert z.creator is None and y.creator is None
    assert x.data.flags.writeable and y.data.flags.writeable and z.data.flags.writeable
    z.backward()  # z is a leaf now
    np.testing.assert_array_equal(z.grad, [1.0, 1.0])
    assert y.grad is None and x.grad is None


def test_clear_graph_only_clears_upstream():
    x = mg.tensor([1.0, 2.0])
    y = x * x
    z = y * 2.0
    y.clear_graph()
    assert y.creator is None and x.creator is None
    assert z.creator is not None  # downstream keeps its creator ...
    with pytest.raises(InvalidBackprop):  # ... but its graph was partially cleared
        z.backward()
    assert x.grad is None


def test_backward_in_no_autodiff_is_a_no_op():
    x = mg.tensor([1.0, 2.0])
    y = x * x
    with mg.no_autodiff:
        y.backward()
    assert x.grad is None and y.grad is None
    assert y.creator is not None
    y.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])


# ---------------------------------------------------------------- deep graphs
N_DEEP = 5000


def test_deep_chain_backward_has_no_recursion_error():
    x = mg.tensor(1.0)
    y = x
    for _ in range(N_DEEP):
        y = y * 1.0001
    y.backward()
    np.testing.assert_allclose(x.grad, 1.0001**N_DEEP, rtol=1e-9)
    assert y.creator is None


def test_deep_chain_of_mixed_ops():
    x = mg.tensor([0.5, 1.0])
    y = x
    for i in range(N_DEEP):
        y = (y + 1.0) if i % 2 else (y - 1.0)
    mg.sum(y * y).backward()
    np.testing.assert_allclose(x.grad, 2 * x.data)


def test_deep_chain_clear_graph_and_garbage_collection():
    x = mg.tensor(1.0)
    y = x
    for _ in range(N_DEEP):
        y = mg.exp(y * 0.0)
    y.clear_graph()
    assert y.creator is None
    z = x
    for _ in range(N_DEEP):
        z = mg.exp(z * 0.0)
    del z, y
    gc.collect()
    assert x.data.flags.writeable


# ------------------------------------------------------------ grad dtypes
@given(dtype=st.sampled_from(FLOATS), arr=finite(mst.shapes(max_dims=2), -1.0, 1.0))
def test_low_precision_grads_keep_dtype(dtype, arr):
    x = mg.tensor(arr.astype(dtype))
    y = mg.tensor(np.float64(0.5))  # a float64 0-d tensor promotes ...
    f = mg.sum(mg.exp(x) * x * 2.0 + mg.tanh(x) / 3.0)
    assert f.dtype == dtype
    f.backward()
    assert x.grad.dtype == dtype
    assert x.grad.shape == x.shape
    g = mg.sum(x * y)  # ... per NumPy's rules, the gradient still gets x's dtype
    assert g.dtype == np.result_type(x.data, y.data)
    g.backward()
    assert x.grad.dtype == dtype and y.grad.dtype == np.float64


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_mixed_precision_gradients_are_cast_per_input(dtype):
    lo = mg.tensor([1.0, 2.0], dtype=dtype)
    hi = mg.tensor([3.0, 4.0], dtype=np.float64)
    f = lo * hi
    assert f.dtype == np.float64
    f.backward()
    assert lo.grad.dtype == dtype and hi.grad.dtype == np.float64
    np.testing.assert_array_equal(lo.grad, [3.0, 4.0])
    np.testing.assert_array_equal(hi.grad, [1.0, 2.0])


@pytest.fixture(params=["shared", "copied"])
def share_policy(request, monkeypatch):
    """Large gradients are shared with their upstream, small ones copied:
    run a test both ways (0: every size is shared)."""
    import mygrad._core.graph as graph

    monkeypatch.setattr(graph, "SHARE_MIN_SIZE", 0 if request.param == "shared" else 10**9)
    return request.param


def test_gradient_passed_on_unchanged_is_shared_then_copied_on_write(share_policy):
    # `add` passes its upstream gradient on unchanged: the input's gradient
    # shares it read-only until written (by a later contribution, or by a
    # user through `.grad`), and never changes another tensor's gradient
    x = mg.tensor([1.0, 2.0, 3.0])
    u = x * 1.0
    s = u + 0.0
    y = u[0] * 5.0 + (s * s).sum() + u.sum()  # a scatter and a dense contribution after the shared one
    y.backward()
    expected_s = 2 * np.array([1.0, 2.0, 3.0])
    expected_u = expected_s + 1.0 + np.array([5.0, 0.0, 0.0])
    assert_array_equal(s.grad, expected_s)
    assert_array_equal(u.grad, expected_u)
    assert_array_equal(x.grad, expected_u)
    for t in (x, u, s):
        assert t.grad.flags.writeable
    u2 = x * 1.0
    s2 = u2 + 0.0
    (s2 * s2).sum().backward()
    u2.grad[...] = -1.0  # a user writing into one gradient
    assert_array_equal(s2.grad, 2 * np.array([1.0, 2.0, 3.0]))
    assert_array_equal(x.grad, 2 * np.array([1.0, 2.0, 3.0]))


def test_large_gradients_passed_on_unchanged_are_shared_until_read():
    x = mg.tensor(np.arange(4096.0))
    u = x * 1.0
    s = u + 0.0
    s.sum().backward()
    assert not u._grad.flags.writeable and np.shares_memory(u._grad, s._grad)  # (shared, not copied)
    g = u.grad  # (read: an array of its own)
    assert g.flags.writeable and not np.shares_memory(g, s.grad)
    assert_array_equal(g, np.ones(4096))


def test_shared_gradient_owner_writes_do_not_leak(share_policy):
    # `sum` passes on a broadcast view of its upstream gradient, `add` the
    # upstream itself: writing into any one tensor's `.grad` afterwards, in
    # any order of reading, changes no other tensor's gradient
    for first in ("owner", "sharer"):
        x = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
        u = x * 1.0
        s = u + 0.0
        total = s.sum()
        total.backward()
        grads = {"owner": s, "sharer": u}
        a, b = grads[first], grads["sharer" if first == "owner" else "owner"]
        a.grad[...] = 7.0
        assert_array_equal(b.grad, np.ones((2, 2)))
        assert_array_equal(x.grad, np.ones((2, 2)))
        assert b.grad.flags.writeable and a.grad.flags.writeable
        assert_array_equal(total.grad, np.array(1.0))
