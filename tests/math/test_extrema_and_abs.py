"""The math pack's maximum, minimum, clip and absolute/abs: forward
against NumPy, gradients against finite differences, the tie conventions
(half the gradient to each side / at the clip bounds), ``nan_to_num``, Tensor
methods/operators, NumPy dispatch, dtypes and ``mygrad.math`` access."""

import hypothesis.extra.numpy as hnp
import inspect

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mygrad as mg
from mygrad.testing import check_grad, check_plugin
from mygrad.testing import strategies as mst

DTYPES = [np.float16, np.float32, np.float64]


def floats(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def lattice(shape, offset):
    """Arrays of multiples of 0.5 plus ``offset``: two lattices with different
    offsets never tie, and their points are far apart (no near-ties)."""
    return hnp.arrays(np.int64, shape, elements=st.integers(-8, 8)).map(lambda a: a * 0.5 + offset)


# ------------------------------------------------------- maximum / minimum
@pytest.mark.parametrize("name", ["maximum", "minimum"])
@given(data=st.data(), shapes=mst.broadcastable_shapes(2, max_dims=3, max_side=3), dtype=st.sampled_from(DTYPES))
def test_maximum_minimum_forward(name, data, shapes, dtype):
    x = data.draw(hnp.arrays(dtype, shapes[0], elements=floats(-4, 4)), label="x")
    y = data.draw(hnp.arrays(dtype, shapes[1], elements=floats(-4, 4)), label="y")
    out = getattr(mg, name)(mg.tensor(x), mg.tensor(y))
    expected = getattr(np, name)(x, y)
    assert out.dtype == expected.dtype == dtype
    np.testing.assert_array_equal(out.data, expected)


@pytest.mark.parametrize("name", ["maximum", "minimum"])
@given(data=st.data(), shapes=mst.broadcastable_shapes(2, max_dims=3, max_side=3))
def test_maximum_minimum_gradients(name, data, shapes):
    x = data.draw(lattice(shapes[0], 0.0), label="x")
    y = data.draw(lattice(shapes[1], 0.25), label="y")
    seed = data.draw(mst.seeds(np.broadcast_shapes(*shapes)), label="seed")
    check_grad(getattr(mg, name), x, y, seed=seed)


def test_maximum_minimum_ties_split_the_gradient():
    # at a tie each side gets half (MyGrad 2.x gives 0 to both)
    x = mg.tensor([1.0, 2.0, 3.0])
    y = mg.tensor([1.0, 5.0, 0.0])
    mg.maximum(x, y).backward()
    np.testing.assert_array_equal(x.grad, [0.5, 0, 1])
    np.testing.assert_array_equal(y.grad, [0.5, 1, 0])
    mg.minimum(x, y).backward()
    np.testing.assert_array_equal(x.grad, [0.5, 1, 0])
    np.testing.assert_array_equal(y.grad, [0.5, 0, 1])


@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_tie_gradient_matches_central_differences(name):
    x = mg.tensor([2.0, -1.0])
    y = mg.tensor([2.0, -1.0])
    getattr(mg, name)(x, y).sum().backward()
    fn = getattr(np, name)
    h = 1e-6
    numeric = (fn(x.data + h, y.data) - fn(x.data - h, y.data)) / (2 * h)
    np.testing.assert_allclose(x.grad, numeric)


def test_maximum_with_scalar_and_broadcasting():
    x = mg.tensor([[-1.0, 2.0], [0.5, -3.0]])
    out = np.maximum(x, 0.0)
    np.testing.assert_array_equal(out.data, [[0, 2], [0.5, 0]])
    out.backward()
    np.testing.assert_array_equal(x.grad, [[0, 1], [1, 0]])
    b = mg.tensor([0.0, 1.0])
    mg.minimum(x, b).backward()
    np.testing.assert_array_equal(b.grad, [1, 1])


# -------------------------------------------------------------------- clip
@given(data=st.data(), shapes=mst.broadcastable_shapes(3, max_dims=3, max_side=3), dtype=st.sampled_from(DTYPES))
def test_clip_forward(data, shapes, dtype):
    a = data.draw(hnp.arrays(dtype, shapes[0], elements=floats(-4, 4)), label="a")
    lo = data.draw(hnp.arrays(dtype, shapes[1], elements=floats(-2, 0)), label="lo")
    hi = data.draw(hnp.arrays(dtype, shapes[2], elements=floats(0, 2)), label="hi")
    for args in [(lo, hi), (None, hi), (lo, None), (-1.0, 1.0)]:
        out = mg.clip(mg.tensor(a), *args)
        expected = np.clip(a, *args)
        assert out.dtype == expected.dtype, args
        np.testing.assert_array_equal(out.data, expected)


@given(data=st.data(), shapes=mst.broadcastable_shapes(3, max_dims=3, max_side=3))
def test_clip_gradients_with_tensor_bounds(data, shapes):
    # a and each bound on their own lattice: no ties; a_min > a_max occurs too
    a = data.draw(lattice(shapes[0], 0.0), label="a")
    lo = data.draw(lattice(shapes[1], 0.25), label="lo")
    hi = data.draw(lattice(shapes[2], 0.125), label="hi")
    seed = data.draw(mst.seeds(np.broadcast_shapes(*shapes)), label="seed")
    check_grad(mg.clip, a, lo, hi, seed=seed)
    check_grad(lambda t, u: mg.clip(t, None, u), a, hi)
    check_grad(lambda t, u: mg.clip(t, u, None), a, lo)


def test_clip_gradient_is_zero_beyond_and_half_at_the_bounds():
    x = mg.tensor([-2.0, 0.0, 0.5, 1.0, 3.0])
    out = mg.clip(x, 0, 1)
    np.testing.assert_array_equal(out.data, [0, 0, 0.5, 1, 1])
    out.backward()
    np.testing.assert_array_equal(x.grad, [0, 0.5, 1, 0.5, 0])


def test_clip_tensor_bounds_get_gradient_where_they_are_the_result():
    x = mg.tensor([-2.0, 0.0, 0.5, 1.0, 3.0])
    lo = mg.tensor([0.0, 0.0, 0.0, 2.0, 0.0])
    hi = mg.tensor(1.0)
    out = mg.clip(x, lo, hi)
    np.testing.assert_array_equal(out.data, [0, 0, 0.5, 1, 1])
    out.backward()
    np.testing.assert_array_equal(x.grad, [0, 0.5, 1, 0, 0])
    np.testing.assert_array_equal(lo.grad, [1, 0.5, 0, 0, 0])  # tie at x == lo: half each
    assert hi.grad == 2.0  # elements 3 (lo > hi) and 4


def test_clip_with_crossed_bounds_is_a_max_everywhere():
    x = mg.tensor([-1.0, 0.5, 4.0])
    lo, hi = mg.tensor(2.0), mg.tensor(1.0)
    out = mg.clip(x, lo, hi)
    np.testing.assert_array_equal(out.data, np.clip(x.data, 2.0, 1.0))
    out.backward()
    assert lo.grad == 0 and hi.grad == 3
    np.testing.assert_array_equal(x.grad, [0, 0, 0])


def test_clip_with_both_bounds_none_is_a_copy():
    x = mg.tensor([1.0, -2.0])
    out = mg.clip(x, None, None)
    assert out is not x and not np.shares_memory(out.data, x.data)
    np.testing.assert_array_equal(out.data, x.data)
    out.backward()
    np.testing.assert_array_equal(x.grad, [1, 1])
    np.testing.assert_array_equal(np.clip(x, None, None).data, x.data)


def test_clip_keyword_spellings_like_numpy():
    x = mg.tensor([-2.0, 0.5, 3.0])
    np.testing.assert_array_equal(mg.clip(x, min=0).data, [0, 0.5, 3])
    np.testing.assert_array_equal(mg.clip(x, max=1).data, [-2, 0.5, 1])
    if "min" in inspect.signature(np.clip).parameters:  # (NumPy >= 2.1)
        np.testing.assert_array_equal(mg.clip(x, min=0).data, np.clip(x.data, min=0))
        np.testing.assert_array_equal(np.clip(x, max=1).data, [-2, 0.5, 1])
    np.testing.assert_array_equal(x.clip(a_min=0, a_max=1).data, [0, 0.5, 1])
    with pytest.raises(ValueError):
        mg.clip(x, 0, 1, min=0)
    with pytest.raises(TypeError):
        mg.clip(x, 0)


def test_clip_out_and_where():
    x = mg.tensor([-2.0, 0.5, 3.0])
    target = mg.tensor([9.0, 9.0, 9.0])
    np.clip(x, 0, 1, out=target)
    np.testing.assert_array_equal(target.data, [0, 0.5, 1])
    target.backward()
    np.testing.assert_array_equal(x.grad, [0, 1, 0])
    arr = np.full(3, 7.0)
    mg.clip(x, 0, 1, out=arr, where=[True, False, True])
    np.testing.assert_array_equal(arr, [0, 7, 1])


def test_clip_method_and_dispatch():
    data = np.array([[-1.0, 0.25], [0.75, 2.0]])
    t = mg.tensor(data)
    for out in (t.clip(0, 1), np.clip(t, 0, 1), mg.math.clip(t, 0, 1)):
        assert isinstance(out, mg.Tensor)
        np.testing.assert_array_equal(out.data, np.clip(data, 0, 1))
    t.clip(0, 1).backward()
    np.testing.assert_array_equal(t.grad, [[0, 1], [1, 0]])


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_clip_keeps_low_precision(dtype):
    x = mg.tensor(np.array([-1.0, 0.5, 2.0], dtype=dtype))
    out = mg.clip(x, 0, 1)
    assert out.dtype == dtype
    out.backward()
    assert x.grad.dtype == dtype


def test_clip_constant():
    c = mg.tensor([1.0, 5.0], constant=True)
    assert mg.clip(c, 0, 2).constant
    x = mg.tensor([1.0, 5.0])
    assert mg.clip(x, 0, 2, constant=True).constant


# ---------------------------------------------------------------- absolute
@given(arr=hnp.arrays(np.float64, mst.shapes(max_dims=3, max_side=3), elements=floats(-5, 5)),
       dtype=st.sampled_from(DTYPES))
def test_absolute_forward(arr, dtype):
    arr = arr.astype(dtype)
    for out in (mg.absolute(mg.tensor(arr)), abs(mg.tensor(arr)), np.absolute(mg.tensor(arr)),
                np.abs(mg.tensor(arr)), mg.abs(mg.tensor(arr), nan_to_num=False)):
        assert out.dtype == dtype
        np.testing.assert_array_equal(out.data, np.abs(arr))


@given(arr=hnp.arrays(np.float64, mst.shapes(max_dims=3, max_side=3),
                      elements=floats(0.1, 5) | floats(-5, -0.1)))
def test_absolute_gradient_away_from_zero(arr):
    check_grad(mg.absolute, arr)
    check_grad(lambda t: mg.absolute(t, nan_to_num=False), arr)
    check_grad(lambda t: abs(t), arr)


def test_absolute_gradient_at_zero():
    x = mg.tensor([-2.0, 0.0, 3.0])
    mg.absolute(x).backward()
    np.testing.assert_array_equal(x.grad, [-1, 0, 1])
    abs(x).backward()
    np.testing.assert_array_equal(x.grad, [-1, 0, 1])
    np.absolute(x).backward()
    np.testing.assert_array_equal(x.grad, [-1, 0, 1])
    mg.absolute(x, nan_to_num=True).backward()
    np.testing.assert_array_equal(x.grad, [-1, 0, 1])
    mg.absolute(x, nan_to_num=False).backward()
    np.testing.assert_array_equal(x.grad, [-1, np.nan, 1])
    mg.abs(x, nan_to_num=False).backward()
    np.testing.assert_array_equal(x.grad, [-1, np.nan, 1])


def test_absolute_accepts_ufunc_keywords():
    x = mg.tensor([-2.0, 0.0, 3.0])
    target = np.zeros(3)
    mg.absolute(x, out=target, nan_to_num=False)
    np.testing.assert_array_equal(target, [2, 0, 3])
    y = mg.tensor([-1.0, -2.0])
    out = mg.absolute(y, dtype=np.float32)
    assert out.dtype == np.float32
    out.backward()
    np.testing.assert_array_equal(y.grad, [-1, -1])
    z = mg.tensor([-1.0, -2.0])
    w = z * 1
    np.absolute(w, out=w)
    np.testing.assert_array_equal(w.data, [1, 2])
    w.backward()
    np.testing.assert_array_equal(z.grad, [-1, -1])


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_absolute_keeps_low_precision(dtype):
    x = mg.tensor(np.array([-1.0, 0.0, 2.0], dtype=dtype))
    out = abs(x)
    assert out.dtype == dtype
    out.backward()
    assert x.grad.dtype == dtype


def test_absolute_of_constants_and_integers():
    assert abs(mg.tensor([-1.0], constant=True)).constant
    out = mg.absolute(mg.tensor([-3, 2]))
    assert out.constant and out.dtype == np.int64 or out.dtype == np.int_
    np.testing.assert_array_equal(out.data, [3, 2])
    assert mg.absolute(-2.0).item() == 2.0


# ------------------------------------------------------------- namespaces
@pytest.mark.parametrize("name", ["maximum", "minimum", "absolute", "abs"])
def test_ufuncs_are_published(name):
    op = getattr(mg, name)
    assert getattr(mg.math, name) is op
    assert isinstance(op, mg.ufunc)


def test_ufunc_attributes_and_aliases():
    assert mg.abs is mg.absolute
    assert mg.absolute.nin == 1 and mg.maximum.nin == 2 and mg.minimum.nout == 1
    assert repr(mg.absolute) == "<mygrad-ufunc 'absolute'>"
    assert repr(mg.maximum) == "<mygrad-ufunc 'maximum'>"
    assert mg.math.clip is mg.clip


def test_conformance_of_the_new_ops():
    new = ["maximum", "minimum", "clip", "absolute"]
    report = check_plugin("math", ops=new)
    assert sorted(report.checked) == sorted(new)
    assert not report.skipped
