"""Splitting tensors (split, array_split, hsplit, vsplit, dsplit): lists of
views like NumPy's, gradients through the pieces, writes through a piece."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mygrad as mg
from mygrad.testing import check_grad

SPLITTERS = {
    "split": (0, None),
    "array_split": (0, None),
    "hsplit": (1, 1),
    "vsplit": (2, 0),
    "dsplit": (3, 2),
}


@st.composite
def split_cases(draw, name):
    """``(shape, indices_or_sections, kwargs)`` valid for NumPy's ``name``."""
    min_ndim, fixed_axis = SPLITTERS[name]
    ndim = draw(st.integers(max(min_ndim, 1), 3))
    shape = tuple(draw(st.integers(0 if i else 1, 4)) for i in range(ndim))
    kwargs = {}
    if fixed_axis is None:
        axis = draw(st.integers(-ndim, ndim - 1))
        kwargs["axis"] = axis
    else:
        axis = fixed_axis if ndim > 1 or name != "hsplit" else 0
    n = shape[axis]
    if draw(st.booleans()):  # split points (any ints: sliced like Python sequences)
        how = sorted(draw(st.lists(st.integers(-5, 6), max_size=3)))
    elif name == "array_split":
        how = draw(st.integers(1, 5))
    else:  # equal sections
        how = draw(st.sampled_from([d for d in range(1, 6) if n % d == 0]))
    return shape, how, kwargs


@pytest.mark.parametrize("name", list(SPLITTERS))
@given(data=st.data())
@settings(max_examples=20)
def test_pieces_are_numpys_as_views_with_gradients(name, data):
    shape, how, kwargs = data.draw(split_cases(name), label="case")
    arr = data.draw(st.sampled_from([np.float16, np.float32, np.float64]), label="dtype")
    a = np.arange(np.prod(shape), dtype=arr).reshape(shape)
    x = mg.tensor(a)
    pieces = getattr(mg, name)(x, how, **kwargs)
    expected = getattr(np, name)(a, how, **kwargs)
    assert isinstance(pieces, list) and len(pieces) == len(expected)
    seed = []
    for p, e in zip(pieces, expected):
        assert isinstance(p, mg.Tensor) and p.dtype == e.dtype
        np.testing.assert_array_equal(p.data, e)
        if p.size:
            assert p.base is x and np.shares_memory(p, x)
        seed.append(np.full(p.shape, len(seed) + 1.0))
    # NumPy dispatches to mygrad for tensors
    assert all(isinstance(p, mg.Tensor) for p in getattr(np, name)(x, how, **kwargs))
    # each element's gradient comes from the piece that holds it
    total = mg.zeros(()) + sum(mg.sum(p * s) for p, s in zip(pieces, seed))
    total.backward()
    expected_grad = np.zeros(shape)
    for e, s in zip(getattr(np, name)(expected_grad, how, **kwargs), seed):
        e += s  # (views of expected_grad; negative split points can make pieces overlap)
    np.testing.assert_array_equal(x.grad, expected_grad)


def test_gradients_against_finite_differences():
    def f(x):
        a, b, c = mg.array_split(x, 3, axis=1)
        return mg.sum(a * b[:, :1]) + mg.sum(c ** 2)

    check_grad(f, np.arange(1., 13.).reshape(3, 4) / 7)


def test_writing_into_a_piece_writes_into_the_input_and_backprop_stays_right():
    def f(x):
        y = x * 1.0
        top, bottom = mg.vsplit(y, 2)
        before = mg.sum(top * bottom)  # read before the write
        bottom[...] = top * 3.0  # through the view, into y
        return before + mg.sum(y * y)

    a = np.array([[1., 2.], [3., 4.]])
    check_grad(f, a)
    x = mg.tensor(a)
    y = x * 1.0
    _, bottom = mg.vsplit(y, 2)
    bottom[...] = 0.0
    np.testing.assert_array_equal(y.data, [[1., 2.], [0., 0.]])


def test_pieces_of_an_array_are_constant_views():
    a = np.arange(4.)
    pieces = mg.split(a, 2)
    assert all(p.constant for p in pieces)
    assert all(np.shares_memory(p, a) for p in pieces)


def test_constant_flag():
    x = mg.tensor(np.arange(4.))
    assert all(p.constant for p in mg.split(x, 2, constant=True))
    assert not any(p.constant for p in mg.split(x, 2))


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda: mg.split(mg.arange(5.), 2), ValueError),
        (lambda: mg.array_split(mg.arange(5.), 0), ValueError),
        (lambda: mg.split(mg.arange(4.), 2, axis=1), np.exceptions.AxisError),
        (lambda: mg.hsplit(mg.tensor(1.), 1), ValueError),
        (lambda: mg.vsplit(mg.arange(4.), 2), ValueError),
        (lambda: mg.dsplit(mg.ones((2, 2)), 2), ValueError),
    ],
)
def test_numpys_errors(call, error):
    with pytest.raises(error):
        call()
