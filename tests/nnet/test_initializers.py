"""mygrad.nnet.initializers: shapes, dtypes, the distributions' statistics
(bounds, std for large draws), the two fixed formulas, rng handling and
validation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mygrad as mg

I = mg.nnet.initializers

RANDOM = ["uniform", "normal", "glorot_uniform", "glorot_normal", "he_normal", "he_uniform"]
FAN_BASED = ["glorot_uniform", "glorot_normal", "he_normal", "he_uniform"]
NAMES = [*RANDOM, "constant", "dirac", "identity"]


def test_published_in_the_initializers_namespace():
    from mygrad.nnet import initializers

    for name in NAMES:
        assert callable(getattr(initializers, name))
    assert initializers.identity is mg.identity


@pytest.mark.parametrize("name", [*RANDOM, "dirac"])
@given(shape=st.lists(st.integers(1, 4), min_size=2, max_size=4).map(tuple))
def test_shape_as_ints_or_one_tuple_and_float32_default(name, shape):
    f = getattr(I, name)
    a, b = f(*shape), f(shape)
    assert isinstance(a, mg.Tensor) and a.shape == b.shape == shape
    assert a.dtype == np.float32 and not a.constant
    assert f(list(shape), dtype=np.float64).dtype == np.float64
    assert f(*shape, constant=True).constant


@pytest.mark.parametrize("name", ["uniform", "normal", "constant"])
def test_any_number_of_dimensions_where_no_fans_are_needed(name):
    f = getattr(I, name)
    assert f().shape == ()
    assert f(5).shape == (5,)
    assert f((2, 0, 3)).shape == (2, 0, 3)


@pytest.mark.parametrize("name", [*FAN_BASED, "dirac"])
def test_fan_based_need_two_dimensions_a_bare_int_errs_like_a_short_tuple(name):
    f = getattr(I, name)
    with pytest.raises(ValueError) as bare:
        f(5)
    with pytest.raises(ValueError) as short:
        f((5,))
    assert str(bare.value) == str(short.value) and "at least 2 dimensions" in str(bare.value)
    with pytest.raises(ValueError):
        f()


@pytest.mark.parametrize("name", RANDOM)
def test_rng_reproducibility(name):
    f = getattr(I, name)
    a, b = f(30, 20, rng=7), f(30, 20, rng=7)
    np.testing.assert_array_equal(a.data, b.data)
    assert not np.array_equal(a.data, f(30, 20, rng=8).data)
    g1, g2 = np.random.default_rng(3), np.random.default_rng(3)
    np.testing.assert_array_equal(f(30, 20, rng=g1).data, f(30, 20, rng=g2).data)
    np.testing.assert_array_equal(f(30, 20, rng=np.random.RandomState(1)).data,
                                  f(30, 20, rng=np.random.RandomState(1)).data)
    # rng=None: NumPy's global random state, as in MyGrad 2.x
    np.random.seed(11)
    first = f(30, 20).data
    np.random.seed(11)
    np.testing.assert_array_equal(first, f(30, 20).data)


def test_uniform_and_normal_statistics():
    u = I.uniform(200, 500, lower_bound=-2, upper_bound=3, rng=0).data
    assert u.min() >= -2 and u.max() <= 3
    np.testing.assert_allclose([u.mean(), u.std()], [0.5, 5 / np.sqrt(12)], rtol=0.02)
    n = I.normal(200, 500, mean=1.5, std=0.25, dtype=np.float64, rng=0).data
    np.testing.assert_allclose([n.mean(), n.std()], [1.5, 0.25], rtol=0.01)


def _fans(shape):
    receptive = int(np.prod(shape[2:]))
    return shape[1] * receptive, shape[0] * receptive


@pytest.mark.parametrize("shape", [(400, 300), (64, 32, 3, 3), (50, 20, 5)])
@pytest.mark.parametrize("gain", [1.0, np.sqrt(2)])
def test_fan_based_statistics(shape, gain):
    fan_in, fan_out = _fans(shape)
    b = gain * np.sqrt(6 / (fan_in + fan_out))
    w = I.glorot_uniform(shape, gain=gain, rng=0).data
    assert np.abs(w).max() <= b
    np.testing.assert_allclose(w.std(), b / np.sqrt(3), rtol=0.03)
    # glorot_normal: the same fans as glorot_uniform, receptive field included (fixed)
    w = I.glorot_normal(shape, gain=gain, rng=0).data
    np.testing.assert_allclose(w.std(), gain * np.sqrt(2 / (fan_in + fan_out)), rtol=0.03)
    w = I.he_normal(shape, gain=gain, rng=0).data
    np.testing.assert_allclose(w.std(), gain / np.sqrt(fan_in), rtol=0.03)
    # he_uniform: bound gain * sqrt(3 / fan_in) (fixed), so its std matches he_normal's
    w = I.he_uniform(shape, gain=gain, rng=0).data
    assert np.abs(w).max() <= gain * np.sqrt(3 / fan_in)
    np.testing.assert_allclose(np.abs(w).max(), gain * np.sqrt(3 / fan_in), rtol=0.02)
    np.testing.assert_allclose(w.std(), gain / np.sqrt(fan_in), rtol=0.03)


def test_he_uniform_bound_of_the_reference_example_is_fixed():
    w = I.he_uniform(1000, 100, rng=0).data
    assert 0.17 < np.abs(w).max() <= np.sqrt(3 / 100)  # the reference's bound was about 5.77


def test_constant_is_numpys_full():
    c = I.constant(2, 3, value=1)
    assert c.dtype == np.int64 and c.constant  # like np.full(shape, 1)
    np.testing.assert_array_equal(c.data, np.ones((2, 3)))
    c = I.constant((2,), value=0.5, dtype=np.float32)
    assert c.dtype == np.float32 and not c.constant
    np.testing.assert_array_equal(I.constant(3).data, [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(I.constant(2, value=mg.tensor(2.5)).data, [2.5, 2.5])


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 3), (4, 2, 3, 5), (3, 3, 4)])
def test_dirac(shape):
    d = I.dirac(*shape).data
    expected = np.zeros(shape, dtype=np.float32)
    for i in range(min(shape[:2])):
        expected[(i, i, *(s // 2 for s in shape[2:]))] = 1
    np.testing.assert_array_equal(d, expected)


def test_validation():
    with pytest.raises(ValueError, match="lower_bound"):
        I.uniform(2, 2, lower_bound=1, upper_bound=1)
    with pytest.raises(ValueError, match="std"):
        I.normal(2, 2, std=-1)
    with pytest.raises(ValueError, match="gain"):
        I.he_normal(2, 2, gain=-1)
    with pytest.raises(TypeError, match="gain"):
        I.glorot_uniform(2, 2, gain="1")
    for name in RANDOM:
        with pytest.raises(ValueError, match="floating"):
            getattr(I, name)(2, 2, dtype=np.int32)
    with pytest.raises(TypeError, match="integers"):
        I.normal(2.0, 3)
    with pytest.raises(TypeError, match="integers"):
        I.normal((2, "3"))
    with pytest.raises(ValueError, match="negative"):
        I.uniform(2, -3)
    with pytest.raises(TypeError, match="rng"):
        I.normal(2, rng="seed")
    with pytest.raises(TypeError, match="rng"):
        I.normal(2, rng=1.5)


def test_empty_shapes_do_not_divide_by_zero():
    for name in FAN_BASED:
        assert getattr(I, name)(0, 3).shape == (0, 3)
        assert getattr(I, name)(3, 0, 2).shape == (3, 0, 2)
