"""Custom operations: ``Operation`` subclasses run with ``mg.execute_op``
(the "Writing Your Own Operations" pattern of MyGrad 2.x's documentation:
``__call__`` sets ``self.variables``, ``backward_var`` returns each gradient)."""

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mygrad as mg
from mygrad import execute_op
from mygrad.errors import InvalidGradient, MyGradException, SkipGradient
from mygrad.operation_base import Operation
from mygrad.testing import strategies as mst



class CustomMultiply(Operation):
    """f(x, y) = x * y, written like MyGrad 2.x's documentation example."""

    def __call__(self, x, y):
        self.variables = (x, y)
        return x.data * y.data

    def backward_var(self, grad, index, **kwargs):
        x, y = self.variables
        if index == 0:
            return grad * y.data
        elif index == 1:
            return grad * x.data


def custom_multiply(x, y, constant=None):
    return execute_op(CustomMultiply, x, y, constant=constant)


def test_seed_example():
    x = mg.tensor(2.0)
    y = mg.tensor([1.0, 2.0, 3.0])
    custom_multiply(x, y).backward()
    assert float(x.grad) == 6.0 and np.shape(x.grad) == ()
    np.testing.assert_array_equal(y.grad, [2.0, 2.0, 2.0])


def test_imports_used_by_the_seed_example():
    from mygrad.typing import ArrayLike  # noqa: F401

    assert mg.execute_op is execute_op
    assert mg.Operation is Operation


def finite(shape):
    return hnp.arrays(np.float64, shape, elements=st.floats(-3, 3))


@given(shapes=mst.broadcastable_shapes(2), data=st.data())
def test_custom_multiply_matches_builtin_with_broadcasting(shapes, data):
    a = data.draw(finite(shapes[0]), label="a")
    b = data.draw(finite(shapes[1]), label="b")
    cx, cy = data.draw(st.booleans(), label="cx"), data.draw(st.booleans(), label="cy")
    x1, y1 = mg.tensor(a, constant=cx), mg.tensor(b, constant=cy)
    x2, y2 = mg.tensor(a, constant=cx), mg.tensor(b, constant=cy)
    out1 = custom_multiply(x1, y1)
    out2 = x2 * y2
    assert isinstance(out1, mg.Tensor)
    np.testing.assert_array_equal(out1.data, out2.data)
    assert out1.constant is (cx and cy)
    seed = data.draw(mst.seeds(out1.shape), label="seed")
    out1.backward(seed)
    out2.backward(seed)
    for t1, t2 in ((x1, x2), (y1, y2)):
        if t1.constant:
            assert t1.grad is None
        else:
            assert np.shape(t1.grad) == t1.shape
            np.testing.assert_allclose(t1.grad, t2.grad, rtol=1e-12, atol=1e-12)


def test_custom_op_composes_with_builtin_ops():
    x = mg.tensor([1.0, 2.0])
    f = mg.sum(custom_multiply(x, x) * 3.0)  # 3 x^2 with x used twice by the op
    f.backward()
    np.testing.assert_array_equal(x.grad, [6.0, 12.0])


def test_array_like_inputs_are_wrapped_as_constants():
    x = mg.tensor([1.0, 2.0])
    out = custom_multiply(x, [3.0, 4.0])
    out.backward()
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])
    both = custom_multiply([1.0, 2.0], np.array([3.0, 4.0]))
    assert both.constant is True
    np.testing.assert_array_equal(both.data, [3.0, 8.0])


def test_constant_argument():
    x = mg.tensor([1.0, 2.0])
    assert custom_multiply(x, x, constant=True).constant is True
    c = mg.tensor([1.0, 2.0], constant=True)
    forced = custom_multiply(c, c, constant=False)
    assert forced.constant is False
    forced.backward()
    assert c.grad is None
    with pytest.raises(ValueError):
        custom_multiply(mg.tensor([1, 2]), [3, 4], constant=False)
    with pytest.raises(TypeError):
        custom_multiply(x, x, constant=1)


def test_op_args_and_kwargs_are_passed_to_the_op():
    class Scale(Operation):
        def __call__(self, x, k, *, shift=0.0):
            self.variables = (x,)
            self.k = k
            return x.data * k + shift

        def backward_var(self, grad, index, **kwargs):
            return grad * self.k

    x = mg.tensor([1.0, 2.0])
    out = execute_op(Scale, x, op_args=(3.0,), op_kwargs={"shift": 1.0})
    np.testing.assert_array_equal(out.data, [4.0, 7.0])
    out.backward()
    np.testing.assert_array_equal(x.grad, [3.0, 3.0])


def test_numpy_scalar_result_becomes_0d_tensor():
    class Total(Operation):
        def __call__(self, x):
            self.variables = (x,)
            return np.sum(x.data)  # a NumPy scalar

        def backward_var(self, grad, index, **kwargs):
            return np.broadcast_to(grad, self.variables[0].shape)

    x = mg.tensor([1.0, 2.0])
    out = execute_op(Total, x)
    assert isinstance(out, mg.Tensor) and out.shape == () and type(out.data) is np.ndarray
    out.backward()
    np.testing.assert_array_equal(x.grad, [1.0, 1.0])


def test_out_ndarray_is_passed_to_the_op():
    class MulOut(CustomMultiply):
        def __call__(self, x, y, out=None):
            self.variables = (x, y)
            return np.multiply(x.data, y.data, out=out)

    x = mg.tensor([1.0, 2.0])
    o = np.zeros(2)
    out = execute_op(MulOut, x, x, out=o)
    assert out.data is o
    np.testing.assert_array_equal(o, [1.0, 4.0])
    out.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])


def test_operation_base_defaults():
    op = CustomMultiply()
    assert op.where is True
    assert op.replay_args is None and op.replay_kwargs is None and op.replay_force_constant is None
    assert CustomMultiply.can_return_view is False


# ------------------------------------------------------------ bad gradients
@pytest.mark.parametrize("bad", [None, "grad", [1.0, 2.0], object(), True])
def test_invalid_gradient(bad):
    class Bad(Operation):
        def __call__(self, x):
            self.variables = (x,)
            return x.data * 2

        def backward_var(self, grad, index, **kwargs):
            return bad

    x = mg.tensor([1.0, 2.0])
    y = execute_op(Bad, x)
    with pytest.raises(InvalidGradient) as info:
        y.backward()
    assert "Bad" in str(info.value)
    assert isinstance(info.value, MyGradException)
    assert x.grad is None


@pytest.mark.parametrize("good", [lambda g: 2.0, lambda g: 2, lambda g: np.float32(2.0), lambda g: 2 * g],
                         ids=["float", "int", "numpy-scalar", "array-expr"])
def test_valid_gradient_types(good):
    class Good(Operation):
        def __call__(self, x):
            self.variables = (x,)
            return x.data * 2

        def backward_var(self, grad, index, **kwargs):
            return good(grad)

    x = mg.tensor(1.5)
    execute_op(Good, x).backward()
    assert type(x.grad) is np.ndarray and x.grad.dtype == x.dtype and x.grad.shape == ()
    assert x.grad == 2.0


def test_scalar_gradient_for_a_non_scalar_input_is_rejected():
    class Scalar(Operation):
        def __call__(self, x):
            self.variables = (x,)
            return x.data * 2

        def backward_var(self, grad, index, **kwargs):
            return 2.0

    x = mg.tensor([1.0, 2.0])
    with pytest.raises((InvalidGradient, ValueError)):
        execute_op(Scalar, x).backward()


def test_gradient_with_wrong_shape_is_rejected():
    class Wrong(Operation):
        def __call__(self, x):
            self.variables = (x,)
            return x.data * 2

        def backward_var(self, grad, index, **kwargs):
            return np.ones(5)

    x = mg.tensor([1.0, 2.0])
    with pytest.raises((InvalidGradient, ValueError)):
        execute_op(Wrong, x).backward()


def test_non_tensor_variables_are_rejected():
    class Sloppy(Operation):
        def __call__(self, x):
            self.variables = (x.data,)
            return x.data * 2

        def backward_var(self, grad, index, **kwargs):
            return grad

    with pytest.raises(MyGradException):
        execute_op(Sloppy, mg.tensor([1.0]))


# ----------------------------------------------------------- SkipGradient
class SkipSecond(CustomMultiply):
    def backward_var(self, grad, index, **kwargs):
        if index == 1:
            raise SkipGradient("delivered elsewhere")
        return super().backward_var(grad, index, **kwargs)


def test_skip_gradient_skips_that_input_only():
    x = mg.tensor([1.0, 2.0])
    y = mg.tensor([3.0, 4.0])
    f = execute_op(SkipSecond, x, y) + y  # y still gets the "+ y" part
    f.backward()
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])
    np.testing.assert_array_equal(y.grad, [1.0, 1.0])


def test_skip_gradient_for_a_leaf_leaves_its_grad_none():
    x = mg.tensor([1.0, 2.0])
    y = mg.tensor([3.0, 4.0])
    execute_op(SkipSecond, x, y).backward()
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])
    assert y.grad is None
    assert x.creator is None


def test_skip_gradient_for_every_consumer_of_an_intermediate_is_a_clear_error():
    x = mg.tensor([1.0, 2.0])
    h = x * 2.0
    out = execute_op(SkipSecond, mg.tensor([1.0, 1.0]), h)
    with pytest.raises(MyGradException):
        out.backward()


# ----------------------------------------------------------- argument errors
@pytest.mark.parametrize(
    "op",
    [lambda x: x, CustomMultiply(), int, "multiply", None],
    ids=["function", "instance", "non-op class", "string", "None"],
)
def test_execute_op_requires_an_operation_subclass(op):
    x = mg.tensor([1.0])
    with pytest.raises(TypeError):
        execute_op(op, x, x)


def test_execute_op_argument_errors():
    x = mg.tensor([1.0, 2.0])
    with pytest.raises(TypeError):
        execute_op(CustomMultiply, x)  # missing input
    with pytest.raises(TypeError):
        execute_op(CustomMultiply, x, x, x)  # one too many
    with pytest.raises(ValueError):
        execute_op(CustomMultiply, x, x, out=(np.zeros(2), np.zeros(2)))
    with pytest.raises(TypeError):
        execute_op(CustomMultiply, x, x, constant="yes")
    with pytest.raises(TypeError):
        execute_op(CustomMultiply, x, [1j, 2j])  # complex while tracking


def test_forward_error_releases_locks_and_graph():
    class Boom(Operation):
        def __call__(self, x, y):
            self.variables = (x, y)
            raise RuntimeError("forward failed")

        def backward_var(self, grad, index, **kwargs):  # pragma: no cover
            return grad

    x = mg.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError):
        execute_op(Boom, x, x)
    assert x.data.flags.writeable
    assert x.creator is None


def test_execute_op_in_no_autodiff():
    x = mg.tensor([1.0, 2.0])
    with mg.no_autodiff:
        out = custom_multiply(x, x)
    assert out.creator is None
    assert x.data.flags.writeable
    np.testing.assert_array_equal(out.data, [1.0, 4.0])


def test_memory_guard_locks_custom_op_inputs_until_backward():
    x = mg.tensor([1.0, 2.0])
    y = mg.tensor([3.0, 4.0])
    out = custom_multiply(x, y)
    with pytest.raises(ValueError):
        x.data[0] = 0.0
    with pytest.raises(ValueError):
        y.data[0] = 0.0
    out.backward()
    x.data[0] = 0.0
    y.data[0] = 0.0
