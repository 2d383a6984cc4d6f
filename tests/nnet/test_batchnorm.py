"""batchnorm: forward against NumPy, gradients (x, gamma, beta; training and
inference), running statistics, dtypes, argument checks, 2.x calls and paths."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mygrad as mg
from mygrad.nnet.layers.batchnorm import batchnorm
from mygrad.testing import check_grad, check_op


def reference(x, gamma=None, beta=None, eps=1e-5, mean=None, var=None):
    axes = (0, *range(2, x.ndim))
    shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    if mean is None:
        mean, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
    else:
        mean, var = np.reshape(mean, shape), np.reshape(var, shape)
    y = (x - mean) / np.sqrt(var + eps)
    if gamma is not None:
        y = y * np.reshape(gamma, shape)
    if beta is not None:
        y = y + np.reshape(beta, shape)
    return y


@st.composite
def cases(draw):
    shape = (draw(st.integers(2, 4)), draw(st.integers(1, 3)), *draw(st.lists(st.integers(1, 3), max_size=2)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.normal(size=shape) * 2 + 1
    gamma = rng.normal(size=shape[1]) if draw(st.booleans()) else None
    beta = rng.normal(size=shape[1]) if draw(st.booleans()) else None
    return x, gamma, beta


@given(case=cases())
def test_forward_and_gradients(case):
    x, gamma, beta = case
    out = batchnorm(x, gamma=gamma, beta=beta, eps=1e-3)
    np.testing.assert_allclose(out.data, reference(x, gamma, beta, 1e-3), rtol=1e-10, atol=1e-12)
    params = [p for p in (gamma, beta) if p is not None]

    def f(x, *ps):
        kw = dict(zip([n for n, p in (("gamma", gamma), ("beta", beta)) if p is not None], ps))
        return batchnorm(x, eps=1e-3, **kw)

    check_grad(f, x, *params)


def test_conformance():
    check_op(mg.nnet.batchnorm)


def test_2x_call_unchanged():
    x = mg.tensor([[1.0, 10.0], [3.0, 30.0]])
    g, b = mg.tensor([2.0, 1.0]), mg.tensor([0.5, 0.0])
    out = batchnorm(x, gamma=g, beta=b, eps=0)
    np.testing.assert_allclose(out.data, [[-1.5, -1.0], [2.5, 1.0]])
    out.backward(np.array([[1.0, 2.0], [3.0, 4.0]]))
    np.testing.assert_allclose(g.grad, [-1 + 3, -2 + 4])
    np.testing.assert_allclose(b.grad, [4.0, 6.0])
    np.testing.assert_allclose(x.grad, np.zeros((2, 2)), atol=1e-12)  # two samples: the output is +-1 fixed


@pytest.mark.parametrize("as_tensor", [False, True])
def test_running_statistics_are_updated_in_place(as_tensor):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 3, 5)) * [[[1.0], [2.0], [3.0]]] + [[[0.0], [5.0], [-5.0]]]
    mean0, var0 = np.full(3, 0.5), np.full(3, 2.0)
    rm, rv = mean0.copy(), var0.copy()
    args = (mg.tensor(rm, constant=True), mg.tensor(rv, constant=True)) if as_tensor else (rm, rv)
    batchnorm(x, eps=1e-5, running_mean=args[0], running_var=args[1], momentum=0.25)
    got_mean, got_var = (np.asarray(a) for a in args)
    np.testing.assert_allclose(got_mean, 0.75 * mean0 + 0.25 * x.mean(axis=(0, 2)))
    np.testing.assert_allclose(got_var, 0.75 * var0 + 0.25 * x.var(axis=(0, 2), ddof=1))
    if not as_tensor:
        assert got_mean is rm and got_var is rv


def test_inference_mode_uses_running_statistics():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4, 2, 3))
    rm, rv = np.array([0.5, -1.0]), np.array([2.0, 0.5])
    gamma, beta = np.array([1.5, -2.0]), np.array([0.1, 0.2])
    out = batchnorm(x, gamma=gamma, beta=beta, eps=1e-5, running_mean=rm, running_var=rv, training=False)
    np.testing.assert_allclose(out.data, reference(x, gamma, beta, 1e-5, rm, rv))
    np.testing.assert_array_equal(rm, [0.5, -1.0])  # not updated
    check_grad(lambda x, g, b: batchnorm(x, gamma=g, beta=b, eps=1e-5, running_mean=rm, running_var=rv,
                                         training=False), x, gamma, beta)


def test_running_stats_stay_usable_while_a_graph_lives():
    rm, rv = np.zeros(2), np.ones(2)
    x = mg.tensor(np.arange(8.0).reshape(4, 2))
    y = batchnorm(x, eps=1e-5, running_mean=rm, running_var=rv, training=False)
    batchnorm(x, eps=1e-5, running_mean=rm, running_var=rv)  # updates while y's graph exists
    y.backward()
    assert x.grad is not None and rm.flags.writeable


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    x = mg.tensor(np.arange(12, dtype=dtype).reshape(3, 2, 2))
    g = mg.tensor(np.ones(2, dtype=dtype))
    out = batchnorm(x, gamma=g, eps=1e-5)
    assert out.dtype == dtype
    out.backward()
    assert x.grad.dtype == g.grad.dtype == dtype


def test_import_paths_and_attribute():
    import mygrad.nnet.layers as layers
    from mygrad.nnet import batchnorm as a
    from mygrad.nnet.layers import batchnorm as b

    assert a is b is batchnorm is layers.batchnorm  # the function, not its module


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(x=np.zeros(3)), ValueError, "at least 2 axes"),
        (dict(gamma=np.ones(3)), ValueError, "gamma"),
        (dict(beta=np.ones((2, 1))), ValueError, "beta"),
        (dict(eps="small"), TypeError, "eps"),
        (dict(momentum=2), ValueError, "momentum"),
        (dict(running_mean=np.zeros(2)), ValueError, "both"),
        (dict(training=False), ValueError, "running"),
        (dict(running_mean=np.zeros(3), running_var=np.ones(3)), ValueError, "shape"),
        (dict(running_mean=np.zeros(2, int), running_var=np.ones(2)), ValueError, "floating"),
        (dict(running_mean=[0.0, 0.0], running_var=np.ones(2)), TypeError, "ndarray"),
        (dict(running_mean=mg.tensor([0.0, 0.0]), running_var=np.ones(2)), ValueError, "constant"),
    ],
)
def test_validation(kwargs, error, match):
    kwargs = {"x": np.zeros((3, 2)), "eps": 1e-5, **kwargs}
    with pytest.raises(error, match=match):
        batchnorm(kwargs.pop("x"), **kwargs)


def test_eps_is_required():
    with pytest.raises(TypeError):
        batchnorm(np.zeros((3, 2)))


def test_running_tensor_used_by_a_live_graph_is_updated_correctly():
    rm, rv = mg.tensor(np.zeros(2), constant=True), mg.tensor(np.ones(2), constant=True)
    x = mg.tensor(np.arange(8.0).reshape(4, 2))
    y = (x * rm).sum()  # reads rm's values before the update
    batchnorm(x, eps=1e-5, running_mean=rm, running_var=rv, momentum=1.0)
    np.testing.assert_allclose(rm.data, [3.0, 4.0])
    y.backward()
    np.testing.assert_array_equal(x.grad, np.zeros((4, 2)))  # the old values of rm
