"""Argument handling that follows MyGrad 2.x (spec 7): the error types of
margin_ranking_loss's ``margin`` and the focal losses' ``gamma``, a single-value
``y``, gru's ``s0`` (its type, ``constant=True``, its dtype), ``dirac`` with an
integer dtype. (``sliding_window_view``'s error types: test_sliding_window.py.)"""

import numpy as np
import pytest

import mygrad as mg
from mygrad.nnet import initializers as I
from mygrad.nnet import losses as L
from mygrad.nnet.layers.gru import gru


# ------------------------------------------------------------------ losses
@pytest.mark.parametrize("margin", ["1", None, [0.5, 0.5], -0.5])
def test_margin_that_is_not_a_nonnegative_real_is_a_value_error(margin):
    a = mg.tensor([1.0, 2.0])
    with pytest.raises(ValueError, match="margin"):
        L.margin_ranking_loss(a, a, 1, margin)
    assert a.grad is None


@pytest.mark.parametrize("y", [np.array([-1]), np.array([[-1.0]]), mg.tensor([-1])])
def test_a_single_y_counts_as_a_scalar(y):
    x1, x2 = np.array([[1.0, 2.0], [3.0, 0.5], [0.0, 0.0]]), np.array([[2.0, 2.0], [0.0, 1.0], [0.2, -0.1]])
    t1, t2 = mg.tensor(x1), mg.tensor(x2)
    loss = L.margin_ranking_loss(t1, t2, y, 0.5)
    expected = np.mean(np.maximum(0, 0.5 + (x1 - x2)))
    np.testing.assert_allclose(loss.data, expected)
    loss.backward()
    active = (0.5 + (x1 - x2) > 0) / x1.size
    np.testing.assert_allclose(t1.grad, active)
    np.testing.assert_allclose(t2.grad, -active)


@pytest.mark.parametrize("name", ["focal_loss", "softmax_focal_loss"])
@pytest.mark.parametrize("gamma", ["2", None, [1.0, 2.0], -1, -0.5])
def test_gamma_that_is_not_a_nonnegative_real_is_a_value_error(name, gamma):
    x = mg.tensor([[0.2, 0.8], [0.5, 0.5]])
    with pytest.raises(ValueError, match="gamma"):
        getattr(L, name)(x, np.array([1, 0]), gamma=gamma)
    assert x.grad is None


# --------------------------------------------------------------------- gru
def _gru_inputs(dtype=np.float64, T=3, N=2, C=3, D=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(T, N, C)).astype(dtype)
    params = [(0.5 * rng.normal(size=s)).astype(dtype) for s in [(C, D), (D, D), (D,)] * 3]
    return X, params, rng.normal(size=(N, D))


@pytest.mark.parametrize("s0", [[[0.0] * 4] * 2, ((0.0,) * 4,) * 2, 0.0])
def test_gru_s0_must_be_an_array_or_a_constant_tensor(s0):
    X, params, _ = _gru_inputs()
    with pytest.raises(ValueError, match="s0"):
        gru(X, *params, s0=s0)


def test_gru_accepts_a_non_constant_s0_for_a_constant_result():
    X, params, s0 = _gru_inputs()
    with pytest.raises(ValueError, match="constant"):
        gru(X, *params, s0=mg.tensor(s0))
    out = gru(X, *map(mg.tensor, params), s0=mg.tensor(s0), constant=True)
    assert out.constant
    np.testing.assert_array_equal(out.data, gru(X, *params, s0=s0).data)


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_gru_s0_does_not_upcast_the_layer(dtype):
    # a float64 s0 (e.g. np.zeros((N, D))) is cast to the layer's dtype
    X, params, s0 = _gru_inputs(dtype)
    tensors = [mg.tensor(a) for a in (X, *params)]
    out = gru(*tensors, s0=s0)
    assert out.dtype == dtype
    np.testing.assert_array_equal(out.data[0], s0.astype(dtype))
    expected = gru(*(a.astype(np.float64) for a in (X, *params)), s0=s0)
    np.testing.assert_allclose(out.data, expected.data, rtol=1e-2 if dtype == np.float16 else 1e-5, atol=1e-3)
    seed = np.ones(out.shape, dtype=dtype)
    out.backward(seed)
    np.testing.assert_array_equal(seed, 1)
    for t in tensors:
        assert t.grad.dtype == dtype and t.grad.shape == t.shape
    # float64 weights still give float64, whatever s0's dtype
    X, params, s0 = _gru_inputs(np.float64)
    assert gru(X, *params, s0=s0.astype(np.float32)).dtype == np.float64


# ------------------------------------------------------------ initializers
@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.float64])
def test_dirac_takes_any_dtype(dtype):
    d = I.dirac(3, 2, 3, dtype=dtype)
    assert d.dtype == dtype
    assert d.constant == (np.dtype(dtype).kind != "f")  # integer tensors are constant
    expected = np.zeros((3, 2, 3), dtype=dtype)
    expected[[0, 1], [0, 1], 1] = 1
    np.testing.assert_array_equal(d.data, expected)
