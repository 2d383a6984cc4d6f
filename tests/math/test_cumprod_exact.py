"""cumprod's gradient: exact (against rational arithmetic) with zeros,
negative zeros, subnormals, tiny and huge values, along any axis, wherever
the partial products it needs do not under- or overflow; ordinary
inputs (zeros included) and products that underflow for good take the O(n)
path, and only troubled slices the O(n log n) products-only path."""

from fractions import Fraction

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import mygrad as mg
from mygrad_ops_math import sequential

TRICKY = [0.0, -0.0, 5e-324, 1e-310, 1e-300, 1e-200, 1e150, 0.5, -2.0, 3.0, 1.5, -0.75]
HUGE = Fraction(10) ** 300


def exact_grad(row, seed):
    """``sum_{k >= i} g[k] prod_{j <= k, j != i} x[j]`` in rational arithmetic."""
    xs = [Fraction(float(v)) for v in row]
    gs = [Fraction(float(v)) for v in seed]
    out = []
    for i in range(len(xs)):
        total, prod = Fraction(0), Fraction(1)
        for k in range(len(xs)):
            if k != i:
                prod *= xs[k]
            if k >= i:
                total += gs[k] * prod
        out.append(total)
    return out


def products_representable(row):
    """Whether the product of every run of consecutive elements is 0, a
    normal float below 1e300, or exactly a (subnormal) float: then no partial
    product that the gradient needs under- or overflows, and it is exact."""
    xs = [Fraction(float(v)) for v in row]
    tiny = Fraction(float(np.finfo(np.float64).tiny))
    for i in range(len(xs)):
        p = Fraction(1)
        for v in xs[i:]:
            p *= v
            if not (p == 0 or tiny <= abs(p) < HUGE or (abs(p) < tiny and Fraction(float(p)) == p)):
                return False
    return True


@given(arr=hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=2, max_side=6),
                      elements=st.sampled_from(TRICKY)),
       data=st.data())
def test_gradient_is_exact(arr, data):
    axis = data.draw(st.sampled_from([None] + list(range(-arr.ndim, arr.ndim))), label="axis")
    # one row per slice, the accumulation axis last
    moved = arr.reshape(1, -1) if axis is None else np.moveaxis(arr, axis, -1)
    rows = moved.reshape(-1, moved.shape[-1])
    assume(all(products_representable(r) for r in rows))
    seed = data.draw(hnp.arrays(np.float64, np.cumprod(arr, axis=axis).shape,
                                elements=st.sampled_from([1.0, -0.5, 2.0, 0.0])), label="seed")
    seeds = seed.reshape(1, -1) if axis is None else np.moveaxis(seed, axis, -1)
    exact = [exact_grad(r, s) for r, s in zip(rows, seeds.reshape(rows.shape))]
    assume(all(abs(v) < HUGE for row in exact for v in row))
    x = mg.tensor(arr)
    with np.errstate(all="ignore"):
        out = mg.cumprod(x, axis=axis)  # (NumPy's forward pass warns about subnormals)
    with np.errstate(all="raise"):  # the backward pass warns about nothing
        out.backward(seed)
    expected = np.array([[float(v) for v in row] for row in exact]).reshape(moved.shape)
    expected = expected.reshape(arr.shape) if axis is None else np.moveaxis(expected, -1, axis)
    np.testing.assert_allclose(x.grad, expected, rtol=1e-12, atol=1e-320)


def test_ordinary_inputs_take_the_linear_path(monkeypatch):
    def refuse(*args):
        raise AssertionError("the O(n log n) path ran for an ordinary input")

    monkeypatch.setattr(sequential, "_by_doubling", refuse)
    rng = np.random.default_rng(1)
    arr = rng.uniform(-2, 2, size=(5, 300))
    arr[rng.random(arr.shape) < 0.02] = 0.0  # zeros in most rows
    arr[2, [3, 50]] = 0.0
    for axis in (None, 0, 1):
        x = mg.tensor(arr)
        mg.cumprod(x, axis=axis).backward()
        assert np.all(np.isfinite(x.grad))


def test_only_the_troubled_rows_take_the_exact_path(monkeypatch):
    calls = []
    doubling = sequential._by_doubling

    def spy(g, x):
        calls.append(x.shape)
        return doubling(g, x)

    monkeypatch.setattr(sequential, "_by_doubling", spy)
    arr = np.array([[1.0, 2.0, 3.0], [5e-324, 2.0, 3.0], [0.0, 2.0, 0.0]])
    x = mg.tensor(arr)
    mg.cumprod(x, axis=1).backward()
    assert calls == [(1, 3)]
    np.testing.assert_array_equal(x.grad, [[9.0, 4.0, 2.0], [9.0, 2e-323, 1e-323], [3.0, 0.0, 0.0]])


def test_products_that_underflow_for_good_stay_linear(monkeypatch):
    # long products of probabilities: everything after ~100 steps underflows,
    # which cannot change the gradients of the elements before
    rng = np.random.default_rng(2)
    arr = rng.uniform(0.01, 0.5, size=(3, 400))
    arr[1, 250] = 0.0
    seed = rng.uniform(-1, 1, size=arr.shape)
    expected = sequential._by_doubling(seed, arr)
    expected[1, 251:] = 0.0

    def refuse(*args):
        raise AssertionError("the O(n log n) path ran")

    monkeypatch.setattr(sequential, "_by_doubling", refuse)
    x = mg.tensor(arr)
    with np.errstate(under="ignore"):
        mg.cumprod(x, axis=1).backward(seed)
    np.testing.assert_allclose(x.grad, expected, rtol=1e-12, atol=1e-290)


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_low_precision_rows_that_underflow(dtype):
    # in float16, 1e-3 * 1e-3 underflows: the products-only path keeps the large terms
    arr = np.array([1e-3, 1e-3, 1e3, 1e3], dtype=dtype)
    x = mg.tensor(arr)
    out = mg.cumprod(x)
    out.backward()
    assert x.grad.dtype == dtype
    expected = np.array([float(v) for v in exact_grad(arr.astype(np.float64), np.ones(4))])
    big = np.abs(expected) > 1  # (what float16 can hold)
    np.testing.assert_allclose(x.grad[big], expected[big], rtol=2e-2)
