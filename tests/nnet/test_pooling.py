"""max_pool and avg_pool: forward against loops, gradient conventions, dtypes,
argument checks, 2.x import paths."""

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mygrad as mg
from mygrad.nnet.layers.pooling import avg_pool, max_pool
from mygrad.testing import check_grad, check_op


def loop_pool(x, pool, stride, padding, reduce):
    """One window at a time; padding with -inf (max) or 0 (mean)."""
    k = len(pool)
    fill = -np.inf if reduce is np.max else 0.0
    xp = np.pad(x.astype(np.float64), [(0, 0)] * (x.ndim - k) + [(p, p) for p in padding], constant_values=fill)
    grid = [(n - w) // s + 1 for n, w, s in zip(xp.shape[x.ndim - k:], pool, stride)]
    out = np.empty(x.shape[: x.ndim - k] + tuple(grid))
    for pos in itertools.product(*map(range, grid)):
        window = xp[(..., *(slice(p * s, p * s + w) for p, s, w in zip(pos, stride, pool)))]
        out[(..., *pos)] = reduce(window.reshape(window.shape[: x.ndim - k] + (-1,)), axis=-1)
    return out


@st.composite
def pool_cases(draw, max_k=3, max_grid=3):
    lead = tuple(draw(st.lists(st.integers(1, 2), max_size=2)))
    k = draw(st.integers(1, max_k))
    pool, stride, padding, spatial = [], [], [], []
    for _ in range(k):
        w, s = draw(st.integers(1, 3)), draw(st.integers(1, 3))
        p = draw(st.integers(0, w - 1))
        g = draw(st.integers(1, max_grid))
        n = w + (g - 1) * s - 2 * p
        if n < 1:
            p, n = 0, w + (g - 1) * s
        pool.append(w), stride.append(s), padding.append(p), spatial.append(n)
    x = np.random.default_rng(draw(st.integers(0, 2**32 - 1))).permutation(
        np.arange(int(np.prod(lead + tuple(spatial))), dtype=np.float64)).reshape(lead + tuple(spatial))
    return x, tuple(pool), tuple(stride), tuple(padding)


@given(case=pool_cases())
def test_forward_matches_a_loop(case):
    x, pool, stride, padding = case
    np.testing.assert_array_equal(max_pool(x, pool, stride, padding=padding).data,
                                  loop_pool(x, pool, stride, padding, np.max))
    np.testing.assert_allclose(avg_pool(x, pool, stride, padding=padding).data,
                               loop_pool(x, pool, stride, padding, np.mean), rtol=1e-12)


@given(case=pool_cases(max_k=2, max_grid=2))
def test_gradients_against_finite_differences(case):
    x, pool, stride, padding = case  # (distinct values: max is differentiable)
    check_grad(lambda t: max_pool(t, pool, stride, padding=padding), x / x.size)
    check_grad(lambda t: avg_pool(t, pool, stride, padding=padding), x / x.size)


@pytest.mark.parametrize("name", ["max_pool", "avg_pool"])
def test_conformance(name):
    check_op(getattr(mg.nnet, name))


def test_max_pool_gradient_goes_to_the_first_maximum_and_overlaps_add():
    x = mg.tensor([[3.0, 3.0, 1.0, 3.0]])
    out = max_pool(x, (2,), 1)  # windows [3, 3], [3, 1], [1, 3]
    np.testing.assert_array_equal(out.data, [[3.0, 3.0, 3.0]])
    out.backward(np.array([[1.0, 10.0, 100.0]]))
    np.testing.assert_array_equal(x.grad, [[1.0, 10.0, 0.0, 100.0]])

    y = mg.tensor(np.ones((2, 2)))
    max_pool(y, (2, 2), 1).backward()
    np.testing.assert_array_equal(y.grad, [[1.0, 0.0], [0.0, 0.0]])


def test_max_pool_padding_never_wins():
    x = mg.tensor([[-5.0, -7.0, -1.0, -9.0]])
    out = max_pool(x, (2,), 2, padding=1)  # windows [pad, -5], [-7, -1], [-9, pad]
    np.testing.assert_array_equal(out.data, [[-5.0, -1.0, -9.0]])
    out.backward()
    np.testing.assert_array_equal(x.grad, [[1.0, 0.0, 1.0, 1.0]])


def test_max_pool_nan_like_numpy():
    x = mg.tensor([[1.0, np.nan, 3.0, np.nan, 0.0]])
    out = max_pool(x, (2,), 1)
    assert out.shape == (1, 4) and np.isnan(out.data).all()
    out.backward()
    np.testing.assert_array_equal(x.grad, [[0.0, 2.0, 0.0, 2.0, 0.0]])  # the first NaN of each window


def test_avg_pool_counts_padding():
    x = mg.tensor([[2.0, 4.0]])
    out = avg_pool(x, (2,), 2, padding=1)  # windows [0, 2], [4, 0]
    np.testing.assert_array_equal(out.data, [[1.0, 2.0]])
    out.backward()
    np.testing.assert_array_equal(x.grad, [[0.5, 0.5]])


def test_leading_axes_are_kept():
    x = np.arange(2 * 3 * 4 * 4.0).reshape(2, 3, 4, 4)
    assert max_pool(x, (2, 2), 2).shape == (2, 3, 2, 2)
    assert max_pool(x, (2,), 2).shape == (2, 3, 4, 2)
    assert avg_pool(x, [3, 3, 3], 1).shape == (2, 1, 2, 2)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    for f in (max_pool, avg_pool):
        x = mg.tensor(np.arange(16, dtype=dtype).reshape(1, 4, 4))
        out = f(x, (2, 2), 2, padding=1)
        assert out.dtype == dtype
        out.backward()
        assert x.grad.dtype == dtype


def test_integer_inputs():
    x = np.arange(6).reshape(2, 3)
    m = max_pool(x, (2,), 1, padding=1)
    assert m.dtype == x.dtype and m.constant
    np.testing.assert_array_equal(m.data, [[0, 1, 2, 2], [3, 4, 5, 5]])
    a = avg_pool(x, (3,), 1)
    assert a.dtype == np.float64
    np.testing.assert_array_equal(a.data, [[1.0], [4.0]])


def test_import_paths():
    from mygrad.nnet import avg_pool as a, max_pool as m
    from mygrad.nnet.layers import max_pool as m2

    assert m is m2 is max_pool is mg.nnet.layers.max_pool and a is avg_pool


@pytest.mark.parametrize("f", [max_pool, avg_pool])
@pytest.mark.parametrize(
    "pool, stride, kwargs, error, match",
    [
        (2, 1, {}, TypeError, "sequence"),
        ((2.0,), 1, {}, TypeError, "integers"),
        ((), 1, {}, ValueError, "at least one"),
        ((0,), 1, {}, ValueError, "pool"),
        ((2, 2, 2, 2), 1, {}, ValueError, "pools 4 axes"),
        ((2,), 0, {}, ValueError, "stride"),
        ((2,), (1, 1), {}, ValueError, "stride"),
        ((2,), 1.5, {}, TypeError, "stride"),
        ((2,), 1, {"padding": 2}, ValueError, "smaller than the pool"),
        ((2,), 1, {"padding": -1}, ValueError, "padding"),
        ((3,), 2, {}, ValueError, r"input \(4,\), pool \(3,\), stride \(2,\)"),
        ((5,), 1, {}, ValueError, "positive integer"),
    ],
)
def test_validation(f, pool, stride, kwargs, error, match):
    with pytest.raises(error, match=match):
        f(mg.tensor(np.zeros((2, 3, 4))), pool, stride, **kwargs)
