"""sliding_window_view: windows over trailing axes, against a loop, and its argument checks."""

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mygrad as mg
from mygrad.nnet.layers.utils import sliding_window_view


def loop_windows(x, window, step, dilation):
    """(grid..., leading..., window...) built one window at a time."""
    k = len(window)
    sizes = x.shape[x.ndim - k:]
    grid = [(n - ((w - 1) * d + 1)) // s + 1 for n, w, s, d in zip(sizes, window, step, dilation)]
    out = np.empty((*grid, *x.shape[: x.ndim - k], *window), dtype=x.dtype)
    for pos in itertools.product(*map(range, grid)):
        for off in itertools.product(*map(range, window)):
            idx = tuple(p * s + o * d for p, o, s, d in zip(pos, off, step, dilation))
            out[(*pos, ..., *off)] = x[(..., *idx)]
    return out


@st.composite
def cases(draw):
    shape = tuple(draw(st.lists(st.integers(1, 6), min_size=1, max_size=4)))
    k = draw(st.integers(1, len(shape)))
    window, step, dilation = [], [], []
    for n in shape[len(shape) - k:]:
        d = draw(st.integers(1, 3))
        w = draw(st.integers(1, max(1, (n - 1) // d + 1)))
        window.append(w)
        dilation.append(d)
        step.append(draw(st.integers(1, 3)))
    return shape, tuple(window), tuple(step), tuple(dilation)


@given(case=cases(), data=st.data())
def test_matches_a_loop_over_windows(case, data):
    shape, window, step, dilation = case
    x = np.arange(int(np.prod(shape))).reshape(shape)
    if data.draw(st.booleans(), label="non-contiguous"):
        x = np.asfortranarray(x)
    got = sliding_window_view(x, window, step, dilation)
    np.testing.assert_array_equal(got, loop_windows(x, window, step, dilation))
    assert not got.flags.writeable
    assert np.shares_memory(got, x)  # a view, even of a non-contiguous array


def test_int_arguments_and_default_dilation():
    x = np.arange(12.0).reshape(3, 4)
    a = sliding_window_view(x, (2,), 1)
    b = sliding_window_view(x, [2], [1], dilation=1)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (3, 3, 2)
    np.testing.assert_array_equal(a[2, 1], [6.0, 7.0])  # window 2 of row 1


def test_window_that_exactly_spans_the_axis():
    w = sliding_window_view(np.arange(5), (3,), 1, dilation=2)
    np.testing.assert_array_equal(w, [[0, 2, 4]])


def test_exported_at_top_level_and_in_layers_utils():
    assert mg.sliding_window_view is sliding_window_view
    assert mg.nnet.layers.utils.sliding_window_view is sliding_window_view


@pytest.mark.parametrize(
    "args, error",
    [
        # MyGrad 2.x's error types: the window must be a sequence of positive
        # ints (TypeError, also for a bare int); bad entries of a step or
        # dilation sequence are ValueErrors, a scalar that is no int a TypeError
        (((2.0,), 1), TypeError),
        (((True,), 1), TypeError),
        (("ab", 1), TypeError),
        ((None, 1), TypeError),
        ((2, 1), TypeError),
        (((0,), 1), TypeError),
        (((-1, 2), 1), TypeError),
        (((2,), 1.5), TypeError),
        (((2,), 1, 1.0), TypeError),
        (((2,), (1.5,)), ValueError),
        (((2,), 1, (1.5,)), ValueError),
        (((2,), (0,)), ValueError),
        (((2,), 0), ValueError),
        (((2,), 1, 0), ValueError),
        (((), 1), ValueError),  # no window
        (((2, 2, 2), 1), ValueError),  # more window axes than array axes
        (((2, 2), (1,)), ValueError),  # step length mismatch
        (((2,), (1, 1)), ValueError),
        (((2,), 1, (1, 1)), ValueError),
        (((5,), 1), ValueError),  # larger than the axis
        (((3,), 1, 2), ValueError),  # dilated: spans 5 > 4
    ],
)
def test_validation(args, error):
    with pytest.raises(error):
        sliding_window_view(np.zeros((3, 4)), *args)
