"""pad: every differentiable mode against NumPy's forward and finite
differences (pads wider than the array included), the forms of
``pad_width``, dtypes, and the modes/options that are refused."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mygrad as mg
from mygrad.testing import check_grad, check_op

MODES = ["constant", "edge", "reflect", "symmetric", "wrap", "linear_ramp"]


def test_conformance():
    check_op(mg.pad, max_examples=40)


@pytest.mark.parametrize("mode", MODES)
@given(data=st.data())
@settings(max_examples=8)
def test_wide_pads_against_finite_differences(mode, data):
    # pads up to three times the axis length: NumPy reflects/wraps repeatedly
    shape = tuple(data.draw(st.lists(st.integers(1, 3), min_size=1, max_size=2), label="shape"))
    widths = tuple(
        (data.draw(st.integers(0, 3 * n), label="before"), data.draw(st.integers(0, 3 * n), label="after"))
        for n in shape
    )
    a = np.arange(1., np.prod(shape) + 1).reshape(shape) / 3
    expected = np.pad(a, widths, mode)
    out = mg.pad(mg.tensor(a), widths, mode)
    np.testing.assert_allclose(out.data, expected)
    seed = np.linspace(-1, 2, expected.size).reshape(expected.shape)
    check_grad(lambda t: mg.pad(t, widths, mode), a, seed=seed)


def test_constant_pads_get_no_gradient_and_interior_is_passed_through():
    x = mg.tensor([[1., 2.], [3., 4.]])
    out = np.pad(x, ((1, 0), (0, 2)), constant_values=((7., 8.), (9., 10.)))
    np.testing.assert_array_equal(out.data, np.pad(x.data, ((1, 0), (0, 2)), constant_values=((7., 8.), (9., 10.))))
    out.backward(np.arange(12.).reshape(3, 4))
    np.testing.assert_array_equal(x.grad, [[4., 5.], [8., 9.]])


def test_empty_mode_keeps_the_interior():
    x = mg.tensor([1., 2.])
    out = mg.pad(x, 2, mode="empty")
    np.testing.assert_array_equal(out.data[2:4], [1., 2.])
    out.backward(np.arange(6.))
    np.testing.assert_array_equal(x.grad, [2., 3.])


def test_edge_and_linear_ramp_gradients():
    x = mg.tensor([1., 2., 3.])
    mg.pad(x, (2, 1), mode="edge").backward()
    np.testing.assert_array_equal(x.grad, [3., 1., 2.])
    # linear_ramp: the pads go from end_values to the edge value
    out = mg.pad(x, (2, 0), mode="linear_ramp", end_values=5.)
    np.testing.assert_allclose(out.data, np.pad(x.data, (2, 0), mode="linear_ramp", end_values=5.))
    out.backward()
    np.testing.assert_allclose(x.grad, [1.5, 1., 1.])  # pads 5 and (5 + 1) / 2: the edge is half of the second


@pytest.mark.parametrize("pad_width", [1, (1,), (1, 2), ((1, 2),), ((0, 1), (2, 0)), np.array([[1, 0], [0, 3]])])
def test_every_form_of_pad_width(pad_width):
    a = np.arange(6.).reshape(2, 3)
    out = np.pad(mg.tensor(a), pad_width, mode="reflect")
    np.testing.assert_array_equal(out.data, np.pad(a, pad_width, mode="reflect"))
    check_grad(lambda t: mg.pad(t, pad_width, mode="wrap"), a)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_dtype_is_kept(mode, dtype):
    x = mg.tensor(np.arange(4, dtype=dtype).reshape(2, 2))
    out = mg.pad(x, 1, mode=mode)
    assert out.dtype == np.pad(x.data, 1, mode=mode).dtype == dtype
    out.backward()
    assert x.grad.dtype == dtype


def test_a_zero_dimensional_tensor_is_not_padded():
    x = mg.tensor(2.)
    out = mg.pad(x, 3)
    np.testing.assert_array_equal(out.data, np.pad(x.data, 3))
    out.backward()
    assert x.grad == 1.


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda: mg.pad(mg.ones(2), 1, mode="mean"), NotImplementedError),
        (lambda: mg.pad(mg.ones(2), 1, mode=lambda v, w, i, k: None), NotImplementedError),
        (lambda: mg.pad(mg.ones(2), 1, mode="reflect", reflect_type="odd"), NotImplementedError),
        (lambda: mg.pad(mg.ones(2), 1, mode="bogus"), ValueError),
        (lambda: mg.pad(mg.ones(2), -1), ValueError),
        (lambda: mg.pad(mg.ones(2), 1.5), TypeError),
        (lambda: mg.pad(mg.ones(2), ((1, 2), (3, 4), (5, 6))), ValueError),
        (lambda: mg.pad(mg.ones(2), 1, mode="edge", constant_values=3.), ValueError),
        (lambda: mg.pad(mg.ones((0, 2)), 1, mode="wrap"), ValueError),
    ],
)
def test_numpys_errors_and_refused_modes(call, error):
    with pytest.raises(error):
        call()
