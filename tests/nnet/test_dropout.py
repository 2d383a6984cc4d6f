"""dropout: inverted scaling, masks and their gradient, random sources, argument checks."""

import numpy as np
import pytest

import mygrad as mg
from mygrad.nnet import dropout
from mygrad.testing import check_grad, check_op


def test_conformance():
    check_op(mg.nnet.dropout)


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_drop_rate_and_scale(p):
    x = mg.tensor(np.full((200, 200), 3.0, dtype=np.float32))
    out = dropout(x, p, rng=np.random.default_rng(0))
    kept = out.data != 0
    assert abs(1 - kept.mean() - p) < 0.01
    np.testing.assert_allclose(out.data[kept], 3.0 / (1 - p), rtol=1e-6)
    assert out.dtype == np.float32
    out.backward()
    np.testing.assert_allclose(x.grad, np.where(kept, 1 / (1 - p), 0), rtol=1e-6)
    assert x.grad.dtype == np.float32


def test_gradient_against_finite_differences():
    x = np.random.default_rng(1).normal(size=(3, 4))
    check_grad(lambda t: dropout(t, 0.3, rng=5), x)


def test_random_sources():
    x = np.ones((4, 5))
    a = dropout(x, rng=7).data
    np.testing.assert_array_equal(a, dropout(x, rng=np.random.default_rng(7)).data)
    np.testing.assert_array_equal(a, (np.random.default_rng(7).random((4, 5)) >= 0.5) * 2.0)
    state = np.random.get_state()
    try:
        np.random.seed(3)
        b = dropout(x).data
        np.random.seed(3)
        np.testing.assert_array_equal(b, dropout(x).data)  # NumPy's global random state
        np.random.seed(3)
        np.testing.assert_array_equal(b, dropout(x, rng=np.random.RandomState(3)).data)
    finally:
        np.random.set_state(state)


def test_not_training_and_edge_probabilities():
    x = mg.tensor([1.0, 2.0, 3.0])
    y = dropout(x, 0.9, training=False)
    assert y is not x
    np.testing.assert_array_equal(y.data, x.data)
    np.testing.assert_array_equal(dropout(x, 0.0, rng=1).data, x.data)
    z = dropout(x, 1.0, rng=1)
    np.testing.assert_array_equal(z.data, [0.0, 0.0, 0.0])
    z.backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.0])


def test_integer_input_and_constant():
    out = dropout(np.arange(4), 0.5, rng=0)
    assert out.dtype == np.float64 and out.constant
    assert dropout(mg.tensor([1.0, 2.0]), rng=0, constant=True).constant


def test_import_paths():
    from mygrad.nnet.layers import dropout as d

    assert d is dropout is mg.nnet.dropout


@pytest.mark.parametrize(
    "kwargs, error",
    [(dict(p=1.5), ValueError), (dict(p=-0.1), ValueError), (dict(p="half"), TypeError),
     (dict(p=True), TypeError), (dict(rng="seed"), TypeError), (dict(rng=1.5), TypeError)],
)
def test_validation(kwargs, error):
    with pytest.raises(error):
        dropout(np.ones(3), **kwargs)
