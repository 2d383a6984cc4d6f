"""The declared-function call path (op arguments by position, tensor inputs
by keyword, NumPy's TypeErrors), ``function_op(read_only_view=...)``, and
the seed of a backward pass (no array of the output's size is made, the
caller's seed is never written into nor kept)."""

from __future__ import annotations

import numpy as np
import pytest

import mygrad as mg
from mygrad.errors import DeclarationError
from mygrad.plugin import function_op, reads


# ----------------------------------------------------- arguments by position
def test_op_arguments_by_position_and_by_keyword_agree():
    x = np.array([[1.0, 2.0, 3.0], [1.0, 0.0, 0.0]])
    y = np.array([0, 2])
    a, b = mg.tensor(x), mg.tensor(x)
    la = mg.nnet.softmax_crossentropy(a, y)
    lb = mg.nnet.softmax_crossentropy(b, y_true=y)
    assert la.item() == lb.item()
    la.backward()
    lb.backward()
    np.testing.assert_array_equal(a.grad, b.grad)
    assert mg.sum(mg.tensor(x), 1, None, None, True).shape == (2, 1)  # axis, dtype, out, keepdims


@pytest.mark.parametrize("call", [
    lambda t: mg.sum(a=t),
    lambda t: np.sum(a=t),
    lambda t: mg.sum(axis=0, a=t),
    lambda t: mg.mean(a=t, keepdims=True),
])
def test_tensor_input_by_keyword(call):
    t = mg.tensor([1.0, 2.0, 3.0])
    out = call(t)
    assert isinstance(out, mg.Tensor)
    out.backward()
    assert t.grad is not None and t.grad.shape == (3,)


@pytest.mark.parametrize("call, message", [
    (lambda t: mg.sum(t, a=t), "got multiple values for argument 'a'"),
    (lambda t: np.sum(t, a=t), "got multiple values for argument 'a'"),
    (lambda t: mg.sum(t, 0, a=t), "got multiple values for argument 'a'"),
    (lambda t: mg.sum(t, 0, axis=0), "got multiple values for argument 'axis'"),
    (lambda t: mg.sum(), "missing 1 required positional argument: 'a'"),
    (lambda t: mg.sum(axis=0), "missing 1 required positional argument: 'a'"),
    (lambda t: mg.sum(t, None, None, None, False, 0.0, True, 3), "too many positional arguments"),
    (lambda t: mg.nnet.softmax_crossentropy(t[None], [0], y_true=[0]), "multiple values for argument 'y_true'"),
])
def test_call_errors_are_numpys_type_errors(call, message):
    # (NumPy raises TypeError with these messages for np.sum(x, a=x), np.sum(), ...)
    t = mg.tensor([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match=message):
        call(t)


def test_positional_only_inputs_but_not_op_arguments():
    @function_op(None, grads=[lambda g, out, x, k=1.0: g * k])
    def scale(x, /, k=1.0):
        return x * k

    x = mg.tensor([1.0, 2.0])
    scale(x, 3.0).backward()
    np.testing.assert_array_equal(x.grad, [3.0, 3.0])
    with pytest.raises(TypeError, match="positional-only"):
        scale(x=x, k=3.0)
    with pytest.raises(DeclarationError, match="positional-only"):
        function_op(None, grads=[lambda g, out, x, k: g * k], name="scale2")(lambda x, k, /: x * k)


# ------------------------------------------------------------ read_only_view
def _first_row(x):
    return x[0]


@reads()
def _first_row_grad(g, out, x):
    grad = np.zeros(np.shape(x), dtype=g.dtype)
    grad[0] = g
    return grad


def test_read_only_view_keyword():
    op = function_op(None, grads=[_first_row_grad], can_return_view=True, read_only_view=True)(_first_row)
    assert op.read_only_view is True
    plain = function_op(None, grads=[_first_row_grad], can_return_view=True)(_first_row)
    assert plain.read_only_view is False
    with pytest.raises(DeclarationError, match="can_return_view"):
        function_op(None, grads=[_first_row_grad], read_only_view=True)(_first_row)
    with pytest.raises(DeclarationError, match="bool"):
        function_op(None, grads=[_first_row_grad], can_return_view=True, read_only_view=1)(_first_row)


@pytest.mark.parametrize("diagonal", [mg.diagonal, mg.linalg.diagonal])
def test_diagonal_views_stay_read_only_like_numpys(diagonal):
    assert diagonal.read_only_view is True
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    d = diagonal(x)
    assert d.base is x
    y = d * x[0]  # a live graph reads d and x
    y.backward()  # (the guard releases x's memory)
    assert not np.asarray(d).flags.writeable
    with pytest.raises(ValueError):
        np.asarray(d)[0] = 5.0
    np.testing.assert_array_equal(x.grad, [[2.0, 4.0], [0.0, 2.0]])  # y = [x00 * x00, x11 * x01]


# --------------------------------------------------------------------- seeds
def test_non_scalar_backward_gives_a_writeable_ones_gradient():
    x = mg.tensor(np.arange(6.0).reshape(2, 3))
    y = mg.exp(x)
    y.backward()
    np.testing.assert_allclose(x.grad, np.exp(x.data))
    assert y.grad.shape == (2, 3) and y.grad.flags.writeable and (y.grad == 1).all()
    y.grad[...] = 7  # the root's own array
    np.testing.assert_allclose(x.grad, np.exp(x.data))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_user_seed_is_never_written_into_nor_kept(dtype):
    x = mg.tensor(np.arange(6.0, dtype=dtype).reshape(2, 3))
    y = x * 2
    seed = np.full((2, 3), 3.0)
    y.backward(seed)
    np.testing.assert_array_equal(x.grad, np.full((2, 3), 6.0))
    assert x.grad.dtype == dtype and y.grad.dtype == dtype
    assert not np.shares_memory(y.grad, seed)
    y.grad[...] = 0
    seed[...] = -1
    np.testing.assert_array_equal(x.grad, np.full((2, 3), 6.0))


@pytest.mark.parametrize("seed", [2.0, np.array(2.0), np.array([2.0, 2.0, 2.0]), mg.tensor([2.0])])
def test_broadcast_seeds(seed):
    x = mg.tensor(np.ones((2, 3)))
    y = x + x
    y.backward(seed)
    np.testing.assert_array_equal(x.grad, np.full((2, 3), 4.0))
    assert y.grad.flags.writeable and y.grad.shape == (2, 3)


def test_read_only_user_seed_may_be_kept_and_an_incompatible_one_is_refused():
    seed = np.full(3, 2.0)
    seed.flags.writeable = False
    x = mg.tensor([1.0, 2.0, 3.0])
    (x * x).backward(seed)
    np.testing.assert_array_equal(x.grad, [4.0, 8.0, 12.0])
    with pytest.raises(ValueError, match="incompatible"):
        (x * x).backward(np.ones(4))
