"""conv_nd: forward against a direct loop, gradients against finite differences
(with bias and groups), dtypes, argument checks, 2.x import paths."""

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mygrad as mg
from mygrad.nnet.layers.conv import conv_nd
from mygrad.testing import check_grad, check_op


def loop_conv(x, w, stride, padding, dilation, bias=None, groups=1):
    """One output element at a time (float64)."""
    nd = x.ndim - 2
    xp = np.pad(x.astype(np.float64), [(0, 0), (0, 0)] + [(p, p) for p in padding])
    N, C = x.shape[:2]
    F, Cg = w.shape[:2]
    kernel = w.shape[2:]
    grid = [(n - ((k - 1) * d + 1)) // s + 1 for n, k, s, d in zip(xp.shape[2:], kernel, stride, dilation)]
    out = np.zeros((N, F, *grid))
    for n, f in itertools.product(range(N), range(F)):
        group = f // (F // groups)
        for pos in itertools.product(*map(range, grid)):
            total = 0.0 if bias is None else float(bias[f])
            for c in range(Cg):
                for off in itertools.product(*map(range, kernel)):
                    idx = tuple(p * s + o * d for p, o, s, d in zip(pos, off, stride, dilation))
                    total += xp[(n, group * Cg + c, *idx)] * w[(f, c, *off)]
            out[(n, f, *pos)] = total
    assert out.ndim == nd + 2
    return out


@st.composite
def conv_cases(draw, max_dims=3):
    nd = draw(st.integers(1, max_dims))
    groups = draw(st.sampled_from([1, 1, 2]))
    N = draw(st.integers(1, 2))
    C = groups * draw(st.integers(1, 2))
    F = groups * draw(st.integers(1, 2))
    kernel, spatial, stride, padding, dilation = [], [], [], [], []
    for _ in range(nd):
        k, d, p, s = (draw(st.integers(1, 3)), draw(st.integers(1, 2)), draw(st.integers(0, 1)),
                      draw(st.integers(1, 3)))
        span = (k - 1) * d + 1
        g = draw(st.integers(1, 3 if nd < 3 else 2))
        spatial.append(max(1, span + (g - 1) * s - 2 * p))
        if spatial[-1] + 2 * p < span or (spatial[-1] + 2 * p - span) % s:
            p = 0
            spatial[-1] = span + (g - 1) * s
        kernel.append(k)
        stride.append(s)
        padding.append(p)
        dilation.append(d)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.uniform(-2, 2, (N, C, *spatial))
    w = rng.uniform(-2, 2, (F, C // groups, *kernel))
    bias = rng.uniform(-2, 2, (F,)) if draw(st.booleans()) else None
    return x, w, dict(stride=tuple(stride), padding=tuple(padding), dilation=tuple(dilation), groups=groups), bias


@given(case=conv_cases())
def test_forward_matches_a_direct_loop(case):
    x, w, kw, bias = case
    out = conv_nd(x, w, bias=bias, **kw)
    expected = loop_conv(x, w, kw["stride"], kw["padding"], kw["dilation"], bias, kw["groups"])
    assert out.shape == expected.shape
    assert out.data.flags.c_contiguous
    np.testing.assert_allclose(out.data, expected, rtol=1e-12, atol=1e-12)


@given(case=conv_cases(max_dims=2))
def test_gradients_with_bias_and_groups(case):
    x, w, kw, bias = case
    if bias is None:
        check_grad(lambda x, w: conv_nd(x, w, **kw), x, w)
    else:
        check_grad(lambda x, w, b: conv_nd(x, w, bias=b, **kw), x, w, bias)


def test_conformance():
    check_op(mg.nnet.conv_nd)


def test_documented_example_values():
    x = mg.tensor(np.arange(16.0).reshape(1, 1, 4, 4))
    w = mg.tensor([[[[1.0, 0.0], [0.0, -1.0]]]])
    out = conv_nd(x, w, stride=2)
    np.testing.assert_array_equal(out.data, [[[[-5.0, -5.0], [-5.0, -5.0]]]])
    out.backward()
    np.testing.assert_array_equal(x.grad[0, 0], np.tile([[1.0, 0.0], [0.0, -1.0]], (2, 2)))
    np.testing.assert_array_equal(w.grad[0, 0], [[0 + 2 + 8 + 10, 1 + 3 + 9 + 11], [4 + 6 + 12 + 14, 5 + 7 + 13 + 15]])


def test_dilated_window_that_exactly_spans_the_input_is_valid():
    # the reference library demanded W * D <= X here; the output size formula gives 1
    x = mg.tensor(np.arange(5.0).reshape(1, 1, 5))
    out = conv_nd(x, np.ones((1, 1, 3)), stride=1, dilation=2)
    np.testing.assert_array_equal(out.data, [[[0.0 + 2.0 + 4.0]]])
    out.backward()
    np.testing.assert_array_equal(x.grad, [[[1.0, 0.0, 1.0, 0.0, 1.0]]])


def test_depthwise_groups():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 3, 5, 5))
    w = rng.normal(size=(3, 1, 3, 3))
    out = conv_nd(x, w, stride=1, groups=3)
    for c in range(3):
        single = conv_nd(x[:, c:c + 1], w[c:c + 1], stride=1)
        np.testing.assert_allclose(out.data[:, c], single.data[:, 0], rtol=1e-12)


def test_one_by_one_kernel_does_not_write_into_its_input():
    # the windows of a 1x1 kernel with stride 1 are the input itself
    xa = np.arange(8.0).reshape(1, 2, 4)
    x = mg.tensor(xa)
    w = mg.tensor(np.array([[[2.0], [3.0]]]))
    out = conv_nd(x, w, stride=1)
    out.backward(np.ones((1, 1, 4)))
    np.testing.assert_array_equal(x.data, xa)
    np.testing.assert_array_equal(x.grad, [[[2.0] * 4, [3.0] * 4]])
    np.testing.assert_array_equal(w.grad, [[[6.0], [22.0]]])


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    x = mg.tensor(np.ones((2, 2, 4, 4), dtype=dtype))
    w = mg.tensor(np.ones((3, 2, 3, 3), dtype=dtype))
    b = mg.tensor(np.ones(3, dtype=dtype))
    out = conv_nd(x, w, stride=1, padding=1, bias=b)
    assert out.dtype == dtype
    out.backward()
    assert x.grad.dtype == w.grad.dtype == b.grad.dtype == dtype
    assert out.data[0, 0, 1, 1] == 2 * 9 + 1


def test_mixed_dtypes_promote_like_numpy():
    out = conv_nd(np.ones((1, 1, 3), np.float32), mg.tensor(np.ones((1, 1, 2))), stride=1)
    assert out.dtype == np.float64


def test_constant_rules_and_seed_untouched():
    x = mg.tensor(np.ones((1, 1, 3)), constant=True)
    w = mg.tensor(np.ones((1, 1, 2)), constant=True)
    assert conv_nd(x, w, stride=1).constant
    w2 = mg.tensor(np.ones((1, 1, 2)))
    out = conv_nd(x, w2, stride=1)
    seed = np.array([[[1.0, 2.0]]])
    out.backward(seed)
    assert x.grad is None
    np.testing.assert_array_equal(w2.grad, [[[3.0, 3.0]]])
    np.testing.assert_array_equal(seed, [[[1.0, 2.0]]])
    assert conv_nd(x, w2, stride=1, constant=True).constant


def test_import_paths():
    from mygrad.nnet import conv_nd as a
    from mygrad.nnet.layers import conv_nd as b

    assert a is b is conv_nd is mg.nnet.layers.conv_nd


X3 = np.zeros((1, 2, 5))
W3 = np.zeros((3, 2, 2))


@pytest.mark.parametrize(
    "x, w, kwargs, error, match",
    [
        (np.zeros((2, 5)), np.zeros((1, 5)), dict(stride=1), ValueError, "at least one spatial axis"),
        (X3, np.zeros((3, 2, 2, 2)), dict(stride=1), ValueError, "as many axes"),
        (X3, np.zeros((3, 1, 2)), dict(stride=1), ValueError, "channel"),
        (X3, W3, dict(stride=1, groups=2), ValueError, "must divide"),
        (X3, W3, dict(stride=1, groups=0), ValueError, "groups"),
        (X3, W3, dict(stride=1, groups=1.0), TypeError, "groups"),
        (X3, W3, dict(stride=1, bias=np.zeros(2)), ValueError, "bias"),
        (X3, W3, dict(stride=2), ValueError, r"input \(5,\), stride \(2,\), kernel \(2,\), padding \(0,\)"),
        (X3, W3, dict(stride=1, dilation=5), ValueError, "positive integer"),
        (X3, W3, dict(stride=0), ValueError, "stride"),
        (X3, W3, dict(stride=1, padding=-1), ValueError, "padding"),
        (X3, W3, dict(stride=1, dilation=0), ValueError, "dilation"),
        (X3, W3, dict(stride=(1, 1)), ValueError, "stride"),
        (X3, W3, dict(stride=1.0), TypeError, "stride"),
        (X3, W3, dict(), TypeError, "stride"),
    ],
)
def test_validation(x, w, kwargs, error, match):
    with pytest.raises(error, match=match):
        conv_nd(mg.tensor(x), w, **kwargs)


def test_filter_gradient_after_the_column_memory_was_reused():
    from mygrad_ops_nnet.layers.conv import ConvND

    rng = np.random.default_rng(3)
    x, w = mg.tensor(rng.normal(size=(2, 2, 6))), mg.tensor(rng.normal(size=(3, 2, 2)))
    g = rng.normal(size=(2, 3, 4))
    op = ConvND()
    op(x, w, stride=2, padding=1, dilation=1, groups=1)
    op.dw = None
    before = op.backward_var(g, 1)
    dx = op.backward_var(g, 0)  # writes over the kept column matrices
    np.testing.assert_allclose(op.backward_var(g, 1), before)  # recomputed from x
    np.testing.assert_allclose(op.backward_var(g, 0), dx)
