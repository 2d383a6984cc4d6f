"""mygrad.nnet.activations: forward values against NumPy formulas written
here, gradients against finite differences (the conformance check per op),
dtypes, conventions at the kinks, and argument validation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mygrad as mg
from mygrad.testing import check_grad, check_op
from mygrad.plugin import Domain
from mygrad.testing import strategies as mst

ACT = mg.nnet.activations

NAMES = [
    "elu", "glu", "hard_tanh", "leaky_relu", "logsoftmax", "relu", "selu", "sigmoid", "softmax", "soft_sign",
    "tanh", "gelu", "softplus", "silu", "swish", "log_sigmoid",
]


def _phi(x):
    """The standard normal CDF, from the standard library's erfc."""
    return 0.5 * np.vectorize(math.erfc, otypes=[np.float64])(-np.asarray(x, dtype=np.float64) / math.sqrt(2))


def _softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


# name -> (call on a tensor, float64 NumPy formula)
REFERENCES = {
    "relu": (lambda t: ACT.relu(t), lambda x: np.where(x > 0, x, 0.0)),
    "leaky_relu": (lambda t: ACT.leaky_relu(t, 0.2), lambda x: np.where(x > 0, x, 0.2 * x)),
    "elu": (lambda t: ACT.elu(t, 0.7), lambda x: np.where(x > 0, x, 0.7 * (np.exp(x) - 1))),
    "selu": (lambda t: ACT.selu(t),
             lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * (np.exp(x) - 1))),
    "sigmoid": (lambda t: ACT.sigmoid(t), lambda x: 1 / (1 + np.exp(-x))),
    "log_sigmoid": (lambda t: ACT.log_sigmoid(t), lambda x: -np.log1p(np.exp(-x))),
    "softplus": (lambda t: ACT.softplus(t), lambda x: np.log1p(np.exp(x))),
    "softplus_beta": (lambda t: ACT.softplus(t, beta=3), lambda x: np.log1p(np.exp(3 * x)) / 3),
    "silu": (lambda t: ACT.silu(t), lambda x: x / (1 + np.exp(-x))),
    "swish": (lambda t: ACT.swish(t), lambda x: x / (1 + np.exp(-x))),
    "gelu": (lambda t: ACT.gelu(t), lambda x: x * _phi(x)),
    "gelu_tanh": (lambda t: ACT.gelu(t, approximate="tanh"),
                  lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))),
    "soft_sign": (lambda t: ACT.soft_sign(t), lambda x: x / (1 + np.abs(x))),
    "hard_tanh": (lambda t: ACT.hard_tanh(t, lower_bound=-0.5, upper_bound=2), lambda x: np.clip(x, -0.5, 2)),
    "tanh": (lambda t: ACT.tanh(t), np.tanh),
    "softmax": (lambda t: ACT.softmax(t), _softmax),
    "softmax_axis0": (lambda t: ACT.softmax(t, axis=0), lambda x: _softmax(x, 0)),
    "logsoftmax": (lambda t: ACT.logsoftmax(t), lambda x: np.log(_softmax(x))),
}


@pytest.mark.parametrize("name", sorted({n if n != "swish" else "silu" for n in NAMES}))
def test_conformance(name):
    """Gradients vs finite differences (all inputs, drawn constant flags, in-place
    writes after the forward pass) and the forward vs the op's reference."""
    check_op(getattr(ACT, name))


@pytest.mark.parametrize("name", sorted(REFERENCES))
@given(x=mst.arrays(mst.shapes(min_dims=1), np.float64, Domain(-8, 8)), dtype=mst.float_dtypes())
def test_forward_matches_numpy_and_keeps_the_dtype(name, x, dtype):
    call, ref = REFERENCES[name]
    typed = x.astype(dtype)
    out = call(mg.tensor(typed))
    assert isinstance(out, mg.Tensor)
    assert out.dtype == dtype  # float16/float32 in, the same out (no upcast)
    tol = {np.float16: 2e-2, np.float32: 2e-5, np.float64: 1e-10}[dtype.type]
    with np.errstate(all="ignore"):
        expected = ref(typed.astype(np.float64))
    np.testing.assert_allclose(out.data, expected, rtol=tol, atol=tol)


@pytest.mark.parametrize("name", ["relu", "leaky_relu", "hard_tanh", "soft_sign", "sigmoid", "softmax"])
def test_works_on_ndarrays_lists_and_under_no_autodiff(name):
    call, ref = REFERENCES[name]
    x = np.array([[-1.5, 0.25, 3.0]])
    expected = ref(x)
    np.testing.assert_allclose(call(x).data, expected)
    np.testing.assert_allclose(call(x.tolist()).data, expected)
    with mg.no_autodiff:
        np.testing.assert_allclose(np.asarray(call(x)), expected)


def test_every_name_is_published_in_both_namespaces():
    from mygrad.nnet import activations

    for name in NAMES:
        assert getattr(activations, name) is getattr(mg.nnet, name), name
    ns = {}
    exec("from mygrad.nnet.activations import *", ns)
    assert set(NAMES) <= set(ns)


def test_softplus_is_not_published_at_the_top_level_by_this_pack():
    from mygrad.plugins import plugins

    ops = {p.name: p for p in plugins()}["nnet"].ops
    assert "softplus" in ops["mygrad.nnet.activations"]
    assert "softplus" not in ops.get("mygrad", [])  # (the example plugin mygrad-ops-extra publishes mygrad.softplus)


def test_tanh_is_the_math_packs_tanh():
    x = mg.tensor([-1.0, 0.5, 2.0])
    y = ACT.tanh(x)
    np.testing.assert_array_equal(y.data, mg.tanh(x).data)
    y.backward()
    np.testing.assert_allclose(x.grad, 1 - np.tanh(x.data) ** 2)
    out = mg.zeros(3, dtype=np.float64)
    ACT.tanh(np.array([0.0, 1.0, 2.0]), out=out)  # ufunc keywords pass through
    np.testing.assert_allclose(out.data, np.tanh([0.0, 1.0, 2.0]))


# ------------------------------------------------------------ conventions
def _grad(f, x):
    t = mg.tensor(x)
    f(t).backward()
    return t.grad


def test_relu_and_leaky_relu_gradients_at_zero():
    x = np.array([-1.0, 0.0, 1.0])
    np.testing.assert_array_equal(_grad(ACT.relu, x), [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(_grad(lambda t: ACT.leaky_relu(t, 0.25), x), [0.25, 0.25, 1.0])
    # leaky_relu with slope 0 is relu, gradient included
    np.testing.assert_array_equal(_grad(lambda t: ACT.leaky_relu(t, 0), x), _grad(ACT.relu, x))


def test_hard_tanh_gradient_is_zero_at_and_outside_the_bounds():
    x = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    np.testing.assert_array_equal(_grad(ACT.hard_tanh, x), [0, 0, 1, 0, 0])


def test_elu_and_selu_left_derivative_at_zero():
    np.testing.assert_allclose(_grad(lambda t: ACT.elu(t, 0.5), np.array([0.0])), [0.5])
    np.testing.assert_allclose(_grad(ACT.selu, np.array([0.0])), [1.0507009873554805 * 1.6732632423543772])


def test_relu_of_integers_stays_integer_and_constant():
    out = ACT.relu(mg.tensor([-2, 0, 3]))
    assert out.dtype == np.int64 and out.constant
    np.testing.assert_array_equal(out.data, [0, 0, 3])


@pytest.mark.parametrize("name", ["softmax", "logsoftmax", "sigmoid", "soft_sign", "gelu", "silu"])
def test_integer_input_gives_float64(name):
    out = getattr(ACT, name)(np.array([[1, 2, 3]]))
    assert out.dtype == np.float64


def test_stable_for_huge_inputs():
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # (underflow to 0 is fine)
        big = np.array([[1000.0, -1000.0, 0.0]])
        np.testing.assert_allclose(ACT.softmax(big).data, [[1.0, 0.0, 0.0]])
        np.testing.assert_allclose(ACT.logsoftmax(big).data, [[0.0, -2000.0, -1000.0]])
        np.testing.assert_allclose(ACT.sigmoid(big).data, [[1.0, 0.0, 0.5]])
        np.testing.assert_allclose(ACT.log_sigmoid(big).data, [[0.0, -1000.0, -np.log(2)]])
        np.testing.assert_allclose(ACT.softplus(big).data, [[1000.0, 0.0, np.log(2)]])
    x = mg.tensor(big)
    ACT.logsoftmax(x).sum().backward()
    assert np.isfinite(x.grad).all()


def test_softmax_axis_variants_and_edge_shapes():
    x = np.arange(12.0).reshape(2, 3, 2)
    for axis in (None, 0, 1, -1, (0, 2)):
        np.testing.assert_allclose(ACT.softmax(x, axis=axis).data, _softmax(x, axis), err_msg=str(axis))
        np.testing.assert_allclose(ACT.logsoftmax(x, axis=axis).data, np.log(_softmax(x, axis)), err_msg=str(axis))
    assert ACT.softmax(mg.tensor(3.0)).item() == 1.0  # 0-d: ones
    assert ACT.softmax(np.zeros((0, 3))).shape == (0, 3)
    assert ACT.softmax(np.zeros((3, 0))).shape == (3, 0)
    check_grad(lambda t: ACT.softmax(t, axis=(0, 1)), np.random.default_rng(0).normal(size=(2, 3)),
               seed=np.arange(6.0).reshape(2, 3))


def test_gelu_erf_is_accurate_over_a_wide_range():
    x = np.linspace(-12, 9, 4001)
    exact = x * _phi(x)
    np.testing.assert_allclose(ACT.gelu(x).data, exact, rtol=1e-12, atol=0)  # relative, also in the tail
    got32 = ACT.gelu(x.astype(np.float32)).data
    assert got32.dtype == np.float32
    np.testing.assert_allclose(got32, exact, rtol=2e-5, atol=1e-30)
    special = ACT.gelu(np.array([np.inf, -1e300, np.nan])).data
    np.testing.assert_array_equal(special[:2], [np.inf, 0.0])
    assert np.isnan(special[2])


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_gradient_at_large_and_small_values(approximate):
    check_grad(lambda t: ACT.gelu(t, approximate=approximate), np.array([-7.0, -2.6, -0.3, 0.0, 1e-3, 2.4, 6.0]))


def test_glu_splits_along_an_axis():
    x = np.arange(12.0).reshape(4, 3) / 4
    out = ACT.glu(x, axis=0)
    np.testing.assert_allclose(out.data, x[:2] / (1 + np.exp(-x[2:])))
    check_grad(lambda t: ACT.glu(t, axis=0), x)
    check_grad(lambda t: ACT.glu(t, 1), np.random.default_rng(1).normal(size=(2, 4)))


# ------------------------------------------------------------- validation
@pytest.mark.parametrize("bad", ["0.1", [0.1], np.array([0.1, 0.2]), 1j, None, True])
def test_leaky_relu_slope_must_be_a_real_number(bad):
    with pytest.raises(TypeError, match="slope"):
        ACT.leaky_relu(mg.tensor([1.0, -1.0]), bad)


@pytest.mark.parametrize("slope", [np.array(0.5), mg.tensor(0.5), np.float32(0.5), 1])
def test_leaky_relu_accepts_0d_arrays_tensors_and_numpy_scalars(slope):
    x = mg.tensor(np.array([-2.0, 2.0], dtype=np.float32))
    out = ACT.leaky_relu(x, slope)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, [-2.0 * float(slope), 2.0])
    out.backward()
    np.testing.assert_allclose(x.grad, [float(slope), 1.0])


def test_other_argument_errors():
    x = mg.tensor([[1.0, 2.0, 3.0]])
    with pytest.raises(TypeError, match="alpha"):
        ACT.elu(x, "1")
    with pytest.raises(TypeError):
        ACT.elu(x)  # alpha is required
    with pytest.raises(ValueError, match="lower_bound <= upper_bound"):
        ACT.hard_tanh(x, lower_bound=2, upper_bound=1)
    with pytest.raises(TypeError, match="upper_bound"):
        ACT.hard_tanh(x, upper_bound=[1, 2])
    with pytest.raises(TypeError, match="axis"):
        ACT.glu(x, axis=1.0)
    with pytest.raises(ValueError, match="even"):
        ACT.glu(x)
    with pytest.raises(np.exceptions.AxisError):
        ACT.glu(x, axis=2)
    with pytest.raises(ValueError, match="approximate"):
        ACT.gelu(x, approximate="fast")
    with pytest.raises(ValueError, match="beta"):
        ACT.softplus(x, beta=0)


@given(st.sampled_from(["relu", "sigmoid", "gelu", "softmax"]), st.booleans())
def test_constant_flag(name, constant):
    x = mg.tensor([0.5, -1.0])
    out = getattr(ACT, name)(x, constant=constant)
    assert out.constant is constant
