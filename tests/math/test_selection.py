"""where, take, take_along_axis, diagonal, trace, tril, triu: conformance
(forward against NumPy, gradients against finite differences), where's
one-argument form and errors, diagonal's read-only view, index arrays copied
at call time, NumPy's errors."""

import numpy as np
import pytest
from hypothesis import strategies as st

import mygrad as mg
from mygrad.plugin import composite_op
from mygrad.testing import check_grad, check_op

CHECKED = ["take", "take_along_axis", "trace", "tril", "triu"]


@pytest.mark.parametrize("name", CHECKED)
def test_conformance(name):
    check_op(getattr(mg, name), max_examples=15)


# ------------------------------------------------------------------- where
def _condition(draw, shapes):
    """A boolean condition that broadcasts with x and y (as a keyword: it has no gradient)."""
    from hypothesis.extra.numpy import arrays

    shape = draw(st.sampled_from([(), shapes[0], shapes[1]]))
    return {"condition": draw(arrays(bool, shape))}


where_with_a_mask = composite_op(
    lambda x, y, condition: mg.where(condition, x, y), name="where_with_a_mask", namespaces=(),
    reference=lambda x, y, condition: np.where(condition, x, y),
    conformance={"nin": 2, "kwargs": _condition},
)


def test_where_conformance():
    check_op(where_with_a_mask, max_examples=25)


def test_where_routes_the_gradient_by_the_condition():
    x = mg.tensor([[1., 2., 3.]])
    y = mg.tensor([[-1.], [-2.]])
    cond = mg.tensor([True, False, True])
    out = np.where(cond, x, y)
    np.testing.assert_array_equal(out.data, np.where(cond.data, x.data, y.data))
    out.backward()
    np.testing.assert_array_equal(x.grad, [[2., 0., 2.]])
    np.testing.assert_array_equal(y.grad, [[1.], [1.]])


def test_where_condition_tensor_gets_no_gradient():
    c = mg.tensor([0.5, 0., -1.])  # a float tensor: its truth values select
    x = mg.tensor([1., 2., 3.])
    out = mg.where(c, x, 0.)
    np.testing.assert_array_equal(out.data, [1., 0., 3.])
    out.backward()
    assert c.grad is None
    np.testing.assert_array_equal(x.grad, [1., 0., 1.])


def test_where_one_argument_form_is_nonzero():
    c = mg.tensor([[0., 1.], [2., 0.]])
    for got in (mg.where(c), np.where(c), mg.where(c > 0.5)):
        expected = np.nonzero(c.data > 0.5)
        assert isinstance(got, tuple) and all(type(g) is np.ndarray for g in got)
        for g, e in zip(got, expected):
            np.testing.assert_array_equal(g, e)


def test_where_needs_both_or_neither_of_x_and_y():
    with pytest.raises(ValueError, match="both or neither"):
        mg.where(mg.tensor([True]), mg.tensor([1.]))
    with pytest.raises(ValueError, match="both or neither"):
        np.where(mg.tensor([True]), None)  # (NumPy: None is a value, but one of x/y is missing)


def test_where_dtypes_follow_numpy():
    x = mg.tensor([1., 2.], dtype=np.float32)
    c = np.array([True, False])
    assert mg.where(c, x, 0.5).dtype == np.float32  # a Python float is weak (NEP 50)
    assert mg.where(c, x, np.float64(0.5)).dtype == np.float64
    assert mg.where(c, x, x).dtype == np.float32
    out = mg.where(c, 1., 2.)
    assert out.constant and out.dtype == np.float64


# -------------------------------------------------------------------- take
def test_take_repeated_indices_accumulate():
    x = mg.tensor([[1., 2.], [3., 4.]])
    out = mg.take(x, [[0, 1], [1, 1]], axis=1)
    np.testing.assert_array_equal(out.data, np.take(x.data, [[0, 1], [1, 1]], axis=1))
    out.backward()
    np.testing.assert_array_equal(x.grad, [[1., 3.], [1., 3.]])
    check_grad(lambda t: mg.take(t, [5, -1, 0, 5], mode="wrap"), np.arange(4.))
    check_grad(lambda t: mg.take(t, [5, -1, 0, 5], mode="clip"), np.arange(4.))


def test_index_arrays_are_copied_when_the_op_is_recorded():
    x = mg.tensor([1., 2., 3.])
    idx = np.array([0, 0])
    out = mg.take(x, idx)
    idx[:] = 2  # after the forward pass: must not move the gradient
    out.backward()
    np.testing.assert_array_equal(x.grad, [2., 0., 0.])

    y = mg.tensor([[1., 2.], [3., 4.]])
    idx = np.array([[1], [1]])
    out = mg.take_along_axis(y, idx, axis=1)
    idx[:] = 0
    out.backward()
    np.testing.assert_array_equal(y.grad, [[0., 1.], [0., 1.]])


def test_take_along_axis_with_argsort():
    a = np.array([[3., 1., 2.], [0., 5., 4.]])
    order = np.argsort(a, axis=1)
    check_grad(lambda t: mg.take_along_axis(t, order, axis=1) * [1., 2., 3.], a)
    check_grad(lambda t: mg.take_along_axis(t, np.array([5, 0, 0]), axis=None), a)


def test_take_out_array():
    x = mg.tensor([1., 2., 3.])
    buf = np.zeros(2)
    out = np.take(x, [2, 0], out=buf)
    np.testing.assert_array_equal(buf, [3., 1.])
    out.backward()
    np.testing.assert_array_equal(x.grad, [1., 0., 1.])


# ---------------------------------------------------------------- diagonal
diagonal_of_a_copy = composite_op(
    lambda a, **kw: +mg.diagonal(a, **kw), name="diagonal_of_a_copy", namespaces=(), reference=np.diagonal,
    conformance={k: v for k, v in mg.diagonal.conformance.items() if k != "skip"} | {"nin": 1},
)


def test_diagonal_conformance():
    # (through a copy: the harness writes into the result, and diagonal's view is read-only)
    check_op(diagonal_of_a_copy, max_examples=20)


def test_diagonal_is_a_read_only_view():
    x = mg.tensor(np.arange(9.).reshape(3, 3))
    d = np.diagonal(x, 1)
    np.testing.assert_array_equal(d.data, [1., 5.])
    assert d.base is x and np.shares_memory(d, x)
    with pytest.raises(ValueError, match="read-only"):
        d[0] = 0.0  # like NumPy's
    np.testing.assert_array_equal(x.data, np.arange(9.).reshape(3, 3))
    (x * x).backward()
    np.testing.assert_array_equal(d.grad, np.diagonal(x.grad, 1))


def test_diagonal_and_trace_gradients_over_other_axes():
    a = np.arange(24.).reshape(2, 3, 4) / 10
    check_grad(lambda t: mg.diagonal(t, -1, axis1=2, axis2=0), a)
    check_grad(lambda t: mg.trace(t, 1, axis1=-1, axis2=1), a)
    check_grad(lambda t: mg.trace(t, 9), a)  # no diagonal: zero gradient


# --------------------------------------------------------------- triangles
@pytest.mark.parametrize("name", ["tril", "triu"])
def test_triangle_of_a_vector_is_broadcast_like_numpy(name):
    f = getattr(mg, name)
    x = mg.tensor([1., 2., 3.])
    out = f(x, -1)
    np.testing.assert_array_equal(out.data, getattr(np, name)(x.data, -1))
    check_grad(lambda t: f(t, 1), x.data)


@pytest.mark.parametrize("name", ["take", "take_along_axis", "diagonal", "trace", "tril", "triu", "where"])
@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_dtype_is_kept(name, dtype):
    a = np.arange(4, dtype=dtype).reshape(2, 2)
    args = {"take": ([0, 1],), "take_along_axis": (np.array([[0], [1]]), 1)}.get(name, ())
    x = mg.tensor(a)
    if name == "where":
        out, expected = mg.where(a > 1, x, 0.0), np.where(a > 1, a, 0.0)
    else:
        out, expected = getattr(mg, name)(x, *args), getattr(np, name)(a, *args)
    assert out.dtype == expected.dtype == dtype
    out.backward()
    assert x.grad.dtype == dtype


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda: mg.take(mg.ones(3), [3]), IndexError),
        (lambda: mg.take(mg.ones(3), [0.5]), TypeError),
        (lambda: mg.take(mg.ones(3), [0], axis=1), np.exceptions.AxisError),
        (lambda: mg.take_along_axis(mg.ones((2, 2)), np.array([0, 1]), axis=1), ValueError),
        (lambda: mg.take_along_axis(mg.ones((2, 2)), np.array([[0.5]]), axis=1), IndexError),
        (lambda: mg.diagonal(mg.ones(3)), ValueError),
        (lambda: mg.diagonal(mg.ones((2, 2)), axis1=0, axis2=0), ValueError),
        (lambda: mg.trace(mg.ones(3)), ValueError),
        (lambda: mg.where(mg.ones(2) > 0, mg.ones(3), mg.ones(2)), ValueError),
    ],
)
def test_numpys_errors(call, error):
    with pytest.raises(error):
        call()

