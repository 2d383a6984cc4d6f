"""The example plugin's own tests: what a third party writes for its plugin.

One conformance test per op (forward vs NumPy, gradients vs finite
differences, dtypes, constants, writes after the forward pass), plus tests
of each op's own behaviour."""

import numpy as np
import pytest

import mygrad as mg
from mygrad.testing import check_grad, check_plugin, plugin_ops


@pytest.mark.parametrize("op", plugin_ops("extra"))
def test_conformance(op):
    check_plugin("extra", ops=[op])


def test_the_plugin_registers_one_op_of_each_kind():
    assert sorted(plugin_ops("extra")) == ["ldexp", "logmeanexp", "running_max", "softplus"]


def test_ldexp_overrides_numpy_and_its_exponent_has_no_gradient():
    x, n = mg.tensor([[3.0], [-1.0]]), mg.tensor([1, -2, 0])
    z = np.ldexp(x, n)
    assert isinstance(z, mg.Tensor) and z.shape == (2, 3)
    np.testing.assert_array_equal(z.data, [[6.0, 0.75, 3.0], [-2.0, -0.25, -1.0]])
    z.backward()
    np.testing.assert_array_equal(x.grad, [[3.25], [3.25]])  # (2 + 1/4 + 1, broadcast axis summed)
    assert n.grad is None and n.constant


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_ldexp_keeps_the_float_dtype(dtype):
    x = mg.tensor([1.0, 2.0], dtype=dtype)
    z = mg.ldexp(x, np.array([3, -1]))
    assert z.dtype == x.dtype
    z.backward()
    assert x.grad.dtype == x.dtype
    np.testing.assert_array_equal(x.grad, [8.0, 0.5])


def test_ldexp_refuses_a_float_exponent_like_numpy():
    with pytest.raises(TypeError):
        np.ldexp(np.array([1.0]), np.array([1.5]))
    with pytest.raises(TypeError):
        np.ldexp(mg.tensor([1.0]), mg.tensor([1.5]))


def test_softplus_keyword():
    check_grad(lambda x: mg.softplus(x, beta=3.0), np.array([-1.0, 0.0, 2.0]))
    assert mg.softplus(mg.tensor([1.0], dtype="float32")).dtype == np.float32


def test_running_max_keeps_its_sources():
    x = mg.tensor([[1.0, 0.0, 4.0], [2.0, 5.0, 1.0]])
    y = mg.running_max(x, axis=1)
    np.testing.assert_array_equal(y.data, np.maximum.accumulate(x.data, axis=1))
    y.backward(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
    np.testing.assert_array_equal(x.grad, [[3.0, 0.0, 3.0], [4.0, 11.0, 0.0]])


@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_logmeanexp_is_stable_and_right(axis, keepdims):
    x = np.array([[1000.0, 1001.0, 999.0], [0.5, -1.0, 2.0]])
    got = mg.logmeanexp(mg.tensor(x), axis=axis, keepdims=keepdims)
    m = x.max(axis=axis, keepdims=True)
    expected = np.log(np.mean(np.exp(x - m), axis=axis, keepdims=True)) + m  # (shifted: no overflow)
    if not keepdims:
        expected = expected.reshape(()) if axis is None else np.squeeze(expected, axis=axis)
    np.testing.assert_allclose(got.data, expected)
    check_grad(lambda t: mg.logmeanexp(t, axis=axis, keepdims=keepdims), x / 1000)


def test_the_plugin_is_imported_on_first_use(tmp_path):
    import subprocess
    import sys

    code = ("import sys, mygrad as mg\n"
            "print('mygrad_ops_extra' in sys.modules)\n"
            "mg.softplus\n"
            "print('mygrad_ops_extra.functions' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["False", "True"], out.stderr
