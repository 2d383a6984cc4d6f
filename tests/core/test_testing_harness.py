"""``mygrad.testing``: the strategies produce what they promise, and the
gradient checker can fail (it is what every pack's tests rely on)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mygrad as mg
from mygrad.operation_base import Operation
from mygrad.plugin import Domain
from mygrad.testing import analytic_gradient, check_grad, numerical_gradient
from mygrad.testing import strategies as mst


@given(shape=mst.shapes(max_dims=3, max_side=4))
def test_shapes_are_small(shape):
    assert len(shape) <= 3 and all(1 <= n <= 4 for n in shape)


@given(shapes=mst.broadcastable_shapes(3))
def test_broadcastable_shapes_broadcast(shapes):
    assert len(shapes) == 3
    np.broadcast_shapes(*shapes)


@given(arr=mst.arrays((2, 3), np.float64, Domain(-1, 2, exclude=(0.5,), gap=0.25)))
def test_arrays_respect_the_domain(arr):
    assert arr.shape == (2, 3) and arr.dtype == np.float64
    assert np.all((arr >= -1) & (arr <= 2))
    assert np.all(np.abs(arr - 0.5) >= 0.25)


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
@given(data=st.data())
def test_low_precision_arrays_with_inexact_domain_bounds(dtype, data):
    arr = data.draw(mst.arrays((3,), dtype, Domain(0.1, 10)))
    assert arr.dtype == dtype
    assert np.all((arr >= np.asarray(0.1, dtype)) & (arr <= 10))


@given(t=mst.tensors(shape=(2,), dtype=st.sampled_from([np.float16, np.float32, np.float64])))
def test_tensors_strategy(t):
    assert isinstance(t, mg.Tensor) and t.shape == (2,)
    assert t.dtype.kind == "f"
    assert np.all(np.abs(t.data) <= 5)


@given(t=mst.tensors(shape=(2,), dtype=np.int32))
def test_integer_tensors_strategy(t):
    assert t.dtype == np.int32
    assert t.constant is True


@given(t=mst.tensors(shape=(2,), constant=False))
def test_tensors_strategy_constant_flag(t):
    assert t.constant is False


@given(x=mst.array_likes(shape=st.just(())))
def test_array_likes_of_0d_may_be_python_scalars(x):
    assert isinstance(x, (float, list, np.ndarray))
    mg.tensor(x)


def test_numerical_gradient_hand_checked():
    (g,) = numerical_gradient(lambda x: x * x, np.array([1.0, -2.0, 3.0]))
    np.testing.assert_allclose(g, [2.0, -4.0, 6.0], rtol=1e-8)
    gx, gy = numerical_gradient(lambda x, y: x * y, np.array([2.0]), np.array([5.0]), seed=np.array([3.0]))
    np.testing.assert_allclose(gx, [15.0], rtol=1e-8)
    np.testing.assert_allclose(gy, [6.0], rtol=1e-8)


@pytest.mark.parametrize("make", [lambda a: np.asfortranarray(a), lambda a: a.T, lambda a: a[:, ::2]],
                         ids=["fortran", "transposed", "strided"])
def test_numerical_gradient_of_any_memory_layout(make):
    # the perturbed copy must be the array passed to f, also for non-C-ordered inputs
    x = make(np.arange(1.0, 13.0).reshape(3, 4))
    (g,) = numerical_gradient(lambda t: t ** 2, x)
    np.testing.assert_allclose(g, 2 * x, rtol=1e-6)
    with pytest.raises(AssertionError):
        check_grad(lambda t: mg.Tensor(t.data ** 2), x)  # (a constant result: the check must see the gradient)


def test_analytic_gradient():
    out, (g,) = analytic_gradient(lambda x: mg.sum(x * x), np.array([1.0, 2.0]))
    assert isinstance(out, mg.Tensor)
    np.testing.assert_array_equal(g, [2.0, 4.0])


class WrongMultiply(Operation):
    """Forward is x * y; the gradient of x is off by a factor of 2."""

    def __call__(self, x, y):
        self.variables = (x, y)
        return x.data * y.data

    def backward_var(self, grad, index, **kwargs):
        x, y = self.variables
        return 2 * grad * y.data if index == 0 else grad * x.data


def test_check_grad_detects_a_wrong_gradient():
    a, b = np.array([1.0, 2.0]), np.array([3.0, -1.0])
    check_grad(lambda x, y: x * y, a, b)  # the right one passes
    with pytest.raises(AssertionError):
        check_grad(lambda x, y: mg.execute_op(WrongMultiply, x, y), a, b)


def test_check_grad_detects_a_missing_gradient():
    a = np.array([1.0, 2.0])
    with pytest.raises(AssertionError):
        check_grad(lambda x: mg.multiply(x, x, constant=True) + 0.0, a)


# ------------------------------------------- writes after the forward pass
def _wrong_reads_plugin():
    import mygrad.plugin as mp

    bad_in = mp.ufunc_op(np.multiply, mp.reads()(lambda g, out, x, y: g * y), lambda g, out, x, y: g * x,
                         name="wrongreads_in", numpy=None)
    bad_out = mp.ufunc_op(np.exp, mp.reads()(lambda g, out, x: g * out), name="wrongreads_out", numpy=None)

    class P:
        @mp.hookimpl
        def mygrad_ops(self):
            return [bad_in, bad_out]

    return P()


def test_check_plugin_catches_a_rule_that_reads_more_than_declared():
    from mygrad.plugins import registered
    from mygrad.testing import check_plugin

    with registered(_wrong_reads_plugin(), "wrong-reads"):
        with pytest.raises(AssertionError) as info:
            check_plugin("wrong-reads", max_examples=10)
    text = str(info.value)
    assert "wrongreads_in" in text and "wrongreads_out" in text
    assert "@reads" in text
