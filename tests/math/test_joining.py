"""Joining tensors (concatenate, stack, hstack, vstack, dstack,
column_stack, append): forward against NumPy, gradients against finite
differences for any number of inputs, NumPy's dtypes and errors, ``out=``."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mygrad as mg
from mygrad.plugin import composite_op
from mygrad.testing import check_grad, check_op
from mygrad_ops_math.joining import MAX_FUNCTION_INPUTS

JOINERS = ["concatenate", "stack", "hstack", "vstack", "dstack", "column_stack", "append"]


# ------------------------------------------------ the published declarations
@pytest.mark.parametrize("name", JOINERS)
def test_conformance(name):
    # (the sequence is one tensor: NumPy joins its sub-arrays)
    check_op(getattr(mg, name), max_examples=12)


# ------------------------------------------- several inputs (a list of them)
def _differ_along(draw, n, ndim, axis):
    """``n`` shapes of ``ndim`` dims that agree except along ``axis``."""
    shape = [draw(st.integers(1, 3)) for _ in range(ndim)]
    shapes = []
    for _ in range(n):
        s = list(shape)
        if axis is not None:
            s[axis] = draw(st.integers(0, 3))
        shapes.append(tuple(s))
    return tuple(shapes)


def _concatenate_shapes(draw):
    ndim = draw(st.integers(1, 3))
    return _differ_along(draw, 3, ndim, draw(st.integers(0, ndim - 1)))


def _agreeing_axes(shapes):
    nd = len(shapes[0])
    return [ax for ax in range(nd) if len({s[:ax] + s[ax + 1:] for s in shapes}) == 1]


def _concatenate_kwargs(draw, shapes):
    axes = _agreeing_axes(shapes)
    return {"axis": draw(st.sampled_from([None, *axes, *(ax - len(shapes[0]) for ax in axes)]))}


def _stack_shapes(draw):
    shape = tuple(draw(st.lists(st.integers(0, 3), max_size=3)))
    return (shape,) * 3


def _stack_kwargs(draw, shapes):
    nd = len(shapes[0]) + 1
    return {"axis": draw(st.integers(-nd, nd - 1))}


def _hstack_shapes(draw):
    if draw(st.booleans()):  # 0-d and 1-D inputs: joined end to end
        return tuple(draw(st.sampled_from([(), (0,), (1,), (3,)])) for _ in range(3))
    return _differ_along(draw, 3, draw(st.integers(2, 3)), 1)


def _vstack_shapes(draw):
    if draw(st.booleans()):  # 1-D inputs become rows
        n = draw(st.integers(1, 3))
        return tuple(draw(st.sampled_from([(n,), (1, n), (2, n)])) for _ in range(3))
    return _differ_along(draw, 3, draw(st.integers(2, 3)), 0)


def _dstack_shapes(draw):
    if draw(st.booleans()):
        n = draw(st.integers(1, 3))
        return tuple(draw(st.sampled_from([(n,), (1, n), (1, n, 2)])) for _ in range(3))
    return _differ_along(draw, 3, 3, 2)


def _column_stack_shapes(draw):
    n = draw(st.integers(1, 3))
    return tuple(draw(st.sampled_from([(n,), (n, 1), (n, 3)])) for _ in range(3))


MANY = {
    "concatenate": (_concatenate_shapes, _concatenate_kwargs),
    "stack": (_stack_shapes, _stack_kwargs),
    "hstack": (_hstack_shapes, None),
    "vstack": (_vstack_shapes, None),
    "dstack": (_dstack_shapes, None),
    "column_stack": (_column_stack_shapes, None),
}


def _of_a_list(name):
    """``name`` applied to its tensor arguments as one list (check_op passes
    tensors one by one)."""
    mg_f, np_f = getattr(mg, name), getattr(np, name)
    shapes, kwargs = MANY[name]
    conformance = {"nin": 3, "shapes": shapes}
    if kwargs:
        conformance["kwargs"] = kwargs
    return composite_op(lambda *ts, **kw: mg_f(list(ts), **kw), name=f"{name}_of_a_list", namespaces=(),
                        reference=lambda *arrays, **kw: np_f(list(arrays), **kw), conformance=conformance)


@pytest.mark.parametrize("name", list(MANY))
def test_conformance_with_several_inputs(name):
    check_op(_of_a_list(name), max_examples=15)


def test_append_with_an_axis_against_finite_differences():
    check_grad(lambda x, y: mg.append(x, y, axis=1), np.ones((2, 3)), np.arange(4.).reshape(2, 2))
    check_grad(lambda x, y: mg.append(x, y), np.ones((2, 3)), np.arange(4.))


# ------------------------------------------------------------- semantics
def test_each_input_gets_its_slice_of_the_gradient():
    x, y, z = mg.tensor([[1., 2.]]), mg.tensor([[3., 4.], [5., 6.]]), mg.tensor(np.zeros((0, 2)))
    out = mg.concatenate([x, z, y])
    out.backward(np.arange(6.).reshape(3, 2))
    np.testing.assert_array_equal(x.grad, [[0., 1.]])
    np.testing.assert_array_equal(y.grad, [[2., 3.], [4., 5.]])
    assert z.grad.shape == (0, 2)


@pytest.mark.parametrize("n", [1, MAX_FUNCTION_INPUTS, MAX_FUNCTION_INPUTS + 1, 300])
def test_any_number_of_inputs_is_one_op(n):
    # (up to MAX_FUNCTION_INPUTS a function op, beyond an Operation: the same results)
    ts = [mg.tensor([float(i), -float(i)]) for i in range(n)]
    out = np.stack(ts, axis=1)
    np.testing.assert_array_equal(out.data, np.stack([t.data for t in ts], axis=1))
    assert len(out.creator.variables) == n
    out.backward(np.arange(2. * n).reshape(2, n))
    np.testing.assert_array_equal(ts[n - 1].grad, [n - 1., 2. * n - 1.])
    target = mg.zeros((2 * n,), dtype=np.float64)
    assert mg.concatenate(ts, out=target) is target
    (target * 2).backward()
    np.testing.assert_array_equal(ts[0].grad, [2., 2.])


def test_many_inputs_against_finite_differences():
    n = MAX_FUNCTION_INPUTS + 1
    arrays = [np.array([i / n, 1 - i / n]) for i in range(n)]
    check_grad(lambda *ts: mg.vstack(ts) ** 2, *arrays)


def test_a_tensor_is_a_sequence_of_its_rows():
    x = mg.tensor(np.arange(6.).reshape(3, 2))
    out = np.concatenate(x)  # like NumPy: the rows, end to end
    np.testing.assert_array_equal(out.data, np.arange(6.))
    out.backward(np.arange(6.) * 10)
    np.testing.assert_array_equal(x.grad, np.arange(6.).reshape(3, 2) * 10)


def test_arrays_lists_and_constants_mix_with_tensors():
    x = mg.tensor([1., 2.])
    c = mg.tensor([5.], constant=True)
    out = mg.concatenate([x, np.array([3.]), [4.], c])
    np.testing.assert_array_equal(out.data, [1., 2., 3., 4., 5.])
    assert not out.constant
    out.backward()
    np.testing.assert_array_equal(x.grad, [1., 1.])
    assert c.grad is None
    assert mg.stack([c, c]).constant
    assert mg.hstack([x, x], constant=True).constant


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_numpys(dtype):
    a = np.ones((2, 2), dtype=dtype)
    x = mg.tensor(a)
    for name in JOINERS[:-1]:
        f = getattr(np, name)
        assert f([x, x]).dtype == f([a, a]).dtype == dtype
    assert np.append(x, a).dtype == dtype
    # other dtypes promote like NumPy's, and `dtype=` gives the result's dtype
    assert np.concatenate([x, np.ones(2, np.float64)[None]]).dtype == np.float64
    out = np.concatenate([x, x], dtype=np.float64)
    assert out.dtype == np.float64
    out.backward()
    assert x.grad.dtype == dtype


def test_casting_and_dtype_keywords():
    x = mg.tensor([1.5, 2.5])
    with pytest.raises(TypeError):
        mg.concatenate([x, x], dtype=np.int32)  # same_kind casting refuses float -> int
    out = mg.concatenate([x, x], dtype=np.int32, casting="unsafe")
    assert out.dtype == np.int32 and out.constant
    with pytest.raises(TypeError, match="only takes `out` or `dtype`"):
        mg.concatenate([x, x], out=np.empty(4), dtype=np.float64)
    assert np.vstack([x, x], dtype=np.float32).dtype == np.float32


def test_out_ndarray_and_tensor():
    x, y = mg.tensor([1., 2.]), mg.tensor([3.])
    buf = np.zeros(3)
    out = np.concatenate([x, y], out=buf)
    np.testing.assert_array_equal(buf, [1., 2., 3.])
    out.backward()
    np.testing.assert_array_equal(y.grad, [1.])

    target = mg.tensor(np.zeros((2, 2)))
    w = mg.tensor([1., 1.])
    res = mg.stack([w, 2 * w], out=target)
    assert res is target
    np.testing.assert_array_equal(target.data, [[1., 1.], [2., 2.]])
    (target * target).sum().backward()
    np.testing.assert_array_equal(w.grad, [10., 10.])  # d/dw (w^2 + 4 w^2)


@given(n=st.integers(1, 4), data=st.data())
@settings(max_examples=10)
def test_empty_inputs(n, data):
    shapes = [(data.draw(st.integers(0, 2)), 0) for _ in range(n)]
    ts = [mg.tensor(np.zeros(s)) for s in shapes]
    out = mg.concatenate(ts)
    assert out.shape == np.concatenate([t.data for t in ts]).shape
    out.backward()
    assert [t.grad.shape for t in ts] == shapes


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda: mg.concatenate([mg.ones((2, 2)), mg.ones((2, 3))]), ValueError),
        (lambda: mg.concatenate([mg.ones(2), mg.ones(2)], axis=1), np.exceptions.AxisError),
        (lambda: mg.concatenate([mg.tensor(1.), mg.tensor(2.)]), ValueError),
        (lambda: mg.concatenate([]), ValueError),
        (lambda: mg.stack([mg.ones(2), mg.ones(3)]), ValueError),
        (lambda: mg.stack([mg.ones(2)], axis=2), np.exceptions.AxisError),
        (lambda: mg.hstack([mg.ones((2, 2)), mg.ones(2)]), ValueError),
        (lambda: mg.vstack([mg.ones(2), mg.ones(3)]), ValueError),
        (lambda: mg.append(mg.ones((2, 2)), mg.ones(2), axis=0), ValueError),
        (lambda: mg.stack(mg.tensor(1.)), TypeError),
        (lambda: mg.concatenate(3), TypeError),
    ],
)
def test_numpys_errors(call, error):
    with pytest.raises(error):
        call()
