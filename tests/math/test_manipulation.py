"""repeat, tile, roll, flip, fliplr, flipud, rot90, sort, copy, diff,
ediff1d: conformance (forward against NumPy, gradients against finite
differences), views where NumPy gives views (shared memory, ``.base``,
writes through the view, then backprop), NumPy's errors and dtypes."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mygrad as mg
from mygrad.plugin import composite_op
from mygrad.testing import check_grad, check_op

OPS = ["repeat", "tile", "roll", "flip", "fliplr", "flipud", "rot90", "sort", "copy", "diff", "ediff1d"]


@pytest.mark.parametrize("name", OPS)
def test_conformance(name):
    check_op(getattr(mg, name), max_examples=15)


# ------------------------------------------------------------------- views
VIEWS = {
    "flip": lambda t: np.flip(t, axis=0),
    "flip_all": lambda t: np.flip(t),
    "fliplr": np.fliplr,
    "flipud": np.flipud,
    "rot90": np.rot90,
    "rot90_k2": lambda t: np.rot90(t, 2, axes=(1, 0)),
    "rot90_k3": lambda t: np.rot90(t, -1),
}


@pytest.mark.parametrize("name", list(VIEWS))
def test_view_shares_memory_and_writes_through(name):
    f = VIEWS[name]
    x = mg.tensor(np.arange(6.).reshape(2, 3))
    v = f(x)
    assert isinstance(v, mg.Tensor)
    assert v.base is x and np.shares_memory(v, x)
    np.testing.assert_array_equal(v.data, f(np.arange(6.).reshape(2, 3)))
    v[0] = -1.0  # like NumPy: the write shows in the base
    expected = np.arange(6.).reshape(2, 3)
    f(expected)[0] = -1.0
    np.testing.assert_array_equal(x.data, expected)


@pytest.mark.parametrize("name", list(VIEWS))
def test_backprop_through_a_written_view(name):
    f = VIEWS[name]
    weights = np.arange(1., 7.).reshape(2, 3)

    def loss(x):
        y = x * 1.0
        v = f(y)
        before = v * v  # read before the write
        v[0] = v[0] * 2.0 + 1.0  # in place through the view, into y
        return mg.sum(before) + mg.sum(y * weights) + mg.sum(v ** 3)

    check_grad(loss, np.linspace(-1., 1., 6).reshape(2, 3))


@pytest.mark.parametrize("name", list(VIEWS))
def test_view_gradient_is_a_view_of_the_base_gradient(name):
    x = mg.tensor(np.arange(6.).reshape(2, 3))
    v = VIEWS[name](x)
    (x * x).backward()
    np.testing.assert_array_equal(v.grad, VIEWS[name](x.grad))
    assert np.shares_memory(v.grad, x.grad)


def test_roll_sort_copy_and_diff_are_not_views():
    x = mg.tensor([[3., 1., 2.]])
    for out in (mg.roll(x, 1), mg.sort(x), mg.copy(x), np.copy(x), mg.diff(x), mg.repeat(x, 1), mg.tile(x, 1)):
        assert out.base is None and not np.shares_memory(out, x)


# ------------------------------------------------------------- sort ties
@pytest.mark.parametrize("kind", ["stable", "quicksort", "heapsort"])
@given(data=st.data())
@settings(max_examples=15)
def test_sort_routes_ties_like_argsort(kind, data):
    a = np.array(data.draw(st.lists(st.sampled_from([0., 1., 2.]), min_size=1, max_size=12)))
    x = mg.tensor(a)
    seed = np.arange(1., a.size + 1)
    mg.sort(x, kind=kind).backward(seed)
    expected = np.empty_like(seed)
    expected[np.argsort(a, kind=kind)] = seed
    np.testing.assert_array_equal(x.grad, expected)


def test_sort_along_every_axis_and_flattened():
    a = np.random.default_rng(0).permutation(24).reshape(2, 3, 4) / 10
    for axis in (None, 0, 1, -1):
        check_grad(lambda x: mg.sort(x, axis=axis), a, seed=np.arange(24.).reshape(np.sort(a, axis).shape))


# ------------------------------------------------------------ repeat, tile
def test_repeat_counts_per_element_with_zeros():
    x = mg.tensor([[1., 2., 3.], [4., 5., 6.]])
    y = mg.repeat(x, [2, 0, 3], axis=1)
    np.testing.assert_array_equal(y.data, np.repeat(x.data, [2, 0, 3], axis=1))
    y.backward(np.arange(10.).reshape(2, 5))
    np.testing.assert_array_equal(x.grad, [[1., 0., 9.], [11., 0., 24.]])
    check_grad(lambda t: mg.repeat(t, [1, 0, 2, 3, 0, 1]), x.data)


def test_repeat_and_tile_of_empty_and_zero_counts():
    x = mg.tensor(np.ones((2, 0)))
    mg.repeat(x, 3, axis=0).backward()
    assert x.grad.shape == (2, 0)
    y = mg.tensor([1., 2.])
    out = mg.tile(y, (0, 2))
    assert out.shape == (0, 4)
    out.backward()
    np.testing.assert_array_equal(y.grad, [0., 0.])


def test_tile_with_fewer_and_more_reps_than_dims():
    a = np.arange(6.).reshape(2, 3)
    check_grad(lambda t: mg.tile(t, 2), a)
    check_grad(lambda t: mg.tile(t, (2, 1, 2)), a)


# -------------------------------------------------------------- diff, ediff1d
def _diff_with_edges(draw):
    ndim = draw(st.integers(1, 3))
    shape = tuple(draw(st.integers(1, 3)) for _ in range(ndim))
    return shape, shape[:-1] + (draw(st.integers(1, 2)),), shape[:-1] + (draw(st.integers(1, 2)),)


diff_with_edges = composite_op(
    lambda a, before, after, **kw: mg.diff(a, prepend=before, append=after, **kw),
    name="diff_with_edges", namespaces=(),
    reference=lambda a, before, after, **kw: np.diff(a, prepend=before, append=after, **kw),
    conformance={"nin": 3, "shapes": _diff_with_edges, "kwargs": {"n": [1, 2, 4]}},
)

ediff1d_with_edges = composite_op(
    lambda a, begin, end: mg.ediff1d(a, to_end=end, to_begin=begin), name="ediff1d_with_edges", namespaces=(),
    reference=lambda a, begin, end: np.ediff1d(a, to_end=end, to_begin=begin), conformance={"nin": 3},
)


@pytest.mark.parametrize("decl", [diff_with_edges, ediff1d_with_edges], ids=lambda d: d.name)
def test_tensors_joined_to_the_differences_get_gradients(decl):
    check_op(decl, max_examples=15)


def test_diff_scalar_edges_are_broadcast():
    x, p = mg.tensor([[1., 2.], [4., 8.]]), mg.tensor(10.)
    out = mg.diff(x, axis=0, prepend=p)
    np.testing.assert_array_equal(out.data, np.diff(x.data, axis=0, prepend=10.))
    out.backward()
    np.testing.assert_array_equal(p.grad, -2.0)


def test_diff_edge_cases():
    x = mg.tensor([1., 2., 4.])
    assert mg.diff(x, n=0) is x
    out = mg.diff(x, n=5)  # every element differenced away
    assert out.shape == (0,)
    out.backward()
    np.testing.assert_array_equal(x.grad, [0., 0., 0.])
    with pytest.raises(ValueError, match="non-negative"):
        mg.diff(x, n=-1)
    with pytest.raises(ValueError, match="at least one dimensional"):
        mg.diff(mg.tensor(1.))
    with pytest.raises(TypeError):
        mg.diff(x, n=1.5)


def test_ediff1d_keeps_the_input_dtype():
    x = mg.tensor([1., 2., 4.], dtype=np.float32)
    out = np.ediff1d(x, to_begin=np.array([0.5]))  # float64 casts to float32 (same kind)
    assert out.dtype == np.float32
    with pytest.raises(TypeError, match="same_kind"):
        mg.ediff1d(mg.tensor([1, 2]), to_begin=0.5)


# --------------------------------------------------------------- dtypes
@pytest.mark.parametrize("name", OPS)
@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_dtype_is_kept(name, dtype):
    a = np.arange(6, dtype=dtype).reshape(2, 3)
    args = {"repeat": (2,), "tile": ((1, 2),), "roll": (1,)}.get(name, ())
    out = getattr(mg, name)(mg.tensor(a), *args)
    assert out.dtype == getattr(np, name)(a, *args).dtype == dtype
    out.backward()


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda: mg.fliplr(mg.ones(3)), ValueError),
        (lambda: mg.flipud(mg.tensor(1.)), ValueError),
        (lambda: mg.flip(mg.ones(3), axis=1), np.exceptions.AxisError),
        (lambda: mg.rot90(mg.ones((2, 2)), axes=(0, 0)), ValueError),
        (lambda: mg.rot90(mg.ones(2)), ValueError),
        (lambda: mg.repeat(mg.ones(3), -1), ValueError),
        (lambda: mg.repeat(mg.ones(3), [1, 2]), ValueError),
        (lambda: mg.roll(mg.ones(3), 1, axis=2), np.exceptions.AxisError),
        (lambda: mg.sort(mg.ones(3), axis=1), np.exceptions.AxisError),
        (lambda: mg.tile(mg.ones(3), -1), ValueError),
    ],
)
def test_numpys_errors(call, error):
    with pytest.raises(error):
        call()
