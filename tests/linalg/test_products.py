"""matmul (1-D and N-D semantics, broadcasting, @ and @=, out=), dot as a
method, multi_matmul / linalg.multi_dot (cheapest order, 1-D ends, errors)."""

import re
import warnings

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes

import mygrad as mg
from mygrad.testing import check_grad
from mygrad_ops_linalg.multi_dot import chain_order


@pytest.mark.parametrize("sa, sb", [
    ((3,), (3,)), ((3,), (3, 2)), ((2, 3), (3,)), ((4, 2, 3), (3,)), ((3,), (4, 3, 2)),
    ((2, 3), (4, 3, 2)), ((4, 2, 3), (3, 2)), ((1, 2, 3), (5, 3, 2)), ((5, 1, 2, 3), (4, 3, 2)),
])
def test_matmul_shapes_and_gradients(sa, sb):
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=sa), rng.normal(size=sb)
    out = mg.matmul(a, b)
    np.testing.assert_allclose(out.data, np.matmul(a, b))
    check_grad(lambda x, y: x @ y, a, b, seed=rng.normal(size=np.shape(out)))


@given(shapes=mutually_broadcastable_shapes(signature=np.matmul.signature, max_dims=3, max_side=3),
       data=st.data())
def test_matmul_any_valid_shapes(shapes, data):
    sa, sb = shapes.input_shapes
    seed = data.draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=sa), rng.normal(size=sb)
    check_grad(mg.matmul, a, b, seed=rng.normal(size=shapes.result_shape))


def test_matmul_operators_and_method():
    a = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    v = np.array([1.0, -1.0])
    np.testing.assert_array_equal((v @ a).data, v @ a.data)  # __rmatmul__
    assert isinstance(v @ a, mg.Tensor)
    np.testing.assert_array_equal(a.dot(v).data, a.data.dot(v))
    assert repr(mg.matmul) == "<mygrad-ufunc 'matmul'>"
    assert mg.matmul.nin == 2 and mg.matmul.signature == np.matmul.signature


def test_matmul_in_place_and_out():
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    w = mg.tensor([[0.0, 1.0], [1.0, 0.0]])
    y = mg.tensor(x.data)
    before = y.data.copy()
    y @= w
    np.testing.assert_array_equal(y.data, before @ w.data)
    target = np.empty((2, 2))
    mg.matmul(x, w, out=target)
    np.testing.assert_array_equal(target, x.data @ w.data)


def test_matmul_float32_stays_float32():
    a = mg.tensor(np.ones((2, 3), np.float32))
    b = mg.tensor(np.ones((3,), np.float32))
    out = a @ b
    assert out.dtype == np.float32
    out.backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float32


@pytest.mark.parametrize("sa, sb", [((2, 3), (2, 3)), ((3,), (4,)), ((), (3,))])
def test_matmul_errors_are_numpys(sa, sb):
    with pytest.raises(ValueError):
        np.matmul(np.ones(sa), np.ones(sb))
    with pytest.raises(ValueError):
        mg.matmul(mg.tensor(np.ones(sa)), mg.tensor(np.ones(sb)))


# --------------------------------------------------------------- multi_matmul
def _chain_shapes(draw):
    n = draw(st.integers(2, 5))
    dims = draw(st.lists(st.integers(1, 4), min_size=n + 1, max_size=n + 1))
    shapes = [(dims[i], dims[i + 1]) for i in range(n)]
    if draw(st.booleans()):
        shapes[0] = shapes[0][1:]
    if draw(st.booleans()):
        shapes[-1] = shapes[-1][:1]
    return shapes


@given(data=st.data())
def test_multi_matmul_matches_multi_dot(data):
    shapes = data.draw(st.composite(lambda draw: _chain_shapes(draw))())
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    arrays = [rng.normal(size=s) for s in shapes]
    expected = np.linalg.multi_dot(arrays)
    for f in (mg.multi_matmul, mg.linalg.multi_dot, np.linalg.multi_dot):
        out = f([mg.tensor(a) for a in arrays])
        assert isinstance(out, mg.Tensor)
        np.testing.assert_allclose(out.data, expected, rtol=1e-10, atol=1e-12)
    check_grad(lambda *xs: mg.multi_matmul(xs), *arrays, seed=rng.normal(size=np.shape(expected)))


def test_chain_order_is_the_cheapest():
    # (10x100)(100x5)(5x50): ((AB)C) costs 7500, (A(BC)) 75000
    assert chain_order([10, 100, 5, 50])[0][2] == 1
    assert chain_order([50, 5, 100, 10])[0][2] == 0


def test_multi_matmul_errors():
    with pytest.raises(ValueError):
        mg.multi_matmul([mg.tensor(np.ones((2, 2)))])
    with pytest.raises(ValueError):  # (LinAlgError is a ValueError, like NumPy's)
        mg.multi_matmul([np.ones((2, 2)), np.ones((2, 2, 2)), np.ones((2, 2))])
    with pytest.raises(np.linalg.LinAlgError):
        mg.linalg.multi_dot([np.ones((2, 2)), np.ones(2), np.ones((2, 2))])
    with pytest.raises(ValueError):
        mg.multi_matmul([np.ones((2, 3)), np.ones((2, 2))])


def test_multi_dot_out():
    a, b, c = np.ones((2, 3)), np.ones((3, 4)), np.ones((4, 2))
    target = np.empty((2, 2))
    mg.linalg.multi_dot([a, b, c], out=target)
    np.testing.assert_array_equal(target, a @ b @ c)


def test_multi_dot_of_two_operands_is_dot():
    # NumPy's multi_dot([a, b]) is dot(a, b), with no check of the dimensions
    # (mygrad's multi_matmul keeps the reference's 1-D/2-D rule)
    rng = np.random.default_rng(7)
    a, b = rng.normal(size=(2, 3, 4)), rng.normal(size=(4, 2))
    expected = np.linalg.multi_dot([a, b])
    for f in (mg.linalg.multi_dot, np.linalg.multi_dot):
        got = f([mg.tensor(a), mg.tensor(b)])
        assert isinstance(got, mg.Tensor)
        np.testing.assert_allclose(got.data, expected)
    check_grad(lambda x, y: mg.linalg.multi_dot([x, y]), a, b, seed=rng.normal(size=expected.shape))
    target = mg.tensor(np.zeros(expected.shape))
    assert mg.linalg.multi_dot([mg.tensor(a), mg.tensor(b)], out=target) is target
    np.testing.assert_allclose(target.data, expected)
    with pytest.raises(ValueError):
        mg.multi_matmul([a, b])


# ---------------------------------------------------------------- the others
@pytest.mark.parametrize("sa, sb, axis", [
    ((3, 2), (3,), 0), ((2, 3, 4), (3, 4), -2), ((4, 3), (2, 1, 3), -1), ((3, 1), (3, 2, 4), 0)])
def test_vecdot_axis_is_per_operand(sa, sb, axis):
    # NumPy takes `axis` relative to each operand's own dimensions
    rng = np.random.default_rng(8)
    a, b = rng.normal(size=sa), rng.normal(size=sb)
    expected = np.linalg.vecdot(a, b, axis=axis)
    np.testing.assert_allclose(np.linalg.vecdot(mg.tensor(a), mg.tensor(b), axis=axis).data, expected)
    check_grad(lambda x, y: mg.linalg.vecdot(x, y, axis=axis), a, b, seed=rng.normal(size=expected.shape))


def test_tensordot_axes_forms():
    rng = np.random.default_rng(5)
    a, b = rng.normal(size=(2, 3, 4)), rng.normal(size=(4, 3, 2))
    for axes in (0, 1, ([1, 2], [1, 0]), ([2, 0], [0, 2]), (1, 1)):
        np.testing.assert_allclose(mg.tensordot(a, b, axes=axes).data, np.tensordot(a, b, axes=axes))
        check_grad(lambda x, y: mg.tensordot(x, y, axes=axes), a, b)


def test_cross_with_two_vectors_and_axes():
    rng = np.random.default_rng(6)
    a, b = rng.normal(size=(3, 4)), rng.normal(size=(4, 3))
    np.testing.assert_allclose(mg.cross(a, b, axisa=0).data, np.cross(a, b, axisa=0))
    check_grad(lambda x, y: mg.cross(x, y, axisa=0, axisc=0), a, b)
    two, three = rng.normal(size=(2,)), rng.normal(size=(3,))
    try:  # NumPy 2.0-2.4 deprecate 2-vectors, NumPy 2.5 refuses them: mygrad follows the NumPy it runs on
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            np.cross(two, three)
    except ValueError as e:
        with pytest.raises(ValueError, match=re.escape(str(e))):
            mg.cross(mg.tensor(two), mg.tensor(three))
        return
    with pytest.warns(DeprecationWarning):
        check_grad(lambda x, y: mg.cross(x, y), two, three)
        check_grad(lambda x, y: mg.cross(x, y), two, two)


@pytest.mark.parametrize("sa, sb, axes", [
    ((2, 3, 3), (2, 3, 3), [(1, 2), (1, 2), (2, 1)]),
    ((2, 3, 4), (2, 3, 4), [(-2, -1), (-1, -2), (-2, -1)]),
    ((3,), (3, 2, 4), [0, (0, 1), 0]),
    ((3, 4, 5), (5,), [(0, 2), 0, 0]),
    ((3, 4), (5, 4), [(0, 1), (1, 0), (1, 0)]),
])
def test_matmul_axes_values_and_gradients(sa, sb, axes):
    # NumPy's gufunc `axes=`: which axes of each operand and of the result hold the matrices
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=sa), rng.normal(size=sb)
    expected = np.matmul(a, b, axes=axes)
    for f in (np.matmul, mg.matmul):
        out = f(mg.tensor(a), mg.tensor(b), axes=axes)
        assert isinstance(out, mg.Tensor)
        np.testing.assert_allclose(out.data, expected)
        check_grad(lambda x, y: f(x, y, axes=axes), a, b, seed=rng.normal(size=expected.shape))


@pytest.mark.parametrize("kwargs, error", [
    ({"axis": 1}, TypeError), ({"keepdims": True}, TypeError), ({"axes": [(0, 1), (1, 2)]}, ValueError),
])
def test_matmul_layout_keyword_errors_are_numpys(kwargs, error):
    a, b = mg.tensor(np.ones((2, 3, 3))), mg.tensor(np.ones((2, 3, 3)))
    with pytest.raises(error):
        np.matmul(a.data, b.data, **kwargs)
    with pytest.raises(error):
        np.matmul(a, b, **kwargs)
    assert a.grad is None and a._op is None
